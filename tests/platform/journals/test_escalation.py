"""Overdue weeks escalate student → teacher → school admin, each level once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from skillbridge.models import EscalationLevel, JournalEscalation, Notification, Role, StaffRole
from skillbridge.platform.services.journals import entries
from skillbridge.platform.services.journals.entries import JournalText
from skillbridge.platform.services.journals.escalation import (
    JOURNAL_OVERDUE,
    escalate_overdue_journals,
)
from skillbridge.platform.services.journals.rules import ESCALATE_AFTER_DAYS, Week

W10 = Week(2026, 10)  # due by 2026-03-11


def _told(session) -> list[int]:  # type: ignore[no-untyped-def]
    return list(
        session.scalars(
            select(Notification.user_id)
            .where(Notification.kind == JOURNAL_OVERDUE)
            .order_by(Notification.id)
        )
    )


def test_a_missing_week_reaches_the_student_then_the_teacher_then_the_admin_once(session, team):
    student, teacher, admin = (team.users[k].id for k in ("student", "teacher", "school"))
    assert escalate_overdue_journals(session, W10.deadline) == 0  # due today: not yet overdue
    first = W10.deadline + timedelta(days=1)
    assert escalate_overdue_journals(session, first) == 1
    assert escalate_overdue_journals(session, first) == 0, "the second run notifies nobody"
    assert _told(session) == [student]
    teacher_day = W10.deadline + timedelta(days=ESCALATE_AFTER_DAYS[EscalationLevel.TEACHER] + 1)
    escalate_overdue_journals(session, teacher_day)
    escalate_overdue_journals(session, teacher_day)
    # Week 11 is due by 03-18, after the teacher's day for week 10: nobody hears of it yet.
    assert _told(session) == [student, teacher]
    # 03-20: week 10 reaches the admin, and week 11, two days overdue, the student and teacher.
    admin_day = W10.deadline + timedelta(days=ESCALATE_AFTER_DAYS[EscalationLevel.SCHOOL_ADMIN] + 1)
    escalate_overdue_journals(session, admin_day)
    escalate_overdue_journals(session, admin_day)
    assert sorted(_told(session)[2:]) == sorted([admin, student, teacher])
    levels = session.scalars(
        select(JournalEscalation.level).where(
            JournalEscalation.placement_id == team.placement.id,
            JournalEscalation.iso_week == 10,
        )
    )
    assert sorted(level.value for level in levels) == ["school_admin", "student", "teacher"]


def test_a_submitted_week_does_not_escalate_and_staff_roles_other_than_admin_are_spared(
    session, team, factories
):  # type: ignore[no-untyped-def]
    factories.user(Role.SCHOOL, StaffRole.PLACEMENT_OFFICER, school_id=team.student.school_id)
    text = JournalText("工作", "收获", "无")
    entries.save_journal(
        session,
        team.users["student"],
        team.placement.id,
        2026,
        10,
        text,
        date(2026, 3, 13),
        submit=True,
    )
    assert escalate_overdue_journals(session, date(2026, 3, 13)) == 0
    # Week 11 (due 03-18) missed for ten days: the admin hears, the placement officer does not.
    escalate_overdue_journals(session, date(2026, 3, 28))
    told = set(_told(session))
    assert told == {team.users[k].id for k in ("student", "teacher", "school")}


def test_the_daily_command_escalates_once_before_the_digests(runner, session, team):  # type: ignore[no-untyped-def]
    first = runner.invoke(args=["daily", "--today", "2026-03-12"])
    assert first.exit_code == 0, first.output
    assert "1 overdue-journal notifications sent" in first.output
    assert first.output.index("overdue-journal") < first.output.index("reminder")
    again = runner.invoke(args=["daily", "--today", "2026-03-12"])
    assert "0 overdue-journal notifications sent" in again.output
    assert _told(session) == [team.users["student"].id]


def test_a_teacher_assigned_late_still_hears_of_the_weeks_overdue(session, team):  # type: ignore[no-untyped-def]
    team.placement.teacher_user_id = None
    day = W10.deadline + timedelta(days=ESCALATE_AFTER_DAYS[EscalationLevel.TEACHER] + 1)
    escalate_overdue_journals(session, day)
    assert _told(session) == [team.users["student"].id]
    team.placement.teacher_user_id = team.users["teacher"].id
    escalate_overdue_journals(session, day)
    assert _told(session) == [team.users["student"].id, team.users["teacher"].id]
