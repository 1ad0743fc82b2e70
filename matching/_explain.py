"""Explanations, blocking pairs, the price of stability and the output validator."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._core import core_of
from ._problem import Assignment, Outcome, Problem
from ._stable import claim_order, preference_order

__all__ = [
    "Explanation",
    "StabilityReport",
    "blocking_pairs",
    "check_assignment",
    "explain",
    "stability_report",
]


def _check_pair(problem: Problem, assignment: Assignment) -> None:
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be a Problem, got {type(problem).__name__}")
    if not isinstance(assignment, Assignment):
        raise ValueError(f"assignment must be an Assignment, got {type(assignment).__name__}")
    if assignment.pair_of.shape != (problem.n_students,):
        raise ValueError(
            f"assignment has {assignment.pair_of.size} students, problem {problem.n_students}"
        )


def check_assignment(problem: Problem, assignment: Assignment) -> None:
    """Raise ``ValueError`` unless ``assignment`` is a valid assignment of ``problem``.

    Checks that each chosen pair exists and belongs to its student, that ``slot_of``,
    ``outcome``, ``n_placed``, ``units`` and ``score`` agree with the pairs, and that no
    slot or group capacity is exceeded.

    Examples
    --------
    >>> from skillbridge.matching import Problem, solve
    >>> p = Problem(n_students=1, capacity=[1], student=[0], slot=[0], score=[1.0])
    >>> check_assignment(p, solve(p))
    """
    _check_pair(problem, assignment)
    pair_of = assignment.pair_of
    placed = pair_of >= 0
    chosen = pair_of[placed]
    if chosen.size and chosen.max() >= problem.n_pairs:
        raise ValueError("a chosen pair index is out of range")
    if np.any(problem.student[chosen] != np.flatnonzero(placed)):
        raise ValueError("a chosen pair belongs to another student")
    slot_of = (
        np.where(placed, problem.slot[np.maximum(pair_of, 0)], -1)
        if problem.n_pairs
        else np.full(problem.n_students, -1)
    )
    if np.any(assignment.slot_of != slot_of):
        raise ValueError("slot_of disagrees with pair_of")
    load = np.bincount(problem.slot[chosen], minlength=problem.n_slots)
    if np.any(load > problem.capacity):
        raise ValueError(f"slot {int(np.argmax(load > problem.capacity))} is over capacity")
    if problem.group is not None and problem.group_capacity is not None:
        g = problem.group[problem.slot[chosen]]
        gload = np.bincount(g[g >= 0], minlength=problem.n_groups)
        if np.any(gload > problem.group_capacity):
            raise ValueError(
                f"group {int(np.argmax(gload > problem.group_capacity))} is over capacity"
            )
    has = np.bincount(problem.student, minlength=problem.n_students) > 0
    expected = np.where(
        placed, Outcome.PLACED, np.where(has, Outcome.OUTCOMPETED, Outcome.NO_CANDIDATE)
    )
    if np.any(assignment.outcome != expected):
        raise ValueError("outcome disagrees with the pairs")
    if assignment.n_placed != int(placed.sum()):
        raise ValueError("n_placed disagrees with the pairs")
    if assignment.units != int(problem.units[chosen].sum()):
        raise ValueError("units disagree with the pairs")
    if not np.isclose(assignment.score, problem.score[chosen].sum()):
        raise ValueError("score disagrees with the pairs")


def _positions(problem: Problem, kept: np.ndarray) -> np.ndarray:
    """Position of each pair in its student's list (0 = first choice); -1 if unusable."""
    prefs = preference_order(problem, kept)
    pos = np.full(problem.n_pairs, -1, dtype=np.int64)
    counts = np.bincount(problem.student[prefs], minlength=problem.n_students)
    start = np.cumsum(counts) - counts
    pos[prefs] = np.arange(prefs.size) - start[problem.student[prefs]]
    return pos


def blocking_pairs(problem: Problem, assignment: Assignment) -> np.ndarray:
    """Candidate pairs that block ``assignment``: the student and the slot would both gain.

    Pair ``(i, j)`` blocks when student ``i`` prefers slot ``j`` to its own (or is
    unplaced), by ``student_rank`` then score, and slot ``j`` would take it: ``j`` has a
    free seat and so has its group (or ``i`` already sits in that group, or the group
    holds someone with a weaker claim), or ``j`` is full and holds someone with a weaker
    claim than ``i``. Claims are ordered by ``priority``, then score, then student index.
    Without groups this is the classical hospitals/residents stability; with groups it
    is the project/lecturer stability of Abraham, Irving and Manlove (2007).

    Parameters
    ----------
    problem : Problem
    assignment : Assignment

    Returns
    -------
    ndarray of int
        Indices of the blocking pairs, ascending. Empty for the output of
        ``solve(problem, "stable")``.

    Notes
    -----
    ``O(E log E)`` for ``E`` candidate pairs. For an optimal assignment the blocking pairs
    measure the price of optimality against stability.

    Examples
    --------
    >>> from skillbridge.matching import Problem, solve
    >>> p = Problem(n_students=2, capacity=[1, 1], student=[0, 1, 1], slot=[0, 0, 1],
    ...             score=[1.0, 5.0, 2.0])
    >>> blocking_pairs(p, solve(p)).tolist()
    [1]
    >>> blocking_pairs(p, solve(p, "stable")).tolist()
    []
    """
    _check_pair(problem, assignment)
    core, kept = core_of(problem)
    if kept.size == 0:
        return np.zeros(0, dtype=np.int64)
    pos = _positions(problem, kept)
    claim = claim_order(problem)
    pair_of = assignment.pair_of
    held = pair_of[pair_of >= 0]
    cur_pos = np.full(problem.n_students, np.iinfo(np.int64).max)
    cur_pos[pair_of >= 0] = pos[held]
    cand = kept[pair_of[problem.student[kept]] != kept]
    st, sl, cl = problem.student[cand], problem.slot[cand], claim[cand]
    prefers = pos[cand] < cur_pos[st]
    load = np.bincount(problem.slot[held], minlength=problem.n_slots)
    worst = np.full(problem.n_slots, -1, dtype=np.int64)
    np.maximum.at(worst, problem.slot[held], claim[held])
    free = load[sl] < problem.capacity[sl]
    takes = ~free & (worst[sl] > cl)
    if core.group is None or core.group_capacity is None:
        takes |= free
    else:
        group = core.group
        hg = group[problem.slot[held]]
        gload = np.bincount(hg[hg >= 0], minlength=core.group_capacity.size)
        gworst = np.full(core.group_capacity.size, -1, dtype=np.int64)
        np.maximum.at(gworst, hg[hg >= 0], claim[held][hg >= 0])
        g = group[sl]
        gi = np.maximum(g, 0)
        own = np.where(pair_of[st] >= 0, group[problem.slot[np.maximum(pair_of[st], 0)]], -1)
        group_ok = (g < 0) | (gload[gi] < core.group_capacity[gi]) | (own == g) | (gworst[gi] > cl)
        takes |= free & group_ok
    return np.sort(cand[prefers & takes])


@dataclass(frozen=True)
class Explanation:
    """Why a student got its slot, or none. See :func:`explain`."""

    student: int
    outcome: Outcome
    message: str
    slot: int = -1
    score: float = 0.0
    parts: dict | None = None
    rank: int = 0
    n_candidates: int = 0
    excluded: dict | None = None
    n_stronger: int = 0
    seats: int = 0
    best_alternative: int = -1


def explain(problem: Problem, assignment: Assignment, student: int) -> Explanation:
    """Explain the outcome of one student.

    Parameters
    ----------
    problem : Problem
    assignment : Assignment
    student : int

    Returns
    -------
    Explanation
        For a placed student: its slot, score, the score breakdown (``parts``) and the
        rank of the slot in its own list (``rank``, 1 = first choice). For a student with
        no candidate: ``excluded``, how many slots each hard rule excluded (when the
        problem carries them). For an outcompeted student: ``seats``, the seats on its
        candidate slots (all taken), ``n_stronger``, how many of their holders have a
        higher claim than it, and ``best_alternative``, its first-choice slot that it lost.

    Raises
    ------
    ValueError
        If ``student`` is out of range.

    Examples
    --------
    >>> from skillbridge.matching import Problem, solve
    >>> p = Problem(n_students=2, capacity=[1], student=[0, 1], slot=[0, 0],
    ...             score=[1.0, 2.0])
    >>> a = solve(p)
    >>> explain(p, a, 1).message
    'placed on slot 0, its choice #1 of 1, score 2'
    >>> explain(p, a, 0).message
    'not placed: all 1 seats on its 1 candidate slots went to other students, 1 with a higher claim; it lost its choice #1, slot 0'
    """
    _check_pair(problem, assignment)
    if (
        isinstance(student, bool)
        or not isinstance(student, int | np.integer)
        or not (0 <= student < problem.n_students)
    ):
        raise ValueError(f"student must be an int in [0, {problem.n_students}), got {student!r}")
    return _explain_one(problem, assignment, int(student), _Shared(problem))


def explain_all(problem: Problem, assignment: Assignment) -> list[Explanation]:
    """Explain every student's outcome; the same as :func:`explain` for each, in one pass.

    The arrays every explanation needs (the pairs kept per student, the global claim order) are
    computed once instead of once per student, so a whole run is explained in time linear in
    its pairs rather than quadratic.

    Parameters
    ----------
    problem : Problem
    assignment : Assignment

    Returns
    -------
    list of Explanation
        One per student, in student order.

    Examples
    --------
    >>> from skillbridge.matching import Problem, solve
    >>> p = Problem(n_students=2, capacity=[1], student=[0, 1], slot=[0, 0],
    ...             score=[1.0, 2.0])
    >>> [e.outcome.name for e in explain_all(p, solve(p))]
    ['OUTCOMPETED', 'PLACED']
    """
    _check_pair(problem, assignment)
    shared = _Shared(problem)
    return [_explain_one(problem, assignment, s, shared) for s in range(problem.n_students)]


class _Shared:
    """Per-problem arrays of the explanations, computed on first use and then reused."""

    def __init__(self, problem: Problem) -> None:
        _core, self.kept = core_of(problem)
        order = np.argsort(problem.student[self.kept], kind="stable")
        self.by_student = self.kept[order]
        self.bounds = np.searchsorted(
            problem.student[self.by_student], np.arange(problem.n_students + 1)
        )
        self.pos = _positions(problem, self.kept)
        self._problem = problem
        self._claim: np.ndarray | None = None

    def pairs_of(self, student: int) -> np.ndarray:
        return self.by_student[self.bounds[student] : self.bounds[student + 1]]

    @property
    def claim(self) -> np.ndarray:
        if self._claim is None:
            self._claim = claim_order(self._problem)
        return self._claim


def _explain_one(
    problem: Problem, assignment: Assignment, student: int, shared: _Shared
) -> Explanation:
    """The explanation of one student, from the problem's shared arrays."""
    mine = shared.pairs_of(student)
    outcome = Outcome(int(assignment.outcome[student]))
    excluded = None
    if problem.excluded is not None:
        excluded = {
            name: int(c)
            for name, c in zip(problem.excluded_names, problem.excluded[student], strict=True)
            if c
        }
    if mine.size == 0:
        rules = ", ".join(f"{name}: {c}" for name, c in (excluded or {}).items())
        return Explanation(
            student,
            outcome,
            "not placed: no candidate slot"
            + (f" (slots excluded by rule: {rules})" if rules else ""),
            excluded=excluded,
        )
    pos = shared.pos
    mine = mine[np.argsort(pos[mine])]
    if outcome == Outcome.PLACED:
        pair = int(assignment.pair_of[student])
        rank = int(pos[pair]) + 1
        parts = (
            None
            if problem.parts is None
            else dict(zip(problem.part_names, problem.parts[pair].tolist(), strict=True))
        )
        score = float(problem.score[pair])
        slot = int(problem.slot[pair])
        return Explanation(
            student,
            outcome,
            f"placed on slot {slot}, its choice #{rank} of {mine.size}, score {score:g}",
            slot=slot,
            score=score,
            parts=parts,
            rank=rank,
            n_candidates=int(mine.size),
            excluded=excluded,
        )
    claim = shared.claim
    slots = problem.slot[mine]
    pair_of = assignment.pair_of
    holders = pair_of[(pair_of >= 0)]
    on_mine = holders[np.isin(problem.slot[holders], slots)]
    my_claim = np.full(problem.n_slots, -1, dtype=np.int64)
    my_claim[slots] = claim[mine]
    stronger = int(np.sum(claim[on_mine] < my_claim[problem.slot[on_mine]]))
    seats = int(problem.capacity[slots].sum())
    best = int(slots[0])
    return Explanation(
        student,
        outcome,
        f"not placed: all {on_mine.size} seats on its {mine.size} candidate slots went to "
        f"other students, {stronger} with a higher claim; it lost its choice #1, slot {best}",
        n_candidates=int(mine.size),
        excluded=excluded,
        n_stronger=stronger,
        seats=seats,
        best_alternative=best,
    )


@dataclass(frozen=True)
class StabilityReport:
    """Price of stability and of optimality, as shown to the bureau."""

    #: Blocking pairs of the optimal assignment and the students in them.
    optimal_blocking_pairs: int
    optimal_blocking_students: int
    #: Optimum minus stable: placed students and total score given up for stability.
    placed_gap: int
    score_gap: float


def stability_report(problem: Problem, optimal: Assignment, stable: Assignment) -> StabilityReport:
    """Compare an optimal and a stable assignment of the same problem.

    Returns
    -------
    StabilityReport
        How many pairs (and students) block the optimal assignment (the price of
        optimality against stability), and how many placements and how much score the
        stable assignment gives up against the optimum (the price of stability).

    Examples
    --------
    >>> from skillbridge.matching import Problem, solve
    >>> p = Problem(n_students=2, capacity=[1, 1], student=[0, 1, 1], slot=[0, 0, 1],
    ...             score=[1.0, 5.0, 2.0])
    >>> stability_report(p, solve(p), solve(p, "stable"))
    StabilityReport(optimal_blocking_pairs=1, optimal_blocking_students=1, placed_gap=1, score_gap=-2.0)
    """
    pairs = blocking_pairs(problem, optimal)
    _check_pair(problem, stable)
    return StabilityReport(
        optimal_blocking_pairs=int(pairs.size),
        optimal_blocking_students=int(np.unique(problem.student[pairs]).size),
        placed_gap=optimal.n_placed - stable.n_placed,
        score_gap=optimal.score - stable.score,
    )
