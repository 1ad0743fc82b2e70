"""Min-cost flow solver on OR-Tools' ``SimpleMinCostFlow`` (method ``"flow"``)."""

from __future__ import annotations

import numpy as np

from ._core import Core


def flow_network(
    core: Core,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, int, int]:
    """Arcs of the network source → students → slots → groups → sink.

    Returns ``(tails, heads, capacities, costs, n_nodes, source, sink)``; the first
    ``len(core.student)`` arcs are the candidate pairs, in order. Costs are
    ``max(units) - units`` (non-negative); every placed student pays the same shift, so the
    order of flows of equal value is unchanged.
    """
    n, m = core.n_students, core.capacity.size
    g = 0 if core.group is None or core.group_capacity is None else core.group_capacity.size
    source, sink = n + m + g, n + m + g + 1
    students = np.flatnonzero(np.bincount(core.student, minlength=n))
    top = core.units.max() if core.units.size else 0
    slot_head = np.full(m, sink, dtype=np.int64)
    parts = [
        (core.student, n + core.slot, np.ones_like(core.student), top - core.units),
        (np.full(students.size, source), students, np.ones_like(students), np.zeros_like(students)),
    ]
    if g and core.group is not None and core.group_capacity is not None:
        grouped = core.group >= 0
        slot_head[grouped] = n + m + core.group[grouped]
        groups = np.arange(g)
        parts.append(
            (n + m + groups, np.full(g, sink), core.group_capacity, np.zeros(g, dtype=np.int64))
        )
    slots = np.arange(m)
    parts.append((n + slots, slot_head, core.capacity, np.zeros(m, dtype=np.int64)))
    tails, heads, caps, costs = (
        np.concatenate([p[i] for p in parts]).astype(np.int64) for i in range(4)
    )
    return tails, heads, caps, costs, n + m + g + 2, source, sink


def solve_flow(core: Core) -> np.ndarray:
    """Lexicographic optimum by a maximum flow of minimum cost.

    Returns the chosen pair per student (``-1`` = unplaced), indices into ``core``.
    """
    from ortools.graph.python import min_cost_flow

    pair_of = np.full(core.n_students, -1, dtype=np.int64)
    if core.student.size == 0:
        return pair_of
    tails, heads, caps, costs, _, source, sink = flow_network(core)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    total = int(np.count_nonzero(np.bincount(core.student, minlength=core.n_students)))
    solver.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))
    status = solver.solve_max_flow_with_min_cost()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"OR-Tools min-cost flow failed with status {status!r}")
    n_pairs = core.student.size
    used = np.flatnonzero(solver.flows(np.arange(n_pairs)) > 0)
    pair_of[core.student[used]] = used
    return pair_of
