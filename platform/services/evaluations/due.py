"""What evaluation work is due: the to-do counts and the evaluator's list of placements.

A teacher, a mentor or a student has a few dozen placements at most, so the stage dates are
checked in Python on that short list (the same `due_from` as the evaluation itself) rather than
in SQL date arithmetic that SQLite and PostgreSQL spell differently.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Evaluation,
    EvaluationStage,
    Evaluator,
    HostRating,
    Placement,
    Role,
    StaffRole,
    Student,
    User,
)
from skillbridge.platform.services.evaluations.scores import EVALUATED, due_from
from skillbridge.platform.services.paging import Page, page_of


@dataclass(frozen=True)
class DueRow:
    """One placement of the actor's with the stages it may evaluate now and still owes."""

    placement: Placement
    student_name: str
    due_stages: tuple[EvaluationStage, ...]
    rating_due: bool


def _scope(actor: User) -> tuple[Evaluator, ColumnElement[bool]] | None:
    """The evaluation the actor writes and the placements it writes it on."""
    if actor.role == Role.STUDENT and actor.student_id is not None:
        return Evaluator.SELF, Placement.student_id == actor.student_id
    if actor.role == Role.SCHOOL and actor.staff_role == StaffRole.TEACHER:
        return Evaluator.TEACHER, Placement.teacher_user_id == actor.id
    if actor.role == Role.ENTERPRISE and actor.staff_role == StaffRole.MENTOR:
        return Evaluator.MENTOR, Placement.mentor_user_id == actor.id
    return None


def due_rows(session: Session, actor: User, today: date) -> list[DueRow]:
    """The actor's running or ended placements, each with what the actor still owes on it."""
    scope = _scope(actor)
    if scope is None:
        return []
    evaluator, mine = scope
    rows = session.execute(
        select(Placement, Student.name)
        .join(Student, Student.id == Placement.student_id)
        .where(mine, Placement.status.in_(EVALUATED))
        .order_by(Placement.end_date, Placement.id)
    ).all()
    ids = [placement.id for placement, _ in rows]
    done = {
        (placement_id, stage)
        for placement_id, stage in session.execute(
            select(Evaluation.placement_id, Evaluation.stage).where(
                Evaluation.placement_id.in_(ids), Evaluation.evaluator == evaluator
            )
        )
    }
    rated = set(
        session.scalars(select(HostRating.placement_id).where(HostRating.placement_id.in_(ids)))
    )
    return [
        DueRow(placement, name, *owed(placement, evaluator, done, rated, today))
        for placement, name in rows
    ]


def owed(
    placement: Placement,
    evaluator: Evaluator,
    done: Container[tuple[int, EvaluationStage]],
    rated: Container[int],
    today: date,
) -> tuple[tuple[EvaluationStage, ...], bool]:
    """The stages `evaluator` may evaluate now and has not (`done` holds (placement, stage)),
    and whether the placement's host rating is due (`rated` holds the rated placements)."""
    stages = tuple(
        stage
        for stage in EvaluationStage
        if (placement.id, stage) not in done and today >= due_from(placement, stage)
    )
    # The host is rated near the end, with the final self-assessment.
    rating_due = (
        evaluator == Evaluator.SELF
        and placement.id not in rated
        and today >= due_from(placement, EvaluationStage.FINAL)
    )
    return stages, rating_due


def list_due(session: Session, actor: User, today: date, page: int = 1) -> Page[DueRow]:
    """The actor's placements to evaluate, a page at a time."""
    return page_of(due_rows(session, actor, today), page)


def due_counts(session: Session, actor: User, today: date) -> tuple[int, int]:
    """How many evaluations are due, and (for a student) how many host ratings."""
    rows = due_rows(session, actor, today)
    return sum(len(r.due_stages) for r in rows), sum(r.rating_due for r in rows)
