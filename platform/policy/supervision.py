"""The figures of the host-quality index and the supervision view, read from supervision.toml."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillbridge.models import IncidentSeverity

SETTINGS_FILE = Path(__file__).resolve().parent / "packs" / "supervision.toml"
#: The index's parts, in the order the ranking shows them.
PARTS = ("ratings", "incidents", "working_time", "journal_review")


@dataclass(frozen=True)
class QualitySettings:
    """Weights and thresholds of the index, the matching part and the supervision view."""

    min_placements: int
    weights: dict[str, float]
    severity_points: dict[IncidentSeverity, int]
    full_risk_points_per_placement: float
    matching_weight: float
    review_overdue_days: int
    figures_max_age_minutes: int


def _number(where: str, value: Any, low: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
        raise ValueError(f"{SETTINGS_FILE.name}: {where} must be a number >= {low}, got {value!r}")
    return float(value)


def load_settings(text: str) -> QualitySettings:
    """Parse and check the file; a wrong figure stops the start-up with its name."""
    doc = tomllib.loads(text)
    quality, incidents = doc["host_quality"], doc["host_quality"]["incidents"]
    weights = {part: _number(f"weights.{part}", quality["weights"][part], 0) for part in PARTS}
    if not any(weights.values()):
        raise ValueError(f"{SETTINGS_FILE.name}: at least one weight must be positive")
    points = incidents["severity_points"]
    return QualitySettings(
        min_placements=int(_number("min_placements", quality["min_placements"], 1)),
        weights=weights,
        severity_points={
            severity: int(_number(f"severity_points.{severity}", points[severity.value], 0))
            for severity in IncidentSeverity
        },
        full_risk_points_per_placement=_number(
            "full_risk_points_per_placement", incidents["full_risk_points_per_placement"], 1
        ),
        matching_weight=_number(
            "matching.host_quality_weight", doc["matching"]["host_quality_weight"], 0
        ),
        review_overdue_days=int(
            _number("supervision.review_overdue_days", doc["supervision"]["review_overdue_days"], 1)
        ),
        figures_max_age_minutes=int(
            _number(
                "supervision.figures_max_age_minutes",
                doc["supervision"]["figures_max_age_minutes"],
                1,
            )
        ),
    )


@functools.cache
def quality_settings() -> QualitySettings:
    """The bundled file, loaded once."""
    return load_settings(SETTINGS_FILE.read_text(encoding="utf-8"))
