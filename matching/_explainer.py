"""Explain students of one solved problem one at a time, sharing the per-problem arrays."""

from __future__ import annotations

import numpy as np

from ._explain import Explanation, _check_pair, _explain_one, _Shared
from ._problem import Assignment, Problem

__all__ = ["Explainer"]


class Explainer:
    """Explanations of one assignment, student by student, as :func:`explain_all` gives them.

    :func:`explain_all` explains every student; a page shows a few. The arrays every
    explanation needs (the kept pairs per student, their positions in the students' lists,
    the claim order) are computed once here, so each :meth:`explain` costs one student's
    pairs (and, for an outcompeted student, one pass over the placed pairs).

    Parameters
    ----------
    problem : Problem
    assignment : Assignment

    Raises
    ------
    ValueError
        If ``assignment`` does not fit ``problem``.

    Notes
    -----
    Construction is ``O(E log E)`` for ``E`` candidate pairs, :meth:`ranks` ``O(S)`` for
    ``S`` students. :meth:`explain` runs the very code of :func:`explain_all` on the same
    shared arrays, so both give equal explanations.

    Examples
    --------
    >>> from skillbridge.matching import Problem, solve
    >>> p = Problem(n_students=2, capacity=[1], student=[0, 1], slot=[0, 0],
    ...             score=[1.0, 2.0])
    >>> explainer = Explainer(p, solve(p))
    >>> explainer.explain(1).message
    'placed on slot 0, its choice #1 of 1, score 2'
    >>> explainer.ranks().tolist()
    [0, 1]
    """

    def __init__(self, problem: Problem, assignment: Assignment) -> None:
        _check_pair(problem, assignment)
        self.problem = problem
        self.assignment = assignment
        self._shared = _Shared(problem)

    def explain(self, student: int) -> Explanation:
        """The explanation of ``student``, equal to ``explain_all(...)[student]``.

        Raises
        ------
        ValueError
            If ``student`` is out of range.
        """
        n = self.problem.n_students
        if (
            isinstance(student, bool)
            or not isinstance(student, int | np.integer)
            or not (0 <= student < n)
        ):
            raise ValueError(f"student must be an int in [0, {n}), got {student!r}")
        return _explain_one(self.problem, self.assignment, int(student), self._shared)

    def ranks(self) -> np.ndarray:
        """Per student, the rank of its slot in its own list (1 = first choice), 0 if unplaced.

        The ``rank`` of every student's explanation, without explaining anyone.
        """
        pair_of = self.assignment.pair_of
        placed = pair_of >= 0
        rank = np.zeros(self.problem.n_students, dtype=np.int64)
        rank[placed] = self._shared.pos[pair_of[placed]] + 1
        return rank
