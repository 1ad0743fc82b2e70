"""Assignment solvers on scipy: dense LAPJV and seat-expanded sparse LAPJVsp (method "lap")."""

from __future__ import annotations

import numpy as np

from ._core import Core, is_dense

# Costs are float64 inside scipy: sums must stay exact integers below 2**53.
_EXACT = 2.0**52


def _seat_columns(capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First seat column of each slot and the slot of every seat column."""
    start = np.r_[0, np.cumsum(capacity)[:-1]].astype(np.int64)
    return start, np.repeat(np.arange(capacity.size), capacity)


def solve_dense(core: Core) -> np.ndarray:
    """``linear_sum_assignment`` on the students × seats score matrix (complete bipartite)."""
    from scipy.optimize import linear_sum_assignment

    n, m = core.n_students, core.capacity.size
    index = np.full((n, m), -1, dtype=np.int64)
    index[core.student, core.slot] = np.arange(core.student.size)
    _, seat_slot = _seat_columns(core.capacity)
    pair_of = np.full(n, -1, dtype=np.int64)
    if seat_slot.size == 0:
        return pair_of
    # Integer units as float64 are exact; the maximum has min(n, seats) rows matched, which
    # is the maximum cardinality because every pair is allowed.
    weights = np.zeros((n, m))
    weights[core.student, core.slot] = core.units
    rows, cols = linear_sum_assignment(weights[:, seat_slot], maximize=True)
    pair_of[rows] = index[rows, seat_slot[cols]]
    return pair_of


def solve_sparse(core: Core) -> np.ndarray:
    """``min_weight_full_bipartite_matching`` on seats plus one dummy seat per student.

    Real pair cost ``1 + top - units`` lies in ``[1, R + 1]`` (``R`` the units range; costs
    must be positive, explicit zeros would be read as missing edges). A student's dummy seat
    costs ``D = k (R + 1) + 1`` for ``k`` students: any assignment placing more students
    is cheaper, since all real costs of an assignment add up to less than ``D``.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    pair_of = np.full(core.n_students, -1, dtype=np.int64)
    if core.student.size == 0:
        return pair_of
    rows_of, row = np.unique(core.student, return_inverse=True)
    k = rows_of.size
    top, low = int(core.units.max()), int(core.units.min())
    dummy = k * (top - low + 1) + 1
    if float(dummy) * k >= _EXACT:
        raise ValueError(
            "method='lap' cannot solve this problem exactly in float64: the score range "
            f"({top - low} units) times the number of students ({k}) is too large; "
            "use a coarser resolution or method='flow'"
        )
    start, seat_slot = _seat_columns(core.capacity)
    n_seats = seat_slot.size
    reps = core.capacity[core.slot]
    pair = np.repeat(np.arange(core.student.size), reps)
    offset = np.arange(pair.size) - np.repeat(np.cumsum(reps) - reps, reps)
    cols = np.r_[start[core.slot[pair]] + offset, n_seats + np.arange(k)]
    rows = np.r_[row[pair], np.arange(k)]
    costs = np.r_[1.0 + (top - core.units[pair]), np.full(k, float(dummy))]
    graph = csr_matrix((costs, (rows, cols)), shape=(k, n_seats + k))
    matched_row, matched_col = min_weight_full_bipartite_matching(graph)
    real = matched_col < n_seats
    slots = seat_slot[matched_col[real]]
    students = rows_of[matched_row[real]]
    # Map (student, slot) back to the pair index.
    key = core.student * core.capacity.size + core.slot
    order = np.argsort(key)
    pair_of[students] = order[np.searchsorted(key[order], students * core.capacity.size + slots)]
    return pair_of


def solve_lap(core: Core) -> np.ndarray:
    """The scipy path: dense LAPJV when every pair is allowed, else seat-expanded LAPJVsp."""
    if core.group is not None:
        raise ValueError(
            "method='lap' cannot express group capacities; use method='flow' or 'auto'"
        )
    if is_dense(core) and core.capacity.sum() * core.n_students <= 25_000_000:
        return solve_dense(core)
    return solve_sparse(core)
