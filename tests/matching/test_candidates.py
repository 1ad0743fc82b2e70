"""The vectorised candidate builder against a plain per-pair implementation of the rules."""

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from skillbridge.matching import (
    RULES,
    Rules,
    ScoreWeights,
    SlotArrays,
    StudentArrays,
    build_candidates,
    check_assignment,
    solve,
)


def _instance(rng, n=40, m=25, n_spec=4, n_occ=5, n_ent=6, n_school=3):
    students = StudentArrays(
        specialty=rng.integers(0, n_spec, n),
        level=rng.integers(1, 9, n),
        certificates=csr_matrix(rng.random((n, n_occ)) < 0.5),
        age=rng.integers(14, 20, n),
        months_used=rng.integers(0, 12, n),
        credit_blocked=rng.random(n) < 0.1,
        window_start=rng.integers(0, 100, n),
        window_end=rng.integers(200, 500, n),
        agreement_key=rng.integers(0, n_school, n),
        district=rng.integers(0, 3, n),
    )
    slots = SlotArrays(
        occupation=rng.integers(0, n_occ, m),
        post=rng.random(m) < 0.6,
        min_level=rng.integers(1, 6, m),
        certificate_required=rng.random(m) < 0.3,
        start=rng.integers(0, 200, m),
        months=rng.integers(1, 9, m),
        enterprise=rng.integers(0, n_ent, m),
        capacity=rng.integers(0, 4, m),
        district=rng.integers(0, 3, m),
    )
    spec_occ = csr_matrix(rng.random((n_spec, n_occ)) < 0.4)
    agreement = csr_matrix(rng.random((n_school, n_ent)) < 0.6)
    return students, slots, spec_occ, agreement


def _plain_rules(students, slots, spec_occ, agreement, rules, i, j):
    """The hard rules for one pair, or None if the specialty does not lead to the slot."""
    if not spec_occ[students.specialty[i], slots.occupation[j]]:
        return None
    post = slots.post[j]
    end = slots.start[j] + int(np.ceil(slots.months[j] * 365.25 / 12))
    return {
        "level": students.level[i] < slots.min_level[j],
        "certificate": bool(
            slots.certificate_required[j] and not students.certificates[i, slots.occupation[j]]
        ),
        "window": slots.start[j] < students.window_start[i] or end > students.window_end[i],
        "months": bool(post and students.months_used[i] + slots.months[j] > rules.month_cap),
        "agreement": bool(post and not agreement[students.agreement_key[i], slots.enterprise[j]]),
        "credit": bool(students.credit_blocked[i]),
        "age": bool(post and students.age[i] < rules.min_age),
    }


@pytest.mark.parametrize("seed", range(8))
def test_rules_and_exclusion_counts_match_plain_loop(seed):
    rng = np.random.default_rng(seed)
    students, slots, spec_occ, agreement = _instance(rng)
    rules = Rules(month_cap=6 + seed % 7, min_age=16)
    problem = build_candidates(students, slots, spec_occ, agreement, rules=rules)
    dense_occ, dense_agree = spec_occ.toarray(), agreement.toarray()
    expected_pairs = []
    expected_excluded = np.zeros((40, len(RULES)), dtype=int)
    plain = StudentArrays(**{**students.__dict__, "certificates": students.certificates.toarray()})
    for i in range(40):
        for j in range(25):
            fails = _plain_rules(plain, slots, dense_occ, dense_agree, rules, i, j)
            if fails is None:
                continue
            expected_excluded[i] += [fails[r] for r in RULES]
            if not any(fails.values()):
                expected_pairs.append((i, j))
    assert list(zip(problem.student.tolist(), problem.slot.tolist(), strict=True)) == expected_pairs
    assert np.array_equal(problem.excluded, expected_excluded)
    assert problem.excluded_names == RULES


def test_scores_ranks_priorities_and_groups():
    rng = np.random.default_rng(3)
    students, slots, spec_occ, agreement = _instance(rng)
    ranks = csr_matrix(np.where(rng.random((40, 25)) < 0.3, rng.integers(1, 6, (40, 25)), 0))
    ent_ranks = csr_matrix(np.where(rng.random((6, 40)) < 0.5, rng.integers(1, 9, (6, 40)), 0))
    weights = ScoreWeights(student_rank=3.0, shortage=0.25)
    shortage = rng.random(5) < 0.5
    problem = build_candidates(
        students,
        slots,
        spec_occ,
        agreement,
        student_ranks=ranks,
        enterprise_ranks=ent_ranks,
        shortage=shortage,
        weights=weights,
        enterprise_capacity=np.full(6, 2),
    )
    i, j = problem.student, problem.slot
    assert np.array_equal(problem.student_rank, ranks.toarray()[i, j])
    assert np.array_equal(problem.priority, ent_ranks.toarray()[slots.enterprise[j], i])
    top = ranks.toarray().max()
    r = problem.student_rank
    part = dict(zip(problem.part_names, problem.parts.T, strict=True))
    assert np.allclose(part["student_rank"], np.where(r > 0, 3.0 * (top + 1 - r) / top, 0))
    assert np.allclose(part["shortage"], 0.25 * shortage[slots.occupation[j]])
    assert np.allclose(part["locality"], 0.5 * (students.district[i] == slots.district[j]))
    assert np.array_equal(problem.group, slots.enterprise)
    assignment = solve(problem)
    check_assignment(problem, assignment)


def test_rankings_given_but_every_pair_excluded_leaves_an_empty_problem():
    # Everyone's specialty feeds no slot's occupation; scipy answers empty fancy indexing with
    # a sparse matrix, which once crashed the rank lookup.
    rng = np.random.default_rng(5)
    students, slots, _, agreement = _instance(rng)
    ranks = csr_matrix(np.ones((40, 25), dtype=np.int64))
    problem = build_candidates(
        students,
        slots,
        csr_matrix((4, 5), dtype=bool),
        agreement,
        student_ranks=ranks,
        enterprise_ranks=csr_matrix(np.ones((6, 40), dtype=np.int64)),
    )
    assert problem.n_pairs == 0 and problem.student_rank.size == problem.priority.size == 0
    assert solve(problem).n_placed == 0


def test_max_per_student_keeps_best_scores():
    rng = np.random.default_rng(5)
    students, slots, spec_occ, agreement = _instance(rng, n=60, m=40)
    rules = Rules(require_agreement=False, credit_bars_placement=False, min_age=0, month_cap=100)
    full = build_candidates(students, slots, spec_occ, agreement, rules=rules)
    capped = build_candidates(students, slots, spec_occ, agreement, rules=rules, max_per_student=2)
    counts = np.bincount(capped.student, minlength=60)
    assert counts.max() <= 2
    for i in range(60):
        best = np.sort(full.score[full.student == i])[::-1][:2]
        assert np.allclose(np.sort(capped.score[capped.student == i])[::-1], best)
    with pytest.raises(ValueError, match="max_per_student"):
        build_candidates(students, slots, spec_occ, agreement, max_per_student=0)


def test_shape_errors_are_precise():
    rng = np.random.default_rng(0)
    students, slots, spec_occ, agreement = _instance(rng)
    bad = SlotArrays(**{**slots.__dict__, "months": slots.months[:3]})
    with pytest.raises(ValueError, match=r"months must have shape \(25,\)"):
        build_candidates(students, bad, spec_occ, agreement)
    bad = SlotArrays(**{**slots.__dict__, "occupation": slots.occupation + 10})
    with pytest.raises(ValueError, match="occupation ids"):
        build_candidates(students, bad, spec_occ, agreement)


def test_minimum_age_follows_the_age_limited_column_not_the_post_one():
    """N1 covers 跟岗 slots, which are no post internships for the month cap (R1): a 15-year-old
    is excluded from a shadowing slot marked age-limited, and placed on the same slot unmarked."""
    students = StudentArrays(
        specialty=[0, 0],
        level=[3, 3],
        certificates=csr_matrix((2, 1), dtype=bool),
        age=[15, 16],
        months_used=[12, 12],
        credit_blocked=[False, False],
        window_start=[0, 0],
        window_end=[1000, 1000],
        agreement_key=[0, 0],
    )
    shadow = dict(occupation=[0], post=[False], min_level=[1], certificate_required=[False],
                  start=[10], months=[3], enterprise=[0], capacity=[2])  # fmt: skip
    spec_occ, agreement = csr_matrix([[True]]), csr_matrix([[True]])
    rules = Rules(month_cap=12, min_age=16)
    limited = build_candidates(
        students, SlotArrays(**shadow, age_limited=[True]), spec_occ, agreement, rules=rules
    )
    assert limited.student.tolist() == [1]
    assert dict(zip(limited.excluded_names, limited.excluded[0].tolist(), strict=True))["age"] == 1
    unlimited = build_candidates(
        students, SlotArrays(**shadow, age_limited=[False]), spec_occ, agreement, rules=rules
    )
    assert unlimited.student.tolist() == [0, 1]
