"""The decision (认定, 表彰): places taken within the round's quota, the award, the grant.

A place is taken by a conditional UPDATE of the round's counter (``selected_count < quota``),
which also gives the place number; the CHECK ``selected_count <= quota`` and the UNIQUE
(round, place_no) refuse an overrun whatever order concurrent decisions take.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    Award,
    Nomination,
    NominationStatus,
    Objection,
    RoundStatus,
    SelectionRound,
    SubsidyClaim,
    User,
    utcnow,
)
from skillbridge.platform.policy import SKILL_LEVELS
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, NotFound
from skillbridge.platform.services.selections import rounds
from skillbridge.platform.services.selections.rounds import (
    require_status,
    round_for_bureau,
    round_policy,
)
from skillbridge.platform.services.subsidies.awards import on_award_decided
from skillbridge.platform.text import N_


def _take_place(session: Session, row: SelectionRound) -> int:
    """Take the round's next place; Conflict when the quota is spent (the database decides)."""
    taken = cast(
        CursorResult[Any],
        session.execute(
            update(SelectionRound)
            .where(SelectionRound.id == row.id)
            .where(
                or_(
                    SelectionRound.quota.is_(None),
                    SelectionRound.selected_count < SelectionRound.quota,
                )
            )
            .values(selected_count=SelectionRound.selected_count + 1)
            .returning(SelectionRound.selected_count)
            .execution_options(synchronize_session=False)
        ),
    )
    place = taken.scalar_one_or_none()
    if place is None:
        raise Conflict(N_("本期评选名额已满"))
    return int(place)


def decide_nomination(
    session: Session, actor: User, nomination_id: int
) -> tuple[Award, SubsidyClaim | None]:
    """Select a proposed nominee after the 公示 window, every objection to them handled: take a
    place within the quota, record the award on the person (or the organisation) and raise the
    grant's claim."""
    nomination = session.get(Nomination, nomination_id)
    if nomination is None:
        raise NotFound(N_("申报不存在"))
    row = round_for_bureau(session, actor, nomination.round_id)
    require_status(row, RoundStatus.PUBLICITY)
    assert row.publicity_ends_on is not None
    on = rounds.today()
    if on <= row.publicity_ends_on:
        raise Conflict(
            N_("公示期满后才能认定"),
            details=[N_("公示至%(day)s", day=row.publicity_ends_on.isoformat())],
        )
    if nomination.status != NominationStatus.PROPOSED:
        raise Conflict(N_("该人选不在公示名单中"))
    open_objections = session.scalar(
        select(func.count())
        .select_from(Objection)
        .where(Objection.nomination_id == nomination.id, Objection.outcome.is_(None))
    )
    if open_objections:
        raise Conflict(N_("该人选尚有未处理的异议"))
    try:
        with session.begin_nested():
            place = _take_place(session, row)
            moved = cast(
                CursorResult[Any],
                session.execute(
                    update(Nomination)
                    .where(Nomination.id == nomination.id)
                    .where(Nomination.status == NominationStatus.PROPOSED)
                    .values(status=NominationStatus.SELECTED, place_no=place)
                    .execution_options(synchronize_session=False)
                ),
            )
            if moved.rowcount != 1:
                raise Conflict(N_("该人选的状态已变化，请刷新后重试"))
    except IntegrityError as exc:
        raise Conflict(N_("本期评选名额已满")) from exc
    session.refresh(nomination)
    session.refresh(row)
    level = nomination.screening.get("level")
    policy = round_policy(session, row)
    award = Award(
        person_id=nomination.person_id,
        # An organisation's nomination names no person: the award is the enterprise's.
        enterprise_id=nomination.employer_id if nomination.person_id is None else None,
        region_id=row.region_id,
        policy_code=policy.code,
        round_id=row.id,
        nomination_id=nomination.id,
        year=row.period_start,
        level=SKILL_LEVELS.index(level) if level in SKILL_LEVELS else None,
        criterion=nomination.criterion,
        awarded_on=on,
    )
    session.add(award)
    session.flush()
    claim = on_award_decided(session, award, on)
    audit.record(
        session, actor, "selection.decided", "nomination", nomination.id,
        {
            "round_id": row.id,
            "place_no": place,
            "award_id": award.id,
            "claim_id": claim.id if claim is not None else None,
            "claim_note": award.claim_note,
        },
    )  # fmt: skip
    return award, claim


def close_round(session: Session, actor: User, round_id: int) -> SelectionRound:
    """Close the round once no proposed nominee awaits a decision (通报表彰)."""
    row = round_for_bureau(session, actor, round_id)
    require_status(row, RoundStatus.PUBLICITY)
    waiting = session.scalar(
        select(func.count())
        .select_from(Nomination)
        .where(Nomination.round_id == row.id, Nomination.status == NominationStatus.PROPOSED)
    )
    if waiting:
        raise Conflict(N_("公示名单中尚有人选未认定"), details=[N_("待认定%(n)d人", n=waiting)])
    row.status = RoundStatus.DECIDED
    row.decided_at = utcnow()
    session.flush()
    audit.record(
        session, actor, "selection.round_closed", "selection_round", row.id,
        {"selected": row.selected_count, "quota": row.quota},
    )  # fmt: skip
    return row
