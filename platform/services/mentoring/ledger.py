"""The 带徒津贴 ledger: one entry per agreement and month paid, inside the agreement's period.

The database refuses a second entry for the same agreement and month (UNIQUE); the period is
checked here, since a CHECK cannot look at the agreement's row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import AllowanceEntry, MentorshipAgreement, User
from skillbridge.platform.services import audit
from skillbridge.platform.services.bounds import INTEGER_MAX
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.mentoring.agreements import get_agreement
from skillbridge.platform.services.mentoring.months import label
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.text import N_


@dataclass(frozen=True)
class EntryInput:
    """One month's allowance: the month (first day), the amount and the day it was paid."""

    month: date
    amount_yuan: int
    paid_on: date


def record_allowance(
    session: Session, actor: User, agreement_id: int, data: EntryInput
) -> AllowanceEntry:
    """Record the allowance paid for one month of an agreement of the actor's enterprise."""
    agreement = get_agreement(session, actor, agreement_id)
    problems = []
    if not agreement.start_month <= data.month <= agreement.end_month:
        problems.append(
            N_("月份不在协议期限内")
            + f" month: {label(data.month)} ∉ "
            + f"{label(agreement.start_month)}–{label(agreement.end_month)}"
        )
    if not 0 < data.amount_yuan <= INTEGER_MAX:
        problems.append(N_("津贴金额须为正整数（元）") + " amount_yuan")
    if data.paid_on < data.month:
        problems.append(N_("发放日期不能早于所属月份") + " paid_on")
    if problems:
        raise InvalidInput(problems[0], details=problems)
    entry = AllowanceEntry(
        agreement_id=agreement.id,
        month=data.month,
        amount_yuan=data.amount_yuan,
        paid_on=data.paid_on,
        recorded_by_user_id=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(entry)
    except IntegrityError as exc:
        raise Conflict(N_("该月的带徒津贴已登记"), details=[f"month: {label(data.month)}"]) from exc
    audit.record(
        session,
        actor,
        "mentorship.allowance_paid",
        "mentorship_agreement",
        agreement.id,
        {"month": label(data.month), "amount_yuan": data.amount_yuan},
    )
    return entry


def list_entries(
    session: Session, actor: User, agreement_id: int, page: int = 1
) -> Page[AllowanceEntry]:
    """An agreement's ledger, latest month first."""
    agreement = get_agreement(session, actor, agreement_id)
    statement = (
        select(AllowanceEntry)
        .where(AllowanceEntry.agreement_id == agreement.id)
        .order_by(AllowanceEntry.month.desc(), AllowanceEntry.id.desc())
    )
    return paginate(session, statement, page, first_column)


def months_paid(session: Session, agreement: MentorshipAgreement) -> int:
    """How many months of the agreement have their allowance recorded."""
    return (
        session.scalar(
            select(func.count(AllowanceEntry.id)).where(AllowanceEntry.agreement_id == agreement.id)
        )
        or 0
    )


def enterprise_total(session: Session, enterprise_id: int, year: int) -> int:
    """The allowances the ledger holds for the enterprise's agreements, for months of `year`."""
    total = session.scalar(
        select(func.coalesce(func.sum(AllowanceEntry.amount_yuan), 0))
        .join(MentorshipAgreement, MentorshipAgreement.id == AllowanceEntry.agreement_id)
        .where(MentorshipAgreement.enterprise_id == enterprise_id)
        .where(extract("year", AllowanceEntry.month) == year)
    )
    return int(total or 0)
