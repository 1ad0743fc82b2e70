"""Matching engine: optimal, explainable, stability-aware assignment of students to seats."""

from ._generate import generate_city
from ._problem import Assignment, Outcome, Problem
from ._solve import METHODS, solve

__all__ = ["METHODS", "Assignment", "Outcome", "Problem", "generate_city", "solve"]
