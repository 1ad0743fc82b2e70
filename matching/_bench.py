"""Benchmark harness: ``solve`` against whole-instance OR-Tools, scipy and networkx."""

from __future__ import annotations

import multiprocessing
import resource
import statistics
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TextIO

import numpy as np

from ._core import core_of
from ._flow import flow_network
from ._generate import generate_city
from ._problem import Problem
from ._solve import solve

__all__ = ["run_benchmark"]

# Whole-instance baselines that get too slow beyond these sizes (students).
_LAP_LIMIT = 100_000
_NETWORKX_LIMIT = 10_000

#: (placed, objective units, method used) of one solver run.
Result = tuple[int, int, str]
Runner = Callable[[Problem], Result]


def _parse_size(text: str) -> int:
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def _ortools_big_m(problem: Problem) -> tuple[int, int]:
    """OR-Tools on the whole instance with an explicit "unplaced" arc per student.

    The unplaced arc costs ``U = 1 + k R`` for ``k`` students and score units range ``R``:
    more than any score difference between assignments, so cardinality comes first.
    Returns ``(n_placed, units)``.
    """
    from ortools.graph.python import min_cost_flow

    core, _ = core_of(problem)
    tails, heads, caps, costs, _, source, sink = flow_network(core)
    students = np.unique(core.student)
    span = int(core.units.max() - core.units.min()) if core.units.size else 0
    unplaced = 1 + students.size * (span + 1)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        np.r_[tails, students],
        np.r_[heads, np.full(students.size, sink)],
        np.r_[caps, np.ones(students.size, dtype=np.int64)],
        np.r_[costs, np.full(students.size, unplaced, dtype=np.int64)],
    )
    solver.set_nodes_supplies(np.array([source, sink]), np.array([students.size, -students.size]))
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"OR-Tools failed with status {status!r}")
    flows = solver.flows(np.arange(core.student.size))
    used = flows > 0
    return int(used.sum()), int(core.units[used].sum())


def _hopcroft_karp(problem: Problem) -> int:
    """Maximum cardinality by scipy's Hopcroft-Karp on the seat-expanded graph (no quotas)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching

    first = np.r_[0, np.cumsum(problem.capacity)[:-1]]
    reps = problem.capacity[problem.slot]
    rows = np.repeat(problem.student, reps)
    cols = np.repeat(first[problem.slot], reps) + (
        np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    )
    graph = csr_matrix(
        (np.ones(rows.size, dtype=np.int8), (rows, cols)),
        shape=(problem.n_students, int(problem.capacity.sum())),
    )
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


def _runners(n: int) -> list[tuple[str, Runner, bool]]:
    def auto(p: Problem) -> Result:
        a = solve(p)
        return a.n_placed, a.units, a.method

    def method(name: str) -> Runner:
        def run(p: Problem) -> Result:
            a = solve(p, method=name)
            return a.n_placed, a.units, a.method

        return run

    rows = [
        ("solve(auto)", auto, True),
        ("OR-Tools whole, max-flow min-cost", method("flow"), True),
        ("OR-Tools whole, big-M unplaced arcs", lambda p: (*_ortools_big_m(p), "big-M"), True),
    ]
    if n <= _LAP_LIMIT:
        rows.append(("scipy LAPJVsp whole, seat-expanded", method("lap"), True))
    if n <= _NETWORKX_LIMIT:
        rows.append(("networkx network simplex whole", method("reference"), True))
    rows.append(("solve(stable) [not optimal]", method("stable"), False))
    return rows


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measure(run: Runner, problem: Problem, repeats: int, conn: Connection) -> None:
    times, cpus, result = [], [], None
    for _ in range(repeats):
        t, cpu, kids = time.perf_counter(), time.process_time(), _children_cpu()
        result = run(problem)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - cpu + _children_cpu() - kids)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    conn.send((times, cpus, result, own, children))
    conn.close()


def _in_child(
    run: Runner, problem: Problem, repeats: int
) -> tuple[list[float], list[float], Result, int, int]:
    """Run in a fresh forked process so each peak RSS is its own."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    proc = context.Process(target=_measure, args=(run, problem, repeats, child))
    proc.start()
    child.close()
    out = parent.recv()
    proc.join()
    return out


#: The generator modes of the table: regions that never share candidates, and one market.
MODES = ("regions", "coupled")


def run_benchmark(
    sizes: str,
    *,
    repeats: int = 3,
    seed: int = 1,
    modes: tuple[str, ...] = MODES,
    out: TextIO | None = None,
) -> list[dict[str, Any]]:
    """Run the benchmark table for ``sizes`` (e.g. ``"10k,100k"``) and print it to ``out``.

    Each size and mode is one :func:`generate_city` instance (``seed``; ``"coupled"`` passes
    ``coupled=True``, one connected market) without enterprise quotas,
    so that every solver, including scipy's (which has no group capacities), solves the
    same problem; three more rows run ``solve``, whole OR-Tools and ``"stable"`` with the
    quotas.
    Every runner runs ``repeats`` times in its own forked process (networkx once); the
    table shows the median wall time, the median CPU time (this process and its worker
    processes: on a machine shared with other work it moves far less than the wall time,
    but it hides what parallel workers save), the process peak RSS (it includes the instance,
    about the baseline column) and the largest worker's peak, the objective
    ``(placed, units)``, and time ratios against ``solve(auto)``. Raises ``RuntimeError``
    if two optimal solvers disagree or the placed count differs from Hopcroft-Karp.

    Returns the rows as dicts.
    """
    rows = []
    cases = [(_parse_size(s), mode) for s in str(sizes).split(",") if s.strip() for mode in modes]
    for size, mode in cases:
        quota = generate_city(size, seed=seed, coupled=mode == "coupled")
        plain = Problem(
            n_students=quota.n_students,
            capacity=quota.capacity,
            student=quota.student,
            slot=quota.slot,
            score=quota.score,
            student_rank=quota.student_rank,
            priority=quota.priority,
            resolution=quota.resolution,
        )
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        hk = _hopcroft_karp(plain)
        print(
            f"\n{mode}: {size:,} students, {int(plain.capacity.sum()):,} seats, "
            f"{plain.n_slots:,} slots, {plain.n_pairs:,} pairs "
            f"(max {int(np.bincount(plain.student).max())} per student), "
            f"{quota.n_groups:,} enterprises; Hopcroft-Karp maximum {hk:,}; "
            f"baseline RSS {base:.0f} MiB",
            file=out,
        )
        header = (
            f"{'solver':40s} {'median s':>9s} {'cpu s':>7s} {'peak MiB':>9s} {'worker':>7s} "
            f"{'placed':>9s} {'objective units':>16s} {'x auto':>7s}"
        )
        print(header, file=out)
        print("-" * len(header), file=out)
        groups = [("", plain, _runners(size))]
        with_quotas = [r for r in _runners(size) if "LAPJVsp" not in r[0]]
        groups.append((" +quotas", quota, with_quotas[:2] + with_quotas[-1:]))
        for suffix, problem, runners in groups:
            ref = None
            for name, run, optimal in runners:
                reps = 1 if "networkx" in name else repeats
                times, cpus, (placed, units, used), own, kids = _in_child(run, problem, reps)
                median = statistics.median(times)
                if ref is None:
                    ref = (median, placed, units)
                elif optimal and (placed, units) != ref[1:]:
                    raise RuntimeError(
                        f"{name}{suffix}: objective {(placed, units)} "
                        f"differs from solve(auto) {ref[1:]}"
                    )
                if optimal and not suffix and placed != hk:
                    raise RuntimeError(f"{name}: {placed} placed, Hopcroft-Karp {hk}")
                row = dict(
                    size=size,
                    mode=mode,
                    solver=name + suffix,
                    optimal=optimal,
                    quotas=bool(suffix),
                    median=median,
                    cpu=statistics.median(cpus),
                    peak=own / 1024,
                    worker=kids / 1024,
                    placed=placed,
                    objective=units,
                    method=used,
                )
                rows.append(row)
                print(
                    f"{row['solver']:40s} {median:9.3f} {row['cpu']:7.3f} {row['peak']:9.0f} "
                    f"{row['worker']:7.0f} {placed:9,d} {units:16,d} "
                    f"{median / ref[0]:7.2f}",
                    file=out,
                )
    return rows
