"""The write operations through the pages' services: the roster upsert (all or nothing, every bad
field named), idempotent POSTs, slots under ETag / If-Match, open, close, the ranking."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from stdnum.cn import ric
from support import api_slot_body, bearer

from skillbridge.models import (
    AuditEvent,
    Cohort,
    Employment,
    IdempotencyRecord,
    Slot,
    SlotStatus,
    Student,
)


def national_id(rng: random.Random) -> str:
    birth = date(2003, 1, 1) + timedelta(days=rng.randrange(4 * 365))
    body = f"110105{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def cohort(session, world, factories) -> Cohort:  # type: ignore[no-untyped-def]
    specialty = factories.specialty("数控技术")
    world.school.specialties.append(specialty)
    made = factories.cohort(world.school, specialty, name="数控2301班")
    session.commit()
    made.specialty_code = specialty.code  # what a roster row names it by
    return made


def roster_student(cohort: Cohort, rng: random.Random, **changes: object) -> dict[str, object]:
    return {
        "name": f"学生{rng.randrange(10**6)}",
        "national_id": national_id(rng),
        "specialty_code": cohort.specialty_code,  # type: ignore[attr-defined]
        "intake_year": str(cohort.intake_year),
        "class_name": cohort.name,
        "hukou": "江苏省苏州市吴江区",
        "is_local": True,
        "skill_level": "中级工",
    } | changes


def _students(session, cohort) -> int:  # type: ignore[no-untyped-def]
    session.rollback()
    count = session.scalar(select(func.count(Student.id)).where(Student.cohort_id == cohort.id))
    session.rollback()
    return count


def test_a_roster_upsert_writes_every_student_and_replays_under_its_key(
    client, session, issue_key, cohort
) -> None:  # type: ignore[no-untyped-def]
    key, rng = issue_key("school", "roster:write"), random.Random(1)
    body = {"students": [roster_student(cohort, rng) for _ in range(3)]}
    headers = bearer(key, Idempotency_Key="roster-2026-09")
    first = client.post("/api/v1/roster", headers=headers, json=body)
    assert first.status_code == 201, first.get_data(as_text=True)
    assert len(first.get_json()["students"]) == 3
    assert _students(session, cohort) == 3
    again = client.post("/api/v1/roster", headers=headers, json=body)
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _students(session, cohort) == 3
    other = {"students": [roster_student(cohort, rng)]}
    reused = client.post("/api/v1/roster", headers=headers, json=other)
    assert reused.status_code == 422 and reused.get_json()["details"] == ["Idempotency-Key"]
    assert _students(session, cohort) == 3
    # The write is audited with its client.
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "api.called")).one()
    assert event.object_type == "api_client" and '"status":201' in event.payload
    assert session.scalar(select(func.count(IdempotencyRecord.id))) == 1


def test_a_roster_with_bad_rows_writes_nothing_and_names_every_row_and_field(
    client, session, issue_key, cohort
) -> None:  # type: ignore[no-untyped-def]
    key, rng = issue_key("school", "roster:write"), random.Random(2)
    good = roster_student(cohort, rng)
    body = {
        "students": [
            good,
            roster_student(cohort, rng, national_id="110105200301011234"),
            roster_student(cohort, rng, class_name="不存在的班", skill_level="大师"),
        ]
    }
    refused = client.post("/api/v1/roster", headers=bearer(key, Idempotency_Key="r1"), json=body)
    assert refused.status_code == 422, refused.get_data(as_text=True)
    details = refused.get_json()["details"]
    assert any(d.startswith("students[1].national_id") for d in details), details
    assert any(d.startswith("students[2].skill_level") for d in details), details
    assert any(d.startswith("students[2].") and "class_name" in d for d in details), details
    assert not any(d.startswith("students[0]") for d in details)
    assert _students(session, cohort) == 0
    # A body the schema refuses names the field too, and nothing is kept under the key.
    missing = client.post(
        "/api/v1/roster",
        headers=bearer(key, Idempotency_Key="r2"),
        json={"students": [{"name": "张三"}]},
    )
    assert missing.status_code == 422
    assert any("students.0.national_id" in d for d in missing.get_json()["details"])
    assert session.scalar(select(func.count(IdempotencyRecord.id))) == 0
    # Positive control: the good row alone goes through under a fresh key.
    ok = client.post(
        "/api/v1/roster", headers=bearer(key, Idempotency_Key="r3"), json={"students": [good]}
    )
    assert ok.status_code == 201
    assert _students(session, cohort) == 1


def test_a_post_without_an_idempotency_key_is_refused(client, issue_key, cohort) -> None:  # type: ignore[no-untyped-def]
    key = issue_key("school", "roster:write")
    body = {"students": [roster_student(cohort, random.Random(3))]}
    refused = client.post("/api/v1/roster", headers=bearer(key), json=body)
    assert refused.status_code == 400 and refused.get_json()["details"] == ["Idempotency-Key"]
    assert (
        client.post(
            "/api/v1/roster", headers=bearer(key, Idempotency_Key="é"), json=body
        ).status_code
        == 400
    )
    ok = client.post("/api/v1/roster", headers=bearer(key, Idempotency_Key="k"), json=body)
    assert ok.status_code == 201


@pytest.fixture
def occupation(session, factories):  # type: ignore[no-untyped-def]
    made = factories.occupation(code="6-18-01-01", name="车工")
    session.commit()
    return made


def slot_body(occupation, **changes: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return api_slot_body(occupation.id, **({"location": "吴江经济技术开发区"} | changes))


def test_a_slot_is_created_read_with_its_etag_and_patched_under_if_match(
    client, session, issue_key, occupation
) -> None:  # type: ignore[no-untyped-def]
    key = issue_key("enterprise", "slots:read", "slots:write")
    created = client.post(
        "/api/v1/slots", headers=bearer(key, Idempotency_Key="s1"), json=slot_body(occupation)
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    slot_id = created.get_json()["id"]
    read = client.get(f"/api/v1/slots/{slot_id}", headers=bearer(key))
    etag = read.headers["ETag"]
    assert read.status_code == 200 and etag
    url = f"/api/v1/slots/{slot_id}"
    without = client.patch(url, headers=bearer(key), json={"seats": 3})
    assert without.status_code == 428
    patched = client.patch(url, headers=bearer(key, If_Match=etag), json={"seats": 3})
    assert patched.status_code == 200, patched.get_data(as_text=True)
    assert patched.get_json()["seats"] == 3 and patched.headers["ETag"] != etag
    stale = client.patch(url, headers=bearer(key, If_Match=etag), json={"seats": 2})
    assert stale.status_code == 412
    session.rollback()
    assert session.get(Slot, slot_id).seats == 3
    # The posting rules answer as on the page: a field the rules refuse is named.
    fresh = client.get(url, headers=bearer(key)).headers["ETag"]
    refused = client.patch(url, headers=bearer(key, If_Match=fresh), json={"duration_months": 120})
    assert refused.status_code in (400, 409), refused.get_data(as_text=True)


def test_a_slot_opens_and_closes_and_another_enterprises_slot_is_never_reached(
    client, session, issue_key, occupation, world, factories
) -> None:  # type: ignore[no-untyped-def]
    key = issue_key("enterprise", "slots:read", "slots:write")
    slot_id = client.post(
        "/api/v1/slots", headers=bearer(key, Idempotency_Key="s1"), json=slot_body(occupation)
    ).get_json()["id"]
    opened = client.post(f"/api/v1/slots/{slot_id}/open", headers=bearer(key, Idempotency_Key="o1"))
    assert opened.status_code == 200 and opened.get_json()["status"] == "open"
    closed = client.post(
        f"/api/v1/slots/{slot_id}/close", headers=bearer(key, Idempotency_Key="c1")
    )
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    session.rollback()
    assert session.get(Slot, slot_id).status == SlotStatus.CLOSED
    other = factories.slot(world.other_enterprise, occupation)
    session.commit()
    for call in (
        lambda: client.get(f"/api/v1/slots/{other.id}", headers=bearer(key)),
        lambda: client.post(
            f"/api/v1/slots/{other.id}/close", headers=bearer(key, Idempotency_Key="c2")
        ),
    ):
        assert call().status_code in (403, 404)
    listed = client.get("/api/v1/slots", headers=bearer(key)).get_json()
    assert [s["id"] for s in listed["items"]] == [slot_id]


def test_the_ranking_goes_through_the_candidates_rules(
    client, issue_key, occupation, world
) -> None:  # type: ignore[no-untyped-def]
    key = issue_key("enterprise", "slots:write", "preferences:write")
    slot_id = client.post(
        "/api/v1/slots", headers=bearer(key, Idempotency_Key="s1"), json=slot_body(occupation)
    ).get_json()["id"]
    url = f"/api/v1/slots/{slot_id}/ranking"
    draft = client.post(url, headers=bearer(key, Idempotency_Key="r1"), json={"ranked": []})
    assert draft.status_code == 409  # only an open slot's candidates are ranked
    client.post(f"/api/v1/slots/{slot_id}/open", headers=bearer(key, Idempotency_Key="o1"))
    stranger = client.post(
        url, headers=bearer(key, Idempotency_Key="r2"), json={"ranked": [world.student.id]}
    )
    assert stranger.status_code == 400 and stranger.get_json()["details"]
    empty = client.post(url, headers=bearer(key, Idempotency_Key="r3"), json={"ranked": []})
    assert empty.status_code == 200 and empty.get_json() == {"ranked": [], "screened_out": []}


def test_an_employee_upsert_names_every_bad_field_and_then_writes_confirmed_employments(
    client, session, issue_key
) -> None:  # type: ignore[no-untyped-def]
    key, rng = issue_key("enterprise", "employees:write"), random.Random(4)
    good = {
        "name": "李四",
        "national_id": national_id(rng),
        "post": "数控车工",
        "hire_date": (date.today() - timedelta(days=30)).isoformat(),
        "is_front_line": True,
    }
    bad = good | {"national_id": "110105200301011234", "hire_date": "昨天"}
    refused = client.post(
        "/api/v1/employees",
        headers=bearer(key, Idempotency_Key="e1"),
        json={"employees": [good, bad]},
    )
    assert refused.status_code == 422, refused.get_data(as_text=True)
    details = refused.get_json()["details"]
    assert any(d.startswith("employees[1].national_id") for d in details), details
    assert any(d.startswith("employees[1].hire_date") for d in details), details
    assert not any(d.startswith("employees[0]") for d in details), details
    session.rollback()
    assert session.scalar(select(func.count(Employment.id))) == 0
    session.rollback()
    written = client.post(
        "/api/v1/employees", headers=bearer(key, Idempotency_Key="e2"), json={"employees": [good]}
    )
    assert written.status_code == 201, written.get_data(as_text=True)
    (employment,) = written.get_json()["employments"]
    assert employment["status"] == "confirmed" and employment["post"] == "数控车工"
    session.rollback()
    assert session.scalar(select(func.count(Employment.id))) == 1
