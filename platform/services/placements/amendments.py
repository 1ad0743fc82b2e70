"""Amending a running placement: the school or the host proposes new terms (a new end date) as a
new version of the agreement, every required party signs it again, and it applies only then.

Who may. The school's and the host's managers (can_run_placement) propose, as both run the
placement; the side that proposed may withdraw until the last signature. Signing is the
agreement's own (agreements.sign_agreement, with re-authentication); the last signature applies
the amendment (pending_amendments.apply_when_signed), where the cap (R1) is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import AmendmentStatus, PlacementAmendment, PlacementStatus, User
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.placements import ledger, months
from skillbridge.platform.services.placements.agreements import (
    TITLES,
    ask_to_sign,
    insurance_covers,
    needs_insurance,
)
from skillbridge.platform.services.placements.pending_amendments import (
    close_amendment,
    may_withdraw,
    pending_amendment,
)
from skillbridge.platform.services.placements.records import (
    PlacementContext,
    ensure_period_free,
    load_for_change,
    load_placement,
    school_region,
)
from skillbridge.platform.services.placements.terms import (
    ProposedTerms,
    agreement_version,
    issue_agreement,
)
from skillbridge.platform.services.policies import can_run_placement
from skillbridge.platform.text import N_

REASON_MAX = 500


@dataclass(frozen=True)
class Proposal:
    """What the proposer sends: the new end date and why."""

    end: date
    reason: str


def authorise_amendment(session: Session, actor: User, placement_id: int) -> None:
    """Refuse an actor who may not amend the placement before any input is read (404/403)."""
    context = load_placement(session, actor, placement_id)
    if not can_run_placement(actor, context.student, context.slot):
        raise PermissionDenied(N_("仅学校或实习单位可变更实习协议"))


def _running(session: Session, actor: User, placement_id: int) -> PlacementContext:
    context = load_for_change(session, actor, placement_id)
    if not can_run_placement(actor, context.student, context.slot):
        raise PermissionDenied(N_("仅学校或实习单位可变更实习协议"))
    if context.placement.status != PlacementStatus.ACTIVE or context.agreement is None:
        raise Conflict(N_("只有进行中的实习可以变更协议"))
    return context


def _checked(context: PlacementContext, proposal: Proposal, today: date) -> str:
    """The reason, once the proposal is valid; an InvalidInput naming the field otherwise."""
    reason = proposal.reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(N_("请填写变更原因（不超过500字）"), details=["reason"])
    if proposal.end == context.placement.end_date:
        raise InvalidInput(N_("新的结束日期与现行结束日期相同"), details=["end_date"])
    if proposal.end <= today:
        # Ending sooner than planned from today on is an end or a termination, not an amendment.
        raise InvalidInput(N_("新的结束日期须晚于今天"), details=["end_date"])
    return reason


def propose_amendment(
    session: Session,
    actor: User,
    placement_id: int,
    proposal: Proposal,
    now: datetime,
    today: date,
) -> PlacementAmendment:
    """Propose a new end date: a new version of the agreement for every party to sign again.

    Refused at once what could never apply: another amendment pending, insurance not covering
    the new term (N6), another placement in the period, or months beyond the cap (R1) today.
    """
    context = _running(session, actor, placement_id)
    placement, agreement = context.placement, context.agreement
    assert agreement is not None
    if pending_amendment(session, placement_id) is not None:
        raise Conflict(N_("已有待签署的协议变更，请等待各方签署或先撤回"))
    reason = _checked(context, proposal, today)
    if needs_insurance(agreement) and not insurance_covers(
        agreement, placement.start_date, proposal.end
    ):
        raise Conflict(N_("请先登记覆盖变更后实习期的实习责任保险（N6）"))
    ensure_period_free(session, placement, placement.start_date, proposal.end)
    counted = ledger.counted_until(session, placement, proposal.end, today)
    cap = months.month_cap(school_region(session, context.school))
    if placement.counts_toward_cap and not months.fits_under_cap(
        context.student, counted - placement.months, cap
    ):
        raise Conflict(N_("超出顶岗实习累计月数上限（R1）"))
    previous = agreement_version(session, context, agreement, now)
    terms = ProposedTerms(proposal.end, counted, reason, placement.end_date)
    version = issue_agreement(session, context, agreement, now, terms)
    session.expire(agreement, ["signatures"])
    amendment = PlacementAmendment(
        placement_id=placement_id,
        old_end_date=placement.end_date,
        new_end_date=proposal.end,
        new_months=counted,
        reason=reason,
        version_id=version.id,
        previous_version_id=previous.id,
        proposed_by_id=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(amendment)
    except IntegrityError as exc:  # the partial unique index: one pending amendment at a time
        raise Conflict(N_("已有待签署的协议变更，请等待各方签署或先撤回")) from exc
    audit.record(
        session,
        actor,
        "placement.amendment_proposed",
        "placement",
        placement_id,
        {
            "amendment_id": amendment.id,
            "from": placement.end_date.isoformat(),
            "to": proposal.end.isoformat(),
            "months": counted,
            "reason": reason,
            "version": version.version,
            "sha256": version.content_sha256,
        },
    )
    ask_to_sign(session, context, agreement, TITLES[agreement.kind] + N_("变更待签署"))
    return amendment


def withdraw_amendment(
    session: Session, actor: User, placement_id: int, now: datetime
) -> PlacementAmendment:
    """The proposing side withdraws its pending amendment; the agreement in force stays."""
    context = _running(session, actor, placement_id)
    amendment = pending_amendment(session, placement_id)
    if amendment is None:
        raise Conflict(N_("没有待签署的协议变更"))
    if not may_withdraw(session, actor, amendment):
        raise PermissionDenied(N_("只有提出变更的一方可以撤回"))
    close_amendment(session, actor, context, amendment, AmendmentStatus.WITHDRAWN, now)
    return amendment
