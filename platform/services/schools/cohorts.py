"""A school's specialties (专业) and the occupations they feed, cohorts (届/班) and students."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import NamedTuple

from sqlalchemy import BindParameter, Select, bindparam, func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Cohort,
    EducationLevel,
    Occupation,
    School,
    Specialty,
    Student,
    User,
)
from skillbridge.platform.services import audit, windowed
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import can_manage_school, is_verified
from skillbridge.platform.text import N_


def own_school(session: Session, actor: User, *, acting: bool = True) -> School:
    """The actor's school; `acting` also requires the bureau's verification."""
    school = session.get(School, actor.school_id) if actor.school_id else None
    if school is None or not can_manage_school(actor, school):
        raise NotFound(N_("学校不存在"))
    if acting and not is_verified(school):
        raise PermissionDenied(N_("学校尚未通过人社局审核，暂不能进行此操作"))
    return school


def list_occupations(session: Session) -> list[Occupation]:
    """The occupation catalogue (职业/工种), by code."""
    return list(session.scalars(select(Occupation).order_by(Occupation.code)))


@dataclass(frozen=True)
class SpecialtyInput:
    """A specialty to offer: a catalogue code; a new code also needs a name and occupations."""

    code: str
    name: str
    occupation_ids: tuple[int, ...]


def add_specialty(session: Session, actor: User, form: SpecialtyInput) -> Specialty:
    """Offer a specialty: link the catalogue entry with this code, or create it with occupations.

    A specialty of the catalogue is shared by every school, so linking never changes the
    occupations it feeds; a new code needs a name and at least one occupation.
    """
    school = own_school(session, actor)
    code = form.code.strip()
    problems = []
    if not code or len(code) > 20 or not code.isalnum():
        problems.append(N_("专业代码应为 1–20 位字母或数字"))
    specialty = session.scalar(select(Specialty).where(Specialty.code == code)) if code else None
    occupations: list[Occupation] = []
    if specialty is None:
        if not form.name.strip() or len(form.name.strip()) > 100:
            problems.append(N_("新专业须填写名称（最多 100 个字符）"))
        if form.occupation_ids:
            occupations = list(
                session.scalars(select(Occupation).where(Occupation.id.in_(form.occupation_ids)))
            )
        if not occupations or len(occupations) != len(set(form.occupation_ids)):
            problems.append(N_("新专业须选择至少一个对应职业（工种）"))
    if problems:
        raise InvalidInput(N_("专业信息有误"), details=problems)
    if specialty is None:
        specialty = Specialty(code=code, name=form.name.strip(), occupations=occupations)
        session.add(specialty)
        session.flush()
    if specialty in school.specialties:
        raise Conflict(
            N_("本校已开设专业 %(code)s %(name)s", code=specialty.code, name=specialty.name)
        )
    school.specialties.append(specialty)
    session.flush()
    audit.record(
        session, actor, "school.specialty_added", "school", school.id, {"specialty": specialty.code}
    )
    return specialty


@dataclass(frozen=True)
class CohortInput:
    """A cohort of one specialty and intake year, with the window students may be placed in."""

    specialty_id: int
    name: str
    intake_year: int
    graduation_year: int
    level: EducationLevel
    window_start: date
    window_end: date


def create_cohort(session: Session, actor: User, form: CohortInput) -> Cohort:
    """Create a cohort of a specialty the school offers; every problem is reported at once."""
    school = own_school(session, actor)
    problems = []
    if form.specialty_id not in {s.id for s in school.specialties}:
        problems.append(N_("所选专业不是本校开设的专业"))
    name = form.name.strip()
    if not name or len(name) > 80:
        problems.append(N_("班级名称须为 1–80 个字符"))
    if not 1990 <= form.intake_year <= 2100:
        problems.append(N_("入学年份不合理"))
    if form.graduation_year < form.intake_year:
        problems.append(N_("毕业年份不能早于入学年份"))
    if form.window_end < form.window_start:
        problems.append(N_("实习窗口的结束日期不能早于开始日期"))
    if problems:
        raise InvalidInput(N_("届/班信息有误"), details=problems)
    duplicate = session.scalar(
        select(Cohort.id).where(
            Cohort.school_id == school.id,
            Cohort.specialty_id == form.specialty_id,
            Cohort.intake_year == form.intake_year,
            Cohort.name == name,
        )
    )
    if duplicate is not None:
        raise Conflict(N_("%(year)d 级已有同名班级「%(name)s」", year=form.intake_year, name=name))
    cohort = Cohort(
        school_id=school.id,
        specialty_id=form.specialty_id,
        name=name,
        intake_year=form.intake_year,
        graduation_year=form.graduation_year,
        level=form.level,
        window_start=form.window_start,
        window_end=form.window_end,
    )
    session.add(cohort)
    session.flush()
    audit.record(
        session,
        actor,
        "cohort.created",
        "cohort",
        cohort.id,
        {"name": name, "specialty_id": form.specialty_id, "intake_year": form.intake_year},
    )
    return cohort


class CohortRow(NamedTuple):
    """A line of the cohort list: the cohort's columns shown, its specialty and head count."""

    id: int
    intake_year: int
    specialty_code: str
    specialty_name: str
    name: str
    graduation_year: int
    window_start: date
    window_end: date
    students: int


def list_cohorts(session: Session, actor: User, page: int = 1) -> Page[CohortRow]:
    """A page of the school's cohorts, newest intake first, with student counts (one query)."""
    school = own_school(session, actor, acting=False)
    return windowed.page_of_rows(
        session, _cohorts_statement(), {"school_id": school.id}, page, CohortRow._make
    )


@cache
def _cohorts_statement() -> windowed.PagedStatement:
    """The cohort list, built once: each request gives its school."""
    school_id: BindParameter[int] = bindparam("school_id")
    counts = (
        select(Student.cohort_id, func.count(Student.id).label("n"))
        .where(Student.school_id == school_id)
        .group_by(Student.cohort_id)
        .subquery()
    )
    statement = (
        select(
            Cohort.id,
            Cohort.intake_year,
            Specialty.code,
            Specialty.name,
            Cohort.name,
            Cohort.graduation_year,
            Cohort.window_start,
            Cohort.window_end,
            func.coalesce(counts.c.n, 0),
        )
        .join(Specialty, Specialty.id == Cohort.specialty_id)
        .outerjoin(counts, counts.c.cohort_id == Cohort.id)
        .where(Cohort.school_id == school_id)
        .order_by(Cohort.intake_year.desc(), Specialty.code, Cohort.name, Cohort.id)
    )
    return windowed.paged(statement)


def get_cohort(session: Session, actor: User, cohort_id: int) -> Cohort:
    """One cohort of the actor's school (404 for anybody else's)."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None or actor.school_id != cohort.school_id:
        raise NotFound(N_("届/班不存在"))
    return cohort


def _roster(session: Session, actor: User, cohort_id: int) -> Select[Student]:
    cohort = get_cohort(session, actor, cohort_id)
    return select(Student).where(Student.cohort_id == cohort.id).order_by(Student.id)


def cohort_students(session: Session, actor: User, cohort_id: int) -> list[Student]:
    """The cohort's whole roster in roster order, for the invitation-code download."""
    return list(session.scalars(_roster(session, actor, cohort_id)))


def roster_page(session: Session, actor: User, cohort_id: int, page: int = 1) -> Page[Student]:
    """A page of the cohort's roster; the invitation code shows until the student activates."""
    return paginate(session, _roster(session, actor, cohort_id), page, first_column)
