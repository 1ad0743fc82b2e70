"""R9: an enterprise's 职工教育经费 is extracted in full and 60% or more of it goes to front-line
staff, read from the annual returns the enterprises file, with the pack's figures.

The front-line share (000 第六条(二)3, 001 (二十)) is checked where the region's pack carries it,
against the amount spent; the payroll rate (1.5%, up to 2.5% for training-heavy firms, 004 (十六))
where the pack carries it, against the payroll. Each return is its own subject per part.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import select

from skillbridge.models import EducationFundReturn, Enterprise
from skillbridge.platform.services.mentoring.ledger import enterprise_total
from skillbridge.platform.services.oversight.checks.base import (
    CheckContext,
    Violation,
    figure_evidence,
    ratio_exceeded,
    ratio_short,
)
from skillbridge.platform.text import N_


def _returns(ctx: CheckContext, *where: Any) -> list[tuple[EducationFundReturn, str]]:
    """The region's returns matching `where`, each with its enterprise's name."""
    return [
        (fund, name)
        for fund, name in ctx.session.execute(
            select(EducationFundReturn, Enterprise.name)
            .join(Enterprise, Enterprise.id == EducationFundReturn.enterprise_id)
            .where(Enterprise.region_id == ctx.region.id, *where)
            .order_by(EducationFundReturn.enterprise_id, EducationFundReturn.year)
        )
    ]


def _evidence(ctx: CheckContext, fund: EducationFundReturn, name: str) -> dict[str, Any]:
    return {
        "enterprise_id": fund.enterprise_id,
        "enterprise_name": name,
        "return_id": fund.id,
        "year": fund.year,
        "payroll_yuan": fund.payroll_yuan,
        "extracted_yuan": fund.extracted_yuan,
        "spent_yuan": fund.spent_yuan,
        "front_line_yuan": fund.front_line_yuan,
        "mentoring_yuan": fund.mentoring_yuan,
        "school_enterprise_yuan": fund.school_enterprise_yuan,
        "allowance_ledger_yuan": enterprise_total(ctx.session, fund.enterprise_id, fund.year),
    }


def _percent(part: int, whole: int) -> str:
    """A share rounded down, so a share just under the figure never prints as the figure."""
    return f"{(Decimal(part * 100) / whole).quantize(Decimal('0.01'), ROUND_DOWN)}%"


def fund_short_of_rules(ctx: CheckContext) -> Iterator[Violation]:
    """Returns whose front-line share is below the figure, or whose extraction is below the
    payroll rate or above the training-heavy rate."""
    yield from _front_line_short(ctx)
    yield from _extraction_outside_rates(ctx)


def _front_line_short(ctx: CheckContext) -> Iterator[Violation]:
    share = ctx.rules.education_fund_front_line_min_share
    if share is None:
        return
    fund = EducationFundReturn
    short = ratio_short(fund.front_line_yuan, share, fund.spent_yuan)
    for row, name in _returns(ctx, fund.spent_yuan > 0, short):
        yield Violation(
            subject_key=f"education_fund_return:{row.id}:front_line",
            object_type="enterprise",
            object_id=row.enterprise_id,
            summary_zh=(
                N_(
                    "%(name)s %(year)d年职工教育经费用于一线职工 %(front_line)s 元，"
                    "占使用额 %(spent)s 元的 %(percent)s，低于 %(share)s%%",
                    name=name,
                    year=row.year,
                    front_line=row.front_line_yuan,
                    spent=row.spent_yuan,
                    percent=_percent(row.front_line_yuan, row.spent_yuan),
                    share=share.value,
                )
            ),
            evidence={**_evidence(ctx, row, name), "min_front_line_share": figure_evidence(share)},
        )


def _extraction_outside_rates(ctx: CheckContext) -> Iterator[Violation]:
    rate = ctx.rules.education_fund_payroll_rate
    ceiling = ctx.rules.education_fund_payroll_rate_training_heavy
    if rate is None:
        return
    fund = EducationFundReturn
    figures = {"payroll_rate": figure_evidence(rate)}
    if ceiling is not None:
        figures["payroll_rate_training_heavy"] = figure_evidence(ceiling)
    for row, name in _returns(ctx, ratio_short(fund.extracted_yuan, rate, fund.payroll_yuan)):
        yield Violation(
            subject_key=f"education_fund_return:{row.id}:extraction",
            object_type="enterprise",
            object_id=row.enterprise_id,
            summary_zh=(
                N_(
                    "%(name)s %(year)d年提取职工教育经费 %(extracted)s 元，"
                    "为工资总额 %(payroll)s 元的 %(percent)s，未足额提取（%(basis)s）",
                    name=name,
                    year=row.year,
                    extracted=row.extracted_yuan,
                    payroll=row.payroll_yuan,
                    percent=_percent(row.extracted_yuan, row.payroll_yuan),
                    basis=rate.note or rate.citation,
                )
            ),
            evidence={**_evidence(ctx, row, name), **figures},
        )
    if ceiling is None:
        return
    for row, name in _returns(ctx, ratio_exceeded(fund.extracted_yuan, ceiling, fund.payroll_yuan)):
        yield Violation(
            subject_key=f"education_fund_return:{row.id}:extraction",
            object_type="enterprise",
            object_id=row.enterprise_id,
            summary_zh=(
                N_(
                    "%(name)s %(year)d年提取职工教育经费 %(extracted)s 元，"
                    "为工资总额 %(payroll)s 元的 %(percent)s，超过可提取上限（%(basis)s）",
                    name=name,
                    year=row.year,
                    extracted=row.extracted_yuan,
                    payroll=row.payroll_yuan,
                    percent=_percent(row.extracted_yuan, row.payroll_yuan),
                    basis=ceiling.note or ceiling.citation,
                )
            ),
            evidence={**_evidence(ctx, row, name), **figures},
        )
