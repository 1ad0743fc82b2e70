"""The entry point :func:`solve`: method dispatch, decomposition and parallel solving."""

from __future__ import annotations

import os
import time

import numpy as np

from ._core import Core, components, core_of, holds_most_pairs, is_dense
from ._flow import solve_flow
from ._lap import solve_dense, solve_lap
from ._problem import Assignment, Problem, make_assignment
from ._reference import solve_reference
from ._stable import solve_stable

__all__ = ["METHODS", "solve"]

METHODS = ("auto", "flow", "lap", "stable", "reference")

# A batch of components is solved by one OR-Tools call; cost scaling grows faster than
# linearly, so many small networks beat one big one, but each call costs Python overhead.
_BATCH_PAIRS = 4_000
# Below this many pairs, forking worker processes costs more than it saves.
_PARALLEL_PAIRS = 300_000
# Above this many pairs, a sample of every _SAMPLE_STRIDE-th pair first tells whether one
# component holds most pairs (a coupled city), which is then solved without decomposing.
_SAMPLE_PAIRS = 200_000
_SAMPLE_STRIDE = 8


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _sub_core(core: Core, batch: np.ndarray) -> tuple[Core, np.ndarray]:
    """The batch's pairs as a compact :class:`Core` and the global ids of its students."""
    students, s_local = np.unique(core.student[batch], return_inverse=True)
    slots, j_local = np.unique(core.slot[batch], return_inverse=True)
    sub_group = sub_gcap = None
    if core.group is not None and core.group_capacity is not None:
        g = core.group[slots]
        groups, g_local = np.unique(g[g >= 0], return_inverse=True)
        if groups.size:
            sub_group = np.full(slots.size, -1, dtype=np.int64)
            sub_group[g >= 0] = g_local
            sub_gcap = core.group_capacity[groups]
    sub = Core(
        students.size,
        s_local,
        j_local,
        core.units[batch],
        core.capacity[slots],
        sub_group,
        sub_gcap,
    )
    return sub, students


def _run_batches(subs: list[Core]) -> list[np.ndarray]:
    return [solve_flow(sub) for sub in subs]


def _batches(core: Core, label_of_pair: np.ndarray, n_components: int) -> list[np.ndarray]:
    """Split the pairs, sorted by component, into batches of whole components."""
    order = np.argsort(label_of_pair, kind="stable")
    bounds = np.searchsorted(label_of_pair[order], np.arange(n_components + 1))
    sizes = np.diff(bounds)
    # Close a batch at the first component end at or past each multiple of _BATCH_PAIRS.
    ends = np.unique(
        np.searchsorted(
            np.cumsum(sizes),
            np.arange(_BATCH_PAIRS, core.student.size + _BATCH_PAIRS, _BATCH_PAIRS),
        )
    )
    cuts = bounds[np.minimum(ends + 1, n_components)]
    cuts = np.unique(np.r_[0, cuts, core.student.size])
    return [order[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True) if b > a]


def _solve_auto(core: Core, n_jobs: int, timings: dict[str, float]) -> tuple[np.ndarray, str]:
    """Decompose into components, solve batches of them with OR-Tools, maybe in parallel."""
    pair_of = np.full(core.n_students, -1, dtype=np.int64)
    if core.student.size == 0:
        return pair_of, "auto"
    if is_dense(core) and core.capacity.sum() * core.n_students <= 25_000_000:
        return solve_dense(core), "auto(lap)"
    t = time.perf_counter()
    if core.student.size >= _SAMPLE_PAIRS and holds_most_pairs(core, _SAMPLE_STRIDE):
        # Splitting off the small components would save little and labelling and copying
        # the pairs costs about a third of the flow's time.
        timings["decompose"] = time.perf_counter() - t
        t = time.perf_counter()
        pair_of = solve_flow(core)
        timings["solve"] = time.perf_counter() - t
        return pair_of, "auto(flow, one component)"
    n_comp, _, label_of_pair = components(core, np.ones(core.student.size, dtype=bool))
    batches = _batches(core, label_of_pair, n_comp)
    timings["decompose"] = time.perf_counter() - t
    t = time.perf_counter()
    subs = [_sub_core(core, b) for b in batches]
    tasks = [sub for sub, _ in subs]
    jobs = min(n_jobs, len(tasks))
    # One component holding most pairs (a coupled city) leaves the other workers idle while
    # pickling it to a worker costs seconds, so such a market is solved in this process.
    largest = max(len(b) for b in batches)
    if jobs > 1 and core.student.size >= _PARALLEL_PAIRS and largest <= core.student.size // 2:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Round-robin over batches sorted by size balances the workers.
        by_size = np.argsort([-len(b) for b in batches], kind="stable")
        shares = [[tasks[i] for i in by_size[w::jobs]] for w in range(jobs)]
        shares_of = [by_size[w::jobs] for w in range(jobs)]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            results = list(pool.map(_run_batches, shares))
        method = f"auto(flow, {jobs} processes)"
        solved_at: dict[int, np.ndarray] = {}
        for idx, res in zip(shares_of, results, strict=True):
            for i, local in zip(idx, res, strict=True):
                solved_at[int(i)] = local
        solved = [solved_at[i] for i in range(len(tasks))]
    else:
        method = "auto(flow)"
        solved = _run_batches(tasks)
    for batch, (_, students), local in zip(batches, subs, solved, strict=True):
        placed = local >= 0
        pair_of[students[placed]] = batch[local[placed]]
    timings["solve"] = time.perf_counter() - t
    return pair_of, method


def solve(problem: Problem, method: str = "auto", *, n_jobs: int | None = None) -> Assignment:
    r"""Assign students to seats: as many as possible, then the highest total score.

    Parameters
    ----------
    problem : Problem
        The candidate pairs, scores and capacities.
    method : {"auto", "flow", "lap", "stable", "reference"}, default "auto"
        ``"auto"``
            The optimum. A complete bipartite problem (every student a candidate for
            every slot) goes to scipy's dense LAPJV; otherwise the candidate graph is split
            into connected components (students, slots and binding groups;
            ``scipy.sparse.csgraph.connected_components``), whole components are packed
            into batches of about 4,000 pairs, and each batch is solved by OR-Tools'
            min-cost flow, in parallel worker processes (fork) when the problem has at
            least 300,000 pairs, no component holds more than half of them and more than
            one core is available. When a subgraph of every 8th pair already has one
            component holding more than half of the pairs (a coupled city; problems of at
            least 200,000 pairs), the whole network is solved by one OR-Tools call without
            labelling components.
        ``"flow"``
            The optimum by one OR-Tools ``SimpleMinCostFlow`` on the whole network.
        ``"lap"``
            The optimum by scipy: ``linear_sum_assignment`` on the students × seats
            matrix when every pair is allowed, else ``min_weight_full_bipartite_matching``
            on the seat-expanded graph with one dummy seat per student. No group
            capacities.
        ``"stable"``
            Student-proposing deferred acceptance (not the optimum: the student-optimal
            stable assignment).
        ``"reference"``
            The optimum by networkx's network simplex; small problems only.
    n_jobs : int, optional
        Worker processes for ``"auto"``; default: the cores available to this process.
        Workers are forked; pass ``n_jobs=1`` from a multi-threaded server process (a
        forked child inherits only the calling thread) or run the solve in a job queue.

    Returns
    -------
    Assignment
        The chosen pair per student, outcomes, objective parts, the method used (for
        ``"auto"``, with the solver it used) and timings in seconds.

    Raises
    ------
    ValueError
        For an unknown method, group capacities with ``"lap"``, or a score range too wide for
        exact float64 arithmetic with ``"lap"``.

    Notes
    -----
    With :math:`x_e \in \{0, 1\}` for each candidate pair :math:`e = (i, j)`, the optimal
    methods solve, lexicographically,

    .. math::

        \max \; \Bigl( \sum_e x_e, \; \sum_e u_e x_e \Bigr) \quad \text{s.t.} \quad
        \sum_{e \ni i} x_e \le 1, \quad \sum_{e \ni j} x_e \le c_j, \quad
        \sum_{j \in g} \sum_{e \ni j} x_e \le C_g,

    where :math:`u_e = \operatorname{round}(s_e / \text{resolution})` are the integer
    score units, :math:`c_j` slot capacities and :math:`C_g` group capacities. So an
    assignment placing more students always wins, whatever the scores.

    Network (``"flow"``, ``"auto"``, ``"reference"``): source → student (capacity 1) →
    slot (one arc per pair, cost :math:`\max u - u_e`) → group (capacity :math:`c_j`) →
    sink (capacity :math:`C_g`); a slot in no group goes straight to the sink. The
    solver computes a maximum flow of minimum cost (``solve_max_flow_with_min_cost``),
    which is the same as giving every student an "unplaced" arc to the sink of infinite
    cost: cardinality first holds exactly, with no big-M that could overflow int64 or
    slow cost scaling down. The ``"lap"`` path does use a finite unplaced cost (one dummy
    seat per student, cost :math:`k(R+1)+1` for :math:`k` students and units range
    :math:`R`, above the total of any assignment's real costs) and checks that float64
    stays exact.

    Complexity: OR-Tools' cost-scaling push-relabel runs in
    :math:`O(V^2 E \log(V C))` in the worst case for :math:`V` nodes, :math:`E` arcs and
    cost range :math:`C`, and much faster in practice; decomposing into components keeps
    :math:`V` and :math:`E` per call small. LAPJV is :math:`O(n^3)` dense. Deferred
    acceptance sorts the pairs into preference lists once, :math:`O(E \log E)`, and makes
    at most one proposal per pair; a round with :math:`P` proposals costs
    :math:`O(P + (P' + S) \log (P' + S))`: the proposals weaker than the weakest holder of
    a full slot are refused at once, and the :math:`P'` others are merged with the
    :math:`S` seats of the slots they go to.

    Ties: the objective is compared on the integer units, so pairs whose scores differ by
    less than ``resolution`` are tied. Among optimal assignments the one returned is a
    deterministic function of the problem's arrays and the method: the same input gives
    the same output, whatever ``n_jobs`` is (batches do not depend on it). Different
    methods may return different assignments of the same objective.

    Every student ends placed or unplaced with an :class:`Outcome`; ``Assignment.pairs``
    is ordered by student.

    References
    ----------
    .. [1] R. K. Ahuja, T. L. Magnanti, J. B. Orlin, *Network Flows*, Prentice Hall, 1993.
    .. [2] D. Gale, L. S. Shapley, "College admissions and the stability of marriage",
       *American Mathematical Monthly* 69 (1962) 9-15.
    .. [3] D. F. Crouse, "On implementing 2D rectangular assignment algorithms",
       *IEEE Transactions on Aerospace and Electronic Systems* 52 (2016) 1679-1696.

    Examples
    --------
    Two students want the only seat of slot 0; student 1 can also go to slot 1, so both
    are placed although student 1 scores higher on slot 0:

    >>> p = Problem(n_students=2, capacity=[1, 1], student=[0, 1, 1], slot=[0, 0, 1],
    ...             score=[1.0, 5.0, 2.0])
    >>> a = solve(p)
    >>> a.slot_of.tolist(), a.n_placed, a.score
    ([0, 1], 2, 3.0)
    >>> solve(p, method="stable").slot_of.tolist()
    [-1, 0]
    """
    if not isinstance(problem, Problem):
        raise ValueError(f"problem must be a Problem, got {type(problem).__name__}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if n_jobs is not None and (not isinstance(n_jobs, int) or n_jobs < 1):
        raise ValueError(f"n_jobs must be a positive int or None, got {n_jobs!r}")
    timings = {}
    start = time.perf_counter()
    core, kept = core_of(problem)
    timings["prepare"] = time.perf_counter() - start
    t = time.perf_counter()
    if method == "stable":
        pair_of = solve_stable(problem, kept, core.group)
        used = method
    else:
        if method == "auto":
            local, used = _solve_auto(core, n_jobs or _default_jobs(), timings)
        else:
            solver = {"flow": solve_flow, "lap": solve_lap, "reference": solve_reference}
            local, used = solver[method](core), method
        pair_of = np.full(problem.n_students, -1, dtype=np.int64)
        placed = local >= 0
        pair_of[placed] = kept[local[placed]]
    timings["method"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - start
    return make_assignment(problem, pair_of, used, timings)
