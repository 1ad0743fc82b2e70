"""A placement after acceptance: start once every check passes, end (early), extend, amend, cancel.

Every change re-books the placement's months through ledger.rebook (months.change_months) under
the student row lock taken by placements.load_for_change, so Student.months_used always equals
the sum of the months of its counting placements in a seat-holding status; once a placement has
started those are the months it is worked (months.months_worked).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from skillbridge.models import (
    AmendmentStatus,
    Placement,
    PlacementPause,
    PlacementStatus,
    Slot,
    User,
    utcnow,
)
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.placements import ledger, months
from skillbridge.platform.services.placements.agreements import (
    TITLES,
    ask_to_sign,
    insurance_covers,
    needs_insurance,
    reissue_agreement,
    rules_of,
    start_checks,
)
from skillbridge.platform.services.placements.pending_amendments import (
    close_amendment,
    pending_amendment,
)
from skillbridge.platform.services.placements.records import (
    PlacementContext,
    ensure_period_free,
    load_for_change,
    school_region,
    transition,
)
from skillbridge.platform.services.policies import (
    can_answer_offer,
    can_arrange_placement,
    can_run_placement,
)
from skillbridge.platform.services.webhooks import outbox
from skillbridge.platform.text import N_


def _rebook(
    session: Session, context: PlacementContext, start: date, end: date, today: date | None
) -> int:
    """Set new dates and book the difference in months; returns the new month count."""
    if end < start:
        raise InvalidInput(N_("结束日期不能早于开始日期"))
    placement = context.placement
    placement.start_date, placement.end_date = start, end
    return ledger.rebook(session, context, today or date.today()).counted


def start_placement(
    session: Session,
    actor: User,
    placement_id: int,
    today: date,
    started_on: date | None = None,
) -> Placement:
    """School or enterprise starts the placement: every start check must pass on `today`.

    `started_on` is the first day the student actually worked (by default the planned start):
    not before the planned start, not after today. The worked months count from it (R1).
    """
    context = load_for_change(session, actor, placement_id)
    if not can_run_placement(actor, context.student, context.slot):
        raise PermissionDenied(N_("仅学校或实习单位可确认实习开始"))
    if context.placement.status != PlacementStatus.ACCEPTED or context.agreement is None:
        raise Conflict(N_("只有已接受的实习安排可以开始"))
    failed = [c for c in start_checks(context, rules_of(session, context), today) if not c.passed]
    if failed:
        raise Conflict(
            N_("实习尚不满足开始条件"), details=[f"{c.rule} {c.label}".strip() for c in failed]
        )
    first_day = started_on or context.placement.start_date
    if not context.placement.start_date <= first_day <= min(today, context.placement.end_date):
        raise InvalidInput(N_("实际开始日期须在原定开始日期与今天之间"))
    transition(
        session,
        context.placement,
        (PlacementStatus.ACCEPTED,),
        PlacementStatus.ACTIVE,
        started_on=first_day,
    )
    booked = ledger.rebook(session, context, today)
    audit.record(
        session,
        actor,
        "placement.started",
        "placement",
        placement_id,
        {"started_on": first_day.isoformat(), "months": booked.counted},
    )
    outbox.placement_event(
        session, "placement.started", context.placement, context.school, context.enterprise.id
    )
    return context.placement


def end_placement(
    session: Session, actor: User, placement_id: int, end_date: date, today: date | None = None
) -> Placement:
    """End an active placement on `end_date` (its planned end, or earlier); unused months return."""
    context = load_for_change(session, actor, placement_id)
    if not can_run_placement(actor, context.student, context.slot):
        raise PermissionDenied(N_("仅学校或实习单位可结束实习"))
    placement = context.placement
    if placement.status != PlacementStatus.ACTIVE:
        raise Conflict(N_("只有进行中的实习可以结束"))
    planned_end = placement.end_date
    booked = finish(session, actor, context, end_date, today or date.today())
    audit.record(
        session,
        actor,
        "placement.ended",
        "placement",
        placement_id,
        {"end_date": end_date.isoformat(), "early": end_date < planned_end, "months": booked},
    )
    outbox.placement_event(
        session,
        "placement.ended",
        placement,
        context.school,
        context.enterprise.id,
        end_reason="completed",
    )
    return placement


def finish(session: Session, actor: User, context: PlacementContext, on: date, today: date) -> int:
    """End an active placement on `on`: an open pause closes, the worked months are re-booked.

    Shared by the end, the termination and the transfer, which audit it each their own way;
    returns the months the placement now counts.
    """
    placement = context.placement
    first_day = placement.started_on or placement.start_date
    if not first_day <= on <= placement.end_date:
        raise InvalidInput(N_("结束日期须在实习开始日期与原定结束日期之间"))
    pause = open_pause(session, placement.id)
    if pause is not None:
        if on < pause.starts_on:
            raise InvalidInput(N_("结束日期不能早于暂停开始日期"))
        pause.ends_on, pause.resumed_by_id = on, actor.id
    if on < placement.end_date:
        placement.planned_end_date = placement.planned_end_date or placement.end_date
    placement.end_date = on
    booked = ledger.rebook(session, context, today).counted
    transition(session, placement, (PlacementStatus.ACTIVE,), PlacementStatus.ENDED)
    amendment = pending_amendment(session, placement.id)
    if amendment is not None:  # an amendment of a placement that ended cannot take effect
        amendment.refusal = "实习已结束，变更不再适用"
        close_amendment(session, actor, context, amendment, AmendmentStatus.REFUSED, utcnow())
    return booked


def open_pause(session: Session, placement_id: int) -> PlacementPause | None:
    """The placement's pause that has not been resumed yet, if any."""
    return session.scalars(
        select(PlacementPause).where(
            PlacementPause.placement_id == placement_id, PlacementPause.ends_on.is_(None)
        )
    ).one_or_none()


def extend_placement(
    session: Session, actor: User, placement_id: int, new_end: date, today: date | None = None
) -> Placement:
    """The school extends an active placement; the cap (R1) and the insurance (N6) must allow it.

    The cap is checked against the months worked so far plus the planned rest (ledger.rebook).
    """
    context = load_for_change(session, actor, placement_id)
    if not can_arrange_placement(actor, context.student):
        raise PermissionDenied(N_("仅学生所在学校可延长实习"))
    placement = context.placement
    if placement.status != PlacementStatus.ACTIVE or context.agreement is None:
        raise Conflict(N_("只有进行中的实习可以延长"))
    if new_end <= placement.end_date:
        raise InvalidInput(N_("新的结束日期须晚于原定结束日期"))
    if pending_amendment(session, placement_id) is not None:
        raise Conflict(N_("已有待签署的协议变更，请等待各方签署或先撤回"))
    if needs_insurance(context.agreement) and not insurance_covers(
        context.agreement, placement.start_date, new_end
    ):
        raise Conflict(N_("请先登记覆盖延长期的实习责任保险（N6）"))
    ensure_period_free(session, placement, placement.start_date, new_end)
    old_end = placement.end_date
    consumed = _rebook(session, context, placement.start_date, new_end, today)
    audit.record(
        session,
        actor,
        "placement.extended",
        "placement",
        placement_id,
        {"from": old_end.isoformat(), "to": new_end.isoformat(), "months": consumed},
    )
    return placement


def amend_placement(
    session: Session, actor: User, placement_id: int, start: date, end: date
) -> Placement:
    """The school changes the dates before the start; the parties sign the new terms again."""
    context = load_for_change(session, actor, placement_id)
    if not can_arrange_placement(actor, context.student):
        raise PermissionDenied(N_("仅学生所在学校可变更实习安排"))
    placement = context.placement
    if placement.status != PlacementStatus.ACCEPTED or context.agreement is None:
        raise Conflict(N_("只有尚未开始的实习安排可以变更"))
    before = (placement.start_date.isoformat(), placement.end_date.isoformat())
    ensure_period_free(session, placement, start, end)
    consumed = _rebook(session, context, start, end, None)
    reissue_agreement(session, actor, context, context.agreement)
    audit.record(
        session,
        actor,
        "placement.amended",
        "placement",
        placement_id,
        {"from": before, "to": (start.isoformat(), end.isoformat()), "months": consumed},
    )
    ask_to_sign(
        session,
        context,
        context.agreement,
        TITLES[context.agreement.kind] + N_("已变更，请重新签署"),
    )
    return placement


def cancel_placement(session: Session, actor: User, placement_id: int) -> Placement:
    """Before the start the student or its school withdraws: the seat and the months return."""
    context = load_for_change(session, actor, placement_id)
    if not (
        can_answer_offer(actor, context.student) or can_arrange_placement(actor, context.student)
    ):
        raise PermissionDenied(N_("仅学生本人或其学校可撤回实习安排"))
    placement = context.placement
    transition(session, placement, (PlacementStatus.ACCEPTED,), PlacementStatus.CANCELLED)
    if placement.counts_toward_cap:
        cap = months.month_cap(school_region(session, context.school))
        months.change_months(session, context.student, -placement.months, cap)
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Slot)
            .where(Slot.id == context.slot.id, Slot.seats_taken > 0)
            .values(seats_taken=Slot.seats_taken - 1)
            .execution_options(synchronize_session=False)
        ),
    )
    session.expire(context.slot, ["seats_taken"])
    if result.rowcount != 1:
        raise Conflict(N_("岗位名额记录异常，请联系管理员"))
    audit.record(session, actor, "placement.cancelled", "placement", placement_id)
    return placement
