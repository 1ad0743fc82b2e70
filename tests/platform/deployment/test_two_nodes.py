"""Two web nodes, one worker, one PostgreSQL, one Redis, one S3 store: nothing lives in a node.

Two gunicorn servers on different ports (each with its own instance folder, as two machines
have) share only their configuration: the secret key, the database, Redis and the document
storage URL. A client moves between them as a load balancer would send it, and sees one site:
its session and CSRF token from one node hold on the other, the login limit counts its attempts
on both, a match run asked for on one is executed by a separate `skillbridge worker` process and
read on the other, a document uploaded through one is downloaded through the other, and a
logout on one ends the session on the other. Both
nodes append to one audit chain, concurrently, and it verifies.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
from flask import Flask
from rq import Queue
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from support import (
    PASSWORD,
    SEAWEEDFS_BUCKET,
    SEAWEEDFS_KEY,
    TEST_SECRET,
    World,
    free_port,
    make_test_config,
    s3_test_client,
    sample_pdf,
)

from skillbridge.models import AuditEvent, Document, MatchRun, RunStatus
from skillbridge.platform.app import create_app
from skillbridge.platform.background import MATCHING_QUEUE
from skillbridge.platform.db import get_database
from skillbridge.platform.services import audit

# The deployment is PostgreSQL's: the SQLite variant of the shared fixtures is not asked for.
pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

WORKERS_PER_NODE = 2
LOGIN_LIMIT = 5  # the default LOGIN_RATE_LIMIT: wrong logins per minute per (address, account)
# A WTForms field (type after name) or a hand-written form's input (value after name).
CSRF = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')
TIMEOUT = 30
OTHER_SECRET = "another-deployment-secret-key-0123456789abcdef"


@dataclass
class Node:
    """One gunicorn server: its address and its log."""

    name: str
    base: str
    process: subprocess.Popen[bytes]
    log: Path
    instance: Path

    def log_tail(self) -> str:
        return f"--- {self.name} log ---\n" + self.log.read_text(errors="replace")[-3000:]


def _command(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _environment(database_url: str, redis_url: str, storage_url: str, instance: Path) -> dict:  # type: ignore[type-arg]
    """What every node and worker shares (and the instance folder each has of its own)."""
    return {
        **os.environ,
        "SKILLBRIDGE_DATABASE_URL": database_url,
        "SKILLBRIDGE_SECRET_KEY": TEST_SECRET,
        "SKILLBRIDGE_REDIS_URL": redis_url,
        "SKILLBRIDGE_DOCUMENT_STORAGE_URL": storage_url,
        "SKILLBRIDGE_INSTANCE_PATH": str(instance),
        "AWS_ACCESS_KEY_ID": SEAWEEDFS_KEY,
        "AWS_SECRET_ACCESS_KEY": SEAWEEDFS_KEY,
    }


def _wait_until_up(node: Node, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            pytest.fail(f"{node.name} exited\n{node.log_tail()}")
        try:
            if requests.get(f"{node.base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"{node.name} did not answer /healthz\n{node.log_tail()}")


@dataclass
class Deployment:
    nodes: tuple[Node, Node]
    environment: dict  # type: ignore[type-arg]
    storage_endpoint: str
    storage_prefix: str
    redis: redis.Redis
    tmp_path: Path


@pytest.fixture
def deployment(app: Flask, redis_url: str, seaweedfs: str, tmp_path: Path) -> Iterator[Deployment]:
    """Two nodes on the test database (schema made by the `app` fixture), Redis and SeaweedFS."""
    connection = redis.Redis.from_url(redis_url)
    connection.flushdb()  # this test's Redis database: no limits or jobs of an earlier run
    prefix = f"two-nodes-{uuid.uuid4().hex[:8]}"
    storage_url = f"s3://{SEAWEEDFS_BUCKET}/{prefix}?endpoint={seaweedfs}"
    database_url = app.config["DATABASE_URL"]
    nodes = []
    try:
        for name in ("node-a", "node-b"):
            instance = tmp_path / name
            port = free_port()
            log = tmp_path / f"{name}.log"
            # The child keeps its own copy of the descriptor: ours is closed at once.
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [
                        _command("gunicorn"),
                        "-w",
                        str(WORKERS_PER_NODE),
                        "-b",
                        f"127.0.0.1:{port}",
                        "skillbridge.platform.app:create_app()",
                    ],
                    env=_environment(database_url, redis_url, storage_url, instance),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            nodes.append(Node(name, f"http://127.0.0.1:{port}", process, log, instance))
        for node in nodes:
            _wait_until_up(node)
        environment = _environment(database_url, redis_url, storage_url, tmp_path / "worker")
        yield Deployment((nodes[0], nodes[1]), environment, seaweedfs, prefix, connection, tmp_path)
    finally:
        for node in nodes:
            node.process.terminate()
        for node in nodes:
            node.process.wait(timeout=30)
        connection.flushdb()
        connection.close()


def _csrf(client: requests.Session, url: str) -> str:
    page = client.get(url, timeout=TIMEOUT)
    token = CSRF.search(page.text)
    assert token is not None, f"no CSRF token on {url} ({page.status_code})"
    return token.group(1)


def _login(client: requests.Session, node: Node, email: str, password: str, token: str) -> int:
    form = {"csrf_token": token, "email": email, "password": password}
    response = client.post(f"{node.base}/login", data=form, allow_redirects=False, timeout=TIMEOUT)
    return response.status_code


def _dashboard_with(cookie: str, agent: str, secret: str, app: Flask, tmp_path: Path) -> int:
    """The dashboard's status for the session cookie on an app of the same database and `secret`."""
    other = create_app(
        make_test_config(app.config["DATABASE_URL"], tmp_path / "in-process", SECRET_KEY=secret)
    )
    try:
        client = other.test_client()
        client.set_cookie("session", cookie)
        # Flask-Login's strong protection binds the session to the client's address and agent.
        environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": agent}
        return client.get("/dashboard", environ_base=environ).status_code
    finally:
        get_database(other).engine.dispose()


def test_two_nodes_share_sessions_limits_runs_and_documents(
    deployment: Deployment, world: World, session: Session, app: Flask
) -> None:
    a, b = deployment.nodes

    # ── (a) a session made on A is valid on B, and the CSRF token A handed out too ──
    bureau = requests.Session()
    token = _csrf(bureau, f"{a.base}/login")
    assert _login(bureau, b, world.users["bureau"].email, PASSWORD, token) == 302, b.log_tail()
    for node in (a, b):
        page = bureau.get(f"{node.base}/dashboard", allow_redirects=False, timeout=TIMEOUT)
        assert page.status_code == 200, (node.name, page.status_code, page.headers)
    anonymous = requests.get(f"{b.base}/dashboard", allow_redirects=False, timeout=TIMEOUT)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    # It is the shared key that carries the session: a node with another key sees nobody.
    cookie, agent = bureau.cookies["session"], bureau.headers["User-Agent"]
    assert _dashboard_with(cookie, agent, TEST_SECRET, app, deployment.tmp_path) == 200
    assert _dashboard_with(cookie, agent, OTHER_SECRET, app, deployment.tmp_path) == 302

    # ── (b) the login limit counts the attempts made on both nodes ──
    guesser = requests.Session()
    token = _csrf(guesser, f"{a.base}/login")
    school = world.users["school"].email
    attempts = [
        _login(guesser, node, school, "wrong password", token)
        for node in (a, b, a, b, a, b)  # 3 + 3: either node alone stays under the limit
    ]
    assert attempts == [401] * LOGIN_LIMIT + [429], attempts
    assert deployment.redis.dbsize() > 0, "the limits are not counted in Redis"
    # Positive control: the same address still logs another account in, on either node.
    student = requests.Session()
    token = _csrf(student, f"{b.base}/login")
    assert _login(student, a, world.users["student"].email, PASSWORD, token) == 302

    # ── (c) a run asked for on A is executed by a separate worker process, read on B ──
    token = _csrf(bureau, f"{a.base}/matching/")
    asked = bureau.post(
        f"{a.base}/matching/runs",
        data={"csrf_token": token, "method": "auto", "offer_days": 7},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert asked.status_code == 302, asked.text[:500]
    run_id = int(asked.headers["Location"].rsplit("/", 1)[-1])
    # No web node runs it: it waits in Redis for a worker.
    assert Queue(MATCHING_QUEUE, connection=deployment.redis).count == 1
    session.expire_all()
    assert session.scalar(select(MatchRun.status).where(MatchRun.id == run_id)) == RunStatus.QUEUED
    worker = subprocess.run(
        [_command("skillbridge"), "worker", "--burst"],
        env=deployment.environment,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    status = bureau.get(f"{b.base}/matching/runs/{run_id}/status", timeout=TIMEOUT).json()
    assert status["status"] == RunStatus.SUCCEEDED.value, status
    assert bureau.get(f"{b.base}/matching/runs/{run_id}", timeout=TIMEOUT).status_code == 200

    # ── (d) a document uploaded through A is downloaded through B, from the shared bucket ──
    enterprise = requests.Session()
    token = _csrf(enterprise, f"{a.base}/login")
    assert _login(enterprise, a, world.users["enterprise"].email, PASSWORD, token) == 302
    pdf = sample_pdf("两个节点的营业执照")
    token = _csrf(enterprise, f"{b.base}/documents/enterprise/{world.enterprise.id}")
    uploaded = enterprise.post(
        f"{a.base}/documents/enterprise/{world.enterprise.id}",
        data={"csrf_token": token, "kind": "business_licence", "next": "/"},
        files={"file": ("营业执照.pdf", pdf, "application/pdf")},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert uploaded.status_code == 302, uploaded.text[:500]
    session.expire_all()
    document = session.scalars(select(Document)).one()
    download = enterprise.get(f"{b.base}/documents/files/{document.id}", timeout=TIMEOUT)
    assert download.status_code == 200 and download.content == pdf
    stored = s3_test_client(deployment.storage_endpoint).list_objects_v2(
        Bucket=SEAWEEDFS_BUCKET, Prefix=deployment.storage_prefix
    )
    assert [o["Key"] for o in stored.get("Contents", [])] == [
        f"{deployment.storage_prefix}/{document.sha256}"
    ]
    # Nothing was kept on A's disk: B could never have served it from there.
    assert not (a.instance / "documents").exists()

    # ── a logout on B ends the session on A too: the token it rotates is in the database ──
    copied = requests.Session()
    copied.cookies.set("session", enterprise.cookies["session"])
    assert (
        copied.get(f"{a.base}/dashboard", allow_redirects=False, timeout=TIMEOUT).status_code == 200
    )
    token = _csrf(enterprise, f"{b.base}/documents/enterprise/{world.enterprise.id}")
    out = enterprise.post(
        f"{b.base}/logout", data={"csrf_token": token}, allow_redirects=False, timeout=TIMEOUT
    )
    assert out.status_code == 302
    after = copied.get(f"{a.base}/dashboard", allow_redirects=False, timeout=TIMEOUT)
    assert after.status_code == 302 and "/login" in after.headers["Location"]

    # ── both nodes append to one audit chain at once, and it verifies ──
    def wrong_login(number: int) -> int:
        client = requests.Session()
        node = deployment.nodes[number % 2]
        token = _csrf(client, f"{node.base}/login")
        return _login(client, node, f"nobody-{number}@two-nodes.cn", "wrong password", token)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(wrong_login, range(24))) == {401}
    engine = get_database(app).engine
    audit.chain(engine, wait=True)  # what a commit's SKIP LOCKED left to the next chainer
    session.expire_all()
    failed = session.scalar(select(func.count()).where(AuditEvent.action == "user.login_failed"))
    assert failed is not None and failed >= 24 + LOGIN_LIMIT
    assert audit.unchained_count(session) == 0
    assert audit.verify_chain(session).ok
