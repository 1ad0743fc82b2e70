"""The README's walkthrough (API for schools' and enterprises' systems), step by step: each admin
creates a client on the page API 客户端, the school's admin registers its system's webhook
endpoint, the school's system upserts its roster under an Idempotency-Key and receives the signed
roster.imported event from the worker, and the enterprise's system patches a slot under If-Match."""

from __future__ import annotations

import json
import re

import redis
from sqlalchemy import func, select
from support import api_slot_body, bearer
from webhook_support import Receiver

from skillbridge.models import Slot, Student
from skillbridge.platform.background import run_worker

KEY = re.compile(r'id="new-key">(sbk_[A-Za-z0-9_-]+)<')
SECRET = re.compile(r'id="webhook-secret">(whsec_[A-Za-z0-9_-]+)<')


def _create_client(browser, name: str, scopes: list[str]) -> str:  # type: ignore[no-untyped-def]
    """Step 1: the admin opens /api-clients, names the client, ticks its scopes; the key once."""
    assert browser.get("/api-clients/").status_code == 200
    page = browser.post("/api-clients/", data={"name": name, "scopes": scopes})
    assert page.status_code == 201, page.get_data(as_text=True)
    return KEY.search(page.get_data(as_text=True)).group(1)


def _register_webhook(browser, url: str) -> str:  # type: ignore[no-untyped-def]
    """Step 2: the admin registers the system's endpoint for roster.imported; the secret once."""
    page = browser.post("/webhooks/", data={"url": url, "event_types": ["roster.imported"]})
    assert page.status_code == 201, page.get_data(as_text=True)
    return SECRET.search(page.get_data(as_text=True)).group(1)


def test_the_readme_walkthrough(app, login_as, session, world, factories, redis_url) -> None:  # type: ignore[no-untyped-def]
    redis.Redis.from_url(redis_url).flushdb()
    app.config["REDIS_URL"] = redis_url  # deliveries go to the worker's queue
    specialty = factories.specialty("数控技术")
    world.school.specialties.append(specialty)
    cohort = factories.cohort(world.school, specialty, name="数控2301班")
    occupation = factories.occupation(code="6-18-01-01", name="车工")
    session.commit()
    system = app.test_client()  # the organisations' systems: no login, only the key

    school_admin = login_as(world.users["school"])
    school_key = _create_client(school_admin, "教务系统", ["roster:write", "directory:read"])
    receiver = Receiver()  # the school's system, listening on loopback (allowed in tests)
    receiver.secret = _register_webhook(school_admin, receiver.url)
    roster = {
        "students": [
            {
                "name": "张三",
                "national_id": "110105200501010012",
                "specialty_code": specialty.code,
                "intake_year": "2023",
                "class_name": "数控2301班",
                "hukou": "江苏省苏州市吴江区",
            }
        ]
    }
    # Step 3: curl -X POST …/api/v1/roster -H "Authorization: Bearer $KEY" -H "Idempotency-Key: …"
    headers = bearer(school_key, Idempotency_Key="roster-2025-09-01")
    upserted = system.post("/api/v1/roster", headers=headers, json=roster)
    assert upserted.status_code == 201, upserted.get_data(as_text=True)
    (student,) = upserted.get_json()["students"]
    assert student["name"] == "张三" and student["invitation_code"]
    assert student["result"] == "created"
    # The same request again (a retry after a timeout, say) writes nothing new.
    assert (
        system.post("/api/v1/roster", headers=headers, json=roster).get_json()
        == upserted.get_json()
    )
    session.rollback()
    assert session.scalar(select(func.count(Student.id)).where(Student.cohort_id == cohort.id)) == 1
    session.rollback()
    # Step 4: the worker delivers roster.imported, once (the replayed request emitted nothing);
    # the receiver checks the signature as the README's Webhooks section shows.
    try:
        with app.app_context():  # `skillbridge worker` runs in the app's context too
            run_worker(redis_url, burst=True)
    finally:
        receiver.close()
    [delivered] = receiver.received
    assert delivered.verified and delivered.headers["X-SkillBridge-Event"] == "roster.imported"
    event = json.loads(delivered.body)
    assert event["organisation"] == {"kind": "school", "id": world.school.id}
    assert event["data"]["student_ids"] == [student["id"]]
    assert event["data"]["updated_student_ids"] == []
    fetched = system.get(f"/api/v1/students/{student['id']}", headers=bearer(school_key))
    assert fetched.status_code == 200 and fetched.get_json()["name"] == "张三"

    # Step 5: the enterprise's admin creates its HR system's client, which creates a slot.
    hr_key = _create_client(
        login_as(world.users["enterprise"]), "人事系统", ["slots:read", "slots:write"]
    )
    slot = api_slot_body(occupation.id)
    created = system.post(
        "/api/v1/slots", headers=bearer(hr_key, Idempotency_Key="slot-cnc-2025"), json=slot
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    url = f"/api/v1/slots/{created.get_json()['id']}"
    # Step 6: GET the slot for its ETag, then PATCH with If-Match.
    etag = system.get(url, headers=bearer(hr_key)).headers["ETag"]
    patched = system.patch(url, headers=bearer(hr_key, If_Match=etag), json={"seats": 6})
    assert patched.status_code == 200 and patched.get_json()["seats"] == 6
    # The ETag is now stale: a second change on the old one is refused.
    stale = system.patch(url, headers=bearer(hr_key, If_Match=etag), json={"seats": 5})
    assert stale.status_code == 412
    session.rollback()
    assert session.get(Slot, created.get_json()["id"]).seats == 6
