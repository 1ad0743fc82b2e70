"""A board's figures as last counted (the supervision view's): kept, shown with their time,
refreshed once old."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from supervision_support import TODAY, Seeder

from skillbridge.models import FiguresSnapshot, IncidentSeverity, IncidentStatus, JournalStatus
from skillbridge.platform.background import FIGURES_QUEUE, run_worker
from skillbridge.platform.db import get_database
from skillbridge.platform.figures_jobs import enqueue_refresh
from skillbridge.platform.policy.supervision import quality_settings
from skillbridge.platform.services.errors import PermissionDenied
from skillbridge.platform.services.oversight import supervision_snapshot
from skillbridge.platform.services.oversight.supervision import supervision
from skillbridge.platform.services.reporting import snapshots

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
MAX_AGE = timedelta(minutes=quality_settings().figures_max_age_minutes)
URL = "/bureau/dashboard/supervision"
BOARD = supervision_snapshot.BOARD


@pytest.fixture
def seed(world, session, factories):  # type: ignore[no-untyped-def]
    seeder = Seeder(session, factories, world.users["school"])
    placement = seeder.placement(world.school, world.enterprise)
    seeder.journal(placement, 10, JournalStatus.CONFIRMED, date(2026, 3, 9))
    session.commit()
    seeder.first = placement  # type: ignore[attr-defined]
    return seeder


def _view(app, session, bureau, now):  # type: ignore[no-untyped-def]
    """What the page does: the snapshot in a writing transaction, then the page's figures."""
    with get_database(app).session_scope() as writer:
        counted, stale_region = snapshots.for_bureau(writer, BOARD, bureau, TODAY, now)
    shown = supervision(session, bureau, TODAY, counted=counted)
    session.rollback()
    return shown, stale_region


def test_figures_are_kept_until_they_are_old(app, session, world, seed) -> None:  # type: ignore[no-untyped-def]
    bureau = world.users["bureau"]
    first, stale = _view(app, session, bureau, NOW)
    assert (first.totals.submitted, stale) == (1, None)
    seed.journal(seed.first, 11, JournalStatus.SUBMITTED, date(2026, 3, 16))
    seed.incident(seed.first, IncidentSeverity.MINOR)
    session.commit()
    # Within the maximum age the journal figures are the stored ones; incidents are live.
    kept, stale = _view(app, session, bureau, NOW + MAX_AGE - timedelta(seconds=1))
    assert (kept.totals.submitted, stale) == (1, None)
    assert kept.incidents[IncidentSeverity.MINOR][IncidentStatus.OPEN] == 1
    assert kept.counted_at.replace(tzinfo=UTC) == NOW
    # Counted live (no snapshot given), the same service sees the new journal: the control.
    assert supervision(session, bureau, TODAY).totals.submitted == 2


def test_an_old_snapshot_is_refreshed_by_one_caller(app, session, world, seed) -> None:  # type: ignore[no-untyped-def]
    bureau = world.users["bureau"]
    _view(app, session, bureau, NOW)
    seed.journal(seed.first, 11, JournalStatus.SUBMITTED, date(2026, 3, 16))
    session.commit()
    later = NOW + MAX_AGE + timedelta(seconds=1)
    shown, stale = _view(app, session, bureau, later)
    assert (shown.totals.submitted, stale) == (1, world.region.id)  # the old figures, shown
    # A second view meanwhile finds the refresh claimed and does not start another.
    assert _view(app, session, bureau, later + timedelta(seconds=1))[1] is None
    snapshots.refresh(get_database(app), BOARD, world.region.id, TODAY, later)
    refreshed, stale = _view(app, session, bureau, later + timedelta(seconds=2))
    assert (refreshed.totals.submitted, stale) == (2, None)
    assert session.get(FiguresSnapshot, (world.region.id, BOARD.name)).refresh_claimed_at is None
    session.rollback()


def test_a_refresh_that_died_is_taken_over(app, session, world, seed) -> None:  # type: ignore[no-untyped-def]
    bureau = world.users["bureau"]
    _view(app, session, bureau, NOW)
    claimed_at = NOW + MAX_AGE + timedelta(seconds=1)
    assert _view(app, session, bureau, claimed_at)[1] == world.region.id
    assert _view(app, session, bureau, claimed_at + MAX_AGE)[1] is None  # still under way
    assert (
        _view(app, session, bureau, claimed_at + MAX_AGE + timedelta(seconds=1))[1]
        == world.region.id
    )


def test_a_new_day_refreshes_the_figures(app, session, world, seed) -> None:  # type: ignore[no-untyped-def]
    bureau, region_id = world.users["bureau"], world.region.id
    with get_database(app).session_scope() as writer:
        snapshots.for_bureau(writer, BOARD, bureau, TODAY - timedelta(days=1), NOW)
    # Yesterday's figures a minute old: today's weeks due differ, so they are refreshed.
    yesterdays, stale = _view(app, session, bureau, NOW + timedelta(minutes=1))
    assert (yesterdays.counted_at.replace(tzinfo=UTC), stale) == (NOW, region_id)
    snapshots.refresh(get_database(app), BOARD, region_id, TODAY, NOW)
    row = session.get(FiguresSnapshot, (region_id, BOARD.name))
    assert (row.computed_for, row.refresh_claimed_at) == (TODAY, None)
    session.rollback()
    # The control: today's figures a minute old are kept.
    assert _view(app, session, bureau, NOW + timedelta(minutes=1))[1] is None


def test_only_the_bureau_reads_the_snapshot(session, world, seed) -> None:  # type: ignore[no-untyped-def]
    for role in ("school", "enterprise", "student"):
        with pytest.raises(PermissionDenied):
            snapshots.for_bureau(session, BOARD, world.users[role], TODAY, NOW)
    assert session.get(FiguresSnapshot, (world.region.id, BOARD.name)) is None
    counted, _ = snapshots.for_bureau(session, BOARD, world.users["bureau"], TODAY, NOW)
    assert sum(f.submitted for f in counted.schools.journals.values()) == 1


def _wait_for_refresh(session, region_id, after):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        session.rollback()  # a new transaction sees the refresh's commit (SQLite's WAL too)
        row = session.get(FiguresSnapshot, (region_id, BOARD.name), populate_existing=True)
        if row.computed_at.replace(tzinfo=UTC) > after:
            return row
        time.sleep(0.05)
    raise AssertionError("the refresh did not store new figures")


def _age_the_snapshot(session, region_id):  # type: ignore[no-untyped-def]
    row = session.get(FiguresSnapshot, (region_id, BOARD.name))
    row.computed_at = datetime.now(UTC) - MAX_AGE - timedelta(minutes=1)
    session.commit()
    return row.computed_at


def test_the_page_shows_when_it_counted_and_refreshes_in_a_thread(  # type: ignore[no-untyped-def]
    app, client, login_as, session, world, seed
) -> None:
    app.config["REDIS_URL"] = None
    bureau = login_as(world.users["bureau"])
    page = bureau.get(URL).get_data(as_text=True)
    assert 'id="supervision-counted"' in page
    aged = _age_the_snapshot(session, world.region.id)
    seed.journal(seed.first, 11, JournalStatus.SUBMITTED, date(2026, 3, 16))
    session.commit()
    assert bureau.get(URL).status_code == 200
    row = _wait_for_refresh(session, world.region.id, aged)
    assert sum(f[1] for f in row.figures["schools"]["journals"].values()) == 2


def test_a_refresh_goes_through_rq_when_redis_is_configured(  # type: ignore[no-untyped-def]
    app, session, world, seed, redis_url
) -> None:
    import redis

    connection = redis.Redis.from_url(redis_url)
    connection.delete(f"rq:queue:{FIGURES_QUEUE}")
    app.config["REDIS_URL"] = redis_url
    with get_database(app).session_scope() as writer:
        snapshots.for_bureau(writer, BOARD, world.users["bureau"], TODAY, NOW)
    aged = _age_the_snapshot(session, world.region.id)
    enqueue_refresh(app, BOARD.name, world.region.id)
    assert connection.llen(f"rq:queue:{FIGURES_QUEUE}") == 1
    run_worker(redis_url, burst=True)
    _wait_for_refresh(session, world.region.id, aged)
