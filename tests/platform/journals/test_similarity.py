"""Near-copies are flagged with the matching journal and never block the submission."""

from __future__ import annotations

from datetime import date

from skillbridge.models import JournalStatus, PlacementStatus, Role, School
from skillbridge.platform.services.journals import entries
from skillbridge.platform.services.journals.entries import JournalText

ORIGINAL = JournalText(
    "本周在装配车间学习减速器的拆装，熟悉了轴承的压装工艺和扭矩扳手的使用。",
    "理解了装配顺序对精度的影响，学会了阅读装配图中的技术要求。",
    "压装轴承时用力不均导致一次返工，师傅讲解了正确的方法。",
)
COPY = JournalText(ORIGINAL.work_done + "另外整理了工具柜。", ORIGINAL.learned, ORIGINAL.problems)
DIFFERENT = JournalText(
    "参加了质量部门的首件检验，用三坐标测量机检测了法兰盘的孔位。",
    "了解了形位公差的检测方法和检验报告的填写规范。",
    "测量程序调用错误，重新选择了坐标系。",
)


def _submit(session, user, placement, week, text):  # type: ignore[no-untyped-def]
    return entries.save_journal(
        session, user, placement.id, 2026, week, text, date(2026, 5, 1), submit=True
    )


def test_a_copy_of_the_students_own_earlier_week_is_flagged_not_blocked(session, team):
    first = _submit(session, team.users["student"], team.placement, 10, ORIGINAL)
    assert first.similarity is None
    copied = _submit(session, team.users["student"], team.placement, 11, COPY)
    assert copied.status == JournalStatus.SUBMITTED
    assert copied.similar_journal_id == first.id and copied.similarity >= 85
    fresh = _submit(session, team.users["student"], team.placement, 12, DIFFERENT)
    assert fresh.similarity is None and fresh.similar_journal_id is None


def test_a_copy_of_another_interns_journal_of_the_same_week_at_the_same_host(
    session, team, factories
):  # type: ignore[no-untyped-def]
    classmate = factories.student(session.get(School, team.student.school_id))
    classmate_user = factories.user(Role.STUDENT, student_id=classmate.id)
    other = factories.placement(
        classmate,
        team.slot,
        status=PlacementStatus.ACTIVE,
        start_date=team.placement.start_date,
        end_date=team.placement.end_date,
    )
    theirs = _submit(session, classmate_user, other, 10, ORIGINAL)
    mine = _submit(session, team.users["student"], team.placement, 10, COPY)
    assert mine.similar_journal_id == theirs.id
    # Shown to the mentor with the matching journal when the mentor may see it; never to the
    # student who wrote it.
    context = entries.load_journal(session, team.users["enterprise"], mine.id)
    assert entries.sees_flags(team.users["enterprise"], context)
    assert entries.similar_journal(session, team.users["enterprise"], context) is not None
    own = entries.load_journal(session, team.users["student"], mine.id)
    assert not entries.sees_flags(team.users["student"], own)
    # A different week of the classmate is no match.
    later = _submit(session, classmate_user, other, 11, DIFFERENT)
    assert later.similarity is None
