"""The reviewers' queues: journals waiting for a mentor, months waiting for a teacher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from skillbridge.models import AWAITING_REVIEW, Journal, Placement, StaffRole, Student, User
from skillbridge.platform.services.actors import Actor
from skillbridge.platform.services.errors import PermissionDenied
from skillbridge.platform.services.paging import AnyRow, AnySelect, Page, page_of, paginate
from skillbridge.platform.text import N_

from .rules import Week
from .weeks import MonthRow, ready_months

REVIEWERS = (StaffRole.MENTOR, StaffRole.TEACHER)


@dataclass(frozen=True)
class QueuedJournal:
    journal: Journal
    student_name: str

    @property
    def week(self) -> Week:
        return Week(self.journal.iso_year, self.journal.iso_week)


@dataclass(frozen=True)
class QueuedMonth:
    month: MonthRow
    student_name: str


def _waiting_for(actor: Actor) -> ColumnElement[bool]:
    """Journals (joined with their placements) that wait for the actor as their mentor."""
    return and_(Placement.mentor_user_id == actor.id, Journal.status.in_(AWAITING_REVIEW))


def _awaiting(actor: User) -> AnySelect:
    return (
        select(Journal, Student.name)
        .join(Placement, Placement.id == Journal.placement_id)
        .join(Student, Student.id == Placement.student_id)
        .where(_waiting_for(actor))
    )


def _queued(row: AnyRow) -> QueuedJournal:
    return QueuedJournal(row[0], row[1])


def ensure_reviewer(actor: User) -> None:
    """The queues are a mentor's and a teacher's pages."""
    if actor.staff_role not in REVIEWERS:
        raise PermissionDenied(N_("审阅队列仅供企业导师和指导教师使用"))


def mentor_queue(session: Session, actor: User, page: int = 1) -> Page[QueuedJournal]:
    """The mentor's journals waiting for review, the longest waiting first."""
    ensure_reviewer(actor)
    statement = _awaiting(actor).order_by(Journal.submitted_at, Journal.id)
    return paginate(session, statement, page, _queued)


def awaiting_review(actor: Actor) -> AnySelect:
    """The placement of each journal waiting for the mentor (one row per journal)."""
    return (
        select(Journal.placement_id)
        .join(Placement, Placement.id == Journal.placement_id)
        .where(_waiting_for(actor))
    )


def teacher_queue(session: Session, actor: User, today: date, page: int = 1) -> Page[QueuedMonth]:
    """The teacher's months ready to countersign, oldest first."""
    ensure_reviewer(actor)
    months = ready_months(session, actor, today)
    window = page_of(months, page)
    names = {
        placement_id: name
        for placement_id, name in session.execute(
            select(Placement.id, Student.name)
            .join(Student, Student.id == Placement.student_id)
            .where(Placement.id.in_({m.placement_id for m in window.items}))
        )
    }
    return window.with_items([QueuedMonth(m, names[m.placement_id]) for m in window.items])
