"""The coupled generator mode: one market whose families are linked into one component."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import bmat, csr_matrix
from scipy.sparse.csgraph import connected_components

from skillbridge.matching import generate_city, solve


def _largest_component_students(problem) -> int:  # type: ignore[no-untyped-def]
    graph = csr_matrix(
        (np.ones(problem.n_pairs), (problem.student, problem.slot)),
        shape=(problem.n_students, problem.n_slots),
    )
    _, label = connected_components(bmat([[None, graph], [graph.T, None]]), directed=False)
    student_label = label[: problem.n_students]
    with_candidates = np.unique(problem.student)
    return int(np.bincount(student_label[with_candidates]).max())


def test_coupled_city_is_one_component_and_the_split_city_is_not():
    split = generate_city(40_000, seed=4)
    coupled = generate_city(40_000, seed=4, coupled=True)
    placed_students = np.unique(coupled.student).size
    # Every student with a candidate belongs to the one big component of the coupled city.
    assert _largest_component_students(coupled) == placed_students
    # The region split leaves the largest component far below a region's 20,000 students.
    assert _largest_component_students(split) < 20_000


def test_cross_family_candidates_are_unranked_extra_slots():
    alone = generate_city(5_000, seed=7, coupled=True, cross_share=0.0)
    linked = generate_city(5_000, seed=7, coupled=True, cross_share=0.5, cross_candidates=3)
    # The same market, plus the cross-family pairs appended after the family's own ones.
    own = alone.n_pairs
    assert np.array_equal(linked.student[:own], alone.student)
    assert np.array_equal(linked.slot[:own], alone.slot)
    extra_students = linked.student[own:]
    assert np.all(linked.student_rank[own:] == 0)
    assert np.bincount(extra_students).max() <= 3
    served = np.unique(alone.student).size
    assert 0.4 * served < np.unique(extra_students).size < 0.6 * served


@pytest.mark.parametrize("seed", range(6))
def test_coupled_instances_solve_to_the_same_optimum_as_whole_ortools(seed):
    problem = generate_city(3_000, seed=seed, coupled=True)
    auto = solve(problem)
    whole = solve(problem, method="flow")
    assert (auto.n_placed, auto.units) == (whole.n_placed, whole.units)


def test_coupled_mode_is_reproducible_from_its_seed():
    first = generate_city(2_000, seed=11, coupled=True)
    second = generate_city(2_000, seed=11, coupled=True)
    assert np.array_equal(first.student, second.student)
    assert np.array_equal(first.slot, second.slot)
    assert np.array_equal(first.units, second.units)
