"""Demo apprenticeship programmes, filed and approved through the services, with apprentices."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Cohort,
    Employment,
    EmploymentStatus,
    ProgrammeKind,
    Slot,
    Student,
    User,
)
from skillbridge.platform.demo.region import DEMO_LOGINS
from skillbridge.platform.services.programmes import enrolments, filing

# Both programmes start with the autumn term after the demo season and run a year.
START, END = date(2026, 11, 1), date(2027, 10, 31)
APPRENTICES_PER_PROGRAMME = 2
MODULES = [filing.ModuleInput("岗位安全与规范", 80), filing.ModuleInput("核心技能实训", 420)]


def _login(session: Session, name: str) -> User:
    return session.scalars(select(User).where(User.email == DEMO_LOGINS[name])).one()


def seed_demo_programmes(session: Session) -> dict[str, int]:
    """A 企业新型学徒制 programme for two employees and a 学生学徒 one for two final-year
    students of the demo school, both at the demo enterprise, approved by the bureau."""
    enterprise, school = _login(session, "enterprise"), _login(session, "school")
    mentor, teacher = _login(session, "mentor"), _login(session, "teacher")
    bureau = _login(session, "bureau")
    assert enterprise.enterprise_id is not None and school.school_id is not None
    occupation_id = session.scalars(
        select(Slot.occupation_id).where(Slot.enterprise_id == enterprise.enterprise_id)
    ).first()
    assert occupation_id is not None  # the demo enterprise posts slots
    employees = session.scalars(
        select(Employment)
        .where(
            Employment.enterprise_id == enterprise.enterprise_id,
            Employment.status == EmploymentStatus.CONFIRMED,
            Employment.contract_end.is_not(None),
            Employment.contract_end >= END,
        )
        .order_by(Employment.id.desc())  # the newest hires: mentors are the senior ones
        .limit(APPRENTICES_PER_PROGRAMME)
    ).all()
    students = session.scalars(
        select(Student)
        .join(Cohort, Cohort.id == Student.cohort_id)
        .where(Student.school_id == school.school_id, Cohort.graduation_year == END.year)
        .order_by(Student.id)
        .limit(APPRENTICES_PER_PROGRAMME)
    ).all()
    enrolled = 0
    for kind, title, apprentices in (
        (ProgrammeKind.EMPLOYEE, "企业新型学徒制（演示）", employees),
        (ProgrammeKind.STUDENT, "学生学徒培养（演示）", students),
    ):
        programme = filing.create_programme(
            session,
            enterprise,
            filing.ProgrammeInput(
                kind=kind,
                title=title,
                school_id=school.school_id,
                occupation_id=occupation_id,
                target_level=3,
                start_date=START,
                end_date=END,
                total_hours=sum(m.hours for m in MODULES),
                assessment_body="苏州市职业技能鉴定指导中心",
                modules=MODULES,
            ),
        )
        filing.accept_training(session, school, programme.id)
        filing.file_programme(session, enterprise, programme.id)
        filing.decide_filing(session, bureau, programme.id, True, "培训计划完整，准予备案")
        for apprentice in apprentices:
            is_employee = isinstance(apprentice, Employment)
            enrolments.enrol_apprentice(
                session,
                enterprise,
                programme.id,
                enrolments.EnrolmentInput(
                    employment_id=apprentice.id if is_employee else None,
                    student_id=None if is_employee else apprentice.id,
                    mentor_user_id=mentor.id,
                    teacher_user_id=teacher.id,
                    labour_contract_ref=f"HT-DEMO-{apprentice.id}" if is_employee else "",
                ),
            )
            enrolled += 1
    return {"apprenticeship programmes": 2, "apprentices": enrolled}
