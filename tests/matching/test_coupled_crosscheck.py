"""solve(auto) against an independently built OR-Tools network on many seeded coupled markets."""

from __future__ import annotations

import numpy as np
import pytest
from ortools.graph.python import min_cost_flow

import skillbridge.matching._solve as solve_module
from skillbridge.matching import Problem, check_assignment, generate_city, solve
from skillbridge.matching._core import core_of, holds_most_pairs


def _ortools_objective(problem: Problem) -> tuple[int, int]:
    """(placed, units) of one plain OR-Tools ``solve`` with an "unplaced" arc per student.

    Built here from the problem's own arrays, not with the engine's network, and with the
    other formulation: each student may go to the sink at a cost above any score difference,
    so the lexicographic order (placed first) comes from the costs alone.
    """
    n, m = problem.n_students, problem.n_slots
    usable = problem.capacity[problem.slot] > 0
    groups = problem.n_groups
    if groups:
        assert problem.group is not None and problem.group_capacity is not None
        pair_group = problem.group[problem.slot]
        usable &= (pair_group < 0) | (problem.group_capacity[np.maximum(pair_group, 0)] > 0)
    student, slot = problem.student[usable], problem.slot[usable]
    units = problem.units[usable]
    source, sink = n + m + groups, n + m + groups + 1
    top = int(units.max()) if units.size else 0
    span = top - (int(units.min()) if units.size else 0)
    unplaced = 1 + n * (span + 1)
    slot_head = np.full(m, sink, dtype=np.int64)
    if groups:
        assert problem.group is not None
        slot_head = np.where(problem.group >= 0, n + m + problem.group, sink)
    everyone = np.arange(n)
    tails = [student, everyone, np.full(n, source), n + np.arange(m)]
    heads = [n + slot, np.full(n, sink), everyone, slot_head]
    caps = [np.ones(student.size), np.ones(n), np.ones(n), problem.capacity]
    costs = [top - units, np.full(n, unplaced), np.zeros(n), np.zeros(m)]
    if groups:
        assert problem.group_capacity is not None
        tails.append(n + m + np.arange(groups))
        heads.append(np.full(groups, sink))
        caps.append(problem.group_capacity)
        costs.append(np.zeros(groups))
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        *(np.concatenate(part).astype(np.int64) for part in (tails, heads, caps, costs))
    )
    solver.set_nodes_supplies(np.array([source, sink]), np.array([n, -n]))
    assert solver.solve() == solver.OPTIMAL
    used = solver.flows(np.arange(student.size)) > 0
    return int(used.sum()), int(units[used].sum())


def _without_quotas(problem: Problem, resolution: float) -> Problem:
    return Problem(
        n_students=problem.n_students,
        capacity=problem.capacity,
        student=problem.student,
        slot=problem.slot,
        score=problem.score,
        resolution=resolution,
    )


def _with_quotas(problem: Problem, resolution: float) -> Problem:
    return Problem(
        n_students=problem.n_students,
        capacity=problem.capacity,
        student=problem.student,
        slot=problem.slot,
        score=problem.score,
        group=problem.group,
        group_capacity=problem.group_capacity,
        resolution=resolution,
    )


# Fine scores (0.001 grid, few ties) and coarse ones (0.5: most pairs tie with others).
RESOLUTIONS = {"fine": 1e-3, "ties": 0.5}
VARIANTS = {"plain": _without_quotas, "quotas": _with_quotas}


@pytest.fixture
def one_component_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let small instances take the path of a big coupled city (no component labelling)."""
    monkeypatch.setattr(solve_module, "_SAMPLE_PAIRS", 1)
    # A small market's sparse sample may fall apart; the whole graph decides exactly.
    monkeypatch.setattr(solve_module, "_SAMPLE_STRIDE", 1)


@pytest.mark.parametrize("seed", range(60))
def test_small_coupled_markets_match_plain_ortools(seed: int, one_component_path: None) -> None:
    city = generate_city(300 + 37 * seed, seed=seed, coupled=True)
    for variant in VARIANTS.values():
        for resolution in RESOLUTIONS.values():
            problem = variant(city, resolution)
            auto = solve(problem)
            check_assignment(problem, auto)
            # A few small markets stay split (no cross-family student links two families).
            assert auto.method in ("auto(flow, one component)", "auto(flow)")
            assert auto.objective == _ortools_objective(problem)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_medium_coupled_markets_match_plain_ortools(seed: int, variant: str) -> None:
    # 10,000 students (about 280,000 pairs): auto samples the pairs for one big component,
    # and whether the sample finds it or not, the optimum is the same.
    problem = VARIANTS[variant](generate_city(10_000, seed=100 + seed, coupled=True), 1e-3)
    auto = solve(problem)
    assert auto.method in ("auto(flow, one component)", "auto(flow)")
    assert auto.objective == _ortools_objective(problem)


def test_split_city_still_decomposes_and_matches_plain_ortools() -> None:
    problem = _with_quotas(generate_city(25_000, seed=2), 1e-3)
    auto = solve(problem, n_jobs=1)
    assert auto.method == "auto(flow)"
    assert auto.objective == _ortools_objective(problem)


def test_sampled_pairs_see_the_coupled_component_but_not_a_region() -> None:
    coupled, _ = core_of(generate_city(40_000, seed=4, coupled=True))
    split, _ = core_of(generate_city(40_000, seed=4))
    assert holds_most_pairs(coupled, 8)
    # Two regions of 20,000 students: no component holds more than half of the pairs.
    assert not holds_most_pairs(split, 1)


def _sequential_stable(problem: Problem) -> np.ndarray:
    """Student-proposing deferred acceptance, one proposal at a time, on plain lists.

    The textbook process written from the definition, independently of the rounds of
    ``method="stable"``: a free student proposes to the next slot of its list (rank, then
    score, then slot); the slot keeps its ``capacity`` strongest claims (priority, then
    score, then student), and the slot's group its ``group_capacity`` strongest claims among
    the holders of all its slots. The student-optimal stable outcome is unique, whatever
    the order of proposals, so the pairs must be the same.
    """
    rank = problem.student_rank
    prio = problem.priority
    assert rank is not None and prio is not None
    unranked = int(rank.max(initial=0)) + 1
    low = int(prio.max(initial=0)) + 1
    units = problem.units.tolist()

    def claim(e: int) -> tuple[int, int, int]:
        return (int(prio[e]) or low, -units[e], int(problem.student[e]))

    lists: list[list[int]] = [[] for _ in range(problem.n_students)]
    for e in range(problem.n_pairs):
        lists[int(problem.student[e])].append(e)
    for i, pairs in enumerate(lists):
        pairs.sort(key=lambda e: (int(rank[e]) or unranked, -units[e], int(problem.slot[e])))
        lists[i] = pairs[::-1]  # popped from the end, best first
    capacity = problem.capacity.tolist()
    group = [-1] * problem.n_slots if problem.group is None else problem.group.tolist()
    gcap = [] if problem.group_capacity is None else problem.group_capacity.tolist()
    at_slot: list[list[int]] = [[] for _ in range(problem.n_slots)]
    at_group: list[list[int]] = [[] for _ in range(len(gcap))]
    held = np.full(problem.n_students, -1, dtype=np.int64)
    free = [i for i in range(problem.n_students) if lists[i]][::-1]
    while free:
        i = free.pop()
        if not lists[i]:
            continue
        e = lists[i].pop()
        j = int(problem.slot[e])
        at_slot[j].append(e)
        rejected = []
        if len(at_slot[j]) > capacity[j]:
            rejected.append(max(at_slot[j], key=claim))
            at_slot[j].remove(rejected[-1])
        g = group[j]
        if g >= 0:
            at_group[g] = [h for h in at_group[g] if h not in rejected]
            if e in at_slot[j]:
                at_group[g].append(e)
                if len(at_group[g]) > gcap[g]:
                    rejected.append(max(at_group[g], key=claim))
                    at_group[g].remove(rejected[-1])
                    at_slot[int(problem.slot[rejected[-1]])].remove(rejected[-1])
        if e in at_slot[j]:
            held[i] = e
        for out in rejected:
            held[int(problem.student[out])] = -1
            free.append(int(problem.student[out]))
    return held


def _ranked(problem: Problem, resolution: float, quotas: bool) -> Problem:
    extra = dict(group=problem.group, group_capacity=problem.group_capacity) if quotas else {}
    return Problem(
        n_students=problem.n_students,
        capacity=problem.capacity,
        student=problem.student,
        slot=problem.slot,
        score=problem.score,
        student_rank=problem.student_rank,
        priority=problem.priority,
        resolution=resolution,
        **extra,
    )


@pytest.mark.parametrize("seed", range(60))
def test_stable_on_coupled_markets_matches_sequential_deferred_acceptance(seed: int) -> None:
    # Coarse resolutions tie many scores, so the tie rules (slot, student) decide.
    city = generate_city(150 + 17 * seed, seed=seed, coupled=True)
    for quotas in (False, True):
        for resolution in (1e-3, 0.5):
            problem = _ranked(city, resolution, quotas)
            stable = solve(problem, method="stable")
            check_assignment(problem, stable)
            assert np.array_equal(stable.pair_of, _sequential_stable(problem))
