"""The write operations through the pages' services: the roster upsert (updates of the school's
own students, all or nothing, every bad field named), idempotent POSTs, slots under ETag / If-Match, open, close, the ranking."""

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
    Role,
    Slot,
    SlotStatus,
    Specialty,
    Student,
    WebhookEvent,
)
from skillbridge.platform.services.api_clients import clients


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


@pytest.fixture
def next_class(session, world, factories, cohort) -> Cohort:  # type: ignore[no-untyped-def]
    """A second class of the same specialty and year, which a re-sent roster moves students to."""
    specialty = session.get(Specialty, cohort.specialty_id)
    made = factories.cohort(
        world.school, specialty, name="数控2302班", intake_year=cohort.intake_year
    )
    session.commit()
    return made


def _post_roster(client, key: str, idempotency_key: str, *students):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/roster",
        headers=bearer(key, Idempotency_Key=idempotency_key),
        json={"students": list(students)},
    )


def _results(answer) -> list[str]:  # type: ignore[no-untyped-def]
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return [s["result"] for s in answer.get_json()["students"]]


def test_a_re_sent_roster_updates_inserts_and_leaves_unchanged_per_row(
    client, session, issue_key, cohort, next_class
) -> None:  # type: ignore[no-untyped-def]
    key, rng = issue_key("school", "roster:write"), random.Random(11)
    moved, kept = roster_student(cohort, rng, phone="13800000001"), roster_student(cohort, rng)
    first = _post_roster(client, key, "term-1", moved, kept)
    assert _results(first) == ["created", "created"]
    [moved_id, kept_id] = [s["id"] for s in first.get_json()["students"]]
    code = first.get_json()["students"][0]["invitation_code"]
    birth = session.get(Student, moved_id).birth_date
    session.rollback()
    # Next term: one student changes class, hukou and level; the phone is left out, one is new.
    changes = {
        "class_name": next_class.name,
        "hukou": "江苏省苏州市姑苏区",
        "skill_level": "高级工",
    }
    changed = {k: v for k, v in moved.items() if k != "phone"} | changes
    new = roster_student(cohort, rng)
    second = _post_roster(client, key, "term-2", changed, kept, new)
    assert _results(second) == ["updated", "unchanged", "created"]
    answered = second.get_json()["students"]
    assert [s["id"] for s in answered[:2]] == [moved_id, kept_id]
    assert answered[0]["class_name"] == next_class.name and answered[0]["invitation_code"] == code
    session.rollback()
    student = session.get(Student, moved_id)
    assert (student.cohort_id, student.hukou_locality, student.skill_level) == (
        next_class.id,
        "江苏省苏州市姑苏区",
        3,  # 高级工
    )
    # A left-out optional field keeps its value; the identity record's fields stay as they were.
    assert student.phone == "13800000001"
    assert (student.name, student.birth_date) == (moved["name"], birth)
    assert _students(session, cohort) == 2 and _students(session, next_class) == 1
    # The update is audited with the fields it changed (their names, never their values)...
    [audited] = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "roster.student_updated")
    ).all()
    assert audited.object_id == str(moved_id) and "skill_level" in audited.payload
    assert "姑苏区" not in audited.payload
    # ...and the event names the created and the updated students, keeping its earlier keys.
    events = session.scalars(
        select(WebhookEvent).where(WebhookEvent.type == "roster.imported").order_by(WebhookEvent.id)
    ).all()
    assert events[-1].data == {
        "school_id": student.school_id,
        "student_ids": [answered[2]["id"]],
        "updated_student_ids": [moved_id],
        "cohort_ids": sorted({cohort.id, next_class.id}),
    }
    # The same roster once more changes nothing, and tells no one.
    third = _post_roster(client, key, "term-3", changed, kept, new)
    assert _results(third) == ["unchanged"] * 3
    session.rollback()
    assert session.scalar(
        select(func.count(WebhookEvent.id)).where(WebhookEvent.type == "roster.imported")
    ) == len(events)
    # The update replays under its key: the same answer, no second audit entry.
    again = _post_roster(client, key, "term-2", changed, kept, new)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == second.get_json()
    session.rollback()
    assert (
        session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "roster.student_updated")
        )
        == 1
    )


def test_another_schools_student_is_refused_without_naming_the_school(
    client, session, world, factories, issue_key, cohort
) -> None:  # type: ignore[no-untyped-def]
    other_specialty = factories.specialty("数控技术")
    world.other_school.specialties.append(other_specialty)
    other_cohort = factories.cohort(world.other_school, other_specialty, name="数控2301班")
    other_admin = factories.user(Role.SCHOOL, school_id=world.other_school.id)
    session.commit()
    other_cohort.specialty_code = other_specialty.code  # type: ignore[attr-defined]
    _client, other_key = clients.create_client(
        session, other_admin, clients.NewClient("other system", ["roster:write"])
    )
    session.commit()
    rng = random.Random(12)
    theirs = roster_student(other_cohort, rng)
    assert _results(_post_roster(client, other_key, "o1", theirs)) == ["created"]
    key = issue_key("school", "roster:write")
    claimed = theirs | {
        "specialty_code": cohort.specialty_code,  # type: ignore[attr-defined]
        "class_name": cohort.name,
        "intake_year": str(cohort.intake_year),
    }
    good = roster_student(cohort, rng)
    refused = _post_roster(client, key, "m1", good, claimed)
    assert refused.status_code == 422, refused.get_data(as_text=True)
    details = refused.get_json()["details"]
    assert [d for d in details if d.startswith("students[1].national_id")], details
    assert not [d for d in details if d.startswith("students[0]")], details
    assert world.other_school.name not in refused.get_data(as_text=True)
    assert _students(session, cohort) == 0  # all or nothing: the good row is not written either
    # Positive control: its own school updates the same student through the same operation.
    session.rollback()
    moved = theirs | {"hukou": "江苏省苏州市姑苏区"}
    assert _results(_post_roster(client, other_key, "o2", moved)) == ["updated"]
    assert _results(_post_roster(client, key, "m2", good)) == ["created"]


def test_one_bad_row_keeps_every_update_and_insert_from_being_written(
    client, session, issue_key, cohort, next_class
) -> None:  # type: ignore[no-untyped-def]
    key, rng = issue_key("school", "roster:write"), random.Random(13)
    student = roster_student(cohort, rng)
    [created] = _post_roster(client, key, "b1", student).get_json()["students"]
    moved = student | {"class_name": next_class.name}
    renamed = student | {"name": "改名字"}
    refused = _post_roster(
        client,
        key,
        "b2",
        moved,
        roster_student(cohort, rng),
        roster_student(cohort, rng, phone="电话"),
    )
    assert refused.status_code == 422
    assert [d for d in refused.get_json()["details"] if d.startswith("students[2].phone")]
    session.rollback()
    assert session.get(Student, created["id"]).cohort_id == cohort.id
    assert _students(session, cohort) == 1 and _students(session, next_class) == 0
    # The name comes from the identity record: a roster cannot change it.
    renaming = _post_roster(client, key, "b3", renamed)
    assert renaming.status_code == 422
    assert [d for d in renaming.get_json()["details"] if d.startswith("students[0].name")]
    # Positive control: the same update alone goes through.
    assert _results(_post_roster(client, key, "b4", moved)) == ["updated"]
    session.rollback()
    assert session.get(Student, created["id"]).cohort_id == next_class.id
