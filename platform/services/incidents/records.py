"""Loading incidents with their placement for an actor, the lists each role sees, the timeline."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Enterprise,
    Incident,
    IncidentEvent,
    IncidentSeverity,
    IncidentStatus,
    Placement,
    PlacementAgreement,
    Role,
    School,
    Slot,
    StaffRole,
    Student,
    User,
)
from skillbridge.platform.services.actors import Actor
from skillbridge.platform.services.errors import NotFound
from skillbridge.platform.services.incidents.insurance import Cover, insurance_cover
from skillbridge.platform.services.incidents.times import local_day
from skillbridge.platform.services.notifications import Link
from skillbridge.platform.services.paging import AnyRow, Page, paginate
from skillbridge.platform.services.placements.records import PlacementContext
from skillbridge.platform.services.policies import (
    SCHOOL_MANAGERS,
    can_close_incident,
    can_follow_up_incident,
    can_view_incident,
    sees_incident_narrative,
)
from skillbridge.platform.text import N_


def incident_link(incident_id: int) -> Link:
    """The incident's page, with its timeline and the forms of its next steps."""
    return Link("incidents.detail", {"incident_id": incident_id})


@dataclass(frozen=True)
class IncidentContext:
    """An incident and the placement it happened on, with that placement's parties."""

    incident: Incident
    context: PlacementContext

    @property
    def cover(self) -> Cover:
        return insurance_cover(self.context.agreement, local_day(self.incident.occurred_at))


def _with_parties(statement: Select) -> Select:
    """The incidents' placements with their student, slot, school and host, which the
    visibility scopes filter on."""
    return (
        statement.join(Placement, Placement.id == Incident.placement_id)
        .join(Student, Student.id == Placement.student_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .join(School, School.id == Student.school_id)
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
    )


def _query() -> Select:
    return _with_parties(
        select(Incident, Placement, Student, Slot, School, Enterprise, PlacementAgreement)
    ).outerjoin(PlacementAgreement, PlacementAgreement.placement_id == Placement.id)


def _context(row: AnyRow) -> IncidentContext:
    return IncidentContext(row[0], PlacementContext(*row[1:]))


def may_view(actor: User, context: PlacementContext) -> bool:
    """Whether the actor may see incidents of the placement."""
    return can_view_incident(
        actor, context.student, context.slot, context.placement, context.region_ids
    )


def load_incident(session: Session, actor: User, incident_id: int) -> IncidentContext:
    """The incident for an actor who may see it; to anyone else it does not exist (404)."""
    row = session.execute(_query().where(Incident.id == incident_id)).one_or_none()
    if row is None or not may_view(actor, (found := _context(row)).context):
        raise NotFound(N_("事故报告不存在"))
    return found


def _scope(actor: Actor) -> ColumnElement[bool]:
    """The incidents the actor's list holds (the same parties as can_view_incident)."""
    if actor.role == Role.STUDENT:
        return Placement.student_id == actor.student_id
    if actor.staff_role == StaffRole.TEACHER:
        return Placement.teacher_user_id == actor.id
    if actor.staff_role == StaffRole.MENTOR:
        return Placement.mentor_user_id == actor.id
    if actor.role == Role.SCHOOL and actor.staff_role in SCHOOL_MANAGERS:
        return Student.school_id == actor.school_id
    if actor.role == Role.ENTERPRISE:
        return Slot.enterprise_id == actor.enterprise_id
    if actor.role == Role.BUREAU:
        return or_(School.region_id == actor.region_id, Enterprise.region_id == actor.region_id)
    return false()


@dataclass(frozen=True)
class ListFilter:
    """The list's filters; None shows every value."""

    status: IncidentStatus | None = None
    severity: IncidentSeverity | None = None


def list_incidents(
    session: Session, actor: User, filters: ListFilter, page: int = 1
) -> Page[IncidentContext]:
    """The actor's incidents, open ones first, then the latest first. Lists carry no narrative."""
    statement = _query().where(_scope(actor))
    if filters.status is not None:
        statement = statement.where(Incident.status == filters.status)
    if filters.severity is not None:
        statement = statement.where(Incident.severity == filters.severity)
    statement = statement.order_by(
        Incident.status == IncidentStatus.CLOSED, Incident.occurred_at.desc(), Incident.id.desc()
    )
    return paginate(session, statement, page, _context)


def open_incidents(actor: Actor) -> Select:
    """The ids of the incidents in the actor's list that are still open (its to-do item counts
    them on every page, so only the columns the scope needs are selected)."""
    return _with_parties(select(Incident.id)).where(
        _scope(actor), Incident.status == IncidentStatus.OPEN
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One step: what, when, by whom (the account's display name)."""

    event: IncidentEvent
    actor_name: str


@dataclass(frozen=True)
class IncidentPage:
    """The incident page: the incident, what this viewer sees of it, and what it may do."""

    found: IncidentContext
    timeline: list[TimelineEntry]
    narrative: bool
    may_follow_up: bool
    may_close: bool


def timeline(session: Session, incident: Incident) -> list[TimelineEntry]:
    """Every step in order; an incident has at most one row per step, so no pages are needed."""
    rows = session.execute(
        select(IncidentEvent, User.display_name)
        .join(User, User.id == IncidentEvent.actor_id)
        .where(IncidentEvent.incident_id == incident.id)
        .order_by(IncidentEvent.occurred_at, IncidentEvent.id)
    )
    return [TimelineEntry(event, name) for event, name in rows]


def describe_incident(session: Session, actor: User, incident_id: int) -> IncidentPage:
    """The incident page for an actor who may see it."""
    found = load_incident(session, actor, incident_id)
    context = found.context
    return IncidentPage(
        found=found,
        timeline=timeline(session, found.incident),
        narrative=sees_incident_narrative(
            actor, context.slot, found.incident.kind, found.incident.reported_by_id
        ),
        may_follow_up=can_follow_up_incident(
            actor, context.student, context.slot, context.placement
        ),
        may_close=can_close_incident(actor, context.student, context.placement),
    )
