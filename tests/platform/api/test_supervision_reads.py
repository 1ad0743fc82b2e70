"""The supervision reads for HR and records systems: the organisation's placements' attendance
days (filtered by placement and dates) and submitted journals (text for the host only), each
under its scope, never another tenant's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from supervision_support import START, Seeder
from support import bearer

from skillbridge.models import AttendanceDay, DayStatus, Journal, JournalStatus


@pytest.fixture
def seeded(session, world, factories):  # type: ignore[no-untyped-def]
    """Two days of a placement of the world's school at its enterprise, one of another pair's."""
    seeder = Seeder(session, factories, world.users["school"])
    own = seeder.placement(world.school, world.enterprise)
    other = seeder.placement(world.other_school, world.other_enterprise)
    seeder.day(own, START)
    seeder.day(own, date(2026, 3, 7), rest_day=True)
    seeder.day(other, START)
    session.commit()
    return own, other


def _ids(answer) -> list[int]:  # type: ignore[no-untyped-def]
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return [day["placement_id"] for day in answer.get_json()["items"]]


@pytest.mark.parametrize("role", ["enterprise", "school"])
def test_attendance_serves_the_organisations_placements_days_only(
    client, session, issue_key, seeded, role
) -> None:  # type: ignore[no-untyped-def]
    own, other = seeded
    key = issue_key(role, "attendance:read")
    answer = client.get("/api/v1/attendance", headers=bearer(key))
    assert _ids(answer) == [own.id, own.id]  # newest first; the other pair's day never
    [rest, first] = answer.get_json()["items"]
    assert rest["date"] == "2026-03-07" and rest["rest_day"] and not first["rest_day"]
    assert first["check_in_at"] == "2026-03-02T09:00:00+08:00"
    assert first["minutes"] == 480 and first["mentor_confirmed"] is False
    assert first["student_id"] == own.student_id and "latitude" not in first
    # The filters: one placement, a date range (both bounds included).
    dated = client.get(
        "/api/v1/attendance?date_from=2026-03-02&date_to=2026-03-06", headers=bearer(key)
    )
    assert [d["date"] for d in dated.get_json()["items"]] == ["2026-03-02"]
    assert (
        _ids(client.get(f"/api/v1/attendance?placement_id={other.id}", headers=bearer(key))) == []
    )
    assert (
        len(_ids(client.get(f"/api/v1/attendance?placement_id={own.id}", headers=bearer(key)))) == 2
    )


def test_a_confirmed_day_says_so_and_bad_filters_name_their_field(
    client, session, issue_key, seeded
) -> None:  # type: ignore[no-untyped-def]
    own, _other = seeded
    day = session.scalars(
        select(AttendanceDay).where(
            AttendanceDay.placement_id == own.id, AttendanceDay.day == START
        )
    ).one()
    day.status, day.confirmed_at = DayStatus.CONFIRMED, datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    session.commit()
    key = issue_key("enterprise", "attendance:read")
    items = client.get("/api/v1/attendance", headers=bearer(key)).get_json()["items"]
    assert [d["mentor_confirmed"] for d in items] == [False, True]
    assert items[1]["confirmed_at"] == "2026-03-02T10:00:00+00:00"  # with its zone on SQLite too
    backwards = client.get(
        "/api/v1/attendance?date_from=2026-03-07&date_to=2026-03-01", headers=bearer(key)
    )
    assert backwards.status_code == 422
    assert any("date_to" in d for d in backwards.get_json()["details"])


def test_attendance_needs_its_scope(client, issue_key, seeded) -> None:  # type: ignore[no-untyped-def]
    refused = client.get(
        "/api/v1/attendance", headers=bearer(issue_key("enterprise", "slots:read"))
    )
    assert refused.status_code == 403 and refused.get_json()["details"] == ["attendance:read"]
    granted = client.get(
        "/api/v1/attendance", headers=bearer(issue_key("enterprise", "attendance:read"))
    )
    assert granted.status_code == 200


@pytest.fixture
def journals(session, world, factories):  # type: ignore[no-untyped-def]
    """Two submitted journals and a draft of the world's pair's placement, one of another pair's."""
    seeder = Seeder(session, factories, world.users["school"])
    own = seeder.placement(world.school, world.enterprise)
    other = seeder.placement(world.other_school, world.other_enterprise)
    seeder.journal(own, 10, JournalStatus.CONFIRMED, date(2026, 3, 8))
    seeder.journal(own, 11, JournalStatus.SUBMITTED, date(2026, 3, 15))
    seeder.journal(own, 12, JournalStatus.DRAFT, None)
    seeder.journal(other, 10, JournalStatus.SUBMITTED, date(2026, 3, 8))
    session.flush()
    for journal in session.scalars(select(Journal)):
        journal.work_done, journal.learned, journal.problems = "装配", "读图", "无"
    session.commit()
    return own, other


def test_journals_serve_the_states_and_the_text_to_the_host_only(
    client, issue_key, journals
) -> None:  # type: ignore[no-untyped-def]
    own, other = journals
    host = client.get("/api/v1/journals", headers=bearer(issue_key("enterprise", "journals:read")))
    assert _ids(host) == [own.id, own.id]  # the draft and the other pair's journal never
    [latest, first] = host.get_json()["items"]
    assert (latest["week"], latest["status"], first["status"]) == (
        "2026-W11",
        "submitted",
        "confirmed",
    )
    assert latest["submitted_at"].startswith("2026-03-15T12:00:00")
    assert latest["student_id"] == own.student_id
    assert latest["text"] == {"work_done": "装配", "learned": "读图", "problems": "无"}
    school = client.get("/api/v1/journals", headers=bearer(issue_key("school", "journals:read")))
    assert _ids(school) == [own.id, own.id]
    assert [j["text"] for j in school.get_json()["items"]] == [None, None]
    assert "装配" not in school.get_data(as_text=True)
    key = issue_key("enterprise", "journals:read")
    only = client.get(f"/api/v1/journals?placement_id={other.id}", headers=bearer(key))
    assert _ids(only) == []
    assert (
        len(_ids(client.get(f"/api/v1/journals?placement_id={own.id}", headers=bearer(key)))) == 2
    )
    refused = client.get(
        "/api/v1/journals", headers=bearer(issue_key("enterprise", "attendance:read"))
    )
    assert refused.status_code == 403 and refused.get_json()["details"] == ["journals:read"]
