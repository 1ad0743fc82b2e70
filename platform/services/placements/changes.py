"""Changes to a running placement: pause and resume, termination with a reason, transfer to a host.

Who may. Pause, resume and termination are the business of both sides that run the placement —
the school's and the host enterprise's managers (can_run_placement): either may have to stop the
work at once (a safety issue on site, a student's illness), so neither waits for the other; the
other side and the student are notified of every change. A transfer moves the student to another
host, which only the student's school arranges (can_arrange_placement), as it arranged the first.

Months. Every change re-books the worked months (ledger.rebook) under the student row lock of
load_for_change; a transfer books the new placement's planned months against what is left of the
cap in the same transaction, so the cap holds across the student's concurrent changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    AuditEvent,
    EndReason,
    Placement,
    PlacementPause,
    PlacementStatus,
    Slot,
    SlotStatus,
    User,
)
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.placements import ledger, months
from skillbridge.platform.services.placements.agreements import create_agreement
from skillbridge.platform.services.placements.lifecycle import finish, open_pause
from skillbridge.platform.services.placements.offers import take_seat
from skillbridge.platform.services.placements.records import (
    PlacementContext,
    ensure_period_free,
    load_for_change,
    load_placement,
    placement_link,
)
from skillbridge.platform.services.policies import can_arrange_placement, can_run_placement
from skillbridge.platform.services.webhooks import outbox
from skillbridge.platform.text import N_

PLACEMENT_CHANGED = "placement.changed"
REASON_MAX = 500
# How many open slots the transfer form offers (newest first); more would not fit a phone.
TRANSFER_CHOICES = 50

# The reasons a termination may give (a transfer has its own route and code).
TERMINATION_REASONS = tuple(r for r in EndReason if r != EndReason.TRANSFER)

# The history shows the placement's own audit events, these ones, by their title.
HISTORY_TITLES = {
    "placement.accepted": N_("接受录用"),
    "placement.started": N_("实习开始"),
    "placement.paused": N_("实习暂停"),
    "placement.resumed": N_("实习恢复"),
    "placement.extended": N_("实习延长"),
    "placement.amended": N_("变更日期"),
    "placement.ended": N_("实习结束"),
    "placement.terminated": N_("实习终止"),
    "placement.transferred": N_("转岗（换企业）"),
    "placement.transferred_in": N_("由转岗产生"),
    "placement.cancelled": N_("撤回实习安排"),
    "placement.amendment_proposed": N_("提出协议变更"),
    "placement.amendment_applied": N_("协议变更生效"),
    "placement.amendment_withdrawn": N_("撤回协议变更"),
    "placement.amendment_refused": N_("协议变更未能生效"),
}


def _reason_text(reason: str, required: bool) -> str:
    text = reason.strip()
    if required and not text:
        raise InvalidInput(N_("请填写原因"))
    if len(text) > REASON_MAX:
        raise InvalidInput(N_("原因过长"), details=[N_("最多 %(n)d 字", n=REASON_MAX)])
    return text


def _running(
    session: Session, actor: User, placement_id: int, school_only: bool = False
) -> PlacementContext:
    """Load an active placement for a change the actor may make (404, then 403, then 409)."""
    context = load_for_change(session, actor, placement_id)
    allowed = (
        can_arrange_placement(actor, context.student)
        if school_only
        else can_run_placement(actor, context.student, context.slot)
    )
    if not allowed:
        raise PermissionDenied(
            N_("仅学生所在学校可安排转岗") if school_only else N_("仅学校或实习单位可变更实习")
        )
    if context.placement.status != PlacementStatus.ACTIVE:
        raise Conflict(N_("只有进行中的实习可以变更"))
    return context


def authorise_change(session: Session, actor: User, placement_id: int, transfer: bool) -> None:
    """Refuse an actor who may not change the placement before any input is read (404/403)."""
    context = load_placement(session, actor, placement_id)
    allowed = (
        can_arrange_placement(actor, context.student)
        if transfer
        else can_run_placement(actor, context.student, context.slot)
    )
    if not allowed:
        raise PermissionDenied(N_("无权变更该实习"))


def _tell(session: Session, context: PlacementContext, title: str, detail: str) -> None:
    """Notify both running sides and the student (the actor's side learns it too: colleagues)."""
    recipients = notifications.school_users(session, context.school.id)
    recipients += notifications.enterprise_users(session, context.enterprise.id)
    recipients += notifications.student_users(session, context.student.id)
    notifications.notify(
        session,
        recipients,
        PLACEMENT_CHANGED,
        title,
        f"{context.student.name} · {context.enterprise.name} · {detail}",
        placement_link(context.placement.id),
    )


def pause_placement(
    session: Session, actor: User, placement_id: int, on: date, reason: str, today: date
) -> PlacementPause:
    """Pause an active placement from `on` (today or earlier): the days paused are not worked."""
    context = _running(session, actor, placement_id)
    placement = context.placement
    text = _reason_text(reason, required=True)
    if open_pause(session, placement.id) is not None:
        raise Conflict(N_("该实习已暂停"))
    first_day = placement.started_on or placement.start_date
    if not first_day <= on <= min(today, placement.end_date):
        raise InvalidInput(N_("暂停日期须在实习开始日期与今天之间"))
    last = session.scalars(
        select(PlacementPause.ends_on)
        .where(PlacementPause.placement_id == placement.id)
        .order_by(PlacementPause.ends_on.desc())
        .limit(1)
    ).first()
    if last is not None and on < last:
        raise InvalidInput(N_("暂停日期不能早于上次恢复日期"))
    pause = PlacementPause(
        placement_id=placement.id, starts_on=on, reason=text, paused_by_id=actor.id
    )
    session.add(pause)
    booked = ledger.rebook(session, context, today)
    audit.record(
        session,
        actor,
        "placement.paused",
        "placement",
        placement_id,
        {"on": on.isoformat(), "reason": text, "months": booked.counted},
    )
    _tell(session, context, N_("实习已暂停"), f"{on} · {text}")
    return pause


def resume_placement(
    session: Session, actor: User, placement_id: int, on: date, today: date
) -> PlacementPause:
    """Resume a paused placement on `on` (the first day worked again); the planned end stays."""
    context = _running(session, actor, placement_id)
    pause = open_pause(session, placement_id)
    if pause is None:
        raise Conflict(N_("该实习未暂停"))
    if not pause.starts_on <= on <= today:
        raise InvalidInput(N_("恢复日期须在暂停日期与今天之间"))
    pause.ends_on, pause.resumed_by_id = on, actor.id
    booked = ledger.rebook(session, context, today)
    audit.record(
        session,
        actor,
        "placement.resumed",
        "placement",
        placement_id,
        {
            "on": on.isoformat(),
            "paused_days": (on - pause.starts_on).days,
            "months": booked.counted,
        },
    )
    _tell(session, context, N_("实习已恢复"), f"{on}")
    return pause


def terminate_placement(
    session: Session,
    actor: User,
    placement_id: int,
    on: date,
    reason: EndReason,
    note: str,
    today: date,
) -> Placement:
    """Terminate an active placement on `on` with a reason code (`other` needs a text)."""
    context = _running(session, actor, placement_id)
    if reason not in TERMINATION_REASONS:
        raise InvalidInput(N_("请选择终止原因"))
    text = _reason_text(note, required=reason == EndReason.OTHER)
    placement = context.placement
    placement.end_reason, placement.end_note = reason, text or None
    booked = finish(session, actor, context, on, today)
    audit.record(
        session,
        actor,
        "placement.terminated",
        "placement",
        placement_id,
        {"on": on.isoformat(), "reason": reason.value, "note": text, "months": booked},
    )
    outbox.placement_event(
        session,
        "placement.ended",
        placement,
        context.school,
        context.enterprise.id,
        end_reason=reason.value,
    )
    _tell(session, context, N_("实习已终止"), f"{on} · {reason.value} {text}".strip())
    return placement


@dataclass(frozen=True)
class Transfer:
    """Where and when a transfer goes: the last day at the current host, the new host's slot."""

    slot_id: int
    last_day: date
    note: str


def transfer_placement(
    session: Session, actor: User, placement_id: int, transfer: Transfer, today: date
) -> Placement:
    """The school moves the student to another host: the current placement ends on the last day
    (reason `transfer`), a new one on `slot_id` runs from the next day to the planned end and
    waits for its own agreement; its months count against what is left of the cap (R1)."""
    context = _running(session, actor, placement_id, school_only=True)
    old = context.placement
    text = _reason_text(transfer.note, required=False)
    slot = session.get(Slot, transfer.slot_id)
    if slot is None or slot.status != SlotStatus.OPEN:
        raise InvalidInput(N_("请选择一个开放中的岗位"))
    if slot.enterprise_id == context.enterprise.id:
        raise InvalidInput(N_("转岗须转到另一家企业"))
    planned_end = old.end_date
    if transfer.last_day >= planned_end:
        raise InvalidInput(N_("转岗日期须早于原定结束日期"))
    old.end_reason, old.end_note = EndReason.TRANSFER, text or None
    finish(session, actor, context, transfer.last_day, today)
    new = Placement(
        student_id=context.student.id,
        slot_id=slot.id,
        status=PlacementStatus.ACCEPTED,
        start_date=transfer.last_day + timedelta(days=1),
        end_date=planned_end,
        months=0,
        counts_toward_cap=months.counts_toward_cap(slot.kind),
        transferred_from_id=old.id,
        teacher_user_id=old.teacher_user_id,
        decided_at=None,
    )
    session.add(new)
    session.flush()
    ensure_period_free(session, new, new.start_date, new.end_date)
    take_seat(session, slot)
    fresh = load_for_change(session, actor, new.id)
    booked = ledger.rebook(session, fresh, today)
    audit.record(
        session,
        actor,
        "placement.transferred",
        "placement",
        old.id,
        {"to": new.id, "last_day": transfer.last_day.isoformat(), "note": text},
    )
    audit.record(
        session,
        actor,
        "placement.transferred_in",
        "placement",
        new.id,
        {"from": old.id, "slot_id": slot.id, "months": booked.counted},
    )
    outbox.placement_event(
        session,
        "placement.transferred",
        old,
        context.school,
        context.enterprise.id,
        also=[outbox.enterprise(slot.enterprise_id)],  # the new host hears of it too
        new_placement_id=new.id,
        new_slot_id=slot.id,
        new_enterprise_id=slot.enterprise_id,
    )
    create_agreement(session, actor, fresh)
    _tell(session, context, N_("学生已转岗"), f"{transfer.last_day} → {fresh.enterprise.name}")
    return new


def transfer_slots(session: Session, actor: User, placement_id: int) -> list[Slot]:
    """Open slots of other hosts the school may transfer the student to (the form's choices)."""
    context = load_placement(session, actor, placement_id)
    if not can_arrange_placement(actor, context.student):
        raise PermissionDenied(N_("仅学生所在学校可安排转岗"))
    return list(
        session.scalars(
            select(Slot)
            .where(
                Slot.status == SlotStatus.OPEN,
                Slot.enterprise_id != context.enterprise.id,
                Slot.seats_taken < Slot.seats,
            )
            .order_by(Slot.id.desc())
            .limit(TRANSFER_CHOICES)
        )
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One change of the placement, as its audit event recorded it."""

    at: datetime
    action: str
    title: str
    actor_id: int | None
    data: dict[str, object]


def history_page(
    session: Session, actor: User, placement_id: int, page: int = 1
) -> Page[HistoryEntry]:
    """The placement's changes, newest first, for whoever may see the placement (404/403 first)."""
    load_placement(session, actor, placement_id)
    statement = (
        select(AuditEvent)
        .where(
            AuditEvent.object_type == "placement",
            AuditEvent.object_id == str(placement_id),
            AuditEvent.action.in_(tuple(HISTORY_TITLES)),
        )
        .order_by(AuditEvent.id.desc())
    )
    return paginate(session, statement, page, lambda row: _entry(first_column(row)))


def _entry(event: AuditEvent) -> HistoryEntry:
    data = json.loads(event.payload).get("data", {})
    return HistoryEntry(
        event.occurred_at, event.action, HISTORY_TITLES[event.action], event.actor_id, data
    )


@dataclass(frozen=True)
class ChangePanel:
    """What the placement page shows of its months and changes, and who may change it."""

    worked: months.MonthsWorked
    paused_since: date | None
    can_change: bool  # pause, resume, terminate
    can_transfer: bool
    transferred_to: int | None
    history: Page[HistoryEntry]


def change_panel(
    session: Session, actor: User, context: PlacementContext, today: date, history_page_no: int
) -> ChangePanel:
    """The panel of a placement the caller has loaded for `actor` (load_placement authorised it)."""
    placement = context.placement
    pause = open_pause(session, placement.id)
    running = placement.status == PlacementStatus.ACTIVE
    return ChangePanel(
        worked=ledger.months_of(session, placement, today),
        paused_since=pause.starts_on if pause is not None else None,
        can_change=running and can_run_placement(actor, context.student, context.slot),
        can_transfer=running and can_arrange_placement(actor, context.student),
        transferred_to=session.scalar(
            select(Placement.id).where(Placement.transferred_from_id == placement.id)
        ),
        history=history_page(session, actor, placement.id, history_page_no),
    )
