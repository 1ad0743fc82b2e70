"""Schemas every API resource shares: the error body, a page of a list, ids."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields, validate

from skillbridge.platform.routing import MAX_ROW_ID
from skillbridge.platform.services.paging import Page

ID_RANGE = validate.Range(min=1, max=MAX_ROW_ID)
PAGE_MAX = 1_000_000


def row_id(allow_none: bool = False, attribute: str | None = None) -> fields.Integer:
    """A row id, as the routes bound it, read from `attribute` when given."""
    return fields.Integer(
        required=True, validate=ID_RANGE, allow_none=allow_none, attribute=attribute
    )


class UtcDateTime(fields.AwareDateTime):
    """A moment stored in UTC, always answered with its offset."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # SQLite hands the stored UTC back without its zone
        return super()._serialize(value, attr, obj, **kwargs)


class ErrorSchema(Schema):
    """Every refusal: the message, what exactly was wrong (fields, rows, a scope), the status."""

    error = fields.String(required=True)
    details = fields.List(fields.String(), required=True)
    status = fields.Integer(required=True)


class PageArgsSchema(Schema):
    """Which page of a list; past the end the last page is served (the pages' rule)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=PAGE_MAX))


def page_schema(name: str, item: type[Schema]) -> type[Schema]:
    """The schema of one page of a list of `item`s."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "page": fields.Integer(required=True, validate=validate.Range(min=1)),
            "pages": fields.Integer(required=True, validate=validate.Range(min=1)),
            "total": fields.Integer(required=True, validate=validate.Range(min=0)),
        },
        name=name,
    )


def page_answer(found: Page[Any]) -> dict[str, Any]:
    """A page of a list as the page schemas spell it."""
    return {"items": found.items, "page": found.page, "pages": found.pages, "total": found.total}
