"""Every method against hand-checked cases, brute force, each other, and edge shapes."""

import itertools

import numpy as np
import pytest

from skillbridge.matching import (
    METHODS,
    Outcome,
    Problem,
    blocking_pairs,
    check_assignment,
    generate_city,
    solve,
)

OPTIMAL = ["auto", "flow", "lap", "reference"]


def _p(n, capacity, pairs, **kw):
    student, slot, score = zip(*pairs, strict=True) if pairs else ([], [], [])
    return Problem(
        n_students=n,
        capacity=capacity,
        student=list(student),
        slot=list(slot),
        score=list(score),
        **kw,
    )


# (problem, n_placed, total score) checked by hand.
CASES = {
    "one-seat-two-students": (_p(2, [1], [(0, 0, 1.0), (1, 0, 2.0)]), 1, 2.0),
    "cardinality-beats-score": (_p(2, [1, 1], [(0, 0, 1.0), (1, 0, 9.0), (1, 1, 0.5)]), 2, 1.5),
    "capacity-two": (_p(3, [2], [(0, 0, 1.0), (1, 0, 3.0), (2, 0, 2.0)]), 2, 5.0),
    "negative-scores": (_p(2, [1, 1], [(0, 0, -5.0), (0, 1, -1.0), (1, 1, -2.0)]), 2, -7.0),
    "chain": (
        _p(3, [1, 1, 1], [(0, 0, 5.0), (1, 0, 6.0), (1, 1, 5.0), (2, 1, 6.0), (2, 2, 1.0)]),
        3,
        11.0,
    ),
    "no-pairs": (_p(3, [1, 2], []), 0, 0.0),
    "no-slots": (_p(2, [], []), 0, 0.0),
    "no-students": (_p(0, [3], []), 0, 0.0),
    "zero-capacity": (_p(2, [0, 1], [(0, 0, 9.0), (1, 0, 9.0), (1, 1, 1.0)]), 1, 1.0),
    "everyone-unplaceable": (_p(2, [0], [(0, 0, 1.0), (1, 0, 1.0)]), 0, 0.0),
    "ties": (_p(2, [1, 1], [(0, 0, 1.0), (0, 1, 1.0), (1, 0, 1.0), (1, 1, 1.0)]), 2, 2.0),
}


@pytest.mark.parametrize("method", OPTIMAL)
@pytest.mark.parametrize("name", sorted(CASES))
def test_hand_checked_cases(name, method):
    problem, placed, score = CASES[name]
    assignment = solve(problem, method=method)
    check_assignment(problem, assignment)
    assert (assignment.n_placed, assignment.score) == (placed, pytest.approx(score))
    assert assignment.method.startswith(method)


@pytest.mark.parametrize("name", sorted(CASES))
def test_stable_on_hand_checked_cases_is_valid_and_stable(name):
    problem = CASES[name][0]
    assignment = solve(problem, method="stable")
    check_assignment(problem, assignment)
    assert blocking_pairs(problem, assignment).size == 0


def test_outcomes_name_the_reason():
    problem = _p(3, [1], [(0, 0, 1.0), (1, 0, 2.0)])
    outcome = solve(problem).outcome.tolist()
    assert outcome == [Outcome.OUTCOMPETED, Outcome.PLACED, Outcome.NO_CANDIDATE]


def _random(rng, n, m, density=0.5, groups=False, max_cap=2):
    mask = rng.random((n, m)) < density
    student, slot = np.nonzero(mask)
    extra = {}
    if groups and m:
        g = rng.integers(-1, max(1, m // 2), m)
        extra = dict(group=g, group_capacity=rng.integers(0, 3, max(1, m // 2)))
    return Problem(
        n_students=n,
        capacity=rng.integers(0, max_cap + 1, m),
        student=student,
        slot=slot,
        score=rng.integers(-3, 10, student.size).astype(float),
        student_rank=None,
        priority=rng.integers(0, 4, student.size),
        **extra,
    )


def _brute_force(problem):
    """Best (placed, units) over every choice of one pair or none per student."""
    options = [
        [-1] + np.flatnonzero(problem.student == i).tolist() for i in range(problem.n_students)
    ]
    best = (-1, 0)
    for combo in itertools.product(*options):
        chosen = np.array([e for e in combo if e >= 0], dtype=np.int64)
        load = np.bincount(problem.slot[chosen], minlength=problem.n_slots)
        if np.any(load > problem.capacity):
            continue
        if problem.group is not None:
            g = problem.group[problem.slot[chosen]]
            if np.any(np.bincount(g[g >= 0], minlength=problem.n_groups) > problem.group_capacity):
                continue
        best = max(best, (chosen.size, int(problem.units[chosen].sum())))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_tiny_random_instances_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    groups = seed % 2 == 1
    problem = _random(rng, int(rng.integers(0, 6)), int(rng.integers(0, 4)), groups=groups)
    expected = _brute_force(problem)
    for method in OPTIMAL:
        if method == "lap" and problem.group is not None:
            continue
        assignment = solve(problem, method=method)
        check_assignment(problem, assignment)
        assert assignment.objective == expected, method


@pytest.mark.parametrize("seed", range(12))
def test_random_instances_all_methods_agree(seed):
    rng = np.random.default_rng(100 + seed)
    problem = _random(rng, 60, 25, density=0.15, max_cap=3)
    results = {m: solve(problem, method=m) for m in OPTIMAL}
    for assignment in results.values():
        check_assignment(problem, assignment)
    assert len({a.objective for a in results.values()}) == 1


@pytest.mark.parametrize("seed", range(6))
def test_group_capacities_respected_and_optimal(seed):
    rng = np.random.default_rng(200 + seed)
    problem = _random(rng, 50, 20, density=0.2, groups=True, max_cap=4)
    flow = solve(problem, method="flow")
    for method in ("auto", "reference", "stable"):
        assignment = solve(problem, method=method)
        check_assignment(problem, assignment)
        if method != "stable":
            assert assignment.objective == flow.objective
    g = problem.group[flow.slot_of[flow.slot_of >= 0]]
    assert np.all(np.bincount(g[g >= 0], minlength=problem.n_groups) <= problem.group_capacity)


def test_group_capacity_binds():
    # Two slots of one enterprise with quota 1: only one of the two students fits.
    problem = _p(2, [1, 1], [(0, 0, 1.0), (1, 1, 2.0)], group=[0, 0], group_capacity=[1])
    for method in ("auto", "flow", "reference", "stable"):
        assignment = solve(problem, method=method)
        check_assignment(problem, assignment)
        assert assignment.slot_of.tolist() == [-1, 1]


def test_lap_refuses_group_capacities():
    problem = _p(2, [1, 1], [(0, 0, 1.0), (1, 1, 2.0)], group=[0, 0], group_capacity=[1])
    with pytest.raises(ValueError, match="cannot express group capacities"):
        solve(problem, method="lap")


def test_lap_refuses_inexact_score_range():
    # 100 students and a 10**12-unit score range: the dummy costs would pass 2**52.
    problem = _p(100, [1, 1], [(i, 0, 1e6 * (i % 2)) for i in range(100)], resolution=1e-6)
    with pytest.raises(ValueError, match="exactly in float64"):
        solve(problem, method="lap")


def test_unknown_method_and_bad_jobs():
    problem = CASES["chain"][0]
    with pytest.raises(ValueError, match="method must be one of"):
        solve(problem, method="greedy")
    with pytest.raises(ValueError, match="n_jobs"):
        solve(problem, n_jobs=0)
    with pytest.raises(ValueError, match="must be a Problem"):
        solve("not a problem")


def test_methods_constant_lists_every_method():
    assert set(METHODS) == set(OPTIMAL) | {"stable"}


def test_generated_city_auto_equals_whole_flow_and_is_deterministic():
    problem = generate_city(4000, seed=3)
    auto = solve(problem, n_jobs=1)
    again = solve(problem, n_jobs=1)
    flow = solve(problem, method="flow")
    check_assignment(problem, auto)
    assert auto.objective == flow.objective
    assert np.array_equal(auto.pair_of, again.pair_of)
    assert set(auto.parts) == set(problem.part_names)
    assert sum(auto.parts.values()) == pytest.approx(auto.score)


def test_parallel_auto_equals_serial(monkeypatch):
    import skillbridge.matching._solve as solve_module

    monkeypatch.setattr(solve_module, "_PARALLEL_PAIRS", 1)
    problem = generate_city(3000, seed=5)
    parallel = solve(problem, n_jobs=2)
    serial = solve(problem, n_jobs=1)
    assert "2 processes" in parallel.method
    assert np.array_equal(parallel.pair_of, serial.pair_of)


def test_dense_problem_uses_lap_in_auto():
    rng = np.random.default_rng(7)
    student, slot = np.divmod(np.arange(12), 4)
    problem = Problem(
        n_students=3, capacity=[1, 1, 2, 1], student=student, slot=slot, score=rng.random(12)
    )
    assignment = solve(problem)
    assert assignment.method == "auto(lap)"
    assert assignment.objective == solve(problem, method="reference").objective


def test_max_cardinality_equals_hopcroft_karp():
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching

    problem = generate_city(2000, seed=9)
    seats = np.repeat(np.arange(problem.n_slots), problem.capacity)
    first = np.r_[0, np.cumsum(problem.capacity)[:-1]]
    reps = problem.capacity[problem.slot]
    rows = np.repeat(problem.student, reps)
    cols = np.repeat(first[problem.slot], reps) + (
        np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    )
    graph = csr_matrix((np.ones(rows.size), (rows, cols)), shape=(problem.n_students, seats.size))
    # Hopcroft-Karp ignores group quotas, so compare without them.
    plain = Problem(
        n_students=problem.n_students,
        capacity=problem.capacity,
        student=problem.student,
        slot=problem.slot,
        score=problem.score,
    )
    hk = int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())
    assert solve(plain).n_placed == hk
