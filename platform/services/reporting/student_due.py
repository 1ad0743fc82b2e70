"""What a student owes on its own placements (journal weeks, self-assessments, host ratings), read in two statements for the to-do counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Select,
    bindparam,
    cast,
    exists,
    literal,
    null,
    select,
)
from sqlalchemy.orm import Session

from skillbridge.models import (
    Evaluation,
    Evaluator,
    HostRating,
    Journal,
    Placement,
    PlacementPause,
    PlacementStatus,
    User,
)
from skillbridge.platform.services.evaluations.due import owed
from skillbridge.platform.services.evaluations.scores import EVALUATED
from skillbridge.platform.services.journals.rules import Week
from skillbridge.platform.services.journals.weeks import weeks_waiting
from skillbridge.platform.services.placements.ledger import placement_pauses


@dataclass(frozen=True)
class StudentDue:
    """Counts of what waits for the student: journal weeks, evaluations, host ratings."""

    weeks: int
    evaluations: int
    ratings: int


def _placements() -> Select[Placement, bool]:
    """The student's evaluated placements (the journals' one among them), newest first, each
    with whether it was ever paused: the pauses are read only then."""
    paused = exists().where(PlacementPause.placement_id == Placement.id)
    return (
        select(Placement, paused.label("paused"))
        .where(
            Placement.student_id == bindparam("student_id"),
            Placement.status.in_(EVALUATED),
        )
        .order_by(Placement.start_date.desc(), Placement.id.desc())
    )


def _owed_rows() -> CompoundSelect[Any]:
    """One row per journal of the journals' placement (its week and status), per own
    evaluation (its stage) and per host rating of the student's placements, each with its
    placement. The first select types the columns of all three."""
    ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    return (
        select(
            literal("journal").label("kind"),
            Journal.placement_id,
            Journal.iso_year,
            Journal.iso_week,
            Journal.status,
            cast(null(), Evaluation.stage.type).label("stage"),
        )
        .where(Journal.placement_id == bindparam("journal_placement"))
        .union_all(
            select(
                literal("evaluation"),
                Evaluation.placement_id,
                null(),
                null(),
                null(),
                Evaluation.stage,
            ).where(Evaluation.placement_id.in_(ids), Evaluation.evaluator == Evaluator.SELF),
            select(
                literal("rating"), HostRating.placement_id, null(), null(), null(), null()
            ).where(HostRating.placement_id.in_(ids)),
        )
    )


# Built once: building a statement and its cache key costs more than running it, and every
# page a student opens counts its to-do items.
_PLACEMENTS = _placements()
_OWED_ROWS = _owed_rows()


def student_due(session: Session, actor: User, today: date) -> StudentDue:
    """What waits for the student on `today`: its active placement's weeks due, missing or
    returned (the latest active one: the one it writes journals for), and the self-assessments
    and host ratings due on its active or ended placements."""
    placements = session.execute(_PLACEMENTS, {"student_id": actor.student_id}).all()
    if not placements:
        return StudentDue(0, 0, 0)
    journal_placement = next(
        (row for row in placements if row[0].status == PlacementStatus.ACTIVE), None
    )
    rows = session.execute(
        _OWED_ROWS,
        {
            "ids": [placement.id for placement, _ in placements],
            "journal_placement": journal_placement[0].id if journal_placement else None,
        },
    ).all()
    done = {(row.placement_id, row.stage) for row in rows if row.kind == "evaluation"}
    rated = {row.placement_id for row in rows if row.kind == "rating"}
    weeks = 0
    if journal_placement is not None:
        placement, paused = journal_placement
        statuses = {Week(r.iso_year, r.iso_week): r.status for r in rows if r.kind == "journal"}
        pauses = placement_pauses(session, placement.id) if paused else []
        weeks = weeks_waiting(placement, statuses, pauses, today)
    evaluations = ratings = 0
    for placement, _ in placements:
        stages, rating_due = owed(placement, Evaluator.SELF, done, rated, today)
        evaluations += len(stages)
        ratings += rating_due
    return StudentDue(weeks, evaluations, ratings)
