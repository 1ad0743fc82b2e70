"""The student's to-do counts of evaluations and host ratings, read in two statements, agree with
the evaluator's list of what is due."""

from __future__ import annotations

from datetime import date

from skillbridge.models import EvaluationStage
from skillbridge.platform.services.evaluations import ratings, scores
from skillbridge.platform.services.evaluations.due import due_counts
from skillbridge.platform.services.evaluations.rubrics import rubrics
from skillbridge.platform.services.reporting.student_due import student_due

# The fixture's placement runs 2026-01-05 to 06-30: half-way is in late March.
BEFORE_MIDTERM, AFTER_END = date(2026, 3, 1), date(2026, 7, 10)


def _counts(session, student, today):  # type: ignore[no-untyped-def]
    due = student_due(session, student, today)
    return due.evaluations, due.ratings


def test_the_students_due_evaluations_and_rating_follow_what_it_wrote(session, supervised) -> None:  # type: ignore[no-untyped-def]
    student, placement_id = supervised.student, supervised.placement.id
    assert _counts(session, student, BEFORE_MIDTERM) == (0, 0)
    # After the end both stages and the host's rating are owed; the list says the same.
    assert _counts(session, student, AFTER_END) == (2, 1) == due_counts(session, student, AFTER_END)
    scores.submit_evaluation(
        session,
        student,
        placement_id,
        scores.EvaluationInput(
            EvaluationStage.MIDTERM, {c.code: 4 for c in rubrics().default.criteria}, "认真"
        ),
        AFTER_END,
    )
    ratings.rate_host(
        session, student, placement_id, ratings.RatingInput({a: 4 for a in ratings.ASPECTS}, "")
    )
    session.flush()
    assert _counts(session, student, AFTER_END) == (1, 0) == due_counts(session, student, AFTER_END)
    # Only a student owes self-assessments: a teacher (no student record) counts none here.
    assert student_due(session, supervised.teacher, AFTER_END).evaluations == 0
