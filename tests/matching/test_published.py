"""Published optima (OR-Library) and published stable matchings (HR, SA) as external checks."""

import json
from pathlib import Path

import numpy as np
import pytest

from skillbridge.matching import Problem, blocking_pairs, check_assignment, read_orlib, solve

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ORLIB = DATA / "orlib-assign"
HR = DATA / "hr-instances"
pytestmark = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"shared data folder {DATA} is absent (it sits beside the repo)"
)


def _optima():
    if not ORLIB.is_dir():
        return {}
    table = {}
    for line in (ORLIB / "assignopt.txt").read_text().splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].startswith("assign"):
            table[parts[0]] = int(parts[1])
    return table


OPTIMA = _optima()


def test_all_twelve_orlib_files_are_listed():
    assert len(OPTIMA) == 12


@pytest.mark.parametrize("name", sorted(OPTIMA))
def test_orlib_published_optimum(name):
    problem = read_orlib(ORLIB / f"{name}.txt")
    assignment = solve(problem)
    check_assignment(problem, assignment)
    assert assignment.n_placed == problem.n_students
    assert -assignment.units == OPTIMA[name]


@pytest.mark.parametrize("name", ["assignp800", "assignp1500", "assignp3000", "assignp5000"])
@pytest.mark.parametrize("method", ["lap", "flow"])
def test_orlib_sparse_by_other_methods(name, method):
    problem = read_orlib(ORLIB / f"{name}.txt")
    assignment = solve(problem, method=method)
    check_assignment(problem, assignment)
    assert -assignment.units == OPTIMA[name]


def _hr_problem(resident_prefs, hospital_prefs, capacities, groups=None):
    """Residents are students, hospitals are slots; the hospitals rank the residents."""
    residents = list(resident_prefs)
    hospitals = list(capacities)
    r_index = {r: i for i, r in enumerate(residents)}
    h_index = {h: j for j, h in enumerate(hospitals)}
    student, slot, rank, prio = [], [], [], []
    for r, prefs in resident_prefs.items():
        for k, h in enumerate(prefs):
            ranking = hospital_prefs[groups["of"][h] if groups else h]
            if r not in ranking:
                continue
            student.append(r_index[r])
            slot.append(h_index[h])
            rank.append(k + 1)
            prio.append(ranking.index(r) + 1)
    extra = {}
    if groups:
        names = list(groups["capacity"])
        extra = dict(
            group=[names.index(groups["of"][h]) for h in hospitals],
            group_capacity=[groups["capacity"][g] for g in names],
        )
    problem = Problem(
        n_students=len(residents),
        capacity=[capacities[h] for h in hospitals],
        student=student,
        slot=slot,
        score=np.zeros(len(student)),
        student_rank=rank,
        priority=prio,
        **extra,
    )
    return problem, residents, hospitals


def _as_hospitals(assignment, residents, hospitals):
    out = {h: [] for h in hospitals}
    for i, j in assignment.pairs.tolist():
        out[hospitals[j]].append(residents[i])
    return {h: sorted(v) for h, v in out.items()}


def _cases():
    path = HR / "small_cases.json"
    return json.loads(path.read_text())["cases"] if path.is_file() else []


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["id"])
def test_hr_published_resident_optimal(case):
    problem, residents, hospitals = _hr_problem(
        case["resident_prefs"], case["hospital_prefs"], case["capacities"]
    )
    assignment = solve(problem, method="stable")
    check_assignment(problem, assignment)
    expected = {h: sorted(case["expected_resident_optimal"].get(h, [])) for h in hospitals}
    assert _as_hospitals(assignment, residents, hospitals) == expected
    assert blocking_pairs(problem, assignment).size == 0


def test_hr_cases_are_all_present():
    assert len(_cases()) == 6


def test_sa_tutorial_published_student_optimal():
    data = json.loads((HR / "matching-sa-tutorial" / "instance_and_expected.json").read_text())
    inst = data["instance"]
    groups = {"of": inst["project_supervisors"], "capacity": inst["supervisor_capacities"]}
    problem, students, projects = _hr_problem(
        inst["student_prefs"], inst["supervisor_prefs"], inst["project_capacities"], groups
    )
    assignment = solve(problem, method="stable")
    check_assignment(problem, assignment)
    expected = {p: sorted(data["expected_student_optimal"].get(p, [])) for p in projects}
    got = _as_hospitals(assignment, students, projects)
    assert got == expected
    assert assignment.n_placed == 93
    assert blocking_pairs(problem, assignment).size == 0
