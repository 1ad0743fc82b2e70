"""Slot pages: enterprises post and manage their own slots; schools and students browse open ones."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from skillbridge.models import Role, Slot, SlotStatus
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database
from skillbridge.platform.services.accounts.passwords import hash_password
from skillbridge.platform.services.slots import postings as slots

TODAY = date.today()
STRICT_PASSWORD = "csrf test password 42"


def _status(session, slot_id: int) -> SlotStatus:  # type: ignore[no-untyped-def]
    """The slot's committed status; the read transaction ends so requests can write."""
    session.expire_all()
    status = session.get(Slot, slot_id).status
    session.commit()
    return status


def _form(occupation_id: int, **changes) -> dict[str, object]:  # type: ignore[no-untyped-def]
    form = {
        "kind": "post_internship",
        "title": "装配钳工岗",
        "occupation_id": occupation_id,
        "min_level": 0,
        "start_date": date(TODAY.year + 1, 3, 1).isoformat(),
        "duration_months": 6,
        "seats": 4,
        "stipend_yuan": 3000,
        "post_wage_yuan": 3500,
        "post_headcount": 40,
        "location": "吴江",
    }
    form.update(changes)
    return form


def test_an_enterprise_posts_a_slot_through_the_form(session, world, occupation, login_as):
    client = login_as(world.users["enterprise"])
    response = client.post("/slots/new", data=_form(occupation.id))
    assert response.status_code == 302
    slot = session.scalars(select(Slot)).one()
    assert response.headers["Location"].endswith(f"/slots/{slot.id}")
    assert (slot.title, slot.seats, slot.status) == ("装配钳工岗", 4, SlotStatus.DRAFT)
    assert client.get("/slots/mine").status_code == 200


def test_a_stipend_below_the_floor_is_shown_with_its_citation(session, world, occupation, login_as):
    client = login_as(world.users["enterprise"])
    response = client.post("/slots/new", data=_form(occupation.id, stipend_yuan=2000))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "80%" in page and "教职成〔2021〕4号" in page
    assert session.scalars(select(Slot)).all() == []


def test_open_and_close_through_the_pages(session, world, draft, login_as):
    slot = draft(start_date=date(TODAY.year + 1, 3, 1))
    client = login_as(world.users["enterprise"])
    response = client.post(f"/slots/{slot.id}/open")
    assert response.headers["Location"].endswith(f"/slots/{slot.id}"), response.headers
    assert _status(session, slot.id) == SlotStatus.OPEN
    assert client.post(f"/slots/{slot.id}/open").status_code == 409
    assert client.post(f"/slots/{slot.id}/close").status_code == 302
    assert _status(session, slot.id) == SlotStatus.CLOSED


def test_the_edit_form_is_prefilled_and_saves(session, world, draft, occupation, login_as):
    slot = draft(start_date=date(TODAY.year + 1, 3, 1))
    client = login_as(world.users["enterprise"])
    page = client.get(f"/slots/{slot.id}/edit")
    assert page.status_code == 200 and "数控车床操作岗" in page.get_data(as_text=True)
    response = client.post(f"/slots/{slot.id}/edit", data=_form(occupation.id, title="新名称"))
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Slot, slot.id).title == "新名称"
    session.rollback()


def test_another_enterprise_cannot_touch_the_slot(
    session, world, draft, make_user, login_as, occupation
):
    slot = draft(start_date=date(TODAY.year + 1, 3, 1))
    stranger = make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id)
    session.commit()
    client = login_as(stranger)
    assert client.get(f"/slots/{slot.id}").status_code == 403
    assert client.get(f"/slots/{slot.id}/edit").status_code == 403
    assert client.post(f"/slots/{slot.id}/edit", data=_form(occupation.id)).status_code == 403
    assert client.post(f"/slots/{slot.id}/open").status_code == 403
    assert client.get("/slots/999999").status_code == 404
    assert _status(session, slot.id) == SlotStatus.DRAFT


@pytest.mark.parametrize("role", ["school", "student", "bureau"])
def test_browsers_see_open_slots_but_not_drafts(session, world, draft, login_as, role):
    shown = draft(title="开放的岗位", start_date=date(TODAY.year + 1, 3, 1))
    hidden = draft(title="草稿岗位", start_date=date(TODAY.year + 1, 3, 1))
    slots.open_slot(session, world.users["enterprise"], shown.id, TODAY)
    session.commit()
    client = login_as(world.users[role])
    page = client.get("/slots/").get_data(as_text=True)
    assert "开放的岗位" in page and "草稿岗位" not in page
    assert client.get(f"/slots/{shown.id}").status_code == 200
    expected = 200 if role == "bureau" else 403
    assert client.get(f"/slots/{hidden.id}").status_code == expected
    assert client.get("/slots/mine").status_code == 403
    assert client.post("/slots/new", data={}).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, world, draft):
    slot = draft()
    for path in ("/slots/", "/slots/mine", "/slots/new", f"/slots/{slot.id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(f"/slots/{slot.id}/open").status_code == 302


def test_a_post_without_csrf_token_is_refused(app, session, world, draft):
    slot = draft(start_date=date(TODAY.year + 1, 3, 1))
    user = world.users["enterprise"]
    user.password_hash = hash_password(STRICT_PASSWORD)
    session.commit()
    config = {k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "INSTANCE_PATH")}
    strict = create_app({**config, "TESTING": True, "RATELIMIT_ENABLED": False})
    assert strict.config["WTF_CSRF_ENABLED"] is True
    client = strict.test_client()
    token = _csrf_token(client.get("/login").get_data(as_text=True))
    login = {"email": user.email, "password": STRICT_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    assert client.post(f"/slots/{slot.id}/open").status_code == 400
    assert _status(session, slot.id) == SlotStatus.DRAFT
    token = _csrf_token(client.get(f"/slots/{slot.id}").get_data(as_text=True))
    assert client.post(f"/slots/{slot.id}/open", data={"csrf_token": token}).status_code == 302
    assert _status(session, slot.id) == SlotStatus.OPEN
    get_database(strict).engine.dispose()


def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "the page carries no CSRF token"
    return match.group(1)
