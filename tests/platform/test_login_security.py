"""Login limits per person, per account and per address behind a proxy; audited refusals;
password strength and the password-change throttle (findings 3, 10, 11)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from support import PASSWORD, make_test_config

from skillbridge.models import AuditEvent, Role
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database

PROXY = "10.9.0.1"  # the reverse proxy every request arrives from


@pytest.fixture
def limited_app(world, database_url, tmp_path) -> Flask:  # type: ignore[no-untyped-def]
    """Limits on, one trusted proxy hop, the README's default figures.

    Built after `world`'s own app: the limiter is one object, and the app initialised last
    decides whether it is enabled.
    """
    application = create_app(
        make_test_config(database_url, tmp_path, RATELIMIT_ENABLED=True, PROXY_HOPS=1)
    )
    yield application
    get_database(application).engine.dispose()


def _client(app: Flask, address: str) -> FlaskClient:
    """A browser at `address`, seen through the proxy."""
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    return client


def _login(client: FlaskClient, email: str, password: str) -> int:
    return client.post("/login", data={"email": email, "password": password}).status_code


def _actions(session, action: str) -> list[dict]:  # type: ignore[no-untyped-def]
    import json

    session.rollback()  # a fresh snapshot: the requests committed in their own sessions
    rows = session.scalars(select(AuditEvent.payload).where(AuditEvent.action == action))
    return [json.loads(row)["data"] for row in rows]


def test_one_persons_typos_do_not_lock_out_the_next_person_at_the_same_address(
    limited_app, world, make_user, session
):  # type: ignore[no-untyped-def]
    typist, colleague = world.users["school"], make_user(Role.SCHOOL, school_id=world.school.id)
    session.commit()
    office = "203.0.113.7"  # one school's NAT: both people share it
    first, second = _client(limited_app, office), _client(limited_app, office)
    assert [_login(first, typist.email, "wrong") for _ in range(5)] == [401] * 5
    assert _login(first, typist.email, "wrong") == 429  # the (address, account) limit
    assert _login(second, colleague.email, PASSWORD) == 302  # the next person gets in


def test_the_per_account_limit_stops_guessing_from_many_addresses(limited_app, world):  # type: ignore[no-untyped-def]
    victim = world.users["enterprise"]
    statuses = [
        _login(_client(limited_app, f"198.51.100.{i}"), victim.email, "guess") for i in range(10)
    ]
    assert statuses == [401] * 10
    # Even the right password from a fresh address waits now: guessing is over for the hour.
    assert _login(_client(limited_app, "198.51.100.200"), victim.email, PASSWORD) == 429
    # Positive control: another account from that same fresh address is not affected.
    other = _client(limited_app, "198.51.100.200")
    assert _login(other, world.users["bureau"].email, PASSWORD) == 302


def test_the_per_address_ceiling_holds_across_accounts(database_url, tmp_path, world):  # type: ignore[no-untyped-def]
    app = create_app(
        make_test_config(
            database_url,
            tmp_path,
            RATELIMIT_ENABLED=True,
            PROXY_HOPS=1,
            LOGIN_ADDRESS_RATE_LIMIT="6 per minute",
        )
    )
    sprayer = _client(app, "192.0.2.50")
    statuses = [_login(sprayer, f"user{i}@example.cn", "guess") for i in range(7)]
    assert statuses == [401] * 6 + [429]
    assert _login(_client(app, "192.0.2.51"), world.users["school"].email, PASSWORD) == 302
    get_database(app).engine.dispose()


def test_without_trusted_hops_a_forwarded_address_is_ignored(database_url, tmp_path, world):  # type: ignore[no-untyped-def]
    """PROXY_HOPS=0: a client cannot pick a fresh bucket by sending X-Forwarded-For itself."""
    app = create_app(make_test_config(database_url, tmp_path, RATELIMIT_ENABLED=True))
    email = world.users["school"].email
    statuses = [_login(_client(app, f"192.0.2.{i}"), email, "wrong") for i in range(6)]
    assert statuses == [401] * 5 + [429]
    get_database(app).engine.dispose()


def test_failed_logins_and_refusals_are_audited_with_the_address(limited_app, world, session):  # type: ignore[no-untyped-def]
    client = _client(limited_app, "203.0.113.9")
    email = world.users["student"].email
    for _ in range(6):
        _login(client, email, "wrong")
    failed = _actions(session, "user.login_failed")
    assert len(failed) == 5
    assert failed[0] == {"email": email, "address": "203.0.113.9"}
    refused = _actions(session, "request.rate_limited")
    assert [(r["path"], r["address"]) for r in refused] == [("/login", "203.0.113.9")]
    # An unknown e-mail is recorded too, with no account id.
    _login(_client(limited_app, "203.0.113.10"), "nobody@example.cn", "x")
    session.rollback()
    unknown = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "user.login_failed")
        .order_by(AuditEvent.seq.desc())
    )
    assert unknown.object_id == "-" and "nobody@example.cn" in unknown.payload


# Passwords (finding 10)


@pytest.mark.parametrize(
    "weak", ["aaaaaaaaaa", "1234567890", "qwertyuiop", "password123", "<own e-mail>"]
)
def test_a_guessable_password_is_refused_and_a_strong_one_accepted(login_as, world, weak):  # type: ignore[no-untyped-def]
    user = world.users["school"]
    weak = user.email if weak == "<own e-mail>" else weak
    client = login_as(user)
    response = client.post(
        "/account/password", data={"current": PASSWORD, "new": weak, "confirm": weak}
    )
    assert response.status_code == 400
    assert "密码太容易被猜到" in response.get_data(as_text=True)
    strong = "violet kettle orbits quietly"
    response = client.post(
        "/account/password", data={"current": PASSWORD, "new": strong, "confirm": strong}
    )
    assert response.status_code == 302


def test_wrong_current_passwords_are_throttled(database_url, tmp_path, world, session):  # type: ignore[no-untyped-def]
    app = create_app(make_test_config(database_url, tmp_path, RATELIMIT_ENABLED=True))
    client = app.test_client()
    user = world.users["enterprise"]
    assert _login(client, user.email, PASSWORD) == 302
    new = "violet kettle orbits quietly"
    wrong = {"current": "not it", "new": new, "confirm": new}
    statuses = [client.post("/account/password", data=wrong).status_code for _ in range(6)]
    assert statuses == [403] * 5 + [429]
    # The throttle is per user: another user changes its password at once.
    other = app.test_client()
    assert _login(other, world.users["bureau"].email, PASSWORD) == 302
    right = {"current": PASSWORD, "new": new, "confirm": new}
    assert other.post("/account/password", data=right).status_code == 302
    get_database(app).engine.dispose()
