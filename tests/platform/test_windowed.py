"""A page and its total in one statement: the same pages as paginate(), at every edge."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from support import statements_sent

from skillbridge.models import Occupation
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services import windowed
from skillbridge.platform.services.paging import paginate

PREFIX = "窗口分页"
# Built once, as the lists build theirs: the prefix is a parameter.
STATEMENT = windowed.paged(
    select(Occupation.id)
    .where(Occupation.name.startswith(bindparam("prefix", type_=Occupation.name.type)))
    .order_by(Occupation.id.desc())
)


def _first(row: tuple[Any, ...]) -> int:
    return int(row[0])


@pytest.mark.parametrize("made", [0, 1, 10, 23])
def test_every_page_is_paginates_own(session: Session, factories: Factories, made: int) -> None:
    for _ in range(made):
        factories.occupation(PREFIX)
    session.flush()
    plain = (
        select(Occupation.id)
        .where(Occupation.name.startswith(PREFIX))
        .order_by(Occupation.id.desc())
    )
    for page in (-1, 0, 1, 2, 3, 4, 99):
        expected = paginate(session, plain, page, _first, per_page=10)
        got = windowed.page_of_rows(session, STATEMENT, {"prefix": PREFIX}, page, _first, 10)
        assert got == expected, (made, page)


def test_one_statement_unless_the_page_is_past_the_end(
    session: Session, factories: Factories
) -> None:
    for _ in range(3):
        factories.occupation(PREFIX)
    session.flush()
    with statements_sent(session) as statements:
        inside = windowed.page_of_rows(session, STATEMENT, {"prefix": PREFIX}, 2, _first, 2)
        assert (len(inside.items), inside.page, inside.total, len(statements)) == (1, 2, 3, 1)
        past = windowed.page_of_rows(session, STATEMENT, {"prefix": PREFIX}, 9, _first, 2)
        assert (len(past.items), past.page, past.total, len(statements)) == (1, 2, 3, 4)
