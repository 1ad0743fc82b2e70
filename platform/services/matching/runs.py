"""Match runs: start, execute in the background, explain, review and publish as offers."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from skillbridge.matching import (
    Assignment,
    Explanation,
    Outcome,
    blocking_pairs,
    check_assignment,
    explain_all,
    solve,
)
from skillbridge.models import (
    Cohort,
    MatchOutcome,
    MatchRun,
    Placement,
    PlacementStatus,
    Region,
    Role,
    RunScope,
    RunStatus,
    School,
    Slot,
    Student,
    User,
    utcnow,
)
from skillbridge.platform.database import Database
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.matching.inputs import MatchInput, build_match_input
from skillbridge.platform.services.placements import offers
from skillbridge.platform.services.placements.months import counts_toward_cap, placement_months
from skillbridge.platform.services.policies import is_bureau_of, is_verified
from skillbridge.platform.text import N_

METHODS = ("auto", "stable")
OPEN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)
UNPUBLISHED = (RunStatus.SUCCEEDED, RunStatus.REVIEWED)
OUTCOME_NAMES = {int(o): o.name.lower() for o in Outcome}


@dataclass(frozen=True)
class RunRequest:
    """What a school or the bureau asks for: which cohorts (a school run) and which method."""

    method: str = "auto"
    cohort_ids: tuple[int, ...] = ()
    offer_days: int = 7


def _region_of(session: Session, actor: User) -> Region:
    if actor.role == Role.BUREAU:
        region = session.get(Region, actor.region_id)
    elif actor.role == Role.SCHOOL:
        school = session.get(School, actor.school_id)
        if school is None or not is_verified(school):
            raise PermissionDenied(N_("学校通过审核后才能发起匹配"))
        region = session.get(Region, school.region_id)
    else:
        raise PermissionDenied(N_("只有学校和人社局可以发起匹配"))
    assert region is not None  # foreign keys
    return region


def start_run(session: Session, actor: User, request: RunRequest) -> MatchRun:
    """Queue a run; the caller commits and then hands `run.id` to the background runner."""
    if request.method not in METHODS:
        raise InvalidInput(N_("未知的匹配方法"))
    region = _region_of(session, actor)
    cohort_ids: list[int] | None = None
    if actor.role == Role.SCHOOL:
        owned = set(session.scalars(select(Cohort.id).where(Cohort.school_id == actor.school_id)))
        chosen = set(request.cohort_ids) or owned
        if not chosen <= owned:
            raise NotFound(N_("届/班不存在"))
        cohort_ids = sorted(chosen)
    busy = session.scalar(
        select(func.count(MatchRun.id)).where(
            MatchRun.region_id == region.id, MatchRun.status.in_(OPEN_STATUSES)
        )
    )
    if busy:
        raise Conflict(N_("本地区已有正在进行的匹配，请稍后再试"))
    run = MatchRun(
        scope=RunScope.SCHOOL if actor.role == Role.SCHOOL else RunScope.REGION,
        region_id=region.id,
        school_id=actor.school_id,
        created_by_id=actor.id,
        method=request.method,
        parameters={"cohort_ids": cohort_ids, "offer_days": request.offer_days},
    )
    session.add(run)
    session.flush()
    audit.record(session, actor, "match_run.started", "match_run", run.id, run.parameters)
    return run


def can_see_run(actor: User, run: MatchRun) -> bool:
    """The school that started a school run, and the bureau of the run's region."""
    if actor.role == Role.SCHOOL:
        return run.school_id == actor.school_id
    return is_bureau_of(actor, run.region_id)


def get_run(session: Session, actor: User, run_id: int) -> MatchRun:
    run = session.get(MatchRun, run_id)
    if run is None:
        raise NotFound(N_("匹配任务不存在"))
    if not can_see_run(actor, run):
        raise PermissionDenied(N_("无权查看该匹配任务"))
    return run


def list_runs(session: Session, actor: User) -> list[MatchRun]:
    query = select(MatchRun).order_by(MatchRun.id.desc()).limit(50)
    if actor.role == Role.SCHOOL:
        query = query.where(MatchRun.school_id == actor.school_id)
    elif actor.role == Role.BUREAU:
        query = query.where(MatchRun.region_id == actor.region_id)
    else:
        return []
    return list(session.scalars(query))


def _set_progress(database: Database, run_id: int, progress: int, **values: Any) -> None:
    """Progress is committed at once in its own short transaction so the page can poll it."""
    with database.session_scope() as session:
        session.execute(
            update(MatchRun).where(MatchRun.id == run_id).values(progress=progress, **values)
        )


def execute_run(database: Database, run_id: int, today: date) -> None:
    """Build, solve, explain and store a queued run; a failure is recorded on the run.

    Reading and solving happen in a read-only session; the result is written in one short
    writing transaction, so a long solve never holds the database's write lock.
    """
    with database.sessions() as session:
        run = session.get(MatchRun, run_id)
        if run is None or run.status != RunStatus.QUEUED:
            return
        region = session.get_one(Region, run.region_id)
        method, cohort_ids = run.method, run.parameters.get("cohort_ids")
    _set_progress(database, run_id, 5, status=RunStatus.RUNNING, started_at=utcnow())
    try:
        timings: dict[str, float] = {}
        began = time.perf_counter()
        with database.sessions() as session:
            data = build_match_input(session, region, today, cohort_ids)
        timings["build_s"] = time.perf_counter() - began
        _set_progress(database, run_id, 40)
        began = time.perf_counter()
        # One process: this runs inside a web worker thread, where forking is unsafe.
        assignment = solve(data.problem, method=method, n_jobs=1)
        check_assignment(data.problem, assignment)
        timings["solve_s"] = time.perf_counter() - began
        _set_progress(database, run_id, 70)
        began = time.perf_counter()
        with database.session_scope() as session:
            run = session.get_one(MatchRun, run_id)
            stats = _store_result(session, run, data, assignment, today)
            timings["store_s"] = time.perf_counter() - began
            stats["timings"] = {k: round(v, 3) for k, v in timings.items()}
            run.stats = stats
            run.status = RunStatus.SUCCEEDED
            run.progress = 100
            run.finished_at = utcnow()
            audit.record(session, None, "match_run.succeeded", "match_run", run_id, _summary(stats))
    except Exception as exc:
        _set_progress(
            database,
            run_id,
            100,
            status=RunStatus.FAILED,
            error=str(exc)[:500],
            finished_at=utcnow(),
        )
        raise


def _summary(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: stats[k] for k in ("students", "placed", "unplaced", "method", "blocking_pairs")}


def _explanation(data: MatchInput, e: Explanation) -> dict[str, Any]:
    """The engine's explanation with slot indexes turned into slot ids."""

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


def _store_result(
    session: Session, run: MatchRun, data: MatchInput, assignment: Assignment, today: date
) -> dict[str, Any]:
    """Proposed placements for the placed, an outcome row with an explanation for everyone."""
    kinds = dict(
        session.execute(select(Slot.id, Slot.kind).where(Slot.id.in_(data.slot_ids.tolist()))).all()
    )
    outcomes: list[dict[str, Any]] = []
    placements: list[dict[str, Any]] = []
    ranks: Counter[int] = Counter()
    for student, explanation in enumerate(explain_all(data.problem, assignment)):
        detail = _explanation(data, explanation)
        slot_index = int(assignment.slot_of[student])
        student_id = int(data.student_ids[student])
        if slot_index >= 0:
            slot_id = int(data.slot_ids[slot_index])
            start = data.slot_starts[slot_index]
            end = data.slot_ends[slot_index] + timedelta(days=1)
            placements.append(
                {
                    "run_id": run.id,
                    "student_id": student_id,
                    "slot_id": slot_id,
                    "status": PlacementStatus.PROPOSED,
                    "start_date": start,
                    "end_date": end,
                    "months": placement_months(start, end),
                    "counts_toward_cap": counts_toward_cap(kinds[slot_id]),
                    "score": round(detail["score"] * 1000),
                    "score_breakdown": detail["parts"],
                    "explanation": detail,
                    "created_at": utcnow(),
                }
            )
            ranks[detail["rank"]] += 1
        outcomes.append(
            {
                "run_id": run.id,
                "student_id": student_id,
                "slot_id": detail["slot_id"] if slot_index >= 0 else None,
                "outcome": detail["outcome"],
                "rank": detail["rank"],
                "explanation": detail,
            }
        )
    # Bulk inserts: a region-wide run writes thousands of rows in one statement each.
    if placements:
        session.execute(insert(Placement), placements)
    if outcomes:
        session.execute(insert(MatchOutcome), outcomes)
    optimal = run.method != "stable"
    blocking = len(blocking_pairs(data.problem, assignment)) if optimal else None
    counts = Counter(o["outcome"] for o in outcomes)
    return {
        "students": data.problem.n_students,
        "slots": int(data.slot_ids.size),
        "seats": int(np.asarray(data.problem.capacity).sum()),
        "candidates": int(np.asarray(data.problem.student).size),
        "placed": int(assignment.n_placed),
        "unplaced": data.problem.n_students - int(assignment.n_placed),
        "no_candidate": counts.get("no_candidate", 0),
        "outcompeted": counts.get("outcompeted", 0),
        "score": round(float(assignment.score), 3),
        "method": assignment.method,
        "blocking_pairs": blocking,
        "rank_distribution": {str(k): v for k, v in sorted(ranks.items())},
        "as_of": today.isoformat(),
    }


def review_run(session: Session, actor: User, run_id: int) -> MatchRun:
    """Mark a succeeded run as reviewed: the step before its offers go out."""
    run = get_run(session, actor, run_id)
    if run.status != RunStatus.SUCCEEDED:
        raise Conflict(N_("只有已完成的匹配可以确认审阅"))
    run.status = RunStatus.REVIEWED
    audit.record(session, actor, "match_run.reviewed", "match_run", run.id)
    return run


def publish_run(session: Session, actor: User, run_id: int, today: date) -> MatchRun:
    """Send the reviewed run's proposals as offers; other unpublished runs of the region lapse."""
    run = get_run(session, actor, run_id)
    locked = session.execute(
        select(MatchRun).where(MatchRun.id == run.id).with_for_update()
    ).scalar_one()
    if locked.status != RunStatus.REVIEWED:
        raise Conflict(N_("匹配结果审阅后才能发布"))
    proposed = list(
        session.scalars(
            select(Placement.id)
            .where(Placement.run_id == run.id, Placement.status == PlacementStatus.PROPOSED)
            .order_by(Placement.id)
        )
    )
    deadline = today + timedelta(days=int(run.parameters.get("offer_days", 7)))
    offers.publish_offers(session, actor, proposed, deadline, today)
    _supersede_other_runs(session, run)
    locked.status = RunStatus.PUBLISHED
    locked.published_at = utcnow()
    audit.record(
        session, actor, "match_run.published", "match_run", run.id, {"offers": len(proposed)}
    )
    return locked


def _supersede_other_runs(session: Session, published: MatchRun) -> None:
    """Proposals of other unpublished runs would double-offer seats: they lapse."""
    others = list(
        session.scalars(
            select(MatchRun.id).where(
                MatchRun.region_id == published.region_id,
                MatchRun.id != published.id,
                MatchRun.status.in_(UNPUBLISHED),
            )
        )
    )
    if not others:
        return
    session.execute(
        update(Placement)
        .where(Placement.run_id.in_(others), Placement.status == PlacementStatus.PROPOSED)
        .values(status=PlacementStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(MatchRun)
        .where(MatchRun.id.in_(others))
        .values(status=RunStatus.SUPERSEDED)
        .execution_options(synchronize_session=False)
    )


def run_outcomes(
    session: Session, run: MatchRun, outcome: str | None = None, limit: int = 200
) -> list[tuple[MatchOutcome, str, str | None]]:
    """Per-student outcomes of a run with the student's name and the slot's title."""
    query = (
        select(MatchOutcome, Student.name, Slot.title)
        .join(Student, Student.id == MatchOutcome.student_id)
        .outerjoin(Slot, Slot.id == MatchOutcome.slot_id)
        .where(MatchOutcome.run_id == run.id)
        .order_by(MatchOutcome.student_id)
        .limit(limit)
    )
    if outcome:
        query = query.where(MatchOutcome.outcome == outcome)
    return [(row[0], row[1], row[2]) for row in session.execute(query)]
