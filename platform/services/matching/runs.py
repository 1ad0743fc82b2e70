"""Match runs: start, execute in the background, explain, review and publish as offers."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

import numpy as np
from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from skillbridge.matching import (
    Assignment,
    Explainer,
    Outcome,
    blocking_pairs,
    check_assignment,
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
from skillbridge.platform.services.matching.arrays import (
    DECIMALS,
    OUTCOME_NAMES,
    arrays_row,
    explain_students,
    pack_run,
)
from skillbridge.platform.services.matching.bulk import insert_columns
from skillbridge.platform.services.matching.inputs import MatchInput, build_match_input, read_inputs
from skillbridge.platform.services.placements import offers
from skillbridge.platform.services.placements.months import counts_toward_cap, placement_months
from skillbridge.platform.services.policies import (
    acts_for_school,
    can_run_region_matching,
    is_verified,
)
from skillbridge.platform.text import N_

METHODS = ("auto", "stable")
OPEN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)
UNPUBLISHED = (RunStatus.SUCCEEDED, RunStatus.REVIEWED)
DEFAULT_OFFER_DAYS = 7
RUNS_LISTED = 50
OUTCOMES_SHOWN = 200  # students per page of a run's results
ERROR_CHARS = 500  # of a failed run's error kept on the run
PLACEMENT_SCORE_SCALE = 1000  # Placement.score is the run's score in thousandths
STATS_DECIMALS = 3
# The run page's progress bar (percent) as each phase of execute_run ends.
PROGRESS_STARTED = 5
PROGRESS_READ = 25
PROGRESS_BUILT = 40
PROGRESS_SOLVED = 70
PROGRESS_COMPARED = 80
PROGRESS_DONE = 100


@dataclass(frozen=True)
class RunRequest:
    """What a school or the bureau asks for: which cohorts (a school run) and which method."""

    method: str = "auto"
    cohort_ids: tuple[int, ...] = ()
    offer_days: int = DEFAULT_OFFER_DAYS


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
        return run.school_id is not None and acts_for_school(actor, run.school_id)
    return can_run_region_matching(actor, run.region_id)


def get_run(session: Session, actor: User, run_id: int) -> MatchRun:
    run = session.get(MatchRun, run_id)
    if run is None:
        raise NotFound(N_("匹配任务不存在"))
    if not can_see_run(actor, run):
        raise PermissionDenied(N_("无权查看该匹配任务"))
    return run


def list_runs(session: Session, actor: User) -> list[MatchRun]:
    query = select(MatchRun).order_by(MatchRun.id.desc()).limit(RUNS_LISTED)
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
    """Read, build, solve, compare and store a queued run; a failure is recorded on the run.

    Reading and solving happen in read-only sessions; the result is written in one short
    writing transaction, so a long solve never holds the database's write lock (and no progress
    is written during the store: on SQLite it would wait for that very lock).
    """
    with database.sessions() as session:
        run = session.get(MatchRun, run_id)
        if run is None or run.status != RunStatus.QUEUED:
            return
        region = session.get_one(Region, run.region_id)
        method, cohort_ids = run.method, run.parameters.get("cohort_ids")
    _set_progress(database, run_id, PROGRESS_STARTED, status=RunStatus.RUNNING, started_at=utcnow())
    try:
        timings: dict[str, float] = {}
        clock = _Clock(timings)
        with database.sessions() as session:
            rows = read_inputs(session, region, today, cohort_ids)
        clock.lap("read_s")
        _set_progress(database, run_id, PROGRESS_READ)
        data = build_match_input(rows)
        del rows
        clock.lap("build_s")
        _set_progress(database, run_id, PROGRESS_BUILT)
        # One process: this runs inside a web worker thread, where forking is unsafe.
        assignment = solve(data.problem, method=method, n_jobs=1)
        check_assignment(data.problem, assignment)
        clock.lap("solve_s")
        _set_progress(database, run_id, PROGRESS_SOLVED)
        stability = _compare(data, assignment, method)
        clock.lap("compare_s")
        _set_progress(database, run_id, PROGRESS_COMPARED)
        with database.session_scope() as session:
            run = session.get_one(MatchRun, run_id)
            stats = _store_result(session, run, data, assignment, today)
            stats["stability"] = stability
            # This run's own blocking pairs: none for a stable run, by construction.
            stats["blocking_pairs"] = stability["blocking_pairs"] if method != "stable" else None
            clock.lap("store_s")
            stats["timings"] = {k: round(v, 3) for k, v in timings.items()}
            run.stats = stats
            run.status = RunStatus.SUCCEEDED
            run.progress = PROGRESS_DONE
            run.finished_at = utcnow()
            audit.record(session, None, "match_run.succeeded", "match_run", run_id, _summary(stats))
    except Exception as exc:
        _set_progress(
            database,
            run_id,
            PROGRESS_DONE,
            status=RunStatus.FAILED,
            error=str(exc)[:ERROR_CHARS],
            finished_at=utcnow(),
        )
        raise


class _Clock:
    """Wall seconds per phase, each measured from the end of the one before."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.mark = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.timings[phase] = now - self.mark
        self.mark = now


def _summary(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: stats[k] for k in ("students", "placed", "unplaced", "method", "blocking_pairs")}


def _compare(data: MatchInput, assignment: Assignment, method: str) -> dict[str, Any]:
    """The run against the other method: what stability costs, in students and in score.

    The blocking pairs are those of the optimal assignment (the stable one has none); the
    example is the first of them, a real student and slot of the run.
    """
    problem = data.problem
    if method == "stable":
        stable, optimal = assignment, solve(problem, method="auto", n_jobs=1)
    else:
        optimal, stable = assignment, solve(problem, method="stable")
    pairs = blocking_pairs(problem, optimal)
    example = None
    if pairs.size:
        pair = int(pairs[0])
        student, slot = int(problem.student[pair]), int(problem.slot[pair])
        own = int(optimal.slot_of[student])
        load = int(np.count_nonzero(optimal.slot_of == slot))
        example = {
            "student_id": int(data.student_ids[student]),
            "slot_id": int(data.slot_ids[slot]),
            "own_slot_id": int(data.slot_ids[own]) if own >= 0 else None,
            "free_seat": load < int(problem.capacity[slot]),
        }
    return {
        "optimal": {"placed": optimal.n_placed, "score": round(optimal.score, STATS_DECIMALS)},
        "stable": {"placed": stable.n_placed, "score": round(stable.score, STATS_DECIMALS)},
        "blocking_pairs": int(pairs.size),
        "blocking_students": int(np.unique(problem.student[pairs]).size),
        "example": example,
    }


def _store_result(
    session: Session, run: MatchRun, data: MatchInput, assignment: Assignment, today: date
) -> dict[str, Any]:
    """Proposed placements for the placed, an outcome row for everyone, the run's arrays.

    Rows are built column by column from the assignment's arrays and written in bulk; no
    explanation is computed here (the page explains the students it shows, from the arrays).
    """
    problem = data.problem
    ranks = Explainer(problem, assignment).ranks()
    placed = np.flatnonzero(assignment.slot_of >= 0)
    slot_of = assignment.slot_of[placed]
    pairs = assignment.pair_of[placed]
    used = np.unique(slot_of).tolist()
    kinds = dict(
        session.execute(
            select(Slot.id, Slot.kind).where(Slot.id.in_(data.slot_ids[used].tolist()))
        ).all()
    )
    starts = {s: data.slot_starts[s] for s in used}
    ends = {s: data.slot_ends[s] + timedelta(days=1) for s in used}
    months = {s: placement_months(starts[s], ends[s]) for s in used}
    counts = {s: counts_toward_cap(kinds[int(data.slot_ids[s])]) for s in used}
    slots = slot_of.tolist()
    if problem.parts is None:
        breakdowns: list[dict[str, float]] = [{} for _ in slots]
    else:
        breakdowns = [
            dict(zip(problem.part_names, [round(v, DECIMALS) for v in row], strict=True))
            for row in problem.parts[pairs].tolist()
        ]
    insert_columns(
        session,
        cast(Table, Placement.__table__),
        {
            "student_id": data.student_ids[placed].tolist(),
            "slot_id": data.slot_ids[slot_of].tolist(),
            "start_date": [starts[s] for s in slots],
            "end_date": [ends[s] for s in slots],
            "months": [months[s] for s in slots],
            "counts_toward_cap": [counts[s] for s in slots],
            "score": [
                round(round(v, DECIMALS) * PLACEMENT_SCORE_SCALE)
                for v in problem.score[pairs].tolist()
            ],
            "score_breakdown": breakdowns,
        },
        {"run_id": run.id, "status": PlacementStatus.PROPOSED, "created_at": utcnow()},
    )
    slot_ids = data.slot_ids.tolist()
    insert_columns(
        session,
        cast(Table, MatchOutcome.__table__),
        {
            "student_id": data.student_ids.tolist(),
            "slot_id": [slot_ids[s] if s >= 0 else None for s in assignment.slot_of.tolist()],
            "outcome": [OUTCOME_NAMES[o] for o in assignment.outcome.tolist()],
            "rank": ranks.tolist(),
        },
        {"run_id": run.id},
    )
    session.add(arrays_row(run.id, pack_run(data, assignment)))
    outcomes = np.bincount(assignment.outcome, minlength=len(OUTCOME_NAMES))
    hits = Counter(ranks[placed].tolist())
    return {
        "students": problem.n_students,
        "slots": int(data.slot_ids.size),
        "seats": int(np.asarray(problem.capacity).sum()),
        "candidates": problem.n_pairs,
        "placed": int(assignment.n_placed),
        "unplaced": problem.n_students - int(assignment.n_placed),
        "no_candidate": int(outcomes[Outcome.NO_CANDIDATE]),
        "outcompeted": int(outcomes[Outcome.OUTCOMPETED]),
        "score": round(float(assignment.score), STATS_DECIMALS),
        "method": assignment.method,
        "rank_distribution": {str(k): v for k, v in sorted(hits.items())},
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
    deadline = today + timedelta(days=int(run.parameters.get("offer_days", DEFAULT_OFFER_DAYS)))
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


@dataclass(frozen=True)
class OutcomeRow:
    """One line of a run's results: the student's outcome, names, and why (None: not kept)."""

    outcome: MatchOutcome
    student_name: str
    slot_title: str | None
    explanation: dict[str, Any] | None


def run_outcomes(
    session: Session, run: MatchRun, outcome: str | None = None, limit: int = OUTCOMES_SHOWN
) -> list[OutcomeRow]:
    """Per-student outcomes of a run with the student's name, the slot's title and why."""
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
    rows = session.execute(query).all()
    explained = explain_students(session, run.id, [row.student_id for row, _, _ in rows])
    return [
        OutcomeRow(row, name, title, explained.get(row.student_id)) for row, name, title in rows
    ]


@dataclass(frozen=True)
class StabilityExample:
    """A real blocking pair of a run, named for the page."""

    student_name: str
    slot_title: str
    own_slot_title: str | None
    free_seat: bool


def stability_example(session: Session, run: MatchRun) -> StabilityExample | None:
    """The blocking pair the run recorded as its example, with names; None if there is none."""
    example = (run.stats.get("stability") or {}).get("example")
    if not example:
        return None
    student = session.get(Student, example["student_id"])
    slot = session.get(Slot, example["slot_id"])
    own = session.get(Slot, example["own_slot_id"]) if example["own_slot_id"] else None
    if student is None or slot is None:
        return None
    return StabilityExample(
        student_name=student.name,
        slot_title=slot.title,
        own_slot_title=own.title if own is not None else None,
        free_seat=bool(example["free_seat"]),
    )
