"""What the supervision figures and their dashboard lists count as reviewed, overdue and due."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from skillbridge.models import EvaluationStage, Evaluator, JournalStatus
from skillbridge.platform.policy.supervision import quality_settings

#: Journal statuses that show a mentor's review (confirmed, or returned with a comment).
REVIEWED = (JournalStatus.CONFIRMED, JournalStatus.RETURNED)
#: Evaluations due per ended placement: each stage by the mentor and by the teacher.
DUE_EVALUATORS = (Evaluator.MENTOR, Evaluator.TEACHER)
EVALUATIONS_PER_PLACEMENT = len(EvaluationStage) * len(DUE_EVALUATORS)


def review_cutoff(today: date) -> datetime:
    """A journal (re)submitted before this instant and still waiting has an overdue review."""
    days = quality_settings().review_overdue_days
    return datetime.combine(today - timedelta(days=days), time.min, tzinfo=UTC)
