"""The registry's building blocks: a rule, the context its check runs in, and a violation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, extract
from sqlalchemy.orm import Session

from skillbridge.models import Region, Severity
from skillbridge.platform.policy import PlacementRules, RuleFigure

#: The national internship rules (N1–N10) as the audit cites them.
NATIONAL_CITATION = "教职成〔2021〕4号《职业学校学生实习管理规定》"


@dataclass(frozen=True)
class Violation:
    """One object that breaks a rule, with what the bureau needs to see to act on it.

    `subject_key` names the violating thing across runs (e.g. ``placement:42``); `evidence`
    holds JSON-ready values only (dates as ISO strings).
    """

    subject_key: str
    object_type: str
    object_id: int
    summary_zh: str
    evidence: dict[str, Any]


@dataclass(frozen=True)
class CheckContext:
    """What a check reads: the session, the audited region, its pack's figures, the audit date."""

    session: Session
    region: Region
    rules: PlacementRules
    today: date


Check = Callable[[CheckContext], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    """A rule of DOMAIN.md: automatic (with a `check`) or manual (with the reason it cannot be).

    `figure` names the PlacementRules field whose value the check compares against, so pages
    can show the region's figure and its citation beside the rule.
    """

    id: str
    title_zh: str
    citation: str
    severity: Severity
    check: Check | None = field(default=None, compare=False)
    manual_reason_zh: str = ""
    figure: str | None = None

    def __post_init__(self) -> None:
        if (self.check is None) == (not self.manual_reason_zh):
            raise ValueError(f"rule {self.id}: give either a check or a manual reason, not both")

    @property
    def automatic(self) -> bool:
        return self.check is not None


def ratio_exceeded(count: Any, figure: RuleFigure, base: Any) -> ColumnElement[bool]:
    """SQL for ``count > ratio × base`` in exact integers (no float rounding at the boundary)."""
    numerator, denominator = Decimal(figure.ratio).as_integer_ratio()
    return count * denominator > base * numerator


def ratio_short(amount: Any, figure: RuleFigure, base: Any) -> ColumnElement[bool]:
    """SQL for ``amount < ratio × base`` in exact integers."""
    numerator, denominator = Decimal(figure.ratio).as_integer_ratio()
    return amount * denominator < base * numerator


def date_key(column: Any) -> ColumnElement[int]:
    """A date as the integer YYYYMMDD, portable across SQLite and PostgreSQL.

    The difference of two keys is below ``n × 10000`` exactly when fewer than n anniversaries
    have passed, except for a 29 February birthday in a common year: callers that compare ages
    re-check the few rows found with `age_in_years`.
    """
    return extract("year", column) * 10000 + extract("month", column) * 100 + extract("day", column)


def iso(value: date | None) -> str | None:
    """A date or datetime for the evidence JSON."""
    return value.isoformat() if value is not None else None


def figure_evidence(figure: RuleFigure) -> dict[str, Any]:
    """The pack figure a check applied, for the evidence."""
    return {"value": figure.value, "unit": figure.unit, "citation": figure.citation}
