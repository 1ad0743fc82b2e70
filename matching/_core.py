"""The reduced problem that the solvers work on, and its reductions."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from ._problem import Problem


class Core(NamedTuple):
    """Arrays a solver needs: pairs with integer scores, capacities and binding groups.

    ``group`` is ``None`` or the group per slot (``-1`` = none); only groups whose capacity
    is below the seats of their slots (binding groups) are kept.
    """

    n_students: int
    student: np.ndarray
    slot: np.ndarray
    units: np.ndarray
    capacity: np.ndarray
    group: np.ndarray | None
    group_capacity: np.ndarray | None


def core_of(problem: Problem) -> tuple[Core, np.ndarray]:
    """Return the :class:`Core` of a problem and the original index of each kept pair.

    Pairs on a slot without seats, or in a group without seats, can never be chosen and are
    dropped. A group whose capacity covers all seats of its slots can never bind and is
    dropped too, so that it neither couples its slots nor slows the solvers down.
    """
    capacity = problem.capacity
    # Usability is decided per slot, then looked up once per pair.
    usable = capacity > 0
    group = gcap = None
    if problem.group is not None and problem.group_capacity is not None and problem.n_groups:
        slot_group = problem.group
        in_group = slot_group >= 0
        seats = np.bincount(
            slot_group[in_group], weights=capacity[in_group], minlength=problem.n_groups
        )
        binding = problem.group_capacity < seats
        usable &= ~in_group | (problem.group_capacity[np.maximum(slot_group, 0)] > 0)
        if binding.any():
            group = np.where(in_group & binding[np.maximum(slot_group, 0)], slot_group, -1)
            gcap = problem.group_capacity
    keep = usable[problem.slot]
    kept = np.flatnonzero(keep)
    if kept.size == keep.size:
        # Every pair is usable (the common case): share the problem's read-only arrays.
        student, slot, units = problem.student, problem.slot, problem.units
    else:
        student, slot, units = problem.student[kept], problem.slot[kept], problem.units[kept]
    core = Core(
        n_students=problem.n_students,
        student=student,
        slot=slot,
        units=units,
        capacity=capacity,
        group=group,
        group_capacity=gcap,
    )
    return core, kept


def is_dense(core: Core) -> bool:
    """Whether every student is a candidate for every slot and no group binds."""
    return (
        core.group is None
        and core.student.size == core.n_students * core.capacity.size
        and core.student.size > 0
    )


def best_pair(core: Core, alive: np.ndarray | None = None) -> np.ndarray:
    """Per student, the index of its highest-scoring pair (ties: lowest index), or -1."""
    best = np.full(core.n_students, -1, dtype=np.int64)
    idx = np.arange(core.student.size) if alive is None else np.flatnonzero(alive)
    if idx.size:
        order = idx[np.lexsort((idx, -core.units[idx], core.student[idx]))]
        first = np.r_[True, core.student[order][1:] != core.student[order][:-1]]
        best[core.student[order[first]]] = order[first]
    return best


def components(core: Core, alive: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Connected components of the candidate graph restricted to ``alive`` pairs.

    Nodes are students, slots and binding groups; a group links its slots. Returns
    ``(n_components, label_of_student, label_of_pair)``; students without an alive pair get
    their own component.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n, m = core.n_students, core.capacity.size
    idx = np.flatnonzero(alive)
    rows, cols = [core.student[idx]], [n + core.slot[idx]]
    size = n + m
    if core.group is not None and core.group_capacity is not None:
        grouped = np.flatnonzero(core.group >= 0)
        rows.append(n + grouped)
        cols.append(n + m + core.group[grouped])
        size += core.group_capacity.size
    r, c = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(r.size, dtype=np.int8), (r, c)), shape=(size, size)).tocsr()
    count, labels = connected_components(graph, directed=False)
    return count, labels[:n], labels[core.student]


def holds_most_pairs(core: Core, stride: int) -> bool:
    """Whether one connected component surely holds more than half of the pairs.

    Decided on the subgraph of every ``stride``-th pair: each component of a subgraph lies
    inside one component of the graph, so the pairs of the students in one component of
    the subgraph all belong to one component of the graph. ``True`` is therefore certain;
    ``False`` may miss a dominant component that only the left-out pairs connect.
    """
    sampled = np.zeros(core.student.size, dtype=bool)
    sampled[::stride] = True
    _, label_of_student, _ = components(core, sampled)
    pairs_per_label = np.bincount(label_of_student[core.student])
    return bool(pairs_per_label.size) and int(pairs_per_label.max()) > core.student.size // 2
