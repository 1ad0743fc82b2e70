"""Recognition (认定): the bureau recognises a base that passed its review this year, once.

003 二(四) "定期开展…评审工作，对评定为市级'技能大师工作室'的…" and 002 二(三)1 "评选出技能大师
工作室、名师工作室…给予…奖励资助": the review comes first, the recognition follows it, and the
award (where the region's pack sets one) is raised as a claim for the host at the recognition.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from skillbridge.models import BaseStatus, TrainingBase, User
from skillbridge.platform.services import audit
from skillbridge.platform.services.bases.reviews import review_in, reviewable_base
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.subsidies.studio_awards import on_studio_recognised
from skillbridge.platform.text import N_


def recognise_base(session: Session, actor: User, base_id: int, today: date) -> TrainingBase:
    """Recognise the base; a concurrent second recognition finds it recognised (409), so the
    award's claim is raised once."""
    base = reviewable_base(session, actor, base_id)
    review = review_in(session, base, today.year)
    if review is None or not review.passed:
        raise Conflict(N_("须先通过本年度评审，才能认定"))
    # The conditional UPDATE is the gate: of two racing recognitions one changes the row, the
    # other (after the first commits, on PostgreSQL) changes none.
    changed = cast(
        "CursorResult[Any]",
        session.execute(
            update(TrainingBase)
            .where(TrainingBase.id == base.id)
            .where(TrainingBase.status == BaseStatus.APPLIED)
            .values(status=BaseStatus.RECOGNISED, recognised_on=today, recognised_by_id=actor.id)
            .execution_options(synchronize_session=False)
        ),
    )
    if changed.rowcount != 1:
        raise Conflict(N_("该基地已认定"))
    session.refresh(base)
    claim = on_studio_recognised(session, base, today)
    audit.record(
        session,
        actor,
        "training_base.recognised",
        "training_base",
        base.id,
        {
            "on": today.isoformat(),
            "review_id": review.id,
            "claim_id": claim.id if claim else None,
            "claim_note": base.claim_note,
        },
    )
    return base
