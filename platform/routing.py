"""URL converters shared by every route."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

from skillbridge.platform.services.bounds import INTEGER_MAX

# Row ids are PostgreSQL `integer`s; a larger number in a URL can name no row.
MAX_ROW_ID = INTEGER_MAX


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route, bounded to what an id column holds.

    Without the bound, /schools/99999999999999999999 reached the database and failed there
    ("integer out of range" on PostgreSQL, OverflowError on SQLite): a 500 instead of a 404.
    """

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)
