"""A worker's own pages: their pending state until an employer confirms, then their history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import Cohort, Employment, Enterprise, Person, Role, School, Student, User
from skillbridge.platform.services.errors import NotFound, PermissionDenied
from skillbridge.platform.services.paging import AnyRow, Page, paginate
from skillbridge.platform.services.policies import can_view_employment, is_self
from skillbridge.platform.text import N_


def worker_is_confirmed(session: Session, actor: User) -> bool:
    """Whether an enterprise has confirmed an employment of the person since the account exists.

    A confirmation made before the account (an import, a former job) vouches for the person, not
    for whoever registered with their national ID and name: the employer confirms again, on its
    list of employments to confirm, before the account opens. Ended employments still count.
    """
    return (
        session.scalar(
            select(Employment.id)
            .where(
                Employment.person_id == actor.person_id,
                Employment.confirmed_at >= actor.created_at,
            )
            .limit(1)
        )
        is not None
    )


def own_person(session: Session, actor: User) -> Person:
    """The person a worker account acts for; nobody else's."""
    person = session.get(Person, actor.person_id) if actor.person_id is not None else None
    if person is None or not is_self(actor, person):
        raise PermissionDenied(N_("只有职工本人可以查看"))
    return person


@dataclass(frozen=True)
class EmploymentLine:
    """One employment as its employee sees it, with the employer's name."""

    employment: Employment
    enterprise_name: str


@dataclass(frozen=True)
class EnrolmentLine:
    """One enrolment of the person as a student: school, class and years."""

    school_name: str
    cohort_name: str
    intake_year: int
    graduation_year: int


@dataclass(frozen=True)
class WorkerHome:
    """The worker's home page: every employment; the student history once an employer vouches."""

    person: Person
    confirmed: bool
    employments: Page[EmploymentLine]
    enrolments: Page[EnrolmentLine] | None


def _employment_line(row: AnyRow) -> EmploymentLine:
    return EmploymentLine(row[0], row[1])


def _enrolment_line(row: AnyRow) -> EnrolmentLine:
    return EnrolmentLine(row[0], row[1], row[2], row[3])


def worker_home(
    session: Session, actor: User, page: int = 1, enrolment_page: int = 1
) -> WorkerHome:
    """The worker's employments (pending and rejected ones too) and, once confirmed, enrolments.

    The student history waits for a confirmation: until an employer vouches for who registered,
    a national ID typed by someone else must not open that person's school records.
    """
    person = own_person(session, actor)
    confirmed = worker_is_confirmed(session, actor)
    employments = paginate(
        session,
        select(Employment, Enterprise.name)
        .join(Enterprise, Enterprise.id == Employment.enterprise_id)
        .where(Employment.person_id == person.id)
        .order_by(Employment.hire_date.desc(), Employment.id.desc()),
        page,
        _employment_line,
    )
    enrolments = None
    if confirmed:
        enrolments = paginate(
            session,
            select(School.name, Cohort.name, Cohort.intake_year, Cohort.graduation_year)
            .select_from(Student)
            .join(School, School.id == Student.school_id)
            .join(Cohort, Cohort.id == Student.cohort_id)
            .where(Student.person_id == person.id)
            .order_by(Cohort.intake_year.desc(), Student.id.desc()),
            enrolment_page,
            _enrolment_line,
        )
    return WorkerHome(person, confirmed, employments, enrolments)


def my_employment(session: Session, actor: User, employment_id: int) -> EmploymentLine:
    """One of the worker's own employments with every fact the enterprise confirmed."""
    employment = session.get(Employment, employment_id)
    if (
        employment is None
        or actor.role != Role.WORKER
        or not can_view_employment(actor, employment)
    ):
        raise NotFound(N_("雇佣记录不存在"))
    enterprise = session.get(Enterprise, employment.enterprise_id)
    assert enterprise is not None  # a foreign key
    return EmploymentLine(employment, enterprise.name)
