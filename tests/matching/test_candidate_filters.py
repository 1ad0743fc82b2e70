"""Accepted specialties, screening and exact end days in candidate building."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from skillbridge.matching import SlotArrays, StudentArrays, build_candidates


def _students(n: int = 2, window_end: int = 200) -> StudentArrays:
    return StudentArrays(
        specialty=[0, 1][:n],
        level=[3] * n,
        certificates=csr_matrix((n, 1)),
        age=[18] * n,
        months_used=[0] * n,
        credit_blocked=[False] * n,
        window_start=[0] * n,
        window_end=[window_end] * n,
        agreement_key=[0] * n,
    )


def _slots(end=None) -> SlotArrays:  # type: ignore[no-untyped-def]
    return SlotArrays(
        occupation=[0, 0],
        post=[False, False],
        min_level=[0, 0],
        certificate_required=[False, False],
        start=[10, 10],
        months=[6, 6],
        enterprise=[0, 0],
        capacity=[1, 1],
        end=end,
    )


# Both specialties lead to occupation 0.
SPEC_OCC = csr_matrix([[1], [1]])
AGREEMENT = csr_matrix([[1]])


def test_a_slot_with_accepted_specialties_takes_only_those():
    accepts = csr_matrix([[0, 1], [0, 0]])  # slot 0 accepts specialty 1 only; slot 1 any
    problem = build_candidates(
        _students(), _slots(), SPEC_OCC, AGREEMENT, accepted_specialties=accepts
    )
    pairs = set(zip(problem.student.tolist(), problem.slot.tolist(), strict=True))
    assert pairs == {(0, 1), (1, 0), (1, 1)}


def test_accepted_specialties_shape_is_checked():
    with pytest.raises(ValueError, match="accepted_specialties must have shape"):
        build_candidates(
            _students(), _slots(), SPEC_OCC, AGREEMENT, accepted_specialties=csr_matrix((2, 3))
        )


def test_screened_out_pairs_are_never_candidates():
    screened = csr_matrix([[1, 0], [0, 0]])
    problem = build_candidates(_students(), _slots(), SPEC_OCC, AGREEMENT, screened_out=screened)
    assert (0, 0) not in set(zip(problem.student.tolist(), problem.slot.tolist(), strict=True))
    assert problem.student.size == 3


def test_exact_end_days_decide_the_window():
    # Six months from day 10 end on day 193 by the default approximation, past a window
    # closing on day 190; the exact calendar ends given here are 188 (fits) and 191 (does not).
    students = _students(1, window_end=190)
    default = build_candidates(students, _slots(), SPEC_OCC, AGREEMENT)
    exact = build_candidates(students, _slots(end=np.array([188, 191])), SPEC_OCC, AGREEMENT)
    assert default.student.size == 0
    assert exact.slot.tolist() == [0]


def test_explain_all_equals_explain_for_every_student():
    from skillbridge.matching import explain, explain_all, generate_city, solve

    problem = generate_city(400, seed=3)
    assignment = solve(problem)
    together = explain_all(problem, assignment)
    assert together == [explain(problem, assignment, s) for s in range(problem.n_students)]
