"""R4 (post interns carry accident insurance) and N6 (liability insurance over the whole term)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Row, or_

from skillbridge.models import Placement, PlacementAgreement, Slot, SlotKind
from skillbridge.platform.services.oversight.checks.base import CheckContext, Violation, iso
from skillbridge.platform.services.oversight.checks.placements import (
    STARTED,
    placement_evidence,
    placement_query,
    placement_subject,
)
from skillbridge.platform.text import N_

_INSURANCE = (
    PlacementAgreement.insurer,
    PlacementAgreement.insurance_policy_no,
    PlacementAgreement.insurance_start,
    PlacementAgreement.insurance_end,
)
_NOT_RECORDED = or_(
    PlacementAgreement.id.is_(None),
    PlacementAgreement.insurer.is_(None),
    PlacementAgreement.insurance_policy_no.is_(None),
    PlacementAgreement.insurance_start.is_(None),
    PlacementAgreement.insurance_end.is_(None),
)


def _violation(row: Row, summary: str) -> Violation:
    return Violation(
        subject_key=placement_subject(row),
        object_type="placement",
        object_id=row.placement_id,
        summary_zh=summary,
        evidence={
            **placement_evidence(row),
            "insurer": row.insurer,
            "insurance_policy_no": row.insurance_policy_no,
            "insurance_start": iso(row.insurance_start),
            "insurance_end": iso(row.insurance_end),
        },
    )


def post_internship_uninsured(ctx: CheckContext) -> Iterator[Violation]:
    """R4: a started post internship with no insurance recorded at all."""
    rows = ctx.session.execute(
        placement_query(ctx, *_INSURANCE)
        .where(Slot.kind == SlotKind.POST_INTERNSHIP, Placement.status.in_(STARTED))
        .where(_NOT_RECORDED)
    )
    for row in rows:
        yield _violation(
            row,
            N_(
                "%(student)s 在 %(enterprise)s 的岗位实习已开始，未登记意外伤害保险",
                student=row.student_name,
                enterprise=row.enterprise_name,
            ),
        )


def internship_not_covered(ctx: CheckContext) -> Iterator[Violation]:
    """N6: a started internship (not an apprenticeship: apprentices are insured as staff) whose
    recorded insurance is missing or does not run from its start to its end."""
    rows = ctx.session.execute(
        placement_query(ctx, *_INSURANCE)
        .where(Slot.kind != SlotKind.APPRENTICESHIP, Placement.status.in_(STARTED))
        .where(
            or_(
                _NOT_RECORDED,
                PlacementAgreement.insurance_start > Placement.start_date,
                PlacementAgreement.insurance_end < Placement.end_date,
            )
        )
    )
    for row in rows:
        if any(getattr(row, column.key) is None for column in _INSURANCE):
            gap = N_("未登记实习责任保险")
        else:
            gap = N_(
                "保险期 %(start)s 至 %(end)s 未覆盖整个实习期",
                start=row.insurance_start,
                end=row.insurance_end,
            )
        yield _violation(
            row,
            N_(
                "%(student)s 在 %(enterprise)s 的实习（%(start)s 至 %(end)s）：%(gap)s",
                student=row.student_name,
                enterprise=row.enterprise_name,
                start=row.start_date,
                end=row.end_date,
                gap=gap,
            ),
        )
