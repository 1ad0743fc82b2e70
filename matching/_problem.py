"""The problem and assignment types of the matching engine, with input validation."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["Assignment", "Outcome", "Problem"]

# Scores are optimised on an integer grid (see Problem.resolution); totals must stay exact in
# int64 and in float64 (the scipy path), so one pair's score may use at most 2**40 grid units.
_MAX_UNITS = 2**40


class Outcome(enum.IntEnum):
    """Per-student result of a solve: placed, or why not."""

    PLACED = 0
    #: No candidate pair: the hard rules (or zero capacities) left the student no seat.
    NO_CANDIDATE = 1
    #: The student had candidates, but every candidate seat went to other students.
    OUTCOMPETED = 2


def _int_array(name: str, value: ArrayLike, ndim: int = 1) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-d array, got shape {arr.shape}")
    if arr.size and not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == np.bool_):
        if not np.issubdtype(arr.dtype, np.floating) or not np.all(np.mod(arr, 1) == 0):
            raise ValueError(f"{name} must hold integers, got dtype {arr.dtype}")
    return np.array(arr, dtype=np.int64)


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr.flags.writeable = False
    return arr


def _check_range(name: str, arr: np.ndarray, low: int, high: int, what: str) -> None:
    if arr.size == 0:
        return
    bad = np.flatnonzero((arr < low) | (arr >= high))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name}[{i}] = {int(arr[i])} is out of range [{low}, {high}) ({what})")


@dataclass(frozen=True, eq=False)
class Problem:
    r"""An assignment problem: candidate (student, slot) pairs with scores and capacities.

    Students are ``0 .. n_students-1`` and slots ``0 .. len(capacity)-1``. Candidate pair
    ``e`` is ``(student[e], slot[e])`` with score ``score[e]``; pairs that are not listed are
    forbidden. The arrays are copied, validated and made read-only.

    Parameters
    ----------
    n_students : int
        Number of students (rows). Students without any candidate pair are allowed.
    capacity : array_like of int, shape (n_slots,)
        Seats per slot, ``>= 0``.
    student, slot : array_like of int, shape (n_pairs,)
        The candidate pairs. A (student, slot) pair may occur at most once.
    score : array_like of float, shape (n_pairs,)
        Score of each pair; higher is better. Finite; may be negative.
    parts : array_like of float, shape (n_pairs, n_parts), optional
        Weighted score components (student's rank, enterprise's rank, level fit, ...); each
        row must add up to ``score`` (to 1e-9 relative). Used by :func:`explain`.
    part_names : tuple of str
        Names of the columns of ``parts``.
    group : array_like of int, shape (n_slots,), optional
        Group (enterprise) of each slot, ``-1`` for a slot in no group. Groups are one level
        above slots (the laminar family slot ⊂ enterprise).
    group_capacity : array_like of int, shape (n_groups,), optional
        Total seats of each group over all its slots (the enterprise's intern quota, N2).
        Required exactly when ``group`` is given.
    student_rank : array_like of int, shape (n_pairs,), optional
        The student's rank of the slot, ``1`` = first choice, ``0`` = not ranked. Unranked
        candidates come after ranked ones, by score. Used by ``method="stable"``, by
        :func:`blocking_pairs` and by :func:`explain`; default: all by score.
    priority : array_like of int, shape (n_pairs,), optional
        The slot side's (enterprise's) rank of the student, ``1`` = best, ``0`` = not ranked;
        unranked students come after ranked ones, by score. With group capacities,
        ``method="stable"`` compares claims across the slots of a group by these pair
        priorities, so give a student the same priority on every slot of one enterprise
        (the enterprise ranks students, as :func:`build_candidates` does).
    excluded : array_like of int, shape (n_students, n_rules), optional
        Per student, how many slots each hard rule excluded (from
        :func:`build_candidates`); used by :func:`explain`.
    excluded_names : tuple of str
        Names of the columns of ``excluded``.
    resolution : float, default 1e-6
        Scores are optimised on the grid ``resolution``: pair ``e`` counts
        ``round(score[e] / resolution)`` units. Two assignments whose totals differ by less
        than this grid may be treated as tied. One pair may use at most 2**40 units.

    Raises
    ------
    ValueError
        On a wrong shape, an index out of range, a negative capacity, a duplicate pair, a
        non-finite score, parts that do not add up to the score, or a score too large for
        the resolution.

    Examples
    --------
    >>> import numpy as np
    >>> p = Problem(n_students=2, capacity=[1], student=[0, 1], slot=[0, 0], score=[1.0, 2.0])
    >>> p.n_slots, p.n_pairs
    (1, 2)
    >>> Problem(n_students=1, capacity=[1], student=[0], slot=[3], score=[1.0])
    Traceback (most recent call last):
    ...
    ValueError: slot[0] = 3 is out of range [0, 1) (a slot index)
    """

    n_students: int
    capacity: np.ndarray
    student: np.ndarray
    slot: np.ndarray
    score: np.ndarray
    parts: np.ndarray | None = None
    part_names: tuple[str, ...] = ()
    group: np.ndarray | None = None
    group_capacity: np.ndarray | None = None
    student_rank: np.ndarray | None = None
    priority: np.ndarray | None = None
    excluded: np.ndarray | None = None
    excluded_names: tuple[str, ...] = ()
    resolution: float = 1e-6
    units: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        n = self.n_students
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise ValueError(f"n_students must be a non-negative int, got {n!r}")
        set_(self, "n_students", int(n))
        capacity = _int_array("capacity", self.capacity)
        if capacity.size and capacity.min() < 0:
            i = int(np.argmin(capacity))
            raise ValueError(f"capacity[{i}] = {int(capacity[i])} is negative")
        student = _int_array("student", self.student)
        slot = _int_array("slot", self.slot)
        score = np.array(self.score, dtype=np.float64)
        if score.ndim != 1:
            raise ValueError(f"score must be a 1-d array, got shape {score.shape}")
        n_pairs = student.size
        for name, arr in (("slot", slot), ("score", score)):
            if arr.size != n_pairs:
                raise ValueError(
                    f"student and {name} must have the same length, got {n_pairs} and {arr.size}"
                )
        _check_range("student", student, 0, n, "a student index")
        _check_range("slot", slot, 0, capacity.size, "a slot index")
        if not np.all(np.isfinite(score)):
            i = int(np.flatnonzero(~np.isfinite(score))[0])
            raise ValueError(f"score[{i}] = {score[i]} is not finite")
        if n_pairs:
            key = student * capacity.size + slot
            order = np.argsort(key, kind="stable")
            dup = np.flatnonzero(key[order][1:] == key[order][:-1])
            if dup.size:
                i = int(order[dup[0] + 1])
                raise ValueError(
                    f"pair {i} (student {int(student[i])}, slot {int(slot[i])}) is a duplicate"
                )
        if not (self.resolution > 0 and np.isfinite(self.resolution)):
            raise ValueError(f"resolution must be positive and finite, got {self.resolution!r}")
        units = np.rint(score / self.resolution)
        if units.size and np.abs(units).max() > _MAX_UNITS:
            i = int(np.argmax(np.abs(units)))
            raise ValueError(
                f"score[{i}] = {score[i]} exceeds 2**40 units of resolution {self.resolution}"
            )
        set_(self, "units", _frozen(units.astype(np.int64)))
        for name, arr in (("capacity", capacity), ("student", student), ("slot", slot)):
            set_(self, name, _frozen(arr))
        set_(self, "score", _frozen(score))
        self._init_parts(n_pairs, score)
        self._init_groups(capacity.size)
        for name in ("student_rank", "priority"):
            value = getattr(self, name)
            if value is not None:
                arr = _int_array(name, value)
                if arr.size != n_pairs:
                    raise ValueError(f"{name} must have length n_pairs={n_pairs}, got {arr.size}")
                if arr.size and arr.min() < 0:
                    raise ValueError(f"{name} must be >= 0 (0 = not ranked)")
                set_(self, name, _frozen(arr))
        if self.excluded is not None:
            arr = _int_array("excluded", self.excluded, ndim=2)
            if arr.shape != (n, len(self.excluded_names)):
                raise ValueError(
                    f"excluded must have shape (n_students, len(excluded_names)) = "
                    f"{(n, len(self.excluded_names))}, got {arr.shape}"
                )
            set_(self, "excluded", _frozen(arr))
            set_(self, "excluded_names", tuple(self.excluded_names))

    def _init_parts(self, n_pairs: int, score: np.ndarray) -> None:
        if self.parts is None:
            if self.part_names:
                raise ValueError("part_names given without parts")
            return
        parts = np.array(self.parts, dtype=np.float64)
        names = tuple(self.part_names)
        if parts.ndim != 2 or parts.shape != (n_pairs, len(names)):
            raise ValueError(
                f"parts must have shape (n_pairs, len(part_names)) = {(n_pairs, len(names))}, "
                f"got {parts.shape}"
            )
        if parts.size and not np.allclose(parts.sum(axis=1), score, rtol=1e-9, atol=1e-9):
            i = int(np.argmax(np.abs(parts.sum(axis=1) - score)))
            raise ValueError(f"parts[{i}] adds up to {parts[i].sum()}, not score[{i}]")
        object.__setattr__(self, "parts", _frozen(parts))
        object.__setattr__(self, "part_names", names)

    def _init_groups(self, n_slots: int) -> None:
        if (self.group is None) != (self.group_capacity is None):
            raise ValueError("group and group_capacity must be given together")
        if self.group is None or self.group_capacity is None:
            return
        group = _int_array("group", self.group)
        gcap = _int_array("group_capacity", self.group_capacity)
        if group.size != n_slots:
            raise ValueError(f"group must have length n_slots={n_slots}, got {group.size}")
        _check_range("group", group, -1, gcap.size, "a group index or -1")
        if gcap.size and gcap.min() < 0:
            i = int(np.argmin(gcap))
            raise ValueError(f"group_capacity[{i}] = {int(gcap[i])} is negative")
        object.__setattr__(self, "group", _frozen(group))
        object.__setattr__(self, "group_capacity", _frozen(gcap))

    @property
    def n_slots(self) -> int:
        """Number of slots."""
        return int(self.capacity.size)

    @property
    def n_pairs(self) -> int:
        """Number of candidate pairs."""
        return int(self.student.size)

    @property
    def n_groups(self) -> int:
        """Number of groups (0 without group capacities)."""
        return 0 if self.group_capacity is None else int(self.group_capacity.size)


@dataclass(frozen=True, eq=False)
class Assignment:
    """The result of :func:`solve`.

    Attributes
    ----------
    pair_of : ndarray of int, shape (n_students,)
        Index of the chosen candidate pair per student, ``-1`` if unplaced.
    slot_of : ndarray of int, shape (n_students,)
        Slot per student, ``-1`` if unplaced.
    outcome : ndarray of int8, shape (n_students,)
        :class:`Outcome` code per student.
    n_placed : int
        Number of placed students (the first objective).
    units : int
        Total score in units of ``problem.resolution`` (the second objective, exact).
    score : float
        Total score of the placed pairs.
    parts : dict of str to float
        Total of each score component over the placed pairs.
    method : str
        The method that produced it (``"auto"`` names the solvers it used, e.g.
        ``"auto(flow)"``).
    timings : dict of str to float
        Wall seconds per phase.
    """

    pair_of: np.ndarray
    slot_of: np.ndarray
    outcome: np.ndarray
    n_placed: int
    units: int
    score: float
    parts: dict
    method: str
    timings: dict

    @property
    def pairs(self) -> np.ndarray:
        """The placed (student, slot) pairs, shape (n_placed, 2), sorted by student."""
        placed = np.flatnonzero(self.slot_of >= 0)
        return np.column_stack([placed, self.slot_of[placed]])

    @property
    def objective(self) -> tuple[int, int]:
        """``(n_placed, units)``: compared lexicographically, larger is better."""
        return (self.n_placed, self.units)


def make_assignment(
    problem: Problem, pair_of: ArrayLike, method: str, timings: dict[str, float]
) -> Assignment:
    """Build an :class:`Assignment` from the chosen pair per student (``-1`` = unplaced).

    Parameters
    ----------
    problem : Problem
        The problem the pairs index into.
    pair_of : array_like of int, shape (n_students,)
        For each student the index of its chosen pair, or ``-1``.
    method : str
        The method that chose the pairs, recorded on the result.
    timings : dict of str to float
        Seconds per phase, recorded on the result.

    Returns
    -------
    Assignment
        Slots, outcomes and totals derived from the pairs (read-only arrays). Used by the
        solvers and to rebuild a stored run's assignment without solving again.
    """
    pair_of = np.array(pair_of, dtype=np.int64)
    placed = pair_of >= 0
    chosen = pair_of[placed]
    slot_of = np.full(problem.n_students, -1, dtype=np.int64)
    slot_of[placed] = problem.slot[chosen]
    has_candidate = np.bincount(problem.student, minlength=problem.n_students) > 0
    outcome = np.where(
        placed, Outcome.PLACED, np.where(has_candidate, Outcome.OUTCOMPETED, Outcome.NO_CANDIDATE)
    ).astype(np.int8)
    if problem.parts is None:
        parts = {}
    else:
        totals = problem.parts[chosen].sum(axis=0)
        parts = {name: float(v) for name, v in zip(problem.part_names, totals, strict=True)}
    for arr in (pair_of, slot_of, outcome):
        arr.flags.writeable = False
    return Assignment(
        pair_of=pair_of,
        slot_of=slot_of,
        outcome=outcome,
        n_placed=int(placed.sum()),
        units=int(problem.units[chosen].sum()),
        score=float(problem.score[chosen].sum()),
        parts=parts,
        method=method,
        timings=timings,
    )
