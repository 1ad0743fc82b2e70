"""Who may act on a placement's evaluations: each check loads the placement (404 before 403)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from skillbridge.models import Evaluator, User
from skillbridge.platform.services.errors import PermissionDenied
from skillbridge.platform.services.placements.records import PlacementContext, load_placement
from skillbridge.platform.services.policies import (
    can_confirm_outcome,
    can_grade_report,
    can_rate_host,
    can_record_outcome,
    can_write_report,
    evaluator_role,
)
from skillbridge.platform.text import N_


def evaluator_on(
    session: Session, actor: User, placement_id: int
) -> tuple[PlacementContext, Evaluator]:
    """The placement and the evaluation the actor writes on it."""
    context = load_placement(session, actor, placement_id)
    role = evaluator_role(actor, context.student, context.placement)
    if role is None:
        raise PermissionDenied(N_("只有指派的企业师傅、指导教师和学生本人可以填写评价"))
    return context, Evaluator(role)


def rater_on(session: Session, actor: User, placement_id: int) -> PlacementContext:
    context = load_placement(session, actor, placement_id)
    if not can_rate_host(actor, context.student):
        raise PermissionDenied(N_("只有实习学生本人可以评价实习单位"))
    return context


def author_on(session: Session, actor: User, placement_id: int) -> PlacementContext:
    context = load_placement(session, actor, placement_id)
    if not can_write_report(actor, context.student):
        raise PermissionDenied(N_("只有实习学生本人可以提交实习报告"))
    return context


def grader_on(session: Session, actor: User, placement_id: int) -> PlacementContext:
    context = load_placement(session, actor, placement_id)
    if not can_grade_report(actor, context.placement):
        raise PermissionDenied(N_("只有指派的指导教师可以评定实习成绩"))
    return context


def outcome_recorder_on(session: Session, actor: User, placement_id: int) -> PlacementContext:
    context = load_placement(session, actor, placement_id)
    if not can_record_outcome(actor, context.student):
        raise PermissionDenied(N_("只有学生所在学校可以登记就业去向"))
    return context


def outcome_confirmer_on(session: Session, actor: User, placement_id: int) -> PlacementContext:
    context = load_placement(session, actor, placement_id)
    if not can_confirm_outcome(actor, context.slot):
        raise PermissionDenied(N_("只有实习单位可以确认录用"))
    return context
