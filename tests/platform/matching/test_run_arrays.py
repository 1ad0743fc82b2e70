"""A run stores a compact copy of its arrays; explanations from it equal today's, for everyone."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillbridge.matching import Explanation, Outcome, Problem, explain_all, solve
from skillbridge.models import (
    MatchOutcome,
    MatchRun,
    MatchRunArrays,
    Placement,
    PlacementStatus,
    Region,
    Role,
    RunStatus,
    User,
)
from skillbridge.platform.database import Database
from skillbridge.platform.db import get_database
from skillbridge.platform.demo.region import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    REFERENCE_DATE,
    seed_demo_region,
)
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.matching import arrays
from skillbridge.platform.services.matching import runs as match_runs
from skillbridge.platform.services.matching.bulk import insert_columns
from skillbridge.platform.services.matching.inputs import (
    MatchInput,
    build_match_input,
    read_inputs,
)

RUN_DAY = date(2026, 6, 1)
OUTCOME_NAMES = {int(o): o.name.lower() for o in Outcome}


def _legacy_explanation(data: MatchInput, e: Explanation) -> dict[str, Any]:
    """The explanation each outcome row stored before issue 18 (runs._explanation, verbatim)."""

    def slot_id(index: int) -> int | None:
        return int(data.slot_ids[index]) if index >= 0 else None

    return {
        "outcome": OUTCOME_NAMES[int(e.outcome)],
        "message": e.message,
        "slot_id": slot_id(e.slot),
        "score": round(float(e.score), 4),
        "parts": {k: round(float(v), 4) for k, v in (e.parts or {}).items()},
        "rank": int(e.rank),
        "candidates": int(e.n_candidates),
        "excluded": {k: int(v) for k, v in (e.excluded or {}).items()},
        "stronger": int(e.n_stronger),
        "seats": int(e.seats),
        "best_alternative": slot_id(e.best_alternative),
    }


def _bureau_run(app: Flask, session: Session, method: str = "auto") -> MatchRun:
    session.commit()  # a fresh snapshot: on SQLite a stale one cannot become a writer
    bureau = session.scalars(select(User).where(User.role == Role.BUREAU)).first()
    run = match_runs.start_run(session, bureau, match_runs.RunRequest(method=method))
    session.commit()
    match_runs.execute_run(get_database(app), run.id, REFERENCE_DATE)
    session.expire_all()
    return session.get(MatchRun, run.id)


@pytest.fixture
def demo(app: Flask, session: Session) -> Session:
    """The demo region at full size (3,000 students), before its season is played."""
    seed_demo_region(session, 2026, keys=id_keys(app))
    session.commit()
    return session


def test_stored_explanations_equal_todays_for_every_student_of_the_demo_region(app, demo):
    session = demo
    run = _bureau_run(app, session)
    assert run.status == RunStatus.SUCCEEDED, run.error
    # Today's path on the same problem: the run's proposals are not live, so the region reads
    # back as the run read it; the solver is deterministic, and the assignment must be the
    # one the run stored.
    region = session.get(Region, run.region_id)
    data = build_match_input(read_inputs(session, region, REFERENCE_DATE))
    assignment = solve(data.problem, n_jobs=1)
    stored = dict(
        session.execute(
            select(MatchOutcome.student_id, MatchOutcome.slot_id).where(
                MatchOutcome.run_id == run.id
            )
        ).all()
    )
    slot_of = assignment.slot_of
    assert stored == {
        int(s): int(data.slot_ids[slot_of[i]]) if slot_of[i] >= 0 else None
        for i, s in enumerate(data.student_ids)
    }
    today = {
        int(data.student_ids[i]): _legacy_explanation(data, e)
        for i, e in enumerate(explain_all(data.problem, assignment))
    }
    rows = match_runs.run_outcomes(session, run, limit=len(today) + 1)
    recomputed = {row.outcome.student_id: row.explanation for row in rows}
    assert len(today) == run.stats["students"] == 3000
    assert {e["outcome"] for e in today.values()} == {"placed", "outcompeted", "no_candidate"}
    assert recomputed == today
    assert {row.outcome.student_id: row.outcome.rank for row in rows} == {
        s: e["rank"] for s, e in today.items()
    }


def _demo_bureau_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    response = client.post(
        "/login", data={"email": DEMO_LOGINS["bureau"], "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_the_run_page_explains_the_choice_with_a_real_blocking_pair(app, demo):
    session = demo
    run = _bureau_run(app, session)
    stability = run.stats["stability"]
    assert run.stats["blocking_pairs"] == stability["blocking_pairs"] > 0
    assert stability["optimal"]["placed"] >= stability["stable"]["placed"]
    example = match_runs.stability_example(session, run)
    assert example is not None
    client = _demo_bureau_client(app)
    page = client.get(f"/matching/runs/{run.id}").get_data(as_text=True)
    assert "最优匹配还是稳定匹配？" in page and "“阻塞对”是一名学生和一个岗位" in page
    assert example.student_name in page and example.slot_title in page
    assert "本次结果是最优匹配。" in page
    # The same page of a stable run says it is the stable one and has no blocking pair.
    stable = _bureau_run(app, session, method="stable")
    assert stable.stats["blocking_pairs"] is None
    assert stable.stats["stability"]["stable"]["placed"] == stable.stats["placed"]
    page = client.get(f"/matching/runs/{stable.id}").get_data(as_text=True)
    assert "本次结果是稳定匹配。" in page


def test_the_stored_arrays_are_compact(app, demo):
    session = demo
    run = _bureau_run(app, session)
    blob = session.scalars(select(MatchRunArrays.data)).one()
    # A few bytes per candidate pair, where one JSON explanation per student took hundreds.
    assert len(blob) < 8 * run.stats["candidates"]


def test_progress_goes_through_every_phase(app, session, world, market, monkeypatch):
    seen = []
    real = match_runs._set_progress

    def record(database: Database, run_id: int, progress: int, **values: Any) -> None:
        seen.append(progress)
        real(database, run_id, progress, **values)

    monkeypatch.setattr(match_runs, "_set_progress", record)
    run = match_runs.start_run(session, world.users["school"], match_runs.RunRequest())
    session.commit()
    match_runs.execute_run(get_database(app), run.id, RUN_DAY)
    session.expire_all()
    finished = session.get(MatchRun, run.id)
    assert seen == [
        match_runs.PROGRESS_STARTED,
        match_runs.PROGRESS_READ,
        match_runs.PROGRESS_BUILT,
        match_runs.PROGRESS_SOLVED,
        match_runs.PROGRESS_COMPARED,
    ]
    assert finished.progress == match_runs.PROGRESS_DONE
    assert set(finished.stats["timings"]) == {
        "read_s",
        "build_s",
        "solve_s",
        "compare_s",
        "store_s",
    }


def _problem(student_order: list[int], groups: bool) -> MatchInput:
    student = np.array(student_order)
    n_pairs = student.size
    extra: dict[str, Any] = {}
    if groups:
        extra = dict(group=[0, 0, -1], group_capacity=[1])
    problem = Problem(
        n_students=4,
        capacity=[1, 1, 1],
        student=student,
        slot=np.arange(n_pairs) % 3,
        score=np.linspace(0.5, 2.0, n_pairs) + 1 / 3,
        student_rank=np.arange(n_pairs) % 2,
        priority=(np.arange(n_pairs) * 7) % 3,
        resolution=1e-3,
        **extra,
    )
    return MatchInput(problem, np.array([11, 12, 13, 14]), np.array([5, 6, 7]), [], [])


@pytest.mark.parametrize("groups", [False, True])
@pytest.mark.parametrize("order", [[0, 0, 1, 1, 2, 3], [3, 1, 0, 2, 0, 1]])
def test_packed_arrays_explain_as_the_problem_does(order, groups):
    # Pairs in student order or not, with or without quotas, no parts and no exclusions.
    data = _problem(order, groups)
    assignment = solve(data.problem)
    run = arrays.unpack_run(arrays.pack_run(data, assignment))
    assert run.student_index(13) == 2 and run.student_index(99) == -1
    for student, e in enumerate(explain_all(data.problem, assignment)):
        again = arrays.explanation_dict(run, student, run.explainer.explain(student))
        assert again == _legacy_explanation(data, e)


def test_a_blob_of_another_format_is_refused():
    data = _problem([0, 1, 2, 3], False)
    blob = arrays.pack_run(data, solve(data.problem))
    assert arrays.unpack_run(blob).student_ids.tolist() == [11, 12, 13, 14]
    import io
    import zlib

    with np.load(io.BytesIO(zlib.decompress(blob))) as stored:
        fields = {name: stored[name] for name in stored.files}
    fields["format"] = np.array(arrays.FORMAT + 1)
    buffer = io.BytesIO()
    np.savez(buffer, **fields)
    with pytest.raises(ValueError, match="format"):
        arrays.unpack_run(zlib.compress(buffer.getvalue()))


def test_bulk_insert_writes_typed_rows_or_nothing(app, session, world, market):
    run = match_runs.start_run(session, world.users["school"], match_runs.RunRequest())
    session.flush()
    columns = {
        "student_id": [s.id for s in market.students[:2]],
        "slot_id": [market.slots[0].id, market.slots[1].id],
        "start_date": [date(2026, 7, 1)] * 2,
        "end_date": [date(2027, 1, 1)] * 2,
        "months": [6, 6],
        "counts_toward_cap": [True, False],
        "score": [1500, 900],
        "score_breakdown": [{"student_rank": 1.5}, {}],
    }
    constants = {"run_id": run.id, "status": PlacementStatus.PROPOSED, "created_at": RUN_DAY}
    with pytest.raises(ValueError, match="differ in length"):
        insert_columns(session, Placement.__table__, columns | {"months": [6]}, constants)
    with pytest.raises(ValueError, match="no column colour"):
        insert_columns(session, Placement.__table__, columns | {"colour": [1, 2]}, constants)
    assert session.scalar(select(func.count(Placement.id))) == 0
    assert insert_columns(session, Placement.__table__, columns, constants) == 2
    session.commit()
    rows = session.scalars(select(Placement).order_by(Placement.score)).all()
    assert [(p.status, p.counts_toward_cap, p.score_breakdown) for p in rows] == [
        (PlacementStatus.PROPOSED, False, {}),
        (PlacementStatus.PROPOSED, True, {"student_rank": 1.5}),
    ]
    assert rows[0].end_date == date(2027, 1, 1) and rows[0].run_id == run.id
