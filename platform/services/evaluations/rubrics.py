"""Evaluation rubrics as data: the default and each school's override, validated on load."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillbridge.models import ReportGrade

__all__ = [
    "RUBRICS_FILE",
    "Criterion",
    "EvaluationSettings",
    "Rubric",
    "RubricError",
    "evaluation_settings",
    "load_rubrics",
    "rubric_for_school",
    "rubrics",
]

# Beside the policy packs, whose folder the package data already ships (it is no pack itself:
# packs are loaded by region code only).
RUBRICS_FILE = Path(__file__).resolve().parents[2] / "policy" / "packs" / "evaluation_rubrics.toml"
#: The weights of one rubric are percentages: they sum to this.
WEIGHT_TOTAL = 100
_RUBRIC_FIELDS = {"code", "name_zh", "name_en", "scale_min", "scale_max", "criteria"}
_CRITERION_FIELDS = {"code", "name_zh", "name_en", "weight"}


class RubricError(ValueError):
    """The rubric file is malformed; the message names the rubric, the criterion and the field."""


@dataclass(frozen=True)
class Criterion:
    """One criterion of a rubric, with its weight in percent."""

    code: str
    name_zh: str
    name_en: str
    weight: int


@dataclass(frozen=True)
class Rubric:
    """A rubric: its criteria are scored as whole numbers from `scale_min` to `scale_max`."""

    code: str
    name_zh: str
    name_en: str
    scale_min: int
    scale_max: int
    criteria: tuple[Criterion, ...]

    def weighted_centi(self, scores: dict[str, int]) -> int:
        """The weighted mean of `scores` times 100, rounded half up (412 means 4.12)."""
        total = sum(c.weight * scores[c.code] for c in self.criteria)
        # total / WEIGHT_TOTAL is the mean; times 100 it is `total` itself (weights sum to 100).
        return total * 100 // WEIGHT_TOTAL


@dataclass(frozen=True)
class EvaluationSettings:
    """The figures of the evaluations area that are data rather than code."""

    host_rating_min_shown: int
    grade_bands: tuple[tuple[ReportGrade, int], ...]  # highest lower bound first
    final_due_days_before_end: int

    def grade_of(self, score: int) -> ReportGrade:
        """The five-level grade of a 0–100 score."""
        return next(grade for grade, bound in self.grade_bands if score >= bound)


def _text(where: str, table: dict[str, Any], key: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RubricError(f"{where}.{key}: must be a non-empty string, got {value!r}")
    return value.strip()


def _whole(where: str, table: dict[str, Any], key: str, minimum: int) -> int:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise RubricError(f"{where}.{key}: must be a whole number ≥ {minimum}, got {value!r}")
    return value


def _unknown(where: str, table: dict[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise RubricError(f"{where}.{extra[0]}: unknown field; allowed: {sorted(allowed)}")


def _criterion(where: str, table: object) -> Criterion:
    if not isinstance(table, dict):
        raise RubricError(f"{where} must be a table")
    _unknown(where, table, _CRITERION_FIELDS)
    return Criterion(
        _text(where, table, "code"),
        _text(where, table, "name_zh"),
        _text(where, table, "name_en"),
        _whole(where, table, "weight", 1),
    )


def _rubric(where: str, table: object) -> Rubric:
    if not isinstance(table, dict):
        raise RubricError(f"{where} must be a table")
    _unknown(where, table, _RUBRIC_FIELDS)
    scale_min = _whole(where, table, "scale_min", 0)
    scale_max = _whole(where, table, "scale_max", scale_min + 1)
    raw = table.get("criteria")
    if not isinstance(raw, list) or not raw:
        raise RubricError(f"{where}.criteria: must be a non-empty list of criteria")
    criteria = tuple(_criterion(f"{where}.criteria[{i}]", c) for i, c in enumerate(raw))
    codes = [c.code for c in criteria]
    duplicate = next((code for code in codes if codes.count(code) > 1), None)
    if duplicate is not None:
        raise RubricError(f"{where}.criteria: duplicate criterion code {duplicate!r}")
    weights = sum(c.weight for c in criteria)
    if weights != WEIGHT_TOTAL:
        raise RubricError(f"{where}.criteria: weights sum to {weights}, must sum to {WEIGHT_TOTAL}")
    return Rubric(
        _text(where, table, "code"),
        _text(where, table, "name_zh"),
        _text(where, table, "name_en"),
        scale_min,
        scale_max,
        criteria,
    )


def _settings(where: str, table: object) -> EvaluationSettings:
    if not isinstance(table, dict):
        raise RubricError(f"{where} must be a table")
    _unknown(where, table, {"host_rating_min_shown", "grade_bands", "final_due_days_before_end"})
    bands = table.get("grade_bands")
    if not isinstance(bands, dict) or set(bands) != {g.value for g in ReportGrade}:
        raise RubricError(
            f"{where}.grade_bands: must give a lower bound for each of "
            f"{[g.value for g in ReportGrade]}"
        )
    ordered = sorted(
        ((ReportGrade(k), _whole(f"{where}.grade_bands", bands, k, 0)) for k in bands),
        key=lambda band: -band[1],
    )
    if ordered[-1][1] != 0 or len({b for _, b in ordered}) != len(ordered):
        raise RubricError(f"{where}.grade_bands: bounds must be distinct and the lowest must be 0")
    return EvaluationSettings(
        _whole(where, table, "host_rating_min_shown", 1),
        tuple(ordered),
        _whole(where, table, "final_due_days_before_end", 0),
    )


@dataclass(frozen=True)
class RubricBook:
    """The default rubric, each school's override by 学校标识码, and the settings."""

    default: Rubric
    schools: dict[str, Rubric]
    settings: EvaluationSettings


def load_rubrics(text: str, name: str = RUBRICS_FILE.name) -> RubricBook:
    """Parse and validate a rubric file; raise `RubricError` naming what is wrong."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RubricError(f"{name}: not valid TOML: {error}") from None
    _unknown(name, doc, {"settings", "default", "schools"})
    if "default" not in doc:
        raise RubricError(f"{name}: a [default] rubric is required")
    schools = doc.get("schools", {})
    if not isinstance(schools, dict):
        raise RubricError(f"{name}.schools must be a table keyed by 学校标识码")
    return RubricBook(
        _rubric(f"{name}: default", doc["default"]),
        {str(code): _rubric(f"{name}: schools.{code}", r) for code, r in schools.items()},
        _settings(f"{name}: settings", doc.get("settings")),
    )


@functools.cache
def rubrics() -> RubricBook:
    """The bundled rubric file, loaded once (the blueprint loads it at start-up)."""
    return load_rubrics(RUBRICS_FILE.read_text(encoding="utf-8"))


def rubric_for_school(school_code: str) -> Rubric:
    """The school's own rubric, else the default."""
    book = rubrics()
    return book.schools.get(school_code, book.default)


def evaluation_settings() -> EvaluationSettings:
    """The area's settings from the bundled file."""
    return rubrics().settings
