"""Match runs from the database: results, explanations, publishing, follow-up runs, background."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import func, select

from skillbridge.models import (
    Certificate,
    MatchOutcome,
    MatchRun,
    Occupation,
    Placement,
    PlacementStatus,
    Role,
    RunStatus,
    StaffRole,
)
from skillbridge.platform.db import get_database
from skillbridge.platform.services.errors import Conflict, PermissionDenied
from skillbridge.platform.services.matching import runs as match_runs
from skillbridge.platform.services.placements import offers

RUN_DAY = date(2026, 6, 1)


def _run(app, session, user, **request) -> MatchRun:  # type: ignore[no-untyped-def]
    run = match_runs.start_run(session, user, match_runs.RunRequest(**request))
    session.commit()
    match_runs.execute_run(get_database(app), run.id, RUN_DAY)
    session.expire_all()
    return session.get(MatchRun, run.id)


def test_a_school_run_places_as_many_as_the_seats_allow(app, session, world, market):
    run = _run(app, session, world.users["school"])
    assert run.status == RunStatus.SUCCEEDED
    # World's own student has its own cohort and no fitting slot: 6 students, 3 seats fit.
    assert run.stats["students"] == 6
    assert run.stats["placed"] == 3 and run.stats["unplaced"] == 3
    assert run.stats["rank_distribution"] == {"1": 2, "2": 1}
    proposed = session.scalars(select(Placement).where(Placement.run_id == run.id)).all()
    per_slot = {slot.id: 0 for slot in market.slots}
    for placement in proposed:
        per_slot[placement.slot_id] += 1
        assert placement.status == PlacementStatus.PROPOSED
        assert placement.months == 6 and placement.counts_toward_cap
    assert [per_slot[s.id] for s in market.slots] == [2, 1, 0]
    assert (
        session.scalar(select(func.count(MatchOutcome.id)).where(MatchOutcome.run_id == run.id))
        == 6
    )


def test_every_unplaced_student_gets_a_reason(app, session, world, market):
    run = _run(app, session, world.users["school"])
    outcomes = session.scalars(select(MatchOutcome).where(MatchOutcome.run_id == run.id)).all()
    by_student = {o.student_id: o for o in outcomes}
    lonely = by_student[world.student.id]
    assert lonely.outcome == "no_candidate"
    beaten = [o for o in outcomes if o.outcome == "outcompeted"]
    assert len(beaten) == 2
    # Explanations are computed on demand from the run's stored arrays.
    explained = {
        row.outcome.student_id: row.explanation for row in match_runs.run_outcomes(session, run)
    }
    assert all(
        explained[o.student_id]["seats"] == 3 and explained[o.student_id]["candidates"] == 2
        for o in beaten
    )


def test_publish_then_follow_up_run_fills_only_what_is_left(app, session, world, market):
    school = world.users["school"]
    run = _run(app, session, school)
    match_runs.review_run(session, school, run.id)
    match_runs.publish_run(session, school, run.id, RUN_DAY)
    session.commit()
    offered = session.scalars(
        select(Placement).where(
            Placement.run_id == run.id, Placement.status == PlacementStatus.OFFERED
        )
    ).all()
    assert len(offered) == 3
    # One student accepts, one declines: the decline frees a seat for a follow-up run.
    from skillbridge.models import User

    def user_of(student_id: int) -> User:
        return session.scalar(select(User).where(User.student_id == student_id)) or _student_user(
            session, student_id
        )

    offers.accept_offer(session, user_of(offered[0].student_id), offered[0].id, RUN_DAY)
    offers.decline_offer(session, user_of(offered[1].student_id), offered[1].id, RUN_DAY)
    session.commit()
    follow_up = _run(app, session, school)
    # Still unplaced: the 2 outcompeted + the decliner + world's student. Seats left: the one
    # the decline freed (the accepted seat and the outstanding offer stay held), plus the 3 on
    # the slot nobody fits.
    assert follow_up.stats["students"] == 4
    assert follow_up.stats["seats"] == 1 + 3
    assert follow_up.stats["placed"] == 1


def _student_user(session, student_id: int):  # type: ignore[no-untyped-def]
    from support import PASSWORD_HASH

    from skillbridge.models import User
    from skillbridge.platform.services.accounts.registration import new_session_token

    user = User(
        email=f"s{student_id}@example.cn",
        display_name="学生",
        password_hash=PASSWORD_HASH,
        role=Role.STUDENT,
        staff_role=StaffRole.SELF,
        student_id=student_id,
        session_token=new_session_token(),
    )
    session.add(user)
    session.flush()
    return user


def test_publishing_needs_review_and_only_once(app, session, world, market):
    school = world.users["school"]
    run = _run(app, session, school)
    with pytest.raises(Conflict):
        match_runs.publish_run(session, school, run.id, RUN_DAY)
    session.rollback()
    match_runs.review_run(session, school, run.id)
    match_runs.publish_run(session, school, run.id, RUN_DAY)
    session.commit()
    with pytest.raises(Conflict):
        match_runs.publish_run(session, school, run.id, RUN_DAY)
    session.rollback()


def test_publishing_supersedes_other_unpublished_runs(app, session, world, market):
    school = world.users["school"]
    first = _run(app, session, school)
    second = _run(app, session, school)
    match_runs.review_run(session, school, second.id)
    match_runs.publish_run(session, school, second.id, RUN_DAY)
    session.commit()
    session.expire_all()
    assert session.get(MatchRun, first.id).status == RunStatus.SUPERSEDED
    left = session.scalar(
        select(func.count(Placement.id)).where(
            Placement.run_id == first.id, Placement.status == PlacementStatus.PROPOSED
        )
    )
    assert left == 0


def test_stable_run_reports_no_blocking_pair_count(app, session, world, market):
    run = _run(app, session, world.users["bureau"], method="stable")
    assert run.status == RunStatus.SUCCEEDED and run.stats["blocking_pairs"] is None
    assert run.stats["placed"] == 3


def test_other_tenants_cannot_see_a_run(app, session, world, market, make_school, make_user):
    run = _run(app, session, world.users["school"])
    stranger = make_user(Role.SCHOOL, school_id=make_school(world.region).id)
    session.commit()
    with pytest.raises(PermissionDenied):
        match_runs.get_run(session, stranger, run.id)
    with pytest.raises(PermissionDenied):
        match_runs.start_run(session, world.users["enterprise"], match_runs.RunRequest())


def _wait_for(session, run_id: int, seconds: float = 60) -> MatchRun:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        session.expire_all()
        run = session.get(MatchRun, run_id)
        session.commit()
        if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} did not finish in {seconds} s")


def test_the_page_starts_a_background_run_and_shows_the_result(login_as, session, world, market):
    client = login_as(world.users["school"])
    response = client.post("/matching/runs", data={"method": "auto", "offer_days": 7})
    assert response.status_code == 302
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    status = client.get(f"/matching/runs/{run_id}/status").get_json()
    assert status["status"] in ("queued", "running", "succeeded")
    run = _wait_for(session, run_id)
    assert run.status == RunStatus.SUCCEEDED, run.error
    page = client.get(f"/matching/runs/{run_id}").get_data(as_text=True)
    assert "志愿命中分布" in page and "没有符合硬性规则的岗位" in page


def test_runs_go_through_rq_when_redis_is_configured(app, session, world, market, redis_url):
    import redis

    from skillbridge.platform.background import MATCHING_QUEUE as QUEUE_NAME
    from skillbridge.platform.background import run_worker
    from skillbridge.platform.match_jobs import enqueue_run

    connection = redis.Redis.from_url(redis_url)
    connection.delete(f"rq:queue:{QUEUE_NAME}")
    app.config["REDIS_URL"] = redis_url
    run = match_runs.start_run(session, world.users["bureau"], match_runs.RunRequest())
    session.commit()
    enqueue_run(app, run.id)
    assert connection.llen(f"rq:queue:{QUEUE_NAME}") == 1
    run_worker(redis_url, burst=True)
    finished = _wait_for(session, run.id, seconds=5)
    assert finished.status == RunStatus.SUCCEEDED and finished.stats["placed"] == 3


def test_an_employment_access_occupation_needs_a_certificate_in_a_run(app, session, world, market):
    # R7: 车工 becomes an occupation of employment access; the slots do not say so themselves.
    occupation = session.get(Occupation, market.slots[0].occupation_id)
    occupation.requires_certificate = True
    assert not any(slot.certificate_required for slot in market.slots)
    session.commit()
    run = _run(app, session, world.users["school"])
    assert run.stats["placed"] == 0
    outcomes = session.scalars(select(MatchOutcome).where(MatchOutcome.run_id == run.id)).all()
    assert {o.outcome for o in outcomes} == {"no_candidate"}
    session.add(
        Certificate(
            person_id=market.students[0].person_id,
            occupation_id=occupation.id,
            level=2,
            issued_on=date(2025, 6, 1),
            number="R7-TEST-0001",
        )
    )
    session.commit()
    run = _run(app, session, world.users["school"])
    placed = session.scalars(select(Placement.student_id).where(Placement.run_id == run.id)).all()
    assert placed == [market.students[0].id]
