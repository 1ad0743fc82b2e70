"""The nightly subsidy sweep: placements and employments whose months may now make someone eligible."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Employment,
    EmploymentOutcome,
    EmploymentStatus,
    OutcomeKind,
    Placement,
    PlacementStatus,
)
from skillbridge.platform.services.subsidies.claims import on_placement_months_reached
from skillbridge.platform.services.subsidies.workers import on_employment_confirmed


def raise_placement_claims(session: Session, today: date) -> int:
    """Evaluate every active placement's months-on-the-post policies; returns claims raised.

    Eligibility grows with time on the post (e.g. Wujiang's reward after 6 months), so each
    night re-evaluates the placements still running; the once-only keys make a claim that was
    already raised a no-op.
    """
    raised = 0
    # Running placements, and ended ones whose host hired the student (the outcome the host
    # confirmed, evaluations/outcomes.py): the months on that post keep growing.
    hired = (
        select(EmploymentOutcome.placement_id)
        .where(EmploymentOutcome.kind == OutcomeKind.HIRED_BY_HOST)
        .where(EmploymentOutcome.confirmed_at.is_not(None))
    )
    placements = session.scalars(
        select(Placement)
        .where(
            or_(
                and_(Placement.status == PlacementStatus.ACTIVE, Placement.start_date <= today),
                and_(Placement.status == PlacementStatus.ENDED, Placement.id.in_(hired)),
            )
        )
        .order_by(Placement.id)
    )
    for placement in placements:
        raised += len(on_placement_months_reached(session, placement, today))
    return raised


def raise_employment_claims(session: Session, today: date) -> int:
    """Evaluate every confirmed employment's worker-side policies; returns claims raised.

    Contract-and-insurance months and months on the post grow (Wujiang's introduction reward
    after 6 months), so each night re-evaluates the employments confirmed so far.
    """
    raised = 0
    employments = session.scalars(
        select(Employment)
        .where(Employment.status == EmploymentStatus.CONFIRMED, Employment.hire_date <= today)
        .order_by(Employment.id)
    )
    for employment in employments:
        raised += len(on_employment_confirmed(session, employment, today))
    return raised
