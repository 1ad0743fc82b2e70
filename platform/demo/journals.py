"""The demo student's internship at the demo enterprise, followed by the demo teacher and mentor,
with its first weeks of journals: confirmed ones, one returned and resubmitted, one waiting for
the mentor, and the first month countersigned."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import Journal, Placement, PlacementStatus, Slot, SlotKind, SlotStatus, User
from skillbridge.platform.demo.region import DEMO_LOGINS, REFERENCE_DATE
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.journals import countersign, entries
from skillbridge.platform.services.journals.entries import JournalText
from skillbridge.platform.services.journals.rules import Week, placement_weeks
from skillbridge.platform.services.placements import assignment, offers

# The internship runs one term from the Monday after the reference date; the demo shows its
# first seven weeks written (September's three countersigned).
START = date(2026, 9, 7)
END = date(2026, 12, 31)
WRITTEN_WEEKS = 7
RETURNED_WEEK, LATE_WEEK = 2, 4  # positions among the written weeks
ENTRIES = (
    (
        "参加入职安全教育和6S培训，熟悉车间布局、安全通道和消防器材位置。",
        "了解了企业的安全生产制度，知道了劳保用品的正确穿戴方法。",
        "车间噪声较大，起初不习惯戴耳塞，师傅提醒后已改正。",
    ),
    (
        "跟随师傅学习数控车床的开机、回零和手动操作，观摩了轴类零件的加工。",
        "掌握了机床面板各按键的功能，理解了工件坐标系与机床坐标系的区别。",
        "对刀时Z向偏置输入错误，师傅讲解后重新对刀。",
    ),
    (
        "独立完成了三种台阶轴的粗加工，每件加工后用游标卡尺自检并记录。",
        "学会了根据材料选择切削用量，体会到进给量对表面粗糙度的影响。",
        "第一批零件有两件外圆超差，分析原因是刀尖磨损未及时补偿。",
    ),
    (
        "轮岗到质检工位，用千分尺和塞规检验法兰盘，填写首件检验记录。",
        "理解了首件检验和巡检的作用，学会了看检验作业指导书。",
        "对形位公差的标注还不熟悉，准备下周请教质检员。",
    ),
    (
        "回到数控车间，在师傅指导下编写简单的G代码程序并试切。",
        "掌握了G71外圆粗车循环的编程方法，能看懂加工程序单。",
        "程序中退刀点设置过近，试切时差点撞刀，已按师傅要求改在安全位置。",
    ),
    (
        "参与了一批螺纹轴的生产，负责上下料和尺寸抽检。",
        "学会了用螺纹环规检验外螺纹，了解了批量生产的节拍要求。",
        "下午连续作业后注意力下降，学会了按规定时间休息。",
    ),
    (
        "参加车间质量月活动，整理了本月加工中遇到的问题和改进措施。",
        "体会到记录和复盘的重要性，对数控加工的整个流程有了完整认识。",
        "无",
    ),
)
RETURN_COMMENT = "请写清楚超差的具体尺寸和补偿的数值，下次遇到同类问题才有据可查。"


def _user(session: Session, name: str) -> User:
    return session.scalars(select(User).where(User.email == DEMO_LOGINS[name])).one()


def _place(session: Session, school: User, student: User, enterprise_id: int) -> int | None:
    """Offer the demo student a seat at the demo enterprise and accept it; None if none fits."""
    slots = session.scalars(
        select(Slot)
        .where(
            Slot.enterprise_id == enterprise_id,
            Slot.status == SlotStatus.OPEN,
            Slot.seats_taken < Slot.seats,
        )
        .order_by(Slot.kind != SlotKind.POST_INTERNSHIP, Slot.id)
    )
    for slot in slots:
        try:
            with session.begin_nested():
                placement = Placement(
                    student_id=student.student_id,
                    slot_id=slot.id,
                    status=PlacementStatus.PROPOSED,
                    start_date=START,
                    end_date=END,
                    months=0,
                )
                session.add(placement)
                session.flush()
                deadline = REFERENCE_DATE + timedelta(days=7)
                offers.publish_offers(session, school, [placement], deadline, REFERENCE_DATE)
                offers.accept_offer(session, student, placement.id, REFERENCE_DATE)
            return placement.id
        except DomainError:
            continue
    return None


def _write(session: Session, student: User, mentor: User, placement_id: int) -> int:
    weeks = placement_weeks(START, END)[:WRITTEN_WEEKS]
    for index, (week, text) in enumerate(zip(weeks, ENTRIES, strict=True)):
        written_on = week.deadline + timedelta(days=1) if index == LATE_WEEK else week.sunday
        journal = _save(session, student, placement_id, week, JournalText(*text), written_on)
        if index == len(weeks) - 1:
            continue  # the latest week waits for the mentor
        if index == RETURNED_WEEK:
            entries.return_journal(session, mentor, journal.id, RETURN_COMMENT)
            better = JournalText(
                text[0], text[1], text[2] + "外圆超差0.03 mm，刀尖补偿X向-0.03后合格。"
            )
            _save(session, student, placement_id, week, better, written_on + timedelta(days=1))
        entries.confirm_journal(session, mentor, journal.id)
    return len(weeks)


def _save(
    session: Session, student: User, placement_id: int, week: Week, text: JournalText, on: date
) -> Journal:
    return entries.save_journal(
        session, student, placement_id, week.iso_year, week.iso_week, text, on, submit=True
    )


def place_demo_student(session: Session) -> tuple[int, tuple[User, User, User]] | None:
    """The demo student's accepted placement at the demo enterprise, with its three signing
    parties (student, school, enterprise), for the season to start like every other."""
    school, enterprise, student = (_user(session, n) for n in ("school", "enterprise", "student"))
    assert enterprise.enterprise_id is not None
    placement_id = _place(session, school, student, enterprise.enterprise_id)
    return None if placement_id is None else (placement_id, (student, school, enterprise))


def follow_demo_placement(session: Session, placement_id: int) -> Counter[str]:
    """The demo teacher and mentor follow the started placement; its first weeks are written,
    reviewed and September countersigned."""
    school, enterprise, student, teacher, mentor = (
        _user(session, name) for name in ("school", "enterprise", "student", "teacher", "mentor")
    )
    assignment.assign_staff(session, school, [placement_id], teacher.id)
    assignment.assign_staff(session, enterprise, [placement_id], mentor.id)
    counts: Counter[str] = Counter(
        {"assigned to the demo teacher": 1, "assigned to the demo mentor": 1}
    )
    counts["weekly journals"] = _write(session, student, mentor, placement_id)
    last_day = placement_weeks(START, END)[WRITTEN_WEEKS - 1].sunday
    year, month = Week.of(START).month
    countersign.countersign_month(session, teacher, placement_id, year, month, last_day)
    counts["journal months countersigned"] = 1
    return counts
