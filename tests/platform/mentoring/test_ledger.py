"""The 带徒津贴 ledger: one entry per agreement and month (the database's UNIQUE), inside the period."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from skillbridge.models import AllowanceEntry
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound
from skillbridge.platform.services.mentoring.agreements import record_agreement
from skillbridge.platform.services.mentoring.ledger import (
    EntryInput,
    enterprise_total,
    list_entries,
    months_paid,
    record_allowance,
)
from skillbridge.platform.services.mentoring.months import parse_month

from .conftest import agreement_input


@pytest.fixture
def agreement(session, shop):  # type: ignore[no-untyped-def]
    agreement = record_agreement(session, shop.hr, agreement_input(shop))
    session.commit()
    return agreement


def _entry(month: date, amount: int = 800) -> EntryInput:
    return EntryInput(month, amount, date(month.year, month.month, 28))


def test_the_database_refuses_a_second_entry_for_the_same_month(session, agreement) -> None:  # type: ignore[no-untyped-def]
    def add(month: date) -> None:
        session.add(
            AllowanceEntry(agreement_id=agreement.id, month=month, amount_yuan=800, paid_on=month)
        )
        session.flush()

    add(date(2025, 7, 1))
    add(date(2025, 8, 1))  # the positive control: another month is fine
    session.commit()
    with pytest.raises(IntegrityError):
        add(date(2025, 7, 1))
    session.rollback()
    assert session.scalar(select(func.count(AllowanceEntry.id))) == 2


def test_the_service_answers_a_duplicate_month_with_a_conflict(session, shop, agreement) -> None:  # type: ignore[no-untyped-def]
    record_allowance(session, shop.hr, agreement.id, _entry(date(2025, 7, 1)))
    session.commit()
    with pytest.raises(Conflict, match="已登记"):
        record_allowance(session, shop.hr, agreement.id, _entry(date(2025, 7, 1)))
    session.rollback()
    record_allowance(session, shop.hr, agreement.id, _entry(date(2025, 8, 1)))
    session.commit()
    assert months_paid(session, agreement) == 2
    assert [e.month.month for e in list_entries(session, shop.hr, agreement.id).items] == [8, 7]


@pytest.mark.parametrize("month", [date(2025, 6, 1), date(2026, 7, 1)])
def test_months_outside_the_period_are_refused(session, shop, agreement, month) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match="不在协议期限内"):
        record_allowance(session, shop.hr, agreement.id, _entry(month))
    for edge in (date(2025, 7, 1), date(2026, 6, 1)):  # first and last months are inside
        record_allowance(session, shop.hr, agreement.id, _entry(edge))
    assert months_paid(session, agreement) == 2


def test_amount_and_payment_day_are_validated(session, shop, agreement) -> None:  # type: ignore[no-untyped-def]
    bad = EntryInput(date(2025, 9, 1), 0, date(2025, 8, 31))
    with pytest.raises(InvalidInput) as refused:
        record_allowance(session, shop.hr, agreement.id, bad)
    assert len(refused.value.details) == 2
    record_allowance(
        session, shop.hr, agreement.id, EntryInput(date(2025, 9, 1), 900, date(2025, 9, 1))
    )
    assert enterprise_total(session, shop.mentor.enterprise_id, 2025) == 900
    assert enterprise_total(session, shop.mentor.enterprise_id, 2026) == 0


def test_another_enterprise_cannot_see_or_write_the_ledger(session, shop, agreement) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        record_allowance(session, shop.other_hr, agreement.id, _entry(date(2025, 7, 1)))
    with pytest.raises(NotFound):
        list_entries(session, shop.mentor_account, agreement.id)
    record_allowance(session, shop.hr, agreement.id, _entry(date(2025, 7, 1)))


@pytest.mark.parametrize("raw", ["2025-13", "2025-7", "July", "0999-01"])
def test_months_are_typed_as_yyyy_mm(raw) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        parse_month(raw, "month")
    assert refused.value.details == ["month"]
    assert parse_month("2025-07", "month") == date(2025, 7, 1)
