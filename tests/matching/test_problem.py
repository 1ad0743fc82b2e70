"""Validation of Problem inputs: every malformed array raises a precise ValueError."""

import numpy as np
import pytest

from skillbridge.matching import Problem

BASE = dict(n_students=2, capacity=[1, 1], student=[0, 1], slot=[0, 1], score=[1.0, 2.0])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(n_students=-1), "n_students must be a non-negative int"),
        (dict(n_students=True), "n_students must be a non-negative int"),
        (dict(capacity=[1, -1]), r"capacity\[1\] = -1 is negative"),
        (dict(capacity=[1.5, 1]), "capacity must hold integers"),
        (dict(student=[0, 2]), r"student\[1\] = 2 is out of range \[0, 2\)"),
        (dict(slot=[0, -1]), r"slot\[1\] = -1 is out of range"),
        (dict(slot=[0]), "student and slot must have the same length"),
        (dict(score=[1.0]), "student and score must have the same length"),
        (dict(score=[[1.0, 2.0]]), "score must be a 1-d array"),
        (dict(score=[1.0, np.nan]), r"score\[1\] = nan is not finite"),
        (dict(student=[0, 0], slot=[1, 1]), r"pair 1 \(student 0, slot 1\) is a duplicate"),
        (dict(resolution=0.0), "resolution must be positive"),
        (dict(score=[1.0, 1e30]), "exceeds 2\\*\\*40 units"),
        (dict(parts=[[1.0], [2.0]]), "part_names"),
        (dict(part_names=("a",)), "part_names given without parts"),
        (dict(parts=[[1.0], [1.0]], part_names=("a",)), r"parts\[1\] adds up to 1.0"),
        (dict(group=[0, 0]), "group and group_capacity must be given together"),
        (dict(group=[0], group_capacity=[1]), "group must have length n_slots=2"),
        (dict(group=[0, 1], group_capacity=[1]), r"group\[1\] = 1 is out of range \[-1, 1\)"),
        (dict(group=[0, 0], group_capacity=[-1]), r"group_capacity\[0\] = -1 is negative"),
        (dict(student_rank=[1]), "student_rank must have length n_pairs=2"),
        (dict(priority=[1, -2]), "priority must be >= 0"),
        (dict(excluded=[[1], [2]]), "excluded must have shape"),
    ],
)
def test_invalid_input_raises(change, message):
    with pytest.raises(ValueError, match=message):
        Problem(**{**BASE, **change})


def test_arrays_are_copied_and_read_only():
    student = np.array([0, 1])
    problem = Problem(**{**BASE, "student": student})
    student[0] = 1
    assert problem.student.tolist() == [0, 1]
    with pytest.raises(ValueError, match="read-only"):
        problem.capacity[0] = 5


def test_units_follow_resolution():
    problem = Problem(**{**BASE, "score": [0.0014, 0.0016], "resolution": 1e-3})
    assert problem.units.tolist() == [1, 2]
    assert (problem.n_slots, problem.n_pairs, problem.n_groups) == (2, 2, 0)
