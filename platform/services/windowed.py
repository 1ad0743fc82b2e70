"""A page of a list and its total in one statement, built once and run with bound values."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from skillbridge.platform.services import paging
from skillbridge.platform.services.paging import AnySelect, Page, clamp_page

T = TypeVar("T")


@dataclass(frozen=True)
class PagedStatement:
    """The statements of a list read on every request: one page with the total beside each row
    (`count(*) OVER ()`), and the count alone for a page asked past the end."""

    rows: AnySelect
    count: Select[int]


def paged(statement: AnySelect) -> PagedStatement:
    """The page and count statements of an ordered statement (a unique last sort key), its
    window the parameters `offset` and `limit`: built once, so that no request pays for
    building SQLAlchemy expressions and their cache keys again."""
    return PagedStatement(
        rows=statement.add_columns(func.count().over())
        .offset(bindparam("offset"))
        .limit(bindparam("limit")),
        count=select(func.count()).select_from(statement.subquery()),
    )


def page_of_rows(
    session: Session,
    statement: PagedStatement,
    values: Mapping[str, Any],
    page: int,
    row: Callable[[tuple[Any, ...]], T],
    per_page: int | None = None,
) -> Page[T]:
    """Page `page` (from 1, clamped) as paging.paginate() gives it, each row (without its total)
    turned into an item by `row`: one statement, two more for a page past the end."""
    per_page = per_page or paging.PAGE_SIZE
    page = max(page, 1)
    rows = _window(session, statement, values, page, per_page)
    if not rows and page > 1:
        total = session.scalar(statement.count, values) or 0
        page = clamp_page(page, total, per_page)
        rows = _window(session, statement, values, page, per_page)
    total = rows[0][-1] if rows else 0
    return Page([row(r[:-1]) for r in rows], page, per_page, total)


def _window(
    session: Session,
    statement: PagedStatement,
    values: Mapping[str, Any],
    page: int,
    per_page: int,
) -> list[Any]:
    window = {"offset": (page - 1) * per_page, "limit": per_page}
    return list(session.execute(statement.rows, {**values, **window}))
