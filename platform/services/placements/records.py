"""Loading placements with their parties for an actor, and the lists each role works from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, CursorResult, Result, Select, bindparam, or_, select, update
from sqlalchemy.orm import Session, selectinload

from skillbridge.models import (
    SEAT_HOLDING,
    Enterprise,
    Placement,
    PlacementAgreement,
    PlacementStatus,
    Region,
    Role,
    School,
    Slot,
    SlotKind,
    StaffRole,
    Student,
    User,
)
from skillbridge.platform.services import listing, windowed
from skillbridge.platform.services.errors import Conflict, NotFound, PermissionDenied
from skillbridge.platform.services.notifications import Link
from skillbridge.platform.services.paging import AnyRow, Page, first_column, paginate
from skillbridge.platform.services.placements.months import lock_student
from skillbridge.platform.services.policies import can_view_placement
from skillbridge.platform.text import N_

# Months left at or below which the school's list flags a student as near the cap.
NEAR_CAP_MONTHS = 3

# The pages a notification points to (views/placements.py serves them).
OFFERS_LINK = Link("placements.offers")
PLANS_LINK = Link("placements.plans")


def placement_link(placement_id: int) -> Link:
    """The placement's page, where its agreement is signed and its checks are shown."""
    return Link("placements.detail", {"placement_id": placement_id})


@dataclass(frozen=True)
class PlacementContext:
    """A placement with everything its rules and pages need."""

    placement: Placement
    student: Student
    slot: Slot
    school: School
    enterprise: Enterprise
    agreement: PlacementAgreement | None

    @property
    def region_ids(self) -> set[int]:
        return {self.school.region_id, self.enterprise.region_id}


def _context_query() -> Select:
    return (
        select(Placement, Student, Slot, School, Enterprise, PlacementAgreement)
        .join(Student, Student.id == Placement.student_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .join(School, School.id == Student.school_id)
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .outerjoin(PlacementAgreement, PlacementAgreement.placement_id == Placement.id)
    )


def load_placement(session: Session, actor: User, placement_id: int) -> PlacementContext:
    """The placement and its parties: 404 when absent, 403 when the actor may not see it."""
    row = session.execute(_context_query().where(Placement.id == placement_id)).one_or_none()
    if row is None:
        raise NotFound(N_("实习安排不存在"))
    context = PlacementContext(*row)
    if not can_view_placement(
        actor, context.student, context.slot, context.region_ids, context.placement
    ):
        raise PermissionDenied(N_("无权查看该实习安排"))
    return context


def school_region(session: Session, school: School) -> Region:
    """The region of the student's school: its pack sets the cap and the placement rules."""
    region = session.get(Region, school.region_id)
    assert region is not None  # FK
    return region


def load_for_change(session: Session, actor: User, placement_id: int) -> PlacementContext:
    """Load for a state change: authorise, lock the student row, then re-read under the lock.

    Every change to a student's placements takes this lock first, so they queue in one order
    (no deadlocks) and months, signatures and statuses are decided on committed data.
    """
    context = load_placement(session, actor, placement_id)
    lock_student(session, context.student.id)
    row = session.execute(
        _context_query()
        .where(Placement.id == placement_id)
        .execution_options(populate_existing=True)
    ).one()
    fresh = PlacementContext(*row)
    if fresh.agreement is not None:
        session.expire(fresh.agreement, ["signatures"])
    return fresh


def ensure_period_free(session: Session, placement: Placement, start: date, end: date) -> None:
    """Refuse `start`..`end` if it meets another placement the student holds (one at a time).

    Callers hold the student row lock (load_for_change), so two acceptances of overlapping
    offers queue and the second sees the first. Days are inclusive on both ends.
    """
    clash = session.scalars(
        select(Placement)
        .where(
            Placement.student_id == placement.student_id,
            Placement.id != placement.id,
            Placement.status.in_(SEAT_HOLDING),
            Placement.start_date <= end,
            Placement.end_date >= start,
        )
        .order_by(Placement.start_date)
        .limit(1)
    ).first()
    if clash is not None:
        raise Conflict(
            N_("该时段与学生已有的实习安排重叠"),
            details=[f"{clash.start_date} – {clash.end_date}"],
        )


def transition(
    session: Session,
    placement: Placement,
    from_statuses: tuple[PlacementStatus, ...],
    to_status: PlacementStatus,
    **values: object,
) -> None:
    """Change the status only if it is still one of `from_statuses` (a conditional UPDATE).

    Two requests racing on the same placement cannot both succeed: the loser's UPDATE matches
    no row and it gets a Conflict.
    """
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Placement)
            .where(Placement.id == placement.id, Placement.status.in_(from_statuses))
            .values(status=to_status, **values)
            .execution_options(synchronize_session=False)
        ),
    )
    session.expire(placement)
    if result.rowcount != 1:
        raise Conflict(N_("实习安排的状态已变化，请刷新后重试"))


class Scope(StrEnum):
    """Whose placements an actor sees: each kind is one condition on one id."""

    STUDENT = "student"
    TEACHER = "teacher"
    MENTOR = "mentor"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    REGION = "region"


def scope_of(actor: User) -> tuple[Scope, int | None]:
    """The kind of the actor's tenant and the id it is narrowed to."""
    if actor.role == Role.STUDENT:
        return Scope.STUDENT, actor.student_id
    # A teacher or a mentor sees only the placements assigned to them.
    if actor.staff_role == StaffRole.TEACHER:
        return Scope.TEACHER, actor.id
    if actor.staff_role == StaffRole.MENTOR:
        return Scope.MENTOR, actor.id
    if actor.role == Role.SCHOOL:
        return Scope.SCHOOL, actor.school_id
    if actor.role == Role.ENTERPRISE:
        return Scope.ENTERPRISE, actor.enterprise_id
    return Scope.REGION, actor.region_id


def scope_condition(scope: Scope, tenant: Any) -> ColumnElement[bool]:
    """The placements of `scope` whose tenant is `tenant` (an id, or a bound parameter)."""
    match scope:
        case Scope.STUDENT:
            return Placement.student_id == tenant
        case Scope.TEACHER:
            return Placement.teacher_user_id == tenant
        case Scope.MENTOR:
            return Placement.mentor_user_id == tenant
        case Scope.SCHOOL:
            return Student.school_id == tenant
        case Scope.ENTERPRISE:
            return Slot.enterprise_id == tenant
    return or_(School.region_id == tenant, Enterprise.region_id == tenant)


def visible_in(scope: Scope, tenant: Any) -> Select:
    """The contexts of the placements `scope`'s tenant `tenant` may see (an id, or a bound
    parameter for a statement built once); proposals of unpublished runs are left out."""
    return (
        _context_query()
        .where(scope_condition(scope, tenant))
        .where(Placement.status != PlacementStatus.PROPOSED)
    )


def _visible(actor: User) -> Select:
    """Placements the actor may see."""
    return visible_in(*scope_of(actor))


def list_placements(
    session: Session, actor: User, statuses: tuple[PlacementStatus, ...] | None = None
) -> list[PlacementContext]:
    """Placements the actor may see in `statuses`, newest first."""
    statement = placements_statement(actor, statuses).order_by(Placement.id.desc())
    return [PlacementContext(*row) for row in session.execute(statement)]


def placements_statement(
    actor: User, statuses: tuple[PlacementStatus, ...] | None = None, signatures: bool = True
) -> Select:
    """The unordered query of the placements the actor may see in `statuses`, as contexts.

    The agreements' signatures come in one more query (the lists that show who still has to
    sign need them), unless `signatures` is false.
    """
    statement = _visible(actor)
    if signatures:
        statement = statement.options(selectinload(PlacementAgreement.signatures))
    if statuses is not None:
        statement = statement.where(Placement.status.in_(statuses))
    return statement


def context_of(row: AnyRow) -> PlacementContext:
    """A row of placements_statement() as a context."""
    return PlacementContext(*row)


PLACEMENT_LIST = listing.ListSpec(
    search=(
        listing.contains(Student.name),
        listing.contains(Slot.title),
        listing.contains(School.name),
        listing.contains(Enterprise.name),
    ),
    filters={
        "status": (
            N_("状态"),
            listing.enum_options(
                Placement.status, [s for s in PlacementStatus if s != PlacementStatus.PROPOSED]
            ),
        ),
        "kind": (N_("类型"), listing.enum_options(Slot.kind, SlotKind)),
    },
    sorts={
        "newest": listing.Sort(N_("最新"), (Placement.id.desc(),)),
        "start": listing.Sort(N_("最早开始"), (Placement.start_date, Placement.id)),
        "end": listing.Sort(N_("最早结束"), (Placement.end_date, Placement.id)),
    },
    default_sort="newest",
)


def placements_page(
    session: Session,
    actor: User,
    page: int,
    per_page: int | None = None,
    statuses: tuple[PlacementStatus, ...] | None = None,
    query: listing.ListQuery | None = None,
) -> Page[PlacementContext]:
    """Page `page` (from 1, clamped) of the actor's placements in `statuses`, as asked
    (newest first unless sorted otherwise)."""
    statement = placements_statement(actor, statuses)
    statement = listing.refine(statement, PLACEMENT_LIST, query or listing.ListQuery())
    return paginate(session, statement, page, context_of, per_page)


class PlacementRow(NamedTuple):
    """A line of the placement list: the columns it shows, not the six objects behind them."""

    id: int
    student_name: str
    enterprise_name: str
    slot_title: str
    kind: SlotKind
    start_date: date
    end_date: date
    months: int
    counts_toward_cap: bool
    status: PlacementStatus


def placement_rows_page(
    session: Session, actor: User, page: int, query: listing.ListQuery
) -> Page[PlacementRow]:
    """Page `page` (from 1, clamped) of the actor's placement list as asked, as PlacementRows:
    the same placements in the same order as placements_page()."""
    scope, tenant = scope_of(actor)
    statement = _rows_statement(scope, listing.shape_of(query))
    values = {"tenant": tenant, **listing.search_values(query)}
    return windowed.page_of_rows(session, statement, values, page, PlacementRow._make)


@cache
def _rows_statement(scope: Scope, shape: listing.Shape) -> windowed.PagedStatement:
    """The placement list of one scope and shape, built once: each request gives its values."""
    statement = visible_in(scope, bindparam("tenant")).with_only_columns(
        Placement.id,
        Student.name,
        Enterprise.name,
        Slot.title,
        Slot.kind,
        Placement.start_date,
        Placement.end_date,
        Placement.months,
        Placement.counts_toward_cap,
        Placement.status,
    )
    return windowed.paged(listing.refine_shape(statement, PLACEMENT_LIST, shape))


def placements_for_export(
    session: Session, actor: User, query: listing.ListQuery
) -> Iterator[PlacementContext]:
    """Every placement of the actor's list as asked (no pages), for the list's own export."""
    if actor.role not in (Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU):
        raise PermissionDenied(N_("仅学校、企业和人社局可导出实习安排"))
    statement = listing.refine(placements_statement(actor), PLACEMENT_LIST, query)
    # Checked above before the first row is asked for: a streamed export cannot fail halfway.
    return _streamed(session.execute(statement.execution_options(yield_per=500)))


def _streamed(result: Result[Any]) -> Iterator[PlacementContext]:
    """The rows in batches (a server-side cursor on PostgreSQL), closed however the stream ends."""
    try:
        for row in result:
            yield context_of(row)
    finally:
        result.close()


def students_near_cap(
    session: Session, actor: User, within: int = NEAR_CAP_MONTHS, page: int = 1
) -> Page[Student]:
    """A page of the school's students with at most `within` months left, fewest first."""
    if actor.role != Role.SCHOOL:
        raise PermissionDenied(N_("仅学校可查看"))
    statement = (
        select(Student)
        .where(Student.school_id == actor.school_id)
        .where(Student.months_used > 0)
        .where(Student.month_cap - Student.months_used <= within)
        .order_by(Student.month_cap - Student.months_used, Student.name, Student.id)
    )
    return paginate(session, statement, page, first_column)
