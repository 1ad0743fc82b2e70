"""The steps after a report: the guardian informed, the insurance claim, and closing the case.

Every step is a conditional UPDATE on the state it starts from (two racing requests cannot both
pass), one appended timeline row and one audit event, in the caller's transaction.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, update
from sqlalchemy.orm import Session

from skillbridge.models import (
    Incident,
    IncidentAction,
    IncidentEvent,
    IncidentSeverity,
    IncidentStatus,
    InsuranceClaimStatus,
    User,
)
from skillbridge.platform.services import audit, bounds
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.incidents.insurance import CoverStatus
from skillbridge.platform.services.incidents.records import IncidentContext, load_incident
from skillbridge.platform.services.incidents.reports import TEXT_MAX
from skillbridge.platform.services.incidents.times import from_local, local_day, to_local
from skillbridge.platform.services.policies import can_close_incident, can_follow_up_incident
from skillbridge.platform.text import N_

NAME_MAX = 60
CLAIM_NUMBER_MAX = 60
# Claims the insurer still has in hand: the case stays open until they are decided.
OPEN_CLAIMS = (InsuranceClaimStatus.FILED, InsuranceClaimStatus.ACCEPTED)
# Severities whose guardian must have been told before the case is closed.
GUARDIAN_REQUIRED = (IncidentSeverity.SERIOUS, IncidentSeverity.CRITICAL)


class Step(enum.Enum):
    """Who may take a step: the supervisors follow up, the school closes."""

    FOLLOW_UP = "follow_up"
    CLOSE = "close"


def authorize(session: Session, actor: User, incident_id: int, step: Step) -> IncidentContext:
    """The incident, if the actor may take `step` on it (404 unseen, 403 seen but not allowed)."""
    found = load_incident(session, actor, incident_id)
    context = found.context
    if step == Step.CLOSE:
        allowed = can_close_incident(actor, context.student, context.placement)
    else:
        allowed = can_follow_up_incident(actor, context.student, context.slot, context.placement)
    if not allowed:
        raise PermissionDenied(N_("无权处理该事故报告"))
    return found


def _advance(
    session: Session,
    actor: User,
    found: IncidentContext,
    action: IncidentAction,
    change: tuple[list[ColumnElement[bool]], dict[str, Any]],
    details: dict[str, Any],
    now: datetime,
) -> Incident:
    """Apply `change` (conditions, values) if the incident still meets the conditions."""
    incident = found.incident
    conditions, values = change
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Incident)
            .where(Incident.id == incident.id, Incident.status == IncidentStatus.OPEN, *conditions)
            .values(**values)
            .execution_options(synchronize_session=False)
        ),
    )
    session.expire(incident)
    if result.rowcount != 1:
        raise Conflict(N_("事故报告的状态已变化，请刷新后重试"))
    session.add(
        IncidentEvent(
            incident_id=incident.id,
            actor_id=actor.id,
            action=action,
            occurred_at=now,
            details=details,
        )
    )
    # The insurer's reason may describe the injury: it stays on the timeline, out of the chain.
    audit_data = {key: value for key, value in details.items() if key != "reason"}
    audit.record(session, actor, f"incident.{action.value}", "incident", incident.id, audit_data)
    session.flush()
    return incident


def _require_open(incident: Incident) -> None:
    if incident.status != IncidentStatus.OPEN:
        raise Conflict(N_("事故报告已结案"))


def _text(value: str, limit: int, message: str) -> str:
    cleaned = value.strip()
    if not cleaned or len(cleaned) > limit:
        raise InvalidInput(message)
    return cleaned


def record_guardian_informed(
    session: Session,
    actor: User,
    incident_id: int,
    informed_at: datetime,
    informed_by: str,
    now: datetime,
) -> Incident:
    """Record when (local time) and by whom the guardian (监护人) was informed; once."""
    found = authorize(session, actor, incident_id, Step.FOLLOW_UP)
    incident = found.incident
    _require_open(incident)
    if incident.guardian_informed_at is not None:
        raise Conflict(N_("已登记告知监护人"))
    name = _text(informed_by, NAME_MAX, N_("告知人须填写（不超过60字）"))
    moment = from_local(informed_at)
    if moment > now or moment < to_local(incident.occurred_at):
        raise InvalidInput(N_("告知时间须在事故发生之后、现在之前"))
    return _advance(
        session,
        actor,
        found,
        IncidentAction.GUARDIAN_INFORMED,
        (
            [Incident.guardian_informed_at.is_(None)],
            {"guardian_informed_at": moment, "guardian_informed_by": name},
        ),
        {"informed_at": moment.isoformat(), "informed_by": name},
        now,
    )


def file_claim(
    session: Session,
    actor: User,
    incident_id: int,
    claim_number: str,
    filed_on: date,
    now: datetime,
) -> Incident:
    """Record the claim filed with the insurer under the placement's policy."""
    found = authorize(session, actor, incident_id, Step.FOLLOW_UP)
    incident = found.incident
    _require_open(incident)
    if incident.claim_status != InsuranceClaimStatus.NONE:
        raise Conflict(N_("该事故已报案"))
    if found.cover.status == CoverStatus.NOT_RECORDED:
        raise Conflict(N_("该实习未登记保险，无法报案：请先核实并登记保险"))
    number = _text(claim_number, CLAIM_NUMBER_MAX, N_("保险公司报案号须填写（不超过60字）"))
    if filed_on < local_day(incident.occurred_at) or filed_on > local_day(now):
        raise InvalidInput(N_("报案日期须在事故发生之后、今天之前"))
    return _advance(
        session,
        actor,
        found,
        IncidentAction.CLAIM_FILED,
        (
            [Incident.claim_status == InsuranceClaimStatus.NONE],
            {
                "claim_status": InsuranceClaimStatus.FILED,
                "claim_number": number,
                "claim_filed_on": filed_on,
            },
        ),
        {"claim_number": number, "filed_on": filed_on.isoformat()},
        now,
    )


def accept_claim(session: Session, actor: User, incident_id: int, now: datetime) -> Incident:
    """The insurer accepted (受理) the filed claim."""
    found = authorize(session, actor, incident_id, Step.FOLLOW_UP)
    _require_open(found.incident)
    if found.incident.claim_status != InsuranceClaimStatus.FILED:
        raise Conflict(N_("只有已报案的理赔可以登记受理"))
    return _advance(
        session,
        actor,
        found,
        IncidentAction.CLAIM_ACCEPTED,
        (
            [Incident.claim_status == InsuranceClaimStatus.FILED],
            {"claim_status": InsuranceClaimStatus.ACCEPTED},
        ),
        {},
        now,
    )


def pay_claim(
    session: Session, actor: User, incident_id: int, amount_yuan: int, now: datetime
) -> Incident:
    """The insurer paid the accepted claim: the amount in yuan."""
    found = authorize(session, actor, incident_id, Step.FOLLOW_UP)
    _require_open(found.incident)
    if found.incident.claim_status != InsuranceClaimStatus.ACCEPTED:
        raise Conflict(N_("只有已受理的理赔可以登记赔付"))
    if not 0 < amount_yuan <= bounds.INTEGER_MAX:
        raise InvalidInput(N_("赔付金额须为正整数（元）"))
    return _advance(
        session,
        actor,
        found,
        IncidentAction.CLAIM_PAID,
        (
            [Incident.claim_status == InsuranceClaimStatus.ACCEPTED],
            {"claim_status": InsuranceClaimStatus.PAID, "claim_paid_yuan": amount_yuan},
        ),
        {"amount_yuan": amount_yuan},
        now,
    )


def reject_claim(
    session: Session, actor: User, incident_id: int, reason: str, now: datetime
) -> Incident:
    """The insurer refused the filed or accepted claim, for the reason it gave."""
    found = authorize(session, actor, incident_id, Step.FOLLOW_UP)
    _require_open(found.incident)
    if found.incident.claim_status not in OPEN_CLAIMS:
        raise Conflict(N_("只有已报案或已受理的理赔可以登记拒赔"))
    text = _text(reason, TEXT_MAX, N_("拒赔原因须填写（不超过5000字）"))
    return _advance(
        session,
        actor,
        found,
        IncidentAction.CLAIM_REJECTED,
        (
            [Incident.claim_status.in_(OPEN_CLAIMS)],
            {"claim_status": InsuranceClaimStatus.REJECTED, "claim_rejection_reason": text},
        ),
        {"reason": text},
        now,
    )


@dataclass(frozen=True)
class ClosingCheck:
    """One precondition of closing, for the page to list before the button."""

    label: str
    passed: bool


def closing_checks(incident: Incident) -> list[ClosingCheck]:
    """What closing needs besides the resolution text: no open claim, the guardian told."""
    checks = [
        ClosingCheck(N_("没有仍在处理中的保险理赔"), incident.claim_status not in OPEN_CLAIMS)
    ]
    if incident.severity in GUARDIAN_REQUIRED:
        checks.append(
            ClosingCheck(
                N_("已告知监护人（严重、重大事故必须）"), incident.guardian_informed_at is not None
            )
        )
    return checks


def close_incident(
    session: Session, actor: User, incident_id: int, resolution: str, now: datetime
) -> Incident:
    """Close the case with its resolution, once no claim is open and the guardian rule holds."""
    found = authorize(session, actor, incident_id, Step.CLOSE)
    incident = found.incident
    _require_open(incident)
    failed = [check.label for check in closing_checks(incident) if not check.passed]
    if failed:
        raise Conflict(N_("尚不能结案"), details=failed)
    text = _text(resolution, TEXT_MAX, N_("处理结果须填写（不超过5000字）"))
    conditions: list[ColumnElement[bool]] = [Incident.claim_status.not_in(OPEN_CLAIMS)]
    if incident.severity in GUARDIAN_REQUIRED:
        conditions.append(Incident.guardian_informed_at.is_not(None))
    return _advance(
        session,
        actor,
        found,
        IncidentAction.CLOSED,
        (
            conditions,
            {
                "status": IncidentStatus.CLOSED,
                "resolution": text,
                "closed_at": now,
                "closed_by_id": actor.id,
            },
        ),
        {},
        now,
    )
