"""Escalating overdue journals, once a day: a week still not submitted after its deadline is
told to the student at once, to the teacher a day later, to the school's admin a week after that.

Each (placement, week, level) is told once: the JournalEscalation row is the memory, so running
the escalation twice on the same day (or every day) notifies nobody twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    EscalationLevel,
    Journal,
    JournalEscalation,
    JournalStatus,
    Placement,
    PlacementStatus,
    Role,
    StaffRole,
    Student,
    User,
)
from skillbridge.platform.services import notifications
from skillbridge.platform.services.notifications import Link
from skillbridge.platform.services.placements.ledger import Pauses, pauses_of
from skillbridge.platform.text import N_

from .rules import ESCALATE_AFTER_DAYS, Week, placement_weeks, week_paused

JOURNAL_OVERDUE = "journal.overdue"
# Placements handled per query round: bounded memory on a region with 100k active placements.
BATCH = 500
TITLES = {
    EscalationLevel.STUDENT: N_("您有逾期未交的周志"),
    EscalationLevel.TEACHER: N_("您指导的学生有逾期未交的周志"),
    EscalationLevel.SCHOOL_ADMIN: N_("学生周志逾期一周以上未交"),
}


def _school_admins(session: Session, school_id: int) -> list[int]:
    return list(
        session.scalars(
            select(User.id).where(
                User.is_active.is_(True),
                User.role == Role.SCHOOL,
                User.school_id == school_id,
                User.staff_role == StaffRole.ADMIN,
            )
        )
    )


def _recipients(
    session: Session, level: EscalationLevel, placement: Placement, school_id: int
) -> list[int]:
    if level == EscalationLevel.STUDENT:
        return notifications.student_users(session, placement.student_id)
    if level == EscalationLevel.TEACHER:
        return [placement.teacher_user_id] if placement.teacher_user_id is not None else []
    return _school_admins(session, school_id)


def _overdue_weeks(
    placement: Placement, submitted: set[Week], pauses: Pauses, today: date
) -> list[Week]:
    """Weeks past their deadline without a submission; a wholly paused week is owed nothing."""
    return [
        week
        for week in placement_weeks(placement.start_date, placement.end_date, today)
        if week.days_overdue(today) > 0
        and week not in submitted
        and not week_paused(pauses, week, placement.start_date, placement.end_date)
    ]


def _escalate_batch(session: Session, rows: list[tuple[Placement, int, str]], today: date) -> int:
    ids = [placement.id for placement, _school, _name in rows]
    submitted: dict[int, set[Week]] = defaultdict(set)
    for placement_id, year, week in session.execute(
        select(Journal.placement_id, Journal.iso_year, Journal.iso_week).where(
            Journal.placement_id.in_(ids), Journal.status != JournalStatus.DRAFT
        )
    ):
        submitted[placement_id].add(Week(year, week))
    told = {
        (placement_id, year, week, level)
        for placement_id, year, week, level in session.execute(
            select(
                JournalEscalation.placement_id,
                JournalEscalation.iso_year,
                JournalEscalation.iso_week,
                JournalEscalation.level,
            ).where(JournalEscalation.placement_id.in_(ids))
        )
    }
    pauses = pauses_of(session, ids)
    sent = 0
    for placement, school_id, student_name in rows:
        overdue = _overdue_weeks(placement, submitted[placement.id], pauses[placement.id], today)
        for level, after in ESCALATE_AFTER_DAYS.items():
            weeks = [
                w
                for w in overdue
                if w.days_overdue(today) > after
                and (placement.id, w.iso_year, w.iso_week, level) not in told
            ]
            recipients = _recipients(session, level, placement, school_id) if weeks else []
            if not recipients:  # nobody to tell yet (no teacher assigned): try again tomorrow
                continue
            session.add_all(
                JournalEscalation(
                    placement_id=placement.id,
                    iso_year=w.iso_year,
                    iso_week=w.iso_week,
                    level=level,
                )
                for w in weeks
            )
            # One notice per placement and level, naming every week newly overdue for it.
            listed = "、".join(f"{w.iso_year}-W{w.iso_week:02d}" for w in weeks)
            sent += len(
                notifications.notify(
                    session,
                    recipients,
                    JOURNAL_OVERDUE,
                    TITLES[level],
                    f"{student_name}：{listed}",
                    Link("journals.placement", {"placement_id": placement.id}),
                )
            )
    session.flush()
    return sent


def escalate_overdue_journals(session: Session, today: date) -> int:
    """Tell every level due to hear of each overdue week of every active placement; returns the
    number of notifications sent."""
    statement = (
        select(Placement, Student.school_id, Student.name)
        .join(Student, Student.id == Placement.student_id)
        .where(Placement.status == PlacementStatus.ACTIVE, Placement.start_date <= today)
        .order_by(Placement.id)
    )
    sent, last_id = 0, 0
    while True:
        rows = [
            (placement, school_id, name)
            for placement, school_id, name in session.execute(
                statement.where(Placement.id > last_id).limit(BATCH)
            )
        ]
        if not rows:
            return sent
        sent += _escalate_batch(session, rows, today)
        last_id = rows[-1][0].id
