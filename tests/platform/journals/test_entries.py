"""Writing, submitting, reviewing and countersigning journals: the flow and who may do what."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from skillbridge.models import (
    Journal,
    JournalCountersignature,
    JournalStatus,
    Notification,
    PlacementStatus,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.journals import countersign, entries, weeks
from skillbridge.platform.services.journals.entries import JournalText
from skillbridge.platform.services.journals.rules import Week
from skillbridge.platform.services.reporting.student_due import student_due

TEXT = JournalText(
    "在数控车间跟随师傅完成轴类零件的粗加工，学习了对刀和工件坐标系的设定。",
    "掌握了游标卡尺和千分尺的读数方法，理解了切削用量对表面粗糙度的影响。",
    "换刀后第一件零件尺寸偏大，经师傅指导重新对刀后解决。",
)
W10 = Week(2026, 10)  # 2026-03-02 — 03-08, due by Wednesday 03-11
ON_TIME, LATE = date(2026, 3, 11), date(2026, 3, 12)


def _submit(session, team, week=W10, today=ON_TIME, text=TEXT, who="student"):  # type: ignore[no-untyped-def]
    return entries.save_journal(
        session,
        team.users[who],
        team.placement.id,
        week.iso_year,
        week.iso_week,
        text,
        today,
        submit=True,
    )


def test_submit_return_resubmit_confirm_keeps_the_history(session, team):
    journal = _submit(session, team)
    assert journal.status == JournalStatus.SUBMITTED and not journal.late
    told = session.scalars(select(Notification).where(Notification.kind == "journal.submitted"))
    assert [n.user_id for n in told] == [team.users["mentor"].id]

    entries.return_journal(session, team.users["mentor"], journal.id, "请补充对刀的具体步骤")
    assert journal.status == JournalStatus.RETURNED
    again = _submit(session, team, today=date(2026, 3, 20))
    assert again.id == journal.id and again.status == JournalStatus.RESUBMITTED
    assert not again.late, "lateness is settled by the first submission"
    entries.confirm_journal(session, team.users["mentor"], journal.id)
    assert journal.status == JournalStatus.CONFIRMED

    context = entries.load_journal(session, team.users["teacher"], journal.id)
    steps = [
        (h.event.action.value, h.event.comment) for h in entries.journal_history(session, context)
    ]
    assert steps == [
        ("submitted", ""),
        ("returned", "请补充对刀的具体步骤"),
        ("resubmitted", ""),
        ("confirmed", ""),
    ]


def test_a_week_submitted_after_its_wednesday_is_late(session, team):
    assert W10.deadline == date(2026, 3, 11) and W10.deadline.isoweekday() == 3
    assert _submit(session, team, today=LATE).late
    assert not _submit(session, team, week=Week(2026, 11), today=Week(2026, 11).deadline).late


def test_one_journal_per_placement_and_week(session, team):
    entries.save_journal(
        session, team.users["student"], team.placement.id, 2026, 10, TEXT, ON_TIME, submit=False
    )
    _submit(session, team)
    with pytest.raises(Conflict):
        _submit(session, team)
    count = session.scalar(
        select(func.count(Journal.id)).where(Journal.placement_id == team.placement.id)
    )
    assert count == 1
    session.add(Journal(placement_id=team.placement.id, iso_year=2026, iso_week=10))
    with pytest.raises(Exception, match="(?i)unique"):
        session.flush()
    session.rollback()


def test_every_field_is_required_on_submission_and_bounded(session, team):
    with pytest.raises(InvalidInput) as error:
        _submit(session, team, text=JournalText("  ", "学到了", ""))
    assert error.value.details == [entries.REQUIRED["work_done"], entries.REQUIRED["problems"]]
    # A draft may be incomplete; nothing is bounded less.
    draft = entries.save_journal(
        session,
        team.users["student"],
        team.placement.id,
        2026,
        10,
        JournalText("只写了一半", "", ""),
        ON_TIME,
        submit=False,
    )
    assert draft.status == JournalStatus.DRAFT and draft.work_done == "只写了一半"
    with pytest.raises(InvalidInput) as error:
        _submit(session, team, text=JournalText("长" * 2001, "学到了", "无"))
    assert error.value.details == [entries.TOO_LONG["work_done"]]


def test_only_the_student_writes_and_only_weeks_of_its_active_placement(session, team):
    for who in ("mentor", "teacher", "school", "enterprise", "bureau"):
        with pytest.raises(PermissionDenied):
            _submit(session, team, who=who)
    with pytest.raises(NotFound):  # before the placement starts
        _submit(session, team, week=Week(2026, 9))
    with pytest.raises(NotFound):  # a week that has not begun
        _submit(session, team, week=Week(2026, 12), today=date(2026, 3, 15))
    with pytest.raises(NotFound):  # no such ISO week
        _submit(session, team, week=Week(2026, 53))
    assert _submit(session, team).status == JournalStatus.SUBMITTED  # the positive control
    team.placement.status = PlacementStatus.ENDED
    with pytest.raises(Conflict):
        _submit(session, team, week=Week(2026, 11), today=team.placement.end_date)


def test_only_the_assigned_mentor_reviews(session, team):
    journal = _submit(session, team)
    with pytest.raises(NotFound):  # another mentor does not see the placement at all
        entries.confirm_journal(session, team.users["other_mentor"], journal.id)
    for who in ("enterprise", "teacher", "student"):
        with pytest.raises(PermissionDenied):
            entries.confirm_journal(session, team.users[who], journal.id)
    with pytest.raises(InvalidInput):
        entries.return_journal(session, team.users["mentor"], journal.id, "   ")
    entries.confirm_journal(session, team.users["mentor"], journal.id)
    with pytest.raises(Conflict):  # confirmed once
        entries.return_journal(session, team.users["mentor"], journal.id, "再改改")


def test_those_outside_the_placement_do_not_learn_a_journal_exists(session, team, factories):
    journal = _submit(session, team)
    stranger_school = factories.school(factories.region())
    stranger = factories.user(team.users["school"].role, school_id=stranger_school.id)
    with pytest.raises(NotFound):
        entries.load_journal(session, stranger, journal.id)
    for who in ("student", "mentor", "teacher", "school", "enterprise", "bureau"):
        assert entries.load_journal(session, team.users[who], journal.id).journal.id == journal.id


def _confirm_weeks(session, team, weeks_):  # type: ignore[no-untyped-def]
    for week in weeks_:
        journal = _submit(session, team, week=week, today=week.deadline)
        entries.confirm_journal(session, team.users["mentor"], journal.id)


def test_the_teacher_countersigns_a_month_once_all_its_weeks_are_confirmed(session, team):
    march = [Week(2026, w) for w in range(10, 15)]  # Thursdays 03-05 … 04-02: week 14 is April's
    assert [w.month for w in march] == [(2026, 3)] * 4 + [(2026, 4)]
    today = date(2026, 4, 10)
    _confirm_weeks(session, team, march[:3])
    with pytest.raises(Conflict):
        countersign.countersign_month(
            session, team.users["teacher"], team.placement.id, 2026, 3, today
        )
    _confirm_weeks(session, team, march[3:4])
    for who in ("other_teacher", "school", "mentor"):
        with pytest.raises(PermissionDenied):
            countersign.countersign_month(
                session, team.users[who], team.placement.id, 2026, 3, today
            )
    assert [m.month for m in weeks.ready_months(session, team.users["teacher"], today)] == [3]
    signed = countersign.countersign_month(
        session, team.users["teacher"], team.placement.id, 2026, 3, today
    )
    assert (signed.year, signed.month) == (2026, 3)
    with pytest.raises(Conflict):
        countersign.countersign_month(
            session, team.users["teacher"], team.placement.id, 2026, 3, today
        )
    with pytest.raises(NotFound):
        countersign.countersign_month(
            session, team.users["teacher"], team.placement.id, 2026, 8, today
        )
    assert weeks.ready_months(session, team.users["teacher"], today) == []
    session.add(
        JournalCountersignature(
            placement_id=team.placement.id,
            year=2026,
            month=3,
            teacher_user_id=team.users["teacher"].id,
        )
    )
    with pytest.raises(Exception, match="(?i)unique"):
        session.flush()
    session.rollback()


def test_the_students_weeks_show_due_missing_returned_and_confirmed(session, team):
    today = date(2026, 3, 24)  # Tuesday of week 13
    _confirm_weeks(session, team, [Week(2026, 10)])
    returned = _submit(session, team, week=Week(2026, 11), today=date(2026, 3, 20))
    entries.return_journal(session, team.users["mentor"], returned.id, "太简略")
    listing = weeks.placement_journals(session, team.users["student"], team.placement.id, today)
    states = {row.week.iso_week: row.state.value for row in listing.weeks.items}
    assert states == {13: "open", 12: "due", 11: "returned", 10: "confirmed"}
    assert student_due(session, team.users["student"], today).weeks == 2
    later = weeks.placement_journals(
        session, team.users["student"], team.placement.id, date(2026, 3, 26)
    )
    assert {r.week.iso_week: r.state.value for r in later.weeks.items}[12] == "missing"
