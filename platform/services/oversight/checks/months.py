"""R1 (a student's post internships add up to at most the cap) and N9 (generally 6 months)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import func, select

from skillbridge.models import SEAT_HOLDING, Placement, School, Slot, SlotKind, Student
from skillbridge.platform.services.oversight.checks.base import (
    CheckContext,
    Violation,
    figure_evidence,
    iso,
)
from skillbridge.platform.services.oversight.checks.placements import (
    placement_evidence,
    placement_query,
    placement_subject,
)
from skillbridge.platform.services.placements import ledger
from skillbridge.platform.text import N_


def student_over_month_cap(ctx: CheckContext) -> Iterator[Violation]:
    """Students whose seat-holding post internships sum to more months than the pack's cap.

    The sum is over placements, not `Student.months_used`: the counter is what the booking
    service keeps, the placements are what happened, and the pack's cap may have been lowered.
    A placement that has started counts the months worked (ledger.worked: actual past + planned
    rest, pauses left out), one that has not its booked months. The SQL sum of the booked months
    only picks the candidates: a started placement's count can only have fallen since it was last
    booked (a pause running on), never risen, so no student over the cap is missed.
    """
    cap = ctx.rules.post_internship_max_months
    total = func.sum(Placement.months)
    over = ctx.session.execute(
        select(
            Student.id, Student.name, Student.school_id, Student.months_used, total.label("total")
        )
        .join(Placement, Placement.student_id == Student.id)
        .join(Slot, Slot.id == Placement.slot_id)
        .join(School, School.id == Student.school_id)
        .where(School.region_id == ctx.region.id)
        .where(Slot.kind == SlotKind.POST_INTERNSHIP, Placement.status.in_(SEAT_HOLDING))
        .group_by(Student.id, Student.name, Student.school_id, Student.months_used)
        .having(total > cap.value)
        .order_by(Student.id)
    ).all()
    if not over:
        return
    held = ctx.session.execute(
        select(Placement, Slot.enterprise_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .where(Placement.student_id.in_([row.id for row in over]))
        .where(Slot.kind == SlotKind.POST_INTERNSHIP, Placement.status.in_(SEAT_HOLDING))
        .order_by(Placement.start_date, Placement.id)
    ).all()
    pauses = ledger.pauses_of(ctx.session, [placement.id for placement, _ in held])
    placements: defaultdict[int, list[dict[str, object]]] = defaultdict(list)
    totals: defaultdict[int, int] = defaultdict(int)
    for placement, enterprise_id in held:
        worked = ledger.worked(placement, pauses[placement.id], ctx.today)
        counted = worked.counted if placement.started_on is not None else placement.months
        totals[placement.student_id] += counted
        placements[placement.student_id].append(
            {
                "placement_id": placement.id,
                "status": placement.status.value,
                "enterprise_id": enterprise_id,
                "start_date": iso(placement.start_date),
                "started_on": iso(placement.started_on),
                "end_date": iso(placement.end_date),
                "months": counted,
                "booked_months": placement.months,
                "paused_days": worked.paused_days,
            }
        )
    for row in over:
        worked_total = totals[row.id]
        if worked_total <= cap.value:
            continue
        yield Violation(
            subject_key=f"student:{row.id}",
            object_type="student",
            object_id=row.id,
            summary_zh=N_(
                "%(name)s 岗位实习累计 %(months)d 个月，超过上限 %(cap)d 个月",
                name=row.name,
                months=worked_total,
                cap=cap.value,
            ),
            evidence={
                "student_id": row.id,
                "student_name": row.name,
                "school_id": row.school_id,
                "total_months": worked_total,
                "months_used_counter": row.months_used,
                "cap": figure_evidence(cap),
                "placements": placements[row.id],
            },
        )


def placement_longer_than_generic(ctx: CheckContext) -> Iterator[Violation]:
    """Post internships longer than the generic length (N9 says "generally"): a low-severity note."""
    generic = ctx.rules.post_internship_generic_months
    rows = ctx.session.execute(
        placement_query(ctx)
        .where(Slot.kind == SlotKind.POST_INTERNSHIP, Placement.status.in_(SEAT_HOLDING))
        .where(Placement.months > generic.value)
    )
    for row in rows:
        yield Violation(
            subject_key=placement_subject(row),
            object_type="placement",
            object_id=row.placement_id,
            summary_zh=(
                N_(
                    "%(student)s 在 %(enterprise)s 的岗位实习为 %(months)d 个月，"
                    "超过一般期限 %(generic)d 个月",
                    student=row.student_name,
                    enterprise=row.enterprise_name,
                    months=row.months,
                    generic=generic.value,
                )
            ),
            evidence={**placement_evidence(row), "generic_months": figure_evidence(generic)},
        )
