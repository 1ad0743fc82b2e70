"""URL converters shared by every route."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from flask import url_for
from werkzeug.routing import IntegerConverter, Map

from skillbridge.platform.services.bounds import INTEGER_MAX

# Row ids are PostgreSQL `integer`s; a larger number in a URL can name no row.
MAX_ROW_ID = INTEGER_MAX
# What werkzeug leaves unquoted in a query string: a query appended here reads as url_for's.
QUERY_SAFE = "!$'()*,/:;?@"


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route, bounded to what an id column holds.

    Without the bound, /schools/99999999999999999999 reached the database and failed there
    ("integer out of range" on PostgreSQL, OverflowError on SQLite): a 500 instead of a 404.
    """

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


@dataclass(frozen=True)
class IdUrl:
    """The URL of an endpoint around its one row id, built once for a list: each row puts its
    id between the two parts rather than building its URL with url_for (some 40 calls each)."""

    before: str
    after: str

    def __call__(self, row_id: int) -> str:
        return f"{self.before}{row_id}{self.after}"


def id_url(endpoint: str, argument: str) -> IdUrl:
    """`endpoint`'s URL around its `argument` (a row id; any other arguments it needs are not
    supported)."""
    values: dict[str, Any] = {argument: MAX_ROW_ID}
    url = url_for(endpoint, **values)
    before, found, after = url.rpartition(str(MAX_ROW_ID))
    if not found:
        raise ValueError(f"{endpoint}'s URL does not show its {argument}: {url}")
    return IdUrl(before, after)


def url_prefix(endpoint: str, argument: str) -> str:
    """The URL of `endpoint` up to its `argument`, which must end it: a list appends each row's
    id to it rather than building 50 URLs with url_for (some 40 calls each)."""
    around = id_url(endpoint, argument)
    if around.after:
        raise ValueError(f"{endpoint}'s URL does not end with its {argument}: {around(MAX_ROW_ID)}")
    return around.before


def with_query(address: str, **args: object) -> str:
    """`address` (built once by url_for) with `args` appended as url_for appends the arguments
    its rule does not take, None left out: a list's rows link to one page with a few filters."""
    query = "&".join(
        f"{quote_plus(key, safe=QUERY_SAFE)}={quote_plus(str(value), safe=QUERY_SAFE)}"
        for key, value in args.items()
        if value is not None
    )
    return f"{address}?{query}" if query else address
