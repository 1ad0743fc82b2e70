"""Offers: publishing proposed placements, accepting or declining them, and expiring them.

Accepting is the moment a seat and months are taken, in one transaction: the student row is
locked, the placement moves offered → accepted by a conditional UPDATE, the slot's counter by
`UPDATE slot SET seats_taken = seats_taken + 1 WHERE id = :id AND seats_taken < seats`, and the
months by the conditional UPDATE of months.change_months. The CHECKs `seats_taken <= seats` and
`months_used <= month_cap` back both. An offer holds no seat, so declining or letting it expire
leaves the seat to whoever accepts next.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, Integer, Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from skillbridge.models import (
    Enterprise,
    Placement,
    PlacementStatus,
    Role,
    Slot,
    SlotKind,
    SlotStatus,
    User,
    utcnow,
)
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.packs import placement_rules
from skillbridge.platform.services.paging import Page, page_of
from skillbridge.platform.services.placements import months
from skillbridge.platform.services.placements.agreements import below_minimum_age, create_agreement
from skillbridge.platform.services.placements.records import (
    OFFERS_LINK,
    PlacementContext,
    ensure_period_free,
    load_for_change,
    school_region,
    transition,
)
from skillbridge.platform.services.policies import can_answer_offer, can_publish_offer
from skillbridge.platform.services.webhooks import outbox
from skillbridge.platform.text import N_


def publish_offers(
    session: Session,
    actor: User,
    placements: Iterable[Placement | int],
    deadline: date,
    today: date,
) -> list[Placement]:
    """Turn proposed placements into offers answerable until `deadline` and tell the students.

    All or nothing: one placement that is not proposed or not the actor's to publish refuses
    the whole batch. Months are recomputed here by the one rule of months.py.
    """
    if deadline < today:
        raise InvalidInput(N_("答复期限不能早于今天"))
    published = []
    for item in placements:
        placement_id = item.id if isinstance(item, Placement) else int(item)
        context = load_for_change(session, actor, placement_id)
        region = school_region(session, context.school)
        if not can_publish_offer(actor, context.student, region.id):
            raise PermissionDenied(N_("无权发布该录用通知"))
        placement = context.placement
        transition(
            session,
            placement,
            (PlacementStatus.PROPOSED,),
            PlacementStatus.OFFERED,
            offer_deadline=deadline,
            months=months.placement_months(placement.start_date, placement.end_date),
            counts_toward_cap=months.counts_toward_cap(context.slot.kind),
        )
        audit.record(
            session,
            actor,
            "placement.offered",
            "placement",
            placement.id,
            {"deadline": deadline.isoformat(), "slot_id": context.slot.id},
        )
        notifications.notify(
            session,
            notifications.student_users(session, context.student.id),
            notifications.OFFER_RECEIVED,
            N_("您收到新的录用通知"),
            f"{context.enterprise.name} · {context.slot.title}，请于 {deadline} 前答复",
            OFFERS_LINK,
        )
        published.append(placement)
    return published


def _answerable(session: Session, actor: User, placement_id: int, today: date) -> PlacementContext:
    """The actor's own offer, still open on `today`."""
    context = load_for_change(session, actor, placement_id)
    if not can_answer_offer(actor, context.student):
        raise PermissionDenied(N_("只有学生本人可以答复录用通知"))
    placement = context.placement
    if placement.status != PlacementStatus.OFFERED:
        raise Conflict(N_("该录用通知已答复或已失效"))
    if placement.offer_deadline is not None and today > placement.offer_deadline:
        raise Conflict(N_("已超过答复期限"))
    return context


def take_seat(session: Session, slot: Slot) -> None:
    """Take one seat if one is left; the WHERE clause is re-checked under the row lock."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Slot)
            .where(Slot.id == slot.id, Slot.seats_taken < Slot.seats)
            .values(seats_taken=Slot.seats_taken + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    session.expire(slot, ["seats_taken"])
    if result.rowcount != 1:
        raise Conflict(N_("该岗位名额已满"))


def accept_offer(session: Session, actor: User, placement_id: int, today: date) -> Placement:
    """The student accepts: seat, months and the placement agreement, or nothing at all."""
    context = _answerable(session, actor, placement_id, today)
    placement, slot = context.placement, context.slot
    if slot.status == SlotStatus.CLOSED:
        raise Conflict(N_("该岗位已关闭"))
    ensure_period_free(session, placement, placement.start_date, placement.end_date)
    region = school_region(session, context.school)
    if below_minimum_age(context, placement_rules(region)):
        raise Conflict(N_("未达到岗位实习最低年龄（N1）"))
    consumed = months.placement_months(placement.start_date, placement.end_date)
    counts = months.counts_toward_cap(slot.kind)
    transition(
        session,
        placement,
        (PlacementStatus.OFFERED,),
        PlacementStatus.ACCEPTED,
        decided_at=utcnow(),
        months=consumed,
        counts_toward_cap=counts,
    )
    take_seat(session, slot)
    if counts:
        months.change_months(session, context.student, consumed, months.month_cap(region))
    audit.record(
        session,
        actor,
        "placement.accepted",
        "placement",
        placement.id,
        {"slot_id": slot.id, "months": consumed, "counts_toward_cap": counts},
    )
    create_agreement(session, actor, context)
    session.flush()
    outbox.placement_event(
        session, "offer.accepted", placement, context.school, context.enterprise.id
    )
    _settle_answered(session, context)
    return placement


def decline_offer(session: Session, actor: User, placement_id: int, today: date) -> Placement:
    """The student declines; the offer held no seat, so the slot keeps it for others."""
    context = _answerable(session, actor, placement_id, today)
    transition(
        session,
        context.placement,
        (PlacementStatus.OFFERED,),
        PlacementStatus.DECLINED,
        decided_at=utcnow(),
    )
    audit.record(session, actor, "placement.declined", "placement", placement_id)
    _settle_answered(session, context)
    return context.placement


def _settle_answered(session: Session, context: PlacementContext) -> None:
    """Offer notices point at the student's list of offers: settled once none is left open."""
    still_open = session.scalar(
        select(func.count(Placement.id)).where(
            Placement.student_id == context.student.id,
            Placement.status == PlacementStatus.OFFERED,
        )
    )
    if not still_open:
        recipients = notifications.student_users(session, context.student.id)
        notifications.settle(session, recipients, OFFERS_LINK)


def expire_offers(session: Session, today: date) -> int:
    """Expire every offer whose deadline passed before `today` (the daily sweep); returns how many.

    Each expiry is a conditional UPDATE, so an offer accepted in the meantime stays accepted.
    """
    overdue = session.scalars(
        select(Placement.id).where(
            Placement.status == PlacementStatus.OFFERED, Placement.offer_deadline < today
        )
    ).all()
    expired = 0
    for placement_id in overdue:
        result = cast(
            CursorResult[Any],
            session.execute(
                update(Placement)
                .where(Placement.id == placement_id, Placement.status == PlacementStatus.OFFERED)
                .values(status=PlacementStatus.EXPIRED, decided_at=utcnow())
                .execution_options(synchronize_session=False)
            ),
        )
        if result.rowcount == 1:
            expired += 1
            audit.record(
                session, None, "placement.expired", "placement", placement_id,
                {"today": today.isoformat()},
            )  # fmt: skip
    return expired


class OfferRow(NamedTuple):
    """An open offer as the student's list shows it."""

    id: int
    enterprise_name: str
    slot_title: str
    location: str
    kind: SlotKind
    start_date: date
    end_date: date
    months: int
    stipend_yuan: int
    offer_deadline: date | None


@cache
def _offers_statement() -> Select[int, str, str, str, SlotKind, date, date, int, int, date | None]:
    """The student's open offers, newest first, as the columns shown: built once, for the page
    a student opens after each published run."""
    return (
        select(
            Placement.id,
            Enterprise.name,
            Slot.title,
            Slot.location,
            Slot.kind,
            Placement.start_date,
            Placement.end_date,
            Placement.months,
            Slot.stipend_yuan,
            Placement.offer_deadline,
        )
        .join(Slot, Slot.id == Placement.slot_id)
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .where(
            Placement.student_id == bindparam("student_id", type_=Integer),
            Placement.status == PlacementStatus.OFFERED,
        )
        .order_by(Placement.id.desc())
    )


def list_offers(session: Session, actor: User, page: int = 1) -> Page[OfferRow]:
    """A page of the student's open offers, newest first.

    All of them are read and paged here, one statement rather than a count and a page: a
    student holds a few open offers at a time (one a published run, until answered or expired).
    """
    if actor.role != Role.STUDENT:
        raise PermissionDenied(N_("只有学生本人可以答复录用通知"))
    rows = session.execute(_offers_statement(), {"student_id": actor.student_id})
    return page_of([OfferRow(*row) for row in rows], page)
