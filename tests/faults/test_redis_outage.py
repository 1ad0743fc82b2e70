"""Redis down and back under use: logins stay limited, match runs still run, nothing is a 500.

Redis holds the login limits shared by every worker and the queue of match runs. The test runs
a redis-server of its own, kills it, and checks the degraded mode (limits counted per process,
runs executed in the web process), then starts it again on the same port and checks that the
limits are shared in Redis again, with nobody touching the app.
"""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from sqlalchemy import select
from support import add_bureau_user, free_port, login, make_test_config, require_service

from skillbridge.models import MatchRun, RunStatus
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database
from skillbridge.platform.migrate import upgrade_database

LIMIT = 5  # the default LOGIN_RATE_LIMIT, per minute


class RedisServer:
    """A redis-server on a port of its own, that keeps nothing on disk."""

    def __init__(self, binary: str, port: int) -> None:
        self.binary, self.port, self.process = binary, port, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.client().ping():
                return
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def client(self):  # type: ignore[no-untyped-def]
        import redis

        try:
            client = redis.Redis(port=self.port, socket_connect_timeout=1)
            client.ping()
            return client
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
            return None


@pytest.fixture
def redis_server():  # type: ignore[no-untyped-def]
    binary = shutil.which("redis-server")
    require_service("redis-server", binary is not None, "no redis-server on the PATH")
    server = RedisServer(binary, free_port())
    server.start()
    yield server
    if server.process.poll() is None:
        server.kill()


def _attempts(app, address: str, email: str, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    """`count` logins with a wrong password from one client address; their status codes."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return [
        client.post("/login", data={"email": email, "password": "wrong password"}).status_code
        for _ in range(count)
    ]


def test_logins_and_match_runs_survive_a_redis_outage(redis_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade_database(url)
    redis_url = f"redis://127.0.0.1:{redis_server.port}/0"
    # One account from three addresses here: the per-account limit is lifted out of the way.
    config = make_test_config(
        url,
        tmp_path,
        RATELIMIT_ENABLED=True,
        REDIS_URL=redis_url,
        LOGIN_ACCOUNT_RATE_LIMIT="1000 per hour",
    )
    app = create_app(config)
    bureau = add_bureau_user(app, "redis-fault")

    # Redis up: the limit holds and is counted in Redis.
    assert _attempts(app, "10.0.0.1", bureau.email, LIMIT + 1) == [401] * LIMIT + [429]
    assert redis_server.client().dbsize() > 0

    redis_server.kill()
    # Redis down: no server error; the same limit is still enforced, in this process's memory.
    assert _attempts(app, "10.0.0.2", bureau.email, LIMIT + 1) == [401] * LIMIT + [429]
    client = app.test_client()
    login(client, bureau)
    response = client.post("/matching/runs", data={"method": "auto", "offer_days": 7})
    assert response.status_code == 302
    run_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    deadline = time.monotonic() + 30
    status = None
    while time.monotonic() < deadline and status not in (RunStatus.SUCCEEDED, RunStatus.FAILED):
        with get_database(app).sessions() as session:
            status = session.scalar(select(MatchRun.status).where(MatchRun.id == run_id))
        time.sleep(0.1)
    assert status == RunStatus.SUCCEEDED  # run by this process, not left queued

    redis_server.start()  # same port, empty
    time.sleep(2.5)  # the limiter retries the storage after 1 s, then 2 s, ...
    assert _attempts(app, "10.0.0.3", bureau.email, LIMIT + 1) == [401] * LIMIT + [429]
    assert redis_server.client().dbsize() > 0  # the limits are shared in Redis again
