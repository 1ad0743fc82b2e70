"""The README's walkthrough (API for schools' and enterprises' systems), step by step: each admin
creates a client on the page API 客户端, then the school's system upserts its roster under an
Idempotency-Key and the enterprise's system patches a slot under If-Match."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select
from support import bearer

from skillbridge.models import Slot, Student

KEY = re.compile(r'id="new-key">(sbk_[A-Za-z0-9_-]+)<')


def _create_client(browser, name: str, scopes: list[str]) -> str:  # type: ignore[no-untyped-def]
    """Step 1: the admin opens /api-clients, names the client, ticks its scopes; the key once."""
    assert browser.get("/api-clients/").status_code == 200
    page = browser.post("/api-clients/", data={"name": name, "scopes": scopes})
    assert page.status_code == 201, page.get_data(as_text=True)
    return KEY.search(page.get_data(as_text=True)).group(1)


def test_the_readme_walkthrough(app, login_as, session, world, factories) -> None:  # type: ignore[no-untyped-def]
    specialty = factories.specialty("数控技术")
    world.school.specialties.append(specialty)
    cohort = factories.cohort(world.school, specialty, name="数控2301班")
    occupation = factories.occupation(code="6-18-01-01", name="车工")
    session.commit()
    system = app.test_client()  # the organisations' systems: no login, only the key

    school_key = _create_client(login_as(world.users["school"]), "教务系统", ["roster:write"])
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
    # Step 2: curl -X POST …/api/v1/roster -H "Authorization: Bearer $KEY" -H "Idempotency-Key: …"
    headers = bearer(school_key, Idempotency_Key="roster-2025-09-01")
    upserted = system.post("/api/v1/roster", headers=headers, json=roster)
    assert upserted.status_code == 201, upserted.get_data(as_text=True)
    (student,) = upserted.get_json()["students"]
    assert student["name"] == "张三" and student["invitation_code"]
    # The same request again (a retry after a timeout, say) writes nothing new.
    assert (
        system.post("/api/v1/roster", headers=headers, json=roster).get_json()
        == upserted.get_json()
    )
    session.rollback()
    assert session.scalar(select(func.count(Student.id)).where(Student.cohort_id == cohort.id)) == 1
    session.rollback()

    hr_key = _create_client(
        login_as(world.users["enterprise"]), "人事系统", ["slots:read", "slots:write"]
    )
    slot = {
        "kind": "post_internship",
        "title": "数控车床操作岗",
        "occupation_id": occupation.id,
        "start_date": (date.today() + timedelta(days=60)).isoformat(),
        "duration_months": 6,
        "seats": 4,
        "stipend_yuan": 3000,
        "post_wage_yuan": 3500,
        "post_headcount": 40,
    }
    created = system.post(
        "/api/v1/slots", headers=bearer(hr_key, Idempotency_Key="slot-cnc-2025"), json=slot
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    url = f"/api/v1/slots/{created.get_json()['id']}"
    # Step 3: GET the slot for its ETag, then PATCH with If-Match.
    etag = system.get(url, headers=bearer(hr_key)).headers["ETag"]
    patched = system.patch(url, headers=bearer(hr_key, If_Match=etag), json={"seats": 6})
    assert patched.status_code == 200 and patched.get_json()["seats"] == 6
    # The ETag is now stale: a second change on the old one is refused.
    stale = system.patch(url, headers=bearer(hr_key, If_Match=etag), json={"seats": 5})
    assert stale.status_code == 412
    session.rollback()
    assert session.get(Slot, created.get_json()["id"]).seats == 6
