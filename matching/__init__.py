"""Matching engine: optimal, explainable, stability-aware assignment of students to seats."""

from ._candidates import (
    RULES,
    Rules,
    ScoreWeights,
    SlotArrays,
    StudentArrays,
    build_candidates,
)
from ._explain import (
    Explanation,
    StabilityReport,
    blocking_pairs,
    check_assignment,
    explain,
    explain_all,
    stability_report,
)
from ._explainer import Explainer
from ._generate import generate_city
from ._orlib import read_orlib
from ._problem import Assignment, Outcome, Problem, make_assignment
from ._solve import METHODS, solve

__all__ = [
    "METHODS",
    "RULES",
    "Assignment",
    "Explainer",
    "Explanation",
    "Outcome",
    "Problem",
    "Rules",
    "ScoreWeights",
    "SlotArrays",
    "StabilityReport",
    "StudentArrays",
    "blocking_pairs",
    "build_candidates",
    "check_assignment",
    "explain",
    "explain_all",
    "generate_city",
    "make_assignment",
    "read_orlib",
    "solve",
    "stability_report",
]
