"""A placement's evaluation page: what the actor sees and what it may do there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from skillbridge.models import (
    EmploymentOutcome,
    Evaluation,
    EvaluationStage,
    HostRating,
    InternshipReport,
    SlotKind,
    User,
)
from skillbridge.platform.services.evaluations.certificate import (
    CertificateStatus,
    certificate_status,
)
from skillbridge.platform.services.evaluations.outcomes import host_hire_of, outcome_of
from skillbridge.platform.services.evaluations.ratings import (
    RatingSummary,
    rating_of,
    shown_summary,
)
from skillbridge.platform.services.evaluations.reports import report_of
from skillbridge.platform.services.evaluations.rubrics import Rubric
from skillbridge.platform.services.evaluations.scores import (
    EVALUATED,
    due_from,
    evaluations_of,
    rubric_of,
)
from skillbridge.platform.services.placements.records import PlacementContext, load_placement
from skillbridge.platform.services.policies import (
    can_confirm_outcome,
    can_grade_report,
    can_rate_host,
    can_record_outcome,
    can_write_report,
    evaluator_role,
)


@dataclass(frozen=True)
class EvaluationPage:
    """Everything the page shows, already cut to what the actor may see."""

    context: PlacementContext
    rubric: Rubric
    evaluations: list[Evaluation]
    open_stages: list[EvaluationStage]  # stages the actor may still evaluate today
    rating: HostRating | None
    summary: RatingSummary | None
    report: InternshipReport | None
    outcome: EmploymentOutcome | None
    certificate: CertificateStatus
    may_rate: bool
    may_report: bool
    may_grade: bool
    may_record_outcome: bool
    may_confirm_outcome: bool
    #: An apprenticeship aims at employment with the training enterprise (学生学徒培养协议, R5):
    #: whether the host's confirmed hire met that goal; None for other kinds of slot.
    employment_goal_met: bool | None


def evaluation_page(
    session: Session, actor: User, placement_id: int, today: date
) -> EvaluationPage:
    """The page of one placement (404/403 as the placement's own page)."""
    context = load_placement(session, actor, placement_id)
    placement, student = context.placement, context.student
    evaluations = evaluations_of(session, placement.id)
    running = placement.status in EVALUATED
    role = evaluator_role(actor, student, placement)
    done = {e.stage for e in evaluations if e.evaluator == role}
    open_stages = [
        stage
        for stage in EvaluationStage
        if role is not None
        and running
        and stage not in done
        and today >= due_from(placement, stage)
    ]
    rating = rating_of(session, actor, context)
    report = report_of(session, placement.id)
    return EvaluationPage(
        context=context,
        rubric=rubric_of(context),
        evaluations=evaluations,
        open_stages=open_stages,
        rating=rating,
        summary=shown_summary(session, actor, context),
        report=report,
        outcome=outcome_of(session, placement.id),
        certificate=certificate_status(session, context, today),
        may_rate=running and can_rate_host(actor, student) and rating is None,
        may_report=running
        and can_write_report(actor, student)
        and (report is None or report.grade is None),
        may_grade=report is not None and can_grade_report(actor, placement),
        may_record_outcome=can_record_outcome(actor, student),
        may_confirm_outcome=can_confirm_outcome(actor, context.slot),
        employment_goal_met=(
            host_hire_of(session, placement.id) is not None
            if context.slot.kind == SlotKind.APPRENTICESHIP
            else None
        ),
    )
