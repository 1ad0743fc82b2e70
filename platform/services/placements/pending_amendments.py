"""The pending amendment of a running placement: finding it, and applying or closing it.

An amendment applies when the last required party signs its version; the new end is booked
through ledger.rebook under the student row lock the signature holds (load_for_change), so the
cap (R1) is checked on committed data at that moment. If the cap (or another placement now in
the period) refuses it, the amendment is refused and the version in force is current again.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    AmendmentStatus,
    DocumentVersion,
    Party,
    PlacementAgreement,
    PlacementAmendment,
    User,
)
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.placements import ledger
from skillbridge.platform.services.placements.records import (
    PlacementContext,
    ensure_period_free,
    placement_link,
)
from skillbridge.platform.services.placements.terms import REQUIRED_PARTIES
from skillbridge.platform.services.renditions.versions import reinstate
from skillbridge.platform.text import N_

AMENDMENT_DECIDED = "placement.amendment_decided"
REFUSAL_MAX = 500


def pending_amendment(session: Session, placement_id: int) -> PlacementAmendment | None:
    """The placement's amendment that waits for signatures, if any."""
    return session.scalars(
        select(PlacementAmendment).where(
            PlacementAmendment.placement_id == placement_id,
            PlacementAmendment.status == AmendmentStatus.PENDING,
        )
    ).one_or_none()


def unsigned_parties(
    session: Session, agreement: PlacementAgreement, amendment: PlacementAmendment
) -> list[Party]:
    """The required parties that have not signed the amendment's version yet."""
    version = session.get_one(DocumentVersion, amendment.version_id)
    session.refresh(version, ["signatures"])
    signed = {signature.party for signature in version.signatures}
    return [party for party in REQUIRED_PARTIES[agreement.kind] if party not in signed]


def may_withdraw(session: Session, actor: User, amendment: PlacementAmendment) -> bool:
    """The proposing side withdraws (a manager of the same school or host as the proposer)."""
    proposer = session.get_one(User, amendment.proposed_by_id)
    return (
        actor.role == proposer.role
        and actor.school_id == proposer.school_id
        and actor.enterprise_id == proposer.enterprise_id
    )


def party_users(session: Session, context: PlacementContext) -> list[int]:
    """Everyone who runs or signs the placement: the school's, the host's and the student's users."""
    recipients = notifications.school_users(session, context.school.id)
    recipients += notifications.enterprise_users(session, context.enterprise.id)
    recipients += notifications.student_users(session, context.student.id)
    return recipients


def _decide(
    session: Session,
    actor: User,
    amendment: PlacementAmendment,
    status: AmendmentStatus,
    now: datetime,
) -> None:
    amendment.status, amendment.decided_by_id, amendment.decided_at = status, actor.id, now
    session.flush()


def close_amendment(
    session: Session,
    actor: User,
    context: PlacementContext,
    amendment: PlacementAmendment,
    status: AmendmentStatus,
    now: datetime,
) -> None:
    """Withdraw or refuse the amendment: the version in force is current again, the requests
    to sign are settled and everyone is told."""
    _decide(session, actor, amendment, status, now)
    reinstate(
        session,
        session.get_one(DocumentVersion, amendment.version_id),
        session.get_one(DocumentVersion, amendment.previous_version_id),
        now,
    )
    if context.agreement is not None:
        session.expire(context.agreement, ["signatures"])
    recipients = party_users(session, context)
    notifications.settle(session, recipients, placement_link(context.placement.id))
    withdrawn = status == AmendmentStatus.WITHDRAWN
    notifications.notify(
        session,
        recipients,
        AMENDMENT_DECIDED,
        N_("实习协议变更已撤回") if withdrawn else N_("实习协议变更未能生效"),
        f"{context.student.name} · {amendment.old_end_date} → {amendment.new_end_date}"
        + ("" if withdrawn else f"：{amendment.refusal}"),
        placement_link(context.placement.id),
    )
    audit.record(
        session,
        actor,
        "placement.amendment_withdrawn" if withdrawn else "placement.amendment_refused",
        "placement",
        context.placement.id,
        {
            "amendment_id": amendment.id,
            "to": amendment.new_end_date.isoformat(),
            "reason": amendment.refusal or "",
        },
    )


def apply_when_signed(
    session: Session,
    actor: User,
    context: PlacementContext,
    amendment: PlacementAmendment,
    now: datetime,
    today: date,
) -> None:
    """After a signature on the amendment's version: once every party signed, the new end takes
    effect and its months are booked (R1, checked now); refused, the amendment is closed."""
    assert context.agreement is not None  # an amendment is proposed on an agreement
    if unsigned_parties(session, context.agreement, amendment):
        return
    placement = context.placement
    try:
        if placement.end_date != amendment.old_end_date:
            raise Conflict(N_("实习结束日期已另行变更，本次变更不再适用"))
        ensure_period_free(session, placement, placement.start_date, amendment.new_end_date)
        with session.begin_nested():
            placement.end_date = amendment.new_end_date
            booked = ledger.rebook(session, context, today)
    except Conflict as refused:
        session.refresh(placement)
        amendment.refusal = "；".join([refused.message, *refused.details])[:REFUSAL_MAX]
        close_amendment(session, actor, context, amendment, AmendmentStatus.REFUSED, now)
        return
    _decide(session, actor, amendment, AmendmentStatus.APPLIED, now)
    notifications.notify(
        session,
        party_users(session, context),
        AMENDMENT_DECIDED,
        N_("实习协议变更已生效"),
        f"{context.student.name} · {amendment.old_end_date} → {amendment.new_end_date}",
        placement_link(placement.id),
    )
    audit.record(
        session,
        actor,
        "placement.amendment_applied",
        "placement",
        placement.id,
        {
            "amendment_id": amendment.id,
            "from": amendment.old_end_date.isoformat(),
            "to": amendment.new_end_date.isoformat(),
            "months": booked.counted,
        },
    )
