"""Stability of the "stable" method, checked by an independent brute force; explanations."""

import numpy as np
import pytest

from skillbridge.matching import (
    Outcome,
    Problem,
    blocking_pairs,
    check_assignment,
    explain,
    generate_city,
    solve,
    stability_report,
)
from skillbridge.matching._stable import _claim_values, _two_key_order


def _random(rng, n, m, groups):
    mask = rng.random((n, m)) < 0.5
    student, slot = np.nonzero(mask)
    k = student.size
    extra = {}
    if groups:
        n_groups = max(1, m // 2)
        extra = dict(
            group=rng.integers(-1, n_groups, m), group_capacity=rng.integers(0, 3, n_groups)
        )
        # An enterprise ranks students, so one priority per (student, group).
        by_student = rng.permutation(n) + 1
        prio = by_student[student]
    else:
        prio = rng.integers(0, 4, k)
    return Problem(
        n_students=n,
        capacity=rng.integers(0, 3, m),
        student=student,
        slot=slot,
        score=rng.integers(0, 5, k).astype(float),
        student_rank=rng.integers(0, 4, k),
        priority=prio,
        **extra,
    )


def _prefers(problem, i, e, f):
    """Whether student i prefers pair e to pair f (f = -1: unplaced), by brute force."""
    if f < 0:
        return True

    def key(x):
        r = problem.student_rank[x]
        return (r == 0, r, -problem.units[x], problem.slot[x])

    return key(e) < key(f)


def _claim(problem, e):
    p = problem.priority[e]
    return (p == 0, p, -problem.units[e], problem.student[e])


def _brute_blocking(problem, assignment):
    """Blocking pairs, written plainly from the definition, one pair at a time."""
    pair_of = assignment.pair_of.tolist()
    holders = {}
    for e in pair_of:
        if e >= 0:
            holders.setdefault(int(problem.slot[e]), []).append(e)
    blocking = []
    for e in range(problem.n_pairs):
        i, j = int(problem.student[e]), int(problem.slot[e])
        cap = int(problem.capacity[j])
        g = -1 if problem.group is None else int(problem.group[j])
        if cap == 0 or (g >= 0 and problem.group_capacity[g] == 0):
            continue
        if pair_of[i] == e or not _prefers(problem, i, e, pair_of[i]):
            continue
        at_j = holders.get(j, [])
        weaker_at_j = any(_claim(problem, h) > _claim(problem, e) for h in at_j)
        if len(at_j) >= cap:
            ok = weaker_at_j
        elif g < 0:
            ok = True
        else:
            in_g = [h for h in pair_of if h >= 0 and problem.group[problem.slot[h]] == g]
            seats = sum(
                int(problem.capacity[s]) for s in range(problem.n_slots) if problem.group[s] == g
            )
            binding = problem.group_capacity[g] < seats
            own = pair_of[i] >= 0 and problem.group[problem.slot[pair_of[i]]] == g
            ok = (
                not binding
                or len(in_g) < problem.group_capacity[g]
                or own
                or any(_claim(problem, h) > _claim(problem, e) for h in in_g)
            )
        if ok:
            blocking.append(e)
    return blocking


@pytest.mark.parametrize("seed", range(60))
def test_stable_output_has_no_blocking_pair_by_brute_force(seed):
    rng = np.random.default_rng(seed)
    problem = _random(rng, int(rng.integers(1, 9)), int(rng.integers(1, 5)), seed % 2 == 0)
    assignment = solve(problem, method="stable")
    check_assignment(problem, assignment)
    assert _brute_blocking(problem, assignment) == []


@pytest.mark.parametrize("seed", range(30))
def test_blocking_pairs_agree_with_brute_force_on_optimal_runs(seed):
    rng = np.random.default_rng(1000 + seed)
    problem = _random(rng, int(rng.integers(1, 9)), int(rng.integers(1, 5)), seed % 2 == 0)
    assignment = solve(problem)
    assert blocking_pairs(problem, assignment).tolist() == _brute_blocking(problem, assignment)


@pytest.mark.parametrize("seed", range(20))
def test_packed_two_key_order_is_lexsort(seed):
    # Few distinct keys make long tied runs, which the packed sort must put in tie order;
    # a wide units range forces the lexsort fallback.
    rng = np.random.default_rng(500 + seed)
    k = int(rng.integers(0, 400))
    primary = rng.integers(0, 1 + seed % 5, k)
    units = rng.integers(-3, 3, k) * (2**50 if seed % 4 == 3 else 1)
    tie = rng.permutation(k)
    expected = np.lexsort((tie, -units, primary))
    assert np.array_equal(_two_key_order(primary, units, tie), expected)


@pytest.mark.parametrize("seed", range(8))
def test_claims_too_wide_to_pack_give_the_same_matching(seed):
    # Scaling priorities and scores keeps every order, but pushes the packed claim past 63
    # bits, so the solver falls back to sorting all claims; both paths must agree.
    rng = np.random.default_rng(300 + seed)
    small = _random(rng, 40, 12, seed % 2 == 0)
    wide = Problem(
        n_students=small.n_students,
        capacity=small.capacity,
        student=small.student,
        slot=small.slot,
        score=small.score * 2**37,
        student_rank=small.student_rank,
        priority=small.priority * 10**6,
        group=small.group,
        group_capacity=small.group_capacity,
        resolution=1.0,
    )
    assert _claim_values(small, 4)[1] < 40
    assert _claim_values(wide, 4)[1] == wide.n_pairs.bit_length()
    packed, sorted_ = solve(small, method="stable"), solve(wide, method="stable")
    assert np.array_equal(packed.pair_of, sorted_.pair_of)
    assert _brute_blocking(wide, sorted_) == []


def test_stable_on_generated_city_is_stable_and_scores_below_optimum():
    problem = generate_city(3000, seed=4)
    stable = solve(problem, method="stable")
    optimal = solve(problem)
    check_assignment(problem, stable)
    assert blocking_pairs(problem, stable).size == 0
    report = stability_report(problem, optimal, stable)
    assert report.optimal_blocking_pairs > 0
    assert optimal.objective >= stable.objective
    assert report.placed_gap == optimal.n_placed - stable.n_placed >= 0


def test_explain_placed_student_gives_breakdown_and_rank():
    problem = generate_city(1500, seed=2)
    assignment = solve(problem)
    i = int(np.flatnonzero(assignment.outcome == Outcome.PLACED)[0])
    why = explain(problem, assignment, i)
    assert why.outcome == Outcome.PLACED and why.slot == assignment.slot_of[i]
    assert sum(why.parts.values()) == pytest.approx(why.score)
    assert 1 <= why.rank <= why.n_candidates
    assert f"slot {why.slot}" in why.message


def test_explain_outcompeted_student_counts_stronger_claims():
    # Slot 0 has one seat; student 0 has the weaker claim (priority 2) and loses it.
    problem = Problem(
        n_students=2, capacity=[1], student=[0, 1], slot=[0, 0], score=[1.0, 1.0], priority=[2, 1]
    )
    stable = solve(problem, method="stable")
    why = explain(problem, stable, 0)
    assert why.outcome == Outcome.OUTCOMPETED
    assert (why.seats, why.n_stronger, why.best_alternative) == (1, 1, 0)


def test_explain_no_candidate_names_the_rules():
    problem = Problem(
        n_students=2,
        capacity=[1],
        student=[1],
        slot=[0],
        score=[1.0],
        excluded=[[2, 0, 1], [0, 0, 0]],
        excluded_names=("level", "age", "window"),
    )
    why = explain(problem, solve(problem), 0)
    assert why.outcome == Outcome.NO_CANDIDATE
    assert why.excluded == {"level": 2, "window": 1}
    assert "level: 2" in why.message and "window: 1" in why.message


def test_explain_rejects_bad_student():
    problem = Problem(n_students=1, capacity=[1], student=[0], slot=[0], score=[1.0])
    with pytest.raises(ValueError, match="student must be an int"):
        explain(problem, solve(problem), 1)
