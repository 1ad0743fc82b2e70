"""Enrolling apprentices in an approved programme, each with an enterprise mentor and a teacher.

The database refuses two enrolments of one person whose periods overlap (EXCLUDE on PostgreSQL,
triggers on SQLite); the check here only gives the usual case a clearer message, the
constraint decides a race.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    ApprenticeEnrolment,
    ApprenticeshipProgramme,
    Cohort,
    Employment,
    EmploymentStatus,
    Person,
    ProgrammeKind,
    ProgrammeStatus,
    Role,
    StaffRole,
    Student,
    TrainingAgreement,
    User,
)
from skillbridge.platform.policy.dates import months_between
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import AnyRow, Page, paginate
from skillbridge.platform.services.programmes.access import (
    can_view_enrolment,
    manages_programme,
)
from skillbridge.platform.services.programmes.filing import enterprise_region, get_programme
from skillbridge.platform.text import N_

ENROLLED = "programme.enrolled"
OVERLAP = N_("该人员已在培养期重叠的另一学徒培养项目中")
# 企业新型学徒制: a labour contract of at least one year (DOMAIN.md, 2021 guidance).
MIN_CONTRACT_MONTHS = 12


@dataclass(frozen=True)
class EnrolmentInput:
    """Who is enrolled (employment and/or roster record) and their two mentors."""

    employment_id: int | None
    student_id: int | None
    mentor_user_id: int | None
    teacher_user_id: int | None
    labour_contract_ref: str = ""


@dataclass(frozen=True)
class EnrolmentRow:
    """An enrolment with the apprentice's name and the programme, for lists."""

    enrolment: ApprenticeEnrolment
    programme: ApprenticeshipProgramme
    name: str


def _employment(
    session: Session, programme: ApprenticeshipProgramme, data: EnrolmentInput
) -> Employment | None:
    if programme.kind == ProgrammeKind.STUDENT:
        if data.employment_id is not None:
            raise InvalidInput(N_("员工：学生学徒项目招收学生，不选员工"))
        return None
    employment = session.get(Employment, data.employment_id) if data.employment_id else None
    if (
        employment is None
        or employment.enterprise_id != programme.enterprise_id
        or employment.status != EmploymentStatus.CONFIRMED
    ):
        raise InvalidInput(N_("员工：须为本企业已确认劳动关系的在职员工"))
    if not data.labour_contract_ref.strip():
        raise InvalidInput(N_("劳动合同编号：员工学徒必填"))
    if (
        employment.contract_start is not None
        and employment.contract_end is not None
        and months_between(employment.contract_start, employment.contract_end + timedelta(days=1))
        < MIN_CONTRACT_MONTHS
    ):
        raise InvalidInput(N_("劳动合同：企业新型学徒制要求劳动合同期限一年以上"))
    return employment


def _student(
    session: Session, programme: ApprenticeshipProgramme, data: EnrolmentInput
) -> Student | None:
    if programme.kind == ProgrammeKind.EMPLOYEE:
        if data.student_id is not None:
            raise InvalidInput(N_("学生：企业新型学徒制项目招收员工，不选学生"))
        return None
    student = session.get(Student, data.student_id) if data.student_id else None
    if student is None or student.school_id != programme.school_id:
        raise InvalidInput(N_("学生：须为培训院校名册中的学生"))
    cohort = session.get_one(Cohort, student.cohort_id)
    # 学生学徒 are 毕业学年学生 (seed 001 (六)): the programme starts in their final school year.
    if programme.kind == ProgrammeKind.STUDENT and not (
        cohort.graduation_year - 1 <= programme.start_date.year <= cohort.graduation_year
    ):
        raise InvalidInput(N_("学生：学生学徒须为毕业学年学生"))
    return student


def _staff(
    session: Session, user_id: int | None, role: Role, staff_role: StaffRole, tenant: int
) -> User | None:
    user = session.get(User, user_id) if user_id else None
    if user is None or not user.is_active or user.role != role or user.staff_role != staff_role:
        return None
    owner = user.enterprise_id if role == Role.ENTERPRISE else user.school_id
    return user if owner == tenant else None


def _overlaps(session: Session, person_id: int, programme: ApprenticeshipProgramme) -> bool:
    return (
        session.scalar(
            select(ApprenticeEnrolment.id)
            .where(ApprenticeEnrolment.person_id == person_id)
            .where(ApprenticeEnrolment.start_date <= programme.end_date)
            .where(ApprenticeEnrolment.end_date >= programme.start_date)
            .limit(1)
        )
        is not None
    )


def enrol_apprentice(
    session: Session, actor: User, programme_id: int, data: EnrolmentInput
) -> ApprenticeEnrolment:
    """Enrol an employee or a student of the school in an approved programme."""
    programme = get_programme(session, actor, programme_id)
    if not manages_programme(actor, programme):
        raise PermissionDenied(N_("只有项目所属企业可以招收学徒"))
    if programme.status != ProgrammeStatus.APPROVED:
        raise Conflict(N_("项目备案通过后才能招收学徒"))
    employment = _employment(session, programme, data)
    student = _student(session, programme, data)
    if employment is not None and student is not None and employment.person_id != student.person_id:
        raise InvalidInput(N_("校企双制学徒：员工与学生须为同一人"))
    mentor = _staff(
        session, data.mentor_user_id, Role.ENTERPRISE, StaffRole.MENTOR, programme.enterprise_id
    )
    if mentor is None:
        raise InvalidInput(N_("企业导师：须为本企业的师傅账号"))
    teacher = _staff(
        session, data.teacher_user_id, Role.SCHOOL, StaffRole.TEACHER, programme.school_id
    )
    if teacher is None:
        raise InvalidInput(N_("学校导师：须为培训院校的指导教师账号"))
    holder = employment if employment is not None else student
    assert holder is not None  # every kind requires an employment, a student or both
    person_id = holder.person_id
    if _overlaps(session, person_id, programme):
        raise Conflict(OVERLAP)
    enrolment = ApprenticeEnrolment(
        programme_id=programme.id,
        person_id=person_id,
        employment_id=employment.id if employment else None,
        student_id=student.id if student else None,
        labour_contract_ref=data.labour_contract_ref.strip() or None,
        mentor_user_id=mentor.id,
        teacher_user_id=teacher.id,
        start_date=programme.start_date,
        end_date=programme.end_date,
        enrolled_by_id=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(enrolment)
    except IntegrityError as exc:
        raise Conflict(OVERLAP) from exc
    if programme.kind == ProgrammeKind.STUDENT:
        session.add(TrainingAgreement(enrolment_id=enrolment.id))
    recipients = [mentor.id, teacher.id, *apprentice_users(session, enrolment)]
    link = notifications.Link("programmes.enrolment", {"enrolment_id": enrolment.id})
    notifications.notify(
        session, recipients, ENROLLED, N_("新的学徒培养安排"), programme.title, link
    )
    audit.record(
        session,
        actor,
        "programme.enrolled",
        "apprentice_enrolment",
        enrolment.id,
        {
            "programme_id": programme.id,
            "person_id": person_id,
            "mentor_user_id": mentor.id,
            "teacher_user_id": teacher.id,
        },
    )
    return enrolment


def apprentice_users(session: Session, enrolment: ApprenticeEnrolment) -> list[int]:
    """The apprentice's own accounts: as a worker, and as a student if enrolled from the roster."""
    condition: ColumnElement[bool] = (User.role == Role.WORKER) & (
        User.person_id == enrolment.person_id
    )
    if enrolment.student_id is not None:
        condition = or_(
            condition, (User.role == Role.STUDENT) & (User.student_id == enrolment.student_id)
        )
    return list(session.scalars(select(User.id).where(User.is_active.is_(True), condition)))


def get_enrolment(
    session: Session, actor: User, enrolment_id: int
) -> tuple[ApprenticeEnrolment, ApprenticeshipProgramme]:
    """An enrolment the actor may see, with its programme (404 for anyone else)."""
    enrolment = session.get(ApprenticeEnrolment, enrolment_id)
    if enrolment is None:
        raise NotFound(N_("学徒不存在"))
    programme = session.get_one(ApprenticeshipProgramme, enrolment.programme_id)
    if not can_view_enrolment(actor, programme, enrolment, enterprise_region(session, programme)):
        raise NotFound(N_("学徒不存在"))
    return enrolment, programme


def _rows() -> Select[ApprenticeEnrolment, ApprenticeshipProgramme, str]:
    return (
        select(ApprenticeEnrolment, ApprenticeshipProgramme, Person.name)
        .join(
            ApprenticeshipProgramme,
            ApprenticeshipProgramme.id == ApprenticeEnrolment.programme_id,
        )
        .join(Person, Person.id == ApprenticeEnrolment.person_id)
        .order_by(ApprenticeEnrolment.id)
    )


def _row(row: AnyRow) -> EnrolmentRow:
    return EnrolmentRow(row[0], row[1], row[2])


def list_enrolments(
    session: Session, actor: User, programme_id: int, page: int = 1
) -> Page[EnrolmentRow]:
    """A programme's apprentices: all of them for its viewers (get_programme checks who)."""
    programme = get_programme(session, actor, programme_id)
    statement = _rows().where(ApprenticeEnrolment.programme_id == programme.id)
    return paginate(session, statement, page, _row)


def my_enrolments(session: Session, actor: User, page: int = 1) -> Page[EnrolmentRow]:
    """The apprentices assigned to a mentor or teacher, or the apprentice's own enrolments."""
    if actor.role == Role.WORKER:
        condition = ApprenticeEnrolment.person_id == actor.person_id
    elif actor.role == Role.STUDENT:
        condition = ApprenticeEnrolment.student_id == actor.student_id
    else:
        condition = or_(
            ApprenticeEnrolment.mentor_user_id == actor.id,
            ApprenticeEnrolment.teacher_user_id == actor.id,
        )
    return paginate(session, _rows().where(condition), page, _row)


@dataclass(frozen=True)
class EnrolmentChoices:
    """What the enrolment form offers: employees, students, mentors and teachers."""

    employees: list[tuple[Employment, Person]]
    students: list[Student]
    mentors: list[User]
    teachers: list[User]


def enrolment_choices(
    session: Session, actor: User, programme: ApprenticeshipProgramme
) -> EnrolmentChoices:
    """The people and staff the programme's enterprise may pick from."""
    if not manages_programme(actor, programme):
        return EnrolmentChoices([], [], [], [])
    employees: list[tuple[Employment, Person]] = []
    if programme.kind != ProgrammeKind.STUDENT:
        employees = [
            (e, p)
            for e, p in session.execute(
                select(Employment, Person)
                .join(Person, Person.id == Employment.person_id)
                .where(Employment.enterprise_id == programme.enterprise_id)
                .where(Employment.status == EmploymentStatus.CONFIRMED)
                .order_by(Person.name, Employment.id)
            )
        ]
    students: list[Student] = []
    if programme.kind != ProgrammeKind.EMPLOYEE:
        students = list(
            session.scalars(
                select(Student)
                .where(Student.school_id == programme.school_id)
                .order_by(Student.name, Student.id)
            )
        )
    staff = select(User).where(User.is_active.is_(True)).order_by(User.display_name, User.id)
    mentors = session.scalars(
        staff.where(User.enterprise_id == programme.enterprise_id)
        .where(User.role == Role.ENTERPRISE)
        .where(User.staff_role == StaffRole.MENTOR)
    )
    teachers = session.scalars(
        staff.where(User.school_id == programme.school_id)
        .where(User.role == Role.SCHOOL)
        .where(User.staff_role == StaffRole.TEACHER)
    )
    return EnrolmentChoices(employees, students, list(mentors), list(teachers))
