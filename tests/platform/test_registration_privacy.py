"""Registration reveals no account, is rate-limited, and an unverified organisation sees only its
own pending state (finding 7)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from support import PASSWORD, make_test_config, valid_uscc

from skillbridge.models import (
    AuditEvent,
    Enterprise,
    Notification,
    Role,
    User,
    VerificationStatus,
)
from skillbridge.platform.app import create_app
from skillbridge.platform.auth import PENDING_ENDPOINTS
from skillbridge.platform.db import get_database


def _form(region_id: int, uscc: str, email: str) -> dict:
    return {
        "name": "苏州精工机械有限公司",
        "uscc": uscc,
        "industry": "装备制造",
        "staff_headcount": 320,
        "region_id": region_id,
        "contact_name": "王丽",
        "contact_phone": "0512-63000000",
        "email": email,
        "password": PASSWORD,
        "confirm": PASSWORD,
    }


def _answer(response) -> tuple:  # type: ignore[no-untyped-def]
    return (
        response.status_code,
        response.headers.get("Location"),
        response.headers.get("Set-Cookie", "").split("=")[0],
    )


def test_a_known_email_gets_the_same_answer_and_its_owner_is_told(app, client, session, world):  # type: ignore[no-untyped-def]
    owner = world.users["school"]
    new = client.post(
        "/register/enterprise", data=_form(world.region.id, valid_uscc(9101), "new@example.cn")
    )
    known = app.test_client().post(
        "/register/enterprise", data=_form(world.region.id, valid_uscc(9102), owner.email)
    )
    assert _answer(known) == _answer(new) == (302, "/login", "session")
    session.rollback()
    # Nothing was created for the known e-mail; the real owner has a notification instead.
    assert session.scalar(select(Enterprise.id).where(Enterprise.uscc == valid_uscc(9102))) is None
    assert session.scalar(select(func.count(User.id)).where(User.email == owner.email)) == 1
    told = session.scalars(select(Notification).where(Notification.user_id == owner.id)).all()
    assert [n.kind for n in told] == ["account.registration_attempted"]
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "registration.email_taken"))
    # Positive control: the unknown e-mail did register, pending.
    created = session.scalar(select(Enterprise).where(Enterprise.uscc == valid_uscc(9101)))
    assert created.verification_status == VerificationStatus.PENDING


def test_the_follow_up_pages_do_not_tell_the_two_apart(app, world):  # type: ignore[no-untyped-def]
    pages = []
    for n, email in ((9103, "fresh@example.cn"), (9104, world.users["bureau"].email)):
        browser = app.test_client()
        browser.post("/register/enterprise", data=_form(world.region.id, valid_uscc(n), email))
        pages.append(browser.get("/login").get_data(as_text=True))
    assert pages[0] == pages[1] and "注册申请已提交" in pages[0]


def test_registration_is_rate_limited_per_address(world, database_url, tmp_path):  # type: ignore[no-untyped-def]
    app = create_app(
        make_test_config(
            database_url, tmp_path, RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="3 per hour"
        )
    )
    here, there = app.test_client(), app.test_client()
    there.environ_base["REMOTE_ADDR"] = "198.51.100.77"
    statuses = [
        here.post(
            "/register/enterprise",
            data=_form(world.region.id, valid_uscc(9110 + i), f"r{i}@example.cn"),
        ).status_code
        for i in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    ok = there.post(
        "/register/enterprise", data=_form(world.region.id, valid_uscc(9120), "x@example.cn")
    )
    assert ok.status_code == 302  # another address is not affected
    get_database(app).engine.dispose()


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("school", "/slots/"),  # every open slot
        ("school", "/agreements/"),  # the partner list
        ("school", "/agreements/coverage"),
        ("school", "/school/cohorts"),
        ("enterprise", "/agreements/"),
        ("enterprise", "/slots/mine"),
        ("enterprise", "/placements/"),
    ],
)
def test_an_unverified_organisation_sees_only_its_own_pending_state(
    login_as, session, world, make_school, make_enterprise, make_user, kind, path
):  # type: ignore[no-untyped-def]
    if kind == "school":
        pending = make_school(world.region, verified=False)
        user = make_user(Role.SCHOOL, school_id=pending.id)
    else:
        pending = make_enterprise(world.region, verified=False)
        user = make_user(Role.ENTERPRISE, enterprise_id=pending.id)
    session.commit()
    client = login_as(user)
    assert client.get(path).status_code == 403
    assert client.get(path, headers={"Accept": "application/json"}).status_code == 403
    assert client.get("/dashboard").status_code == 200
    assert client.get(f"/{kind}s/{pending.id}").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    # Positive control: once verified, the same page opens.
    pending.verification_status = VerificationStatus.VERIFIED
    session.commit()
    assert client.get(path).status_code == 200


def test_every_pending_endpoint_exists(app):  # type: ignore[no-untyped-def]
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert PENDING_ENDPOINTS <= endpoints, PENDING_ENDPOINTS - endpoints
