"""The Explainer gives, student by student, exactly what explain_all gives for everyone."""

import doctest

import numpy as np
import pytest

import skillbridge.matching._explainer
from skillbridge.matching import Explainer, Problem, explain_all, generate_city, solve


def _random(rng, n, m, groups, parts):
    """A small problem with ties (integer scores), ranks, priorities and optional extras."""
    mask = rng.random((n, m)) < 0.5
    student, slot = np.nonzero(mask)
    k = student.size
    order = rng.permutation(k)  # pairs not grouped by student
    student, slot = student[order], slot[order]
    score = rng.integers(0, 5, k).astype(float)
    extra = {}
    if groups:
        n_groups = max(1, m // 2)
        extra |= dict(
            group=rng.integers(-1, n_groups, m), group_capacity=rng.integers(0, 3, n_groups)
        )
    if parts:
        first = rng.integers(0, 3, k).astype(float)
        extra |= dict(parts=np.column_stack([first, score - first]), part_names=("a", "b"))
        extra |= dict(excluded=rng.integers(0, 3, (n, 2)), excluded_names=("x", "y"))
    return Problem(
        n_students=n,
        capacity=rng.integers(0, 3, m),
        student=student,
        slot=slot,
        score=score,
        student_rank=rng.integers(0, 4, k),
        priority=rng.integers(0, 4, k),
        **extra,
    )


def test_docstring_examples():
    result = doctest.testmod(skillbridge.matching._explainer, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("seed", range(60))
def test_explainer_equals_explain_all_for_every_student(seed):
    rng = np.random.default_rng(seed)
    problem = _random(rng, int(rng.integers(1, 9)), int(rng.integers(1, 7)), seed % 2, seed % 3)
    for method in ("auto", "stable"):
        assignment = solve(problem, method=method)
        explainer = Explainer(problem, assignment)
        everyone = explain_all(problem, assignment)
        assert [explainer.explain(s) for s in range(problem.n_students)] == everyone
        assert explainer.ranks().tolist() == [e.rank for e in everyone]


def test_explainer_equals_explain_all_on_a_generated_city():
    problem = generate_city(3000, seed=3)
    assignment = solve(problem, n_jobs=1)
    explainer = Explainer(problem, assignment)
    everyone = explain_all(problem, assignment)
    assert [explainer.explain(s) for s in range(problem.n_students)] == everyone
    assert explainer.ranks().tolist() == [e.rank for e in everyone]


def test_explainer_rejects_a_bad_student_and_a_foreign_assignment():
    problem = Problem(n_students=2, capacity=[1], student=[0, 1], slot=[0, 0], score=[1.0, 2.0])
    explainer = Explainer(problem, solve(problem))
    assert explainer.explain(1).slot == 0  # the positive control
    for bad in (2, -1, True, 1.0):
        with pytest.raises(ValueError, match="student must be an int"):
            explainer.explain(bad)
    other = Problem(n_students=3, capacity=[1], student=[0], slot=[0], score=[1.0])
    with pytest.raises(ValueError, match="assignment has 3 students"):
        Explainer(problem, solve(other))
