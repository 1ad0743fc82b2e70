"""Reporting an incident on a placement, and whom the report notifies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from skillbridge.models import (
    Incident,
    IncidentAction,
    IncidentEvent,
    IncidentKind,
    IncidentSeverity,
    PlacementStatus,
    User,
)
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.incidents.labels import KIND_LABELS, SEVERITY_LABELS
from skillbridge.platform.services.incidents.records import incident_link
from skillbridge.platform.services.incidents.times import from_local, to_local
from skillbridge.platform.services.placements.records import PlacementContext, load_placement
from skillbridge.platform.services.policies import can_report_incident
from skillbridge.platform.text import N_

# A report is about a placement under way, or one that ended (injuries are often reported late).
REPORTABLE = (PlacementStatus.ACTIVE, PlacementStatus.ENDED)
LOCATION_MAX = 200
TEXT_MAX = 5000
INCIDENT_REPORTED = "incident.reported"


@dataclass(frozen=True)
class ReportInput:
    """What the reporter enters; `occurred_at` is a wall-clock time in Asia/Shanghai."""

    kind: str
    severity: str
    occurred_at: datetime
    location: str
    description: str
    immediate_measures: str


def placement_to_report_on(session: Session, actor: User, placement_id: int) -> PlacementContext:
    """The placement, for an actor who may report on it (404 unseen, 403 seen but not allowed)."""
    context = load_placement(session, actor, placement_id)
    if not can_report_incident(actor, context.student, context.slot, context.placement):
        raise PermissionDenied(N_("只有学生本人、学校、实习单位及指导教师、师傅可以报告事故"))
    return context


def _problems(data: ReportInput, context: PlacementContext, now: datetime) -> list[str]:
    problems = []
    if data.kind not in set(IncidentKind):
        problems.append(N_("请选择事故类别"))
    if data.severity not in set(IncidentSeverity):
        problems.append(N_("请选择严重程度"))
    occurred = from_local(data.occurred_at)
    if occurred > now:
        problems.append(N_("发生时间不能晚于现在"))
    if to_local(occurred).date() < context.placement.start_date:
        problems.append(N_("发生时间早于实习开始日期"))
    if not data.location.strip() or len(data.location.strip()) > LOCATION_MAX:
        problems.append(N_("发生地点须填写（不超过200字）"))
    for text, message in (
        (data.description, N_("事故经过须填写（不超过5000字）")),
        (data.immediate_measures, N_("已采取的处置措施须填写（不超过5000字）")),
    ):
        if not text.strip() or len(text.strip()) > TEXT_MAX:
            problems.append(message)
    return problems


def _recipients(
    session: Session, actor: User, context: PlacementContext, severity: str
) -> set[int]:
    """The school's admins, the bureau officers of the school's region and the assigned teacher;
    for a critical incident the host's admins too. Never the reporter."""
    recipients = set(notifications.school_admins(session, context.school.id))
    recipients |= set(notifications.bureau_officers(session, context.school.region_id))
    if context.placement.teacher_user_id is not None:
        recipients.add(context.placement.teacher_user_id)
    if severity == IncidentSeverity.CRITICAL:
        recipients |= set(notifications.enterprise_admins(session, context.enterprise.id))
    return recipients - {actor.id}


def report_incident(
    session: Session, actor: User, placement_id: int, data: ReportInput, now: datetime
) -> Incident:
    """Record the report and its first timeline row, and notify; nothing is written on a refusal."""
    context = placement_to_report_on(session, actor, placement_id)
    if context.placement.status not in REPORTABLE:
        raise Conflict(N_("只能对实习中或已结束的实习报告事故"))
    problems = _problems(data, context, now)
    if problems:
        raise InvalidInput(problems[0], details=problems)
    incident = Incident(
        placement_id=context.placement.id,
        reported_by_id=actor.id,
        kind=IncidentKind(data.kind),
        severity=IncidentSeverity(data.severity),
        occurred_at=from_local(data.occurred_at),
        location=data.location.strip(),
        description=data.description.strip(),
        immediate_measures=data.immediate_measures.strip(),
    )
    session.add(incident)
    session.flush()
    session.add(
        IncidentEvent(
            incident_id=incident.id,
            actor_id=actor.id,
            action=IncidentAction.REPORTED,
            occurred_at=now,
        )
    )
    # The audit chain and the notifications carry no narrative: it stays on the incident page.
    audit.record(
        session,
        actor,
        INCIDENT_REPORTED,
        "incident",
        incident.id,
        {"placement_id": context.placement.id, "kind": data.kind, "severity": data.severity},
    )
    critical = incident.severity == IncidentSeverity.CRITICAL
    notifications.notify(
        session,
        _recipients(session, actor, context, incident.severity),
        INCIDENT_REPORTED,
        N_("重大安全事故报告") if critical else N_("新的安全事故报告"),
        f"{context.student.name}（{context.enterprise.name}）："
        f"{KIND_LABELS[incident.kind]}，{SEVERITY_LABELS[incident.severity]}，"
        f"{to_local(incident.occurred_at):%Y-%m-%d %H:%M}",
        incident_link(incident.id),
    )
    return incident
