"""Every list in pages: one count, one clamped page number, one window of rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
#: A statement and a row of any number of columns (SQLAlchemy types them by their columns).
AnySelect = Select[*tuple[Any, ...]]
AnyRow = Row[*tuple[Any, ...]]
U = TypeVar("U")

# Rows per page of every list: enough to scan at a glance, few enough to render at once.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with what the pager needs.

    `page` is always within 1..`pages`, and `pages` is at least 1 (an empty list has one
    empty page), so a template never has to guard against a page that does not exist.
    """

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(-(-self.total // self.per_page), 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def with_items(self, items: list[U]) -> Page[U]:
        """The same page carrying other items, for rows completed after the page was cut."""
        return Page(items, self.page, self.per_page, self.total)


def clamp_page(page: int, total: int, per_page: int) -> int:
    """The page to show for a requested number: below 1 is page 1, past the end the last page.

    Clamping rather than answering 404: lists shrink under their readers (claims get decided,
    findings resolved, filters narrowed), and a bookmarked or stale "page 7" should show the
    end of the list, not an error page.
    """
    if per_page < 1:
        raise ValueError(f"per_page must be positive, got {per_page}")
    last = max(-(-total // per_page), 1)
    return min(max(page, 1), last)


def paginate(
    session: Session,
    statement: AnySelect,
    page: int,
    row: Callable[[AnyRow], T],
    per_page: int | None = None,
) -> Page[T]:
    """Page `page` (from 1, clamped) of an ordered statement, each row turned into an item by `row`.

    The statement must carry its ORDER BY (with a unique last key), or pages may overlap.
    `per_page` defaults to PAGE_SIZE as it is at call time, so a test can shrink every list.
    """
    per_page = per_page or PAGE_SIZE
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = clamp_page(page, total, per_page)
    rows = session.execute(statement.offset((page - 1) * per_page).limit(per_page))
    return Page([row(r) for r in rows], page, per_page, total)


def page_of(items: list[T], page: int, per_page: int | None = None) -> Page[T]:
    """Page `page` of a list already in memory (built by rules the database cannot evaluate)."""
    per_page = per_page or PAGE_SIZE
    page = clamp_page(page, len(items), per_page)
    start = (page - 1) * per_page
    return Page(items[start : start + per_page], page, per_page, len(items))


def first_column(row: AnyRow) -> Any:
    """The row's only entity, for statements that select one model (`select(Model)`)."""
    return row[0]
