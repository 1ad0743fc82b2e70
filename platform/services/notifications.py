"""In-app notifications: sent by other services in their transaction, read by their recipient."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, func, select, update
from sqlalchemy.orm import Session

from skillbridge.models import Notification, Role, StaffRole, User, utcnow
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import can_read_notification
from skillbridge.platform.text import N_

# Kinds of event that ask someone to act; others may add their own (e.g. "claim.decided").
OFFER_RECEIVED = "offer.received"
AGREEMENT_TO_SIGN = "agreement.to_sign"
PLAN_FILED = "plan.filed"
PLAN_APPROVED = "plan.approved"
PLAN_REJECTED = "plan.rejected"


_ENDPOINT = re.compile(r"[a-z_]+\.[a-z_]+")


@dataclass(frozen=True)
class Link:
    """Where a notification points: a view's endpoint name and its URL arguments.

    Services only name the endpoint (they know no URLs); the web layer builds the URL with
    url_for, which always yields a path on this site and fails loudly for a route that is gone.
    """

    endpoint: str
    args: Mapping[str, int | str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _ENDPOINT.fullmatch(self.endpoint):
            raise ValueError(f"not an endpoint name: {self.endpoint!r}")
        for name, value in self.args.items():
            if not isinstance(value, int | str) or isinstance(value, bool):
                raise ValueError(f"link argument {name!r} must be an int or a str, got {value!r}")


def notify(
    session: Session,
    recipients: Iterable[User | int],
    kind: str,
    title: str,
    body: str = "",
    link: Link | None = None,
) -> list[Notification]:
    """Queue one notification per distinct recipient (users or user ids) in the caller's transaction.

    `title` should be a constant Chinese string marked with N_() so the page can translate it;
    `body` carries the particulars (names, dates) and is shown as written.
    """
    user_ids = sorted({r.id if isinstance(r, User) else int(r) for r in recipients})
    notifications = [
        Notification(
            user_id=user_id,
            kind=kind,
            title=title,
            body=body,
            endpoint=link.endpoint if link else None,
            link_args=dict(link.args) if link else {},
        )
        for user_id in user_ids
    ]
    session.add_all(notifications)
    session.flush()
    return notifications


def settle(session: Session, recipients: Iterable[User | int], link: Link) -> int:
    """Mark as read the recipients' unread notifications that point at `link`: the step they
    asked for is done, so they leave the unread count; returns how many were settled."""
    user_ids = {r.id if isinstance(r, User) else int(r) for r in recipients}
    if not user_ids:
        return 0
    pending = session.scalars(
        select(Notification).where(
            Notification.user_id.in_(sorted(user_ids)),
            Notification.endpoint == link.endpoint,
            Notification.read_at.is_(None),
        )
    )
    # link_args is JSON: compared here rather than in SQL, which differs per database.
    wanted, now, settled = dict(link.args), utcnow(), 0
    for notification in pending:
        if notification.link_args == wanted:
            notification.read_at = now
            settled += 1
    session.flush()
    return settled


def _active_users(session: Session, *criteria: ColumnElement[bool]) -> list[int]:
    return list(session.scalars(select(User.id).where(User.is_active.is_(True), *criteria)))


def school_users(session: Session, school_id: int) -> list[int]:
    """Active staff accounts of a school."""
    return _active_users(session, User.role == Role.SCHOOL, User.school_id == school_id)


def enterprise_users(session: Session, enterprise_id: int) -> list[int]:
    """Active staff accounts of an enterprise."""
    return _active_users(session, User.role == Role.ENTERPRISE, User.enterprise_id == enterprise_id)


def student_users(session: Session, student_id: int) -> list[int]:
    """The student's own account, if it has activated one."""
    return _active_users(session, User.role == Role.STUDENT, User.student_id == student_id)


def worker_users(session: Session, person_id: int) -> list[int]:
    """The person's own worker account, if it has one."""
    return _active_users(session, User.role == Role.WORKER, User.person_id == person_id)


def bureau_users(session: Session, region_id: int) -> list[int]:
    """Active bureau accounts of a region."""
    return _active_users(session, User.role == Role.BUREAU, User.region_id == region_id)


# ── incidents ── the managers an incident report goes to (not every staff account)
def school_admins(session: Session, school_id: int) -> list[int]:
    """Active admin accounts of a school."""
    return _active_users(
        session,
        User.role == Role.SCHOOL,
        User.school_id == school_id,
        User.staff_role == StaffRole.ADMIN,
    )


def enterprise_admins(session: Session, enterprise_id: int) -> list[int]:
    """Active admin accounts of an enterprise."""
    return _active_users(
        session,
        User.role == Role.ENTERPRISE,
        User.enterprise_id == enterprise_id,
        User.staff_role == StaffRole.ADMIN,
    )


def bureau_officers(session: Session, region_id: int) -> list[int]:
    """Active officers (经办) of a region's bureau: reviewers and finance keep to their queues."""
    return _active_users(
        session,
        User.role == Role.BUREAU,
        User.region_id == region_id,
        User.staff_role == StaffRole.OFFICER,
    )


def list_notifications(session: Session, actor: User, page: int = 1) -> Page[Notification]:
    """A page of the actor's notifications, unread first, then newest first."""
    statement = (
        select(Notification)
        .where(Notification.user_id == actor.id)
        .order_by(Notification.read_at.is_not(None), Notification.id.desc())
    )
    return paginate(session, statement, page, first_column)


def unread_count(session: Session, actor: User) -> int:
    """How many of the actor's notifications are unread."""
    return (
        session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == actor.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def mark_read(session: Session, actor: User, notification_id: int) -> Notification:
    """Mark one of the actor's notifications as read (reading twice keeps the first time)."""
    notification = session.get(Notification, notification_id)
    if notification is None:
        raise NotFound(N_("通知不存在"))
    if not can_read_notification(actor, notification):
        raise PermissionDenied(N_("无权操作该通知"))
    if notification.read_at is None:
        notification.read_at = utcnow()
        audit.record(session, actor, "notification.read", "notification", notification.id)
    session.flush()
    return notification


def mark_all_read(session: Session, actor: User) -> int:
    """Mark every unread notification of the actor as read; returns how many."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Notification)
            .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount:
        audit.record(
            session, actor, "notification.read_all", "user", actor.id, {"count": result.rowcount}
        )
    return result.rowcount
