"""Facts of a training course or technician class for the eligibility engine, from its record."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    CourseTrainee,
    Occupation,
    Person,
    School,
    SubsidyPolicy,
    TrainingCourse,
)
from skillbridge.platform import policy as engine
from skillbridge.platform.services.directory import latest_enrolment
from skillbridge.platform.services.subsidies.facts import (
    BuiltFacts,
    FactsBuilder,
    lists_for,
    school_key,
    shortage_list_label,
)
from skillbridge.platform.services.subsidies.worker_facts import worker_key
from skillbridge.platform.text import N_


def course_key(course_id: int) -> str:
    """The course's id as once-only keys and explanations name it."""
    return f"course-{course_id}"


def completed_count(session: Session, course_id: int) -> int:
    """The trainees its organiser marked 结业: the count every rule reads, never a declared one."""
    return (
        session.scalar(
            select(func.count())
            .select_from(CourseTrainee)
            .where(CourseTrainee.course_id == course_id, CourseTrainee.completed.is_(True))
        )
        or 0
    )


def build_course_facts(
    session: Session,
    policy: SubsidyPolicy,
    on_date: date,
    course: TrainingCourse,
    *,
    person: Person | None = None,
    school: School | None = None,
) -> BuiltFacts:
    """The course as its record shows it, with the trainee (`person`) or the organising school
    the claim is paid to."""
    b = FactsBuilder(session, policy, on_date, {})
    shortage, designated = lists_for(session, policy, on_date)
    b.row(shortage_list_label(on_date.year), "、".join(sorted(shortage)) or N_("无"))
    occupation = session.get_one(Occupation, course.occupation_id)
    completed = completed_count(session, course.id)
    b.row(
        N_("培训项目"),
        N_(
            "%(key)s %(title)s（%(occupation)s，%(start)s至%(end)s）",
            key=course_key(course.id),
            title=course.title,
            occupation=occupation.code,
            start=course.starts_on.isoformat(),
            end=course.ends_on.isoformat(),
        ),
    )
    b.row(N_("结业人数"), N_("%(n)d人（结业名单记录）", n=completed))
    person_facts = school_facts = None
    subject_completed = None
    if person is not None:
        trainee = session.scalar(
            select(CourseTrainee).where(
                CourseTrainee.course_id == course.id, CourseTrainee.person_id == person.id
            )
        )
        subject_completed = trainee is not None and trainee.completed
        b.row(
            N_("学员"),
            N_("%(name)s（已结业）", name=person.name)
            if subject_completed
            else N_("%(name)s（未结业）", name=person.name),
        )
        student = latest_enrolment(session, person.id)
        credit = b.credit(student_id=student.id) if student is not None else False
        person_facts = engine.PersonFacts(
            worker_key(session, person), birth_date=person.birth_date, credit_record_active=credit
        )
    if school is not None:
        b.row(N_("学校"), school.name)
        school_facts = engine.SchoolFacts(
            school_key(school.id), credit_record_active=b.credit(school_id=school.id)
        )
    facts = engine.Facts(
        person=person_facts,
        school=school_facts,
        course=engine.CourseFacts(
            course_key(course.id), occupation.code, course.ends_on, completed, subject_completed
        ),
        shortage_occupations=shortage,
        designated_occupations=designated,
    )
    return BuiltFacts(facts, tuple(b.rows), b.declared)
