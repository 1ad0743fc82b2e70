"""The annual education-fund return: its figures hang together and agree with the ledger."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from skillbridge.models import EducationFundReturn
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.mentoring.agreements import record_agreement
from skillbridge.platform.services.mentoring.fund_returns import (
    ReturnInput,
    file_return,
    list_returns,
)
from skillbridge.platform.services.mentoring.ledger import EntryInput, record_allowance

from .conftest import agreement_input

TODAY = date(2026, 3, 1)
GOOD = ReturnInput(
    year=2025,
    payroll_yuan=10_000_000,
    extracted_yuan=150_000,
    spent_yuan=120_000,
    front_line_yuan=80_000,
    mentoring_yuan=4_800,
    school_enterprise_yuan=20_000,
)


def _count(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count(EducationFundReturn.id)))


def test_a_consistent_return_is_filed_and_listed_beside_the_ledger(session, shop) -> None:  # type: ignore[no-untyped-def]
    agreement = record_agreement(session, shop.hr, agreement_input(shop))
    for month in range(7, 13):
        record_allowance(
            session,
            shop.hr,
            agreement.id,
            EntryInput(date(2025, month, 1), 800, date(2025, month, 28)),
        )
    file_return(session, shop.hr, GOOD, TODAY)
    session.commit()
    [row] = list_returns(session, shop.hr).items
    assert (row.fund_return.mentoring_yuan, row.ledger_total_yuan) == (4_800, 4_800)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"front_line_yuan": 130_000}, "不能超过实际使用额"),
        ({"mentoring_yuan": 70_000}, "之和不能超过"),
        ({"payroll_yuan": 0}, "工资总额须大于0"),
        ({"year": 2027}, "年度须在"),
        ({"spent_yuan": -1}, "非负整数"),
    ],
)
def test_inconsistent_figures_are_refused_naming_the_field(session, shop, changes, reason) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        file_return(session, shop.hr, replace(GOOD, **changes), TODAY)
    assert any(reason in d for d in [refused.value.message, *refused.value.details])
    assert _count(session) == 0
    file_return(session, shop.hr, GOOD, TODAY)
    assert _count(session) == 1


def test_the_mentoring_part_cannot_be_below_the_ledger(session, shop) -> None:  # type: ignore[no-untyped-def]
    agreement = record_agreement(session, shop.hr, agreement_input(shop))
    record_allowance(
        session, shop.hr, agreement.id, EntryInput(date(2025, 7, 1), 6_000, date(2025, 7, 5))
    )
    with pytest.raises(InvalidInput, match="少于平台登记") as refused:
        file_return(session, shop.hr, GOOD, TODAY)
    assert "4800 < 6000" in refused.value.details[0]
    file_return(session, shop.hr, replace(GOOD, mentoring_yuan=6_000), TODAY)


def test_one_return_per_year_and_only_the_enterprise_files(session, shop, world) -> None:  # type: ignore[no-untyped-def]
    file_return(session, shop.hr, GOOD, TODAY)
    with pytest.raises(Conflict):
        file_return(session, shop.hr, GOOD, TODAY)
    file_return(session, shop.hr, replace(GOOD, year=2024), TODAY)
    for outsider in (shop.mentor_account, world.users["bureau"]):
        with pytest.raises(PermissionDenied):
            file_return(session, outsider, replace(GOOD, year=2023), TODAY)
    assert _count(session) == 2


def test_the_database_keeps_front_line_within_spent(session, shop) -> None:  # type: ignore[no-untyped-def]
    fund = file_return(session, shop.hr, GOOD, TODAY)
    session.commit()
    fund.front_line_yuan = GOOD.spent_yuan + 1
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    fund.front_line_yuan = GOOD.spent_yuan
    session.flush()
