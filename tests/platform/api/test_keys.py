"""Bearer keys: 401 for unknown or revoked keys, 403 naming a missing scope, last use, audit,
the rate limit per client, and the session cookie still reading."""

from __future__ import annotations

import pytest
import redis
from sqlalchemy import select
from support import PASSWORD_HASH, TEST_SECRET, bearer, empty_all_tables, make_test_config

from skillbridge.models import ApiClient, Role
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services.api_clients import clients


def test_an_unknown_or_malformed_key_is_401_and_a_live_one_serves(client, issue_key) -> None:  # type: ignore[no-untyped-def]
    key = issue_key("school", "placements:read")
    for header in ("Bearer sbk_nonsense", "Basic abc", "Bearer "):
        response = client.get("/api/v1/placements", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["status"] == 401
    assert client.get("/api/v1/placements", headers=bearer(key)).status_code == 200


def test_a_missing_scope_is_403_naming_it(client, issue_key) -> None:  # type: ignore[no-untyped-def]
    key = issue_key("enterprise", "slots:read")
    refused = client.get("/api/v1/placements", headers=bearer(key))
    assert refused.status_code == 403
    assert refused.get_json()["details"] == ["placements:read"]
    assert "placements:read" in refused.get_json()["error"]
    assert client.get("/api/v1/slots", headers=bearer(key)).status_code == 200


def test_each_call_sets_the_clients_last_use(client, session, issue_key) -> None:  # type: ignore[no-untyped-def]
    key = issue_key("enterprise", "slots:read")
    stored = session.scalars(select(ApiClient)).one()
    assert stored.last_used_at is None
    session.rollback()
    assert client.get("/api/v1/slots", headers=bearer(key)).status_code == 200
    session.refresh(stored)
    first = stored.last_used_at
    session.rollback()
    assert first is not None
    assert client.get("/api/v1/slots/1", headers=bearer(key)).status_code == 404
    session.refresh(stored)
    assert stored.last_used_at > first


def test_the_session_cookie_reads_but_never_writes(login_as, world) -> None:  # type: ignore[no-untyped-def]
    browser = login_as(world.users["enterprise"])
    assert browser.get("/api/v1/me").status_code == 200
    assert browser.get("/api/v1/slots").status_code == 200
    refused = browser.post("/api/v1/slots/1/close", headers={"Idempotency-Key": "x"})
    assert refused.status_code == 401


@pytest.mark.redis
def test_the_rate_limit_counts_per_client_in_redis(database_url, tmp_path, redis_url) -> None:  # type: ignore[no-untyped-def]
    app = create_app(
        make_test_config(
            database_url,
            tmp_path,
            RATELIMIT_ENABLED=True,
            REDIS_URL=redis_url,
            API_RATE_LIMIT="3 per minute",
        )
    )
    engine = get_database(app).engine
    empty_all_tables(engine)
    # This test's Redis database: no counts of an earlier run (client ids repeat across runs).
    redis.Redis.from_url(redis_url).flushdb()
    with get_database(app).write_sessions() as session:
        factories = Factories(session, TEST_SECRET, PASSWORD_HASH)
        region = factories.region()
        admins = [
            factories.user(Role.ENTERPRISE, enterprise_id=factories.enterprise(region).id)
            for _ in range(2)
        ]
        session.flush()
        keys = [
            clients.create_client(session, admin, clients.NewClient("HR", ("slots:read",)))[1]
            for admin in admins
        ]
        session.commit()
    web = app.test_client()
    try:
        answers = [web.get("/api/v1/slots", headers=bearer(keys[0])).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        # Another client from the same address keeps its own count (positive control).
        assert web.get("/api/v1/slots", headers=bearer(keys[1])).status_code == 200
    finally:
        engine.dispose()
