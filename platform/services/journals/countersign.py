"""The teacher's monthly countersignature (会签): once every week of the month inside the
placement is confirmed by the mentor, once per placement and month."""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import JournalCountersignature, User
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, NotFound, PermissionDenied
from skillbridge.platform.services.notifications import Link
from skillbridge.platform.services.placements.records import PlacementContext, load_placement
from skillbridge.platform.services.policies import can_countersign_journals
from skillbridge.platform.text import N_

from .weeks import JOURNAL_PLACEMENTS, MonthRow, countersignatures, journals_by_week, month_rows

JOURNALS_COUNTERSIGNED = "journal.countersigned"


def countersignable(session: Session, actor: User, placement_id: int) -> PlacementContext:
    """The placement, if the actor is its teacher (decided before any form is read)."""
    context = load_placement(session, actor, placement_id)
    if not can_countersign_journals(actor, context.placement):
        raise PermissionDenied(N_("只有指派的指导教师可以会签周志"))
    return context


def countersign_month(
    session: Session, actor: User, placement_id: int, year: int, month: int, today: date
) -> JournalCountersignature:
    """The teacher countersigns a month whose weeks are all confirmed."""
    context = countersignable(session, actor, placement_id)
    placement = context.placement
    if placement.status not in JOURNAL_PLACEMENTS:
        raise Conflict(N_("实习尚未开始，没有可会签的周志"))
    journals = journals_by_week(session, [placement.id])[placement.id]
    rows = month_rows(placement, journals, countersignatures(session, [placement.id]), today)
    row: MonthRow | None = next((r for r in rows if (r.year, r.month) == (year, month)), None)
    if row is None:
        raise NotFound(N_("该月不在实习期内，或尚未开始"))
    if row.countersignature is not None:
        raise Conflict(N_("该月周志已会签"))
    if row.confirmed < row.weeks:
        raise Conflict(
            N_("该月还有未经导师确认的周志，不能会签"),
            details=[f"{row.confirmed}/{row.weeks}"],
        )
    signature = JournalCountersignature(
        placement_id=placement.id, year=year, month=month, teacher_user_id=actor.id
    )
    try:
        with session.begin_nested():
            session.add(signature)
    except IntegrityError as exc:
        raise Conflict(N_("该月周志已会签")) from exc
    audit.record(
        session,
        actor,
        "journal.countersigned",
        "placement",
        placement.id,
        {"month": f"{year}-{month:02d}", "weeks": row.weeks},
    )
    notifications.notify(
        session,
        notifications.student_users(session, context.student.id),
        JOURNALS_COUNTERSIGNED,
        N_("指导教师已会签本月周志"),
        f"{year} 年 {month} 月",
        Link("journals.placement", {"placement_id": placement.id}),
    )
    return signature
