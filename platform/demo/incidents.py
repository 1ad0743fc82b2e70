"""Demo incidents on an active placement the demo teacher follows (the demo student's when it
has one): a closed minor one and an open serious one whose insurance claim is filed, played
through the services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import Placement, PlacementStatus, Role, Student, User
from skillbridge.platform.demo.region import DEMO_LOGINS
from skillbridge.platform.services.incidents import reports, steps
from skillbridge.platform.services.incidents.times import from_local
from skillbridge.platform.services.placements import assignment

# The serious one falls this many days into the placement, or on the demo's "today" if sooner.
SERIOUS_DAY = 20


def _login(session: Session, name: str) -> User:
    return session.scalars(select(User).where(User.email == DEMO_LOGINS[name])).one()


def _placement(session: Session, school: User, student: User, season: date) -> Placement | None:
    """An active placement, the demo student's or the demo school's if there is one."""
    return session.scalars(
        select(Placement)
        .join(Student, Student.id == Placement.student_id)
        .where(Placement.status == PlacementStatus.ACTIVE, Placement.start_date <= season)
        .order_by(
            (Placement.student_id == student.student_id).desc(),
            (Student.school_id == school.school_id).desc(),
            Placement.id,
        )
        .limit(1)
    ).first()


def _follower(session: Session, placement: Placement, school: User, teacher: User) -> User:
    """The demo teacher (assigned by the demo school now if need be), else the school's admin."""
    student = session.get_one(Student, placement.student_id)
    if student.school_id != school.school_id:
        return (
            session.scalars(
                select(User)
                .where(User.role == Role.SCHOOL, User.school_id == student.school_id)
                .order_by(User.id)
            ).first()
            or school
        )
    if placement.teacher_user_id != teacher.id:
        assignment.assign_staff(session, school, [placement.id], teacher.id)
    return teacher


def seed_demo_incidents(session: Session, season: datetime) -> dict[str, int]:
    """Report, follow up and (for the minor one) close two incidents; `season` is a local
    wall-clock time, the demo's "now"."""
    school, teacher = _login(session, "school"), _login(session, "teacher")
    placement = _placement(session, school, _login(session, "student"), season.date())
    if placement is None:
        return {"incidents": 0}
    newly_followed = placement.teacher_user_id != teacher.id
    follower = _follower(session, placement, school, teacher)
    newly_followed = newly_followed and follower.id == teacher.id
    student = session.scalars(
        select(User).where(User.role == Role.STUDENT, User.student_id == placement.student_id)
    ).first()
    name = session.get_one(Student, placement.student_id).name
    now = from_local(season)
    serious_day = min(SERIOUS_DAY, (season.date() - placement.start_date).days)

    def at(day: int, hour: int, minute: int) -> datetime:
        return datetime.combine(placement.start_date + timedelta(days=day), time(hour, minute))

    minor = reports.report_incident(
        session,
        student or follower,
        placement.id,
        reports.ReportInput(
            kind="injury",
            severity="minor",
            occurred_at=at(0, 10, 20),
            location="机加工车间二号数控车床",
            description=f"{name}装夹工件时左手食指被毛刺划伤，伤口约1厘米。",
            immediate_measures="师傅当场停机，车间医务室消毒包扎；当天安排安全操作复训。",
        ),
        now,
    )
    steps.close_incident(
        session, follower, minor.id, "伤口已愈合，已正常上岗；车间已为该工位加装防护挡板。", now
    )
    serious = reports.report_incident(
        session,
        follower,
        placement.id,
        reports.ReportInput(
            kind="injury",
            severity="serious",
            occurred_at=at(serious_day, 15, 40),
            location="仓储区叉车通道",
            description=f"{name}搬运物料时被倒退的叉车擦碰，右脚踝扭伤，经医院诊断为韧带损伤。",
            immediate_measures="实习单位立即送医并垫付医药费；叉车通道加设警示标线，安排休息两周。",
        ),
        now,
    )
    steps.record_guardian_informed(
        session, follower, serious.id, at(serious_day, 17, 5), follower.display_name, now
    )
    steps.file_claim(
        session,
        follower,
        serious.id,
        f"PICC-BA-{placement.id:06d}",
        placement.start_date + timedelta(days=serious_day),
        now,
    )
    # The season counts the teacher's placements: one more when it follows this one only now.
    return {"incidents": 2, "assigned to the demo teacher": int(newly_followed)}
