"""A course's record: its organiser records it, edits it while open, closes it with its 结业 list.

The organiser is the actor's enterprise or school; the bureau sees every course of its region.
Kinds are codes of the course catalogue (platform/policy/courses.toml), levels skill-level codes
of the policy engine. Closing raises the claims the course makes due (subsidies/claims.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    CourseStatus,
    CourseTrainee,
    Enterprise,
    Occupation,
    Person,
    Region,
    Role,
    School,
    SubsidyClaim,
    TrainingCourse,
    User,
    utcnow,
)
from skillbridge.platform.policy import SKILL_LEVEL_LABELS
from skillbridge.platform.policy.courses import course_kinds
from skillbridge.platform.services import audit, listing
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.packs import region_pack
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.policies import (
    can_manage_course,
    can_organise_course,
    can_view_course,
)
from skillbridge.platform.services.subsidies.claims import on_course_closed
from skillbridge.platform.services.subsidies.course_facts import completed_count
from skillbridge.platform.text import N_

TITLE_MAX = 120
PLACES_MAX = 10000


def _kind_is(code: str) -> Callable[[], ColumnElement[bool]]:
    return lambda: TrainingCourse.kind == code


COURSE_LIST = listing.ListSpec(
    search=(
        listing.contains(TrainingCourse.title),
        listing.through(TrainingCourse.occupation_id, Occupation.id, Occupation.name),
        listing.through(TrainingCourse.occupation_id, Occupation.id, Occupation.code),
    ),
    filters={
        "status": (N_("状态"), listing.enum_options(TrainingCourse.status, CourseStatus)),
        "kind": (
            N_("类别"),
            {
                code: listing.Option(_kind_is(code), kind.name_zh)
                for code, kind in course_kinds().items()
            },
        ),
    },
    sorts={
        "newest": listing.Sort(
            N_("最近开班在前"), (TrainingCourse.starts_on.desc(), TrainingCourse.id)
        ),
        "oldest": listing.Sort(N_("最早开班在前"), (TrainingCourse.starts_on, TrainingCourse.id)),
    },
    default_sort="newest",
)


@dataclass(frozen=True)
class CourseInput:
    """What the create and edit forms give: every field checked by `_checked`."""

    title: str
    kind: str
    occupation_id: int
    level: str
    starts_on: date | None
    ends_on: date | None
    planned_places: int | None


def _checked(session: Session, data: CourseInput) -> CourseInput:
    """The input normalised, or InvalidInput naming every field that is wrong."""
    problems = []
    title = data.title.strip()
    if not title:
        problems.append(N_("项目名称：必填"))
    elif len(title) > TITLE_MAX:
        problems.append(N_("项目名称：最多 120 个字符"))
    if data.kind not in course_kinds():
        problems.append(N_("项目类别：请从项目类别中选择"))
    if session.get(Occupation, data.occupation_id) is None:
        problems.append(N_("职业（工种）：请从职业目录中选择"))
    if data.level not in SKILL_LEVEL_LABELS:
        problems.append(N_("培训等级：请从职业技能等级中选择"))
    if data.starts_on is None:
        problems.append(N_("开班日期：必填"))
    if data.ends_on is None:
        problems.append(N_("结业日期：必填"))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems.append(N_("结业日期：不能早于开班日期"))
    if data.planned_places is None or not 1 <= data.planned_places <= PLACES_MAX:
        problems.append(N_("计划人数：应为 1 至 10000 的整数"))
    if problems:
        raise InvalidInput(N_("培训项目信息有误，未保存"), details=problems)
    return CourseInput(
        title,
        data.kind,
        data.occupation_id,
        data.level,
        data.starts_on,
        data.ends_on,
        data.planned_places,
    )


def _organiser(session: Session, actor: User) -> tuple[int, int | None, int | None]:
    """(region, enterprise id, school id) of the organisation the actor records for."""
    if not can_organise_course(actor):
        raise PermissionDenied(N_("只有企业、学校的管理人员可以登记培训项目"))
    if actor.role == Role.ENTERPRISE and actor.enterprise_id is not None:
        return session.get_one(Enterprise, actor.enterprise_id).region_id, actor.enterprise_id, None
    assert actor.school_id is not None  # can_organise_course: a school's manager
    return session.get_one(School, actor.school_id).region_id, None, actor.school_id


def _summary(course: TrainingCourse) -> dict[str, object]:
    return {
        "title": course.title,
        "kind": course.kind,
        "occupation_id": course.occupation_id,
        "level": course.level,
        "starts_on": course.starts_on.isoformat(),
        "ends_on": course.ends_on.isoformat(),
        "planned_places": course.planned_places,
    }


def _apply(course: TrainingCourse, checked: CourseInput) -> None:
    assert checked.starts_on is not None and checked.ends_on is not None
    assert checked.planned_places is not None
    course.title = checked.title
    course.kind = checked.kind
    course.occupation_id = checked.occupation_id
    course.level = checked.level
    course.starts_on = checked.starts_on
    course.ends_on = checked.ends_on
    course.planned_places = checked.planned_places


def create_course(session: Session, actor: User, data: CourseInput) -> TrainingCourse:
    """Record a course the actor's organisation runs (open, no trainees yet)."""
    region_id, enterprise_id, school_id = _organiser(session, actor)
    checked = _checked(session, data)
    course = TrainingCourse(
        region_id=region_id,
        enterprise_id=enterprise_id,
        school_id=school_id,
        status=CourseStatus.OPEN,
        created_by_id=actor.id,
    )
    _apply(course, checked)
    session.add(course)
    session.flush()
    audit.record(session, actor, "course.created", "training_course", course.id, _summary(course))
    return course


def get_course(session: Session, actor: User, course_id: int) -> TrainingCourse:
    """A course the actor may see; 404 for anyone else (its existence is not told)."""
    course = session.get(TrainingCourse, course_id)
    if course is None or not can_view_course(actor, course):
        raise NotFound(N_("培训项目不存在"))
    return course


def managed_course(session: Session, actor: User, course_id: int) -> TrainingCourse:
    """A course the actor keeps for its organiser (404 unseen, 403 seen but not its)."""
    course = get_course(session, actor, course_id)
    if not can_manage_course(actor, course):
        raise PermissionDenied(N_("只有培训项目的开班单位可以修改项目记录"))
    return course


def open_course(session: Session, actor: User, course_id: int) -> TrainingCourse:
    """A managed course still open to changes, locked against a concurrent closing."""
    course = managed_course(session, actor, course_id)
    locked = session.scalars(
        select(TrainingCourse).where(TrainingCourse.id == course.id).with_for_update()
    ).one()
    session.refresh(locked)
    if locked.status != CourseStatus.OPEN:
        raise Conflict(N_("培训项目已结束，记录不能再修改"))
    return locked


def update_course(
    session: Session, actor: User, course_id: int, data: CourseInput
) -> TrainingCourse:
    """Edit an open course's record."""
    course = open_course(session, actor, course_id)
    checked = _checked(session, data)
    before = _summary(course)
    _apply(course, checked)
    session.flush()
    audit.record(
        session,
        actor,
        "course.updated",
        "training_course",
        course.id,
        {"before": before, "after": _summary(course)},
    )
    return course


def completed_persons(session: Session, course_id: int) -> list[Person]:
    """The persons marked 结业 on the course, by name."""
    return list(
        session.scalars(
            select(Person)
            .join(CourseTrainee, CourseTrainee.person_id == Person.id)
            .where(CourseTrainee.course_id == course_id, CourseTrainee.completed.is_(True))
            .order_by(Person.name, Person.id)
        )
    )


def close_course(
    session: Session, actor: User, course_id: int, today: date
) -> tuple[TrainingCourse, list[SubsidyClaim]]:
    """Close a course that has ended: its 结业 list is final, and the claims it makes due are
    raised (each completed trainee's, the organising school's)."""
    course = open_course(session, actor, course_id)
    if course.ends_on > today:
        raise Conflict(N_("培训项目尚未结束（结业日期之后才能结束记录）"))
    course.status = CourseStatus.CLOSED
    course.closed_by_id = actor.id
    course.closed_at = utcnow()
    session.flush()
    completed = completed_persons(session, course.id)
    audit.record(
        session,
        actor,
        "course.closed",
        "training_course",
        course.id,
        {"completed": len(completed)},
    )
    raised = on_course_closed(session, course, completed, today)
    return course, raised


def _visible(actor: User) -> ColumnElement[bool] | None:
    if actor.role == Role.BUREAU and actor.region_id is not None:
        return TrainingCourse.region_id == actor.region_id
    if actor.role == Role.ENTERPRISE and can_organise_course(actor):
        return TrainingCourse.enterprise_id == actor.enterprise_id
    if actor.role == Role.SCHOOL and can_organise_course(actor):
        return TrainingCourse.school_id == actor.school_id
    return None


def list_courses(
    session: Session, actor: User, page: int = 1, query: listing.ListQuery | None = None
) -> Page[TrainingCourse]:
    """A page of the courses the actor sees: its organisation's, or the bureau's region's."""
    condition = _visible(actor)
    if condition is None:
        raise PermissionDenied(N_("只有培训项目的开班单位和人社局可以查看培训项目"))
    statement = select(TrainingCourse).where(condition)
    statement = listing.refine(statement, COURSE_LIST, query or listing.ListQuery())
    return paginate(session, statement, page, lambda row: row[0])


def organiser_name(session: Session, course: TrainingCourse) -> str:
    """The organiser as the pages name it: the enterprise's or the school's name."""
    if course.enterprise_id is not None:
        return session.get_one(Enterprise, course.enterprise_id).name
    assert course.school_id is not None  # one_organiser
    return session.get_one(School, course.school_id).name


def course_claims(session: Session, course: TrainingCourse) -> list[SubsidyClaim]:
    """The subsidy claims raised for the course, newest first."""
    return list(
        session.scalars(
            select(SubsidyClaim)
            .where(SubsidyClaim.training_course_id == course.id)
            .order_by(SubsidyClaim.id.desc())
        )
    )


def course_completed(session: Session, course: TrainingCourse) -> int:
    """The course's completed trainees (the count its claims read)."""
    return completed_count(session, course.id)


# --- person-times against the region's target ------------------------------------------------


@dataclass(frozen=True)
class PersonTimes:
    """Completed trainees of a year's closed courses of one kind, against the pack's target."""

    year: int
    kind: str
    completed: int
    #: The pack's target for the year (a policy of the kind with a `target` quota), if any.
    target: int | None
    citation: str | None


def person_times(session: Session, actor: User) -> list[PersonTimes]:
    """Per year and kind, the region's completed trainees of closed courses: one person-time
    (人次) per trainee per course, counted in the year the course ended (the bureau only)."""
    if actor.role != Role.BUREAU or actor.region_id is None:
        raise PermissionDenied(N_("只有人社局可以查看培训人次统计"))
    year = extract("year", TrainingCourse.ends_on)
    rows = session.execute(
        select(year, TrainingCourse.kind, func.count(CourseTrainee.id))
        .join(CourseTrainee, CourseTrainee.course_id == TrainingCourse.id)
        .where(TrainingCourse.region_id == actor.region_id)
        .where(TrainingCourse.status == CourseStatus.CLOSED)
        .where(CourseTrainee.completed.is_(True))
        .group_by(year, TrainingCourse.kind)
    )
    counted = {(int(y), kind): int(n) for y, kind, n in rows}
    pack = region_pack(session.get_one(Region, actor.region_id))
    targets: dict[tuple[int, str], tuple[int, str]] = {}
    for code, kind in course_kinds().items():
        for policy in pack.policies:
            quota = policy.quota
            if policy.id in kind.policies and quota is not None and quota.kind == "target":
                if quota.year is not None:
                    targets[(quota.year, code)] = (quota.count, policy.source.citation)
    keys = sorted(set(counted) | set(targets), key=lambda k: (-k[0], k[1]))
    return [
        PersonTimes(
            y,
            kind,
            counted.get((y, kind), 0),
            targets[(y, kind)][0] if (y, kind) in targets else None,
            targets[(y, kind)][1] if (y, kind) in targets else None,
        )
        for y, kind in keys
    ]
