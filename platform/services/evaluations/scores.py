"""Mid-term and final rubric evaluations by the mentor and the teacher, and the self-assessment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    Evaluation,
    EvaluationStage,
    Evaluator,
    Placement,
    PlacementStatus,
    User,
)
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.evaluations.access import evaluator_on
from skillbridge.platform.services.evaluations.rubrics import (
    Rubric,
    evaluation_settings,
    rubric_for_school,
)
from skillbridge.platform.services.placements.records import PlacementContext
from skillbridge.platform.text import N_

#: Placements on which evaluations are written: running, or over.
EVALUATED = (PlacementStatus.ACTIVE, PlacementStatus.ENDED)
MAX_COMMENT = 2000

STAGE_LABELS = {EvaluationStage.MIDTERM: N_("中期评价"), EvaluationStage.FINAL: N_("终期评价")}
EVALUATOR_LABELS = {
    Evaluator.MENTOR: N_("企业师傅"),
    Evaluator.TEACHER: N_("指导教师"),
    Evaluator.SELF: N_("学生自评"),
}


@dataclass(frozen=True)
class EvaluationInput:
    """One evaluation as submitted: a score per criterion code and a comment."""

    stage: EvaluationStage
    scores: Mapping[str, int | None]
    comment: str


def rubric_of(context: PlacementContext) -> Rubric:
    """The rubric of the placement's school."""
    return rubric_for_school(context.school.code)


def due_from(placement: Placement, stage: EvaluationStage) -> date:
    """The first day a stage's evaluation may be written: half-way, or shortly before the end."""
    if stage == EvaluationStage.MIDTERM:
        return placement.start_date + (placement.end_date - placement.start_date) / 2
    before = timedelta(days=evaluation_settings().final_due_days_before_end)
    return max(placement.start_date, placement.end_date - before)


def _checked_scores(rubric: Rubric, scores: Mapping[str, int | None]) -> dict[str, int]:
    problems, checked = [], {}
    for criterion in rubric.criteria:
        value = scores.get(criterion.code)
        if value is None or not rubric.scale_min <= value <= rubric.scale_max:
            problems.append(criterion.code)
            continue
        checked[criterion.code] = value
    extra = sorted(set(scores) - {c.code for c in rubric.criteria})
    if problems or extra:
        raise InvalidInput(
            N_("每项评价指标须打 1–5 分"), details=[f"score_{code}" for code in problems + extra]
        )
    return checked


def submit_evaluation(
    session: Session, actor: User, placement_id: int, data: EvaluationInput, today: date
) -> Evaluation:
    """Record the actor's evaluation of one stage; a second one for the same stage is a 409."""
    context, evaluator = evaluator_on(session, actor, placement_id)
    placement = context.placement
    if placement.status not in EVALUATED or today < due_from(placement, data.stage):
        raise Conflict(N_("尚未到该阶段的评价时间"))
    rubric = rubric_of(context)
    scores = _checked_scores(rubric, data.scores)
    comment = data.comment.strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(N_("评语过长"), details=["comment"])
    evaluation = Evaluation(
        placement_id=placement.id,
        stage=data.stage,
        evaluator=evaluator,
        author_user_id=actor.id,
        rubric_code=rubric.code,
        scores=scores,
        weighted_centi=rubric.weighted_centi(scores),
        comment=comment,
    )
    try:
        with session.begin_nested():
            session.add(evaluation)
    except IntegrityError as exc:
        raise Conflict(N_("该阶段的评价已经提交过了")) from exc
    audit.record(
        session,
        actor,
        "evaluation.submitted",
        "evaluation",
        evaluation.id,
        {"placement_id": placement.id, "stage": data.stage.value, "evaluator": evaluator.value},
    )
    return evaluation


def evaluations_of(session: Session, placement_id: int) -> list[Evaluation]:
    """Every evaluation of a placement, mid-term first (callers have loaded the placement)."""
    return list(
        session.scalars(
            select(Evaluation)
            .where(Evaluation.placement_id == placement_id)
            .order_by(Evaluation.stage.desc(), Evaluation.evaluator, Evaluation.id)
        )
    )
