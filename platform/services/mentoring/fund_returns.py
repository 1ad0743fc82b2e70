"""The enterprise's annual 职工教育经费 return: payroll, extracted, spent, spent on front-line staff.

Seeds 000 第六条(二)3 and 001 (二十): enterprises extract the fund in full and spend 60% or more
of it on front-line staff; school–enterprise training and the 名师带徒 allowances (000
第六条(一)1) are paid from it. The return is checked against the allowance ledger (the
mentoring part cannot be less than what the ledger shows paid that year); the region's rules
(R9 and, where the pack has it, the payroll rate) are audited by the compliance checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import EducationFundReturn, Enterprise, User
from skillbridge.platform.services import audit
from skillbridge.platform.services.bounds import INTEGER_MAX
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.mentoring.ledger import enterprise_total
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.policies import can_manage_mentoring
from skillbridge.platform.text import N_

FIRST_YEAR = 2000


@dataclass(frozen=True)
class ReturnInput:
    """The figures of one year's return, in yuan."""

    year: int
    payroll_yuan: int
    extracted_yuan: int
    spent_yuan: int
    front_line_yuan: int
    mentoring_yuan: int
    school_enterprise_yuan: int


@dataclass(frozen=True)
class ReturnRow:
    """A filed return beside the allowance ledger's total for its year."""

    fund_return: EducationFundReturn
    ledger_total_yuan: int


def _require_manager(actor: User) -> int:
    if actor.enterprise_id is None or not can_manage_mentoring(actor, actor.enterprise_id):
        raise PermissionDenied(N_("只有企业管理员或人事可以申报职工教育经费"))
    return actor.enterprise_id


def _problems(data: ReturnInput, today: date, ledger_total: int) -> list[str]:
    problems = []
    if not FIRST_YEAR <= data.year <= today.year:
        problems.append(N_("年度须在2000年至今年之间") + f" year: {data.year}")
    amounts = {
        "payroll_yuan": data.payroll_yuan,
        "extracted_yuan": data.extracted_yuan,
        "spent_yuan": data.spent_yuan,
        "front_line_yuan": data.front_line_yuan,
        "mentoring_yuan": data.mentoring_yuan,
        "school_enterprise_yuan": data.school_enterprise_yuan,
    }
    for name, value in amounts.items():
        if not 0 <= value <= INTEGER_MAX:
            problems.append(N_("金额须为非负整数（元）") + f" {name}: {value}")
    if data.payroll_yuan <= 0:
        problems.append(N_("职工工资总额须大于0") + " payroll_yuan")
    if data.front_line_yuan > data.spent_yuan:
        problems.append(N_("用于一线职工的经费不能超过实际使用额") + " front_line_yuan")
    if data.mentoring_yuan + data.school_enterprise_yuan > data.front_line_yuan:
        problems.append(
            N_("带徒津贴与校企合作培训费用之和不能超过用于一线职工的经费") + " front_line_yuan"
        )
    if data.mentoring_yuan < ledger_total:
        problems.append(
            N_("申报的带徒津贴少于平台登记的当年发放合计")
            + f" mentoring_yuan: {data.mentoring_yuan} < {ledger_total}"
        )
    return problems


def file_return(
    session: Session, actor: User, data: ReturnInput, today: date
) -> EducationFundReturn:
    """File the actor's enterprise's return for a year; one per year, nothing written on error."""
    enterprise_id = _require_manager(actor)
    ledger_total = enterprise_total(session, enterprise_id, data.year)
    problems = _problems(data, today, ledger_total)
    if problems:
        raise InvalidInput(problems[0], details=problems)
    fund_return = EducationFundReturn(
        enterprise_id=enterprise_id,
        year=data.year,
        payroll_yuan=data.payroll_yuan,
        extracted_yuan=data.extracted_yuan,
        spent_yuan=data.spent_yuan,
        front_line_yuan=data.front_line_yuan,
        mentoring_yuan=data.mentoring_yuan,
        school_enterprise_yuan=data.school_enterprise_yuan,
        filed_by_user_id=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(fund_return)
    except IntegrityError as exc:
        raise Conflict(N_("该年度的职工教育经费已申报"), details=[f"year: {data.year}"]) from exc
    audit.record(
        session,
        actor,
        "education_fund.filed",
        "education_fund_return",
        fund_return.id,
        {**data.__dict__, "ledger_total_yuan": ledger_total},
    )
    return fund_return


def list_returns(session: Session, actor: User, page: int = 1) -> Page[ReturnRow]:
    """The actor's enterprise's returns, latest year first, each beside its ledger total."""
    enterprise_id = _require_manager(actor)
    statement = (
        select(EducationFundReturn)
        .where(EducationFundReturn.enterprise_id == enterprise_id)
        .order_by(EducationFundReturn.year.desc(), EducationFundReturn.id.desc())
    )
    return paginate(
        session,
        statement,
        page,
        lambda row: ReturnRow(row[0], enterprise_total(session, enterprise_id, row[0].year)),
    )


def latest_return(
    session: Session, enterprise: Enterprise, on_or_before: int
) -> EducationFundReturn | None:
    """The enterprise's return for the latest year up to `on_or_before`, if it filed one."""
    return session.scalars(
        select(EducationFundReturn)
        .where(EducationFundReturn.enterprise_id == enterprise.id)
        .where(EducationFundReturn.year <= on_or_before)
        .order_by(EducationFundReturn.year.desc())
        .limit(1)
    ).first()
