"""Helpers shared by the test modules: services, configs, free ports, logins (factories: demo.factories)."""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit, urlunsplit

import boto3
import pytest
from botocore.config import Config
from flask import Flask
from flask.testing import FlaskClient
from mypy_boto3_s3 import S3Client
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from skillbridge.models import (
    Base,
    Enterprise,
    Region,
    Role,
    School,
    Signature,
    StaffRole,
    Student,
    User,
    utcnow,
)
from skillbridge.platform.db import get_database
from skillbridge.platform.demo.factories import (  # noqa: F401 - one sequence for every factory
    next_number,
    valid_national_id,
    valid_uscc,
)
from skillbridge.platform.document_store import get_document_store
from skillbridge.platform.services import audit
from skillbridge.platform.services.accounts.passwords import hash_password
from skillbridge.platform.services.accounts.registration import new_session_token
from skillbridge.platform.services.documents.owners import claim_materials
from skillbridge.platform.services.documents.uploads import DocumentStore, Upload
from skillbridge.platform.services.placements import agreements
from skillbridge.platform.services.signatures.reauth import Reauthentication
from skillbridge.platform.services.signatures.signing import Origin

# What the `login_as` fixture is: a fresh client logged in as the user.
LoginAs = Callable[[User], FlaskClient]


@dataclass
class World:
    """Two tenants of each kind in one region, with a bureau user each side of a region line."""

    region: Region
    other_region: Region
    school: School
    other_school: School
    enterprise: Enterprise
    other_enterprise: Enterprise
    student: Student
    other_student: Student
    users: dict[str, User]


IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("SKILLBRIDGE_TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("SKILLBRIDGE_TEST_REDIS_URL", "")
# Parallel test processes (pytest-xdist's gw0, gw1, ...) each take their own Redis database,
# counting down from the configured one, so one's FLUSHDB never empties another's queues.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
if REDIS_URL and _WORKER:
    _redis = urlsplit(REDIS_URL)
    _db = int(_redis.path.strip("/") or 0) - _WORKER
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_db % 16}"))
PASSWORD = "correct horse battery"
PASSWORD_HASH = hash_password(PASSWORD)
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
# Debian's build: Playwright's own browser downloads fail on the networks this runs on.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The bucket of the test SeaweedFS server (the `seaweedfs` fixture), which runs without IAM.
SEAWEEDFS_BUCKET = "skillbridge-documents"
SEAWEEDFS_KEY = "skillbridge-test"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def s3_test_client(endpoint: str) -> S3Client:
    """A client of the test server, which runs without IAM: any key pair is accepted."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=SEAWEEDFS_KEY,
        aws_secret_access_key=SEAWEEDFS_KEY,
        config=Config(s3={"addressing_style": "path"}),
    )


def require_service(name: str, available: bool, reason: str) -> None:
    """Skip when a service is absent on a developer machine; fail under CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{name} is required under CI but unavailable: {reason}")
    pytest.skip(f"{name} unavailable: {reason}")


def make_test_config(database_url: str, tmp_path, **overrides) -> dict:  # type: ignore[no-untyped-def]
    """The settings every test app starts from."""
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # Each commit's entries chained at once, so a test reads them in the chain right after.
        "AUDIT_CHAIN_LINGER_MS": 0,
    }
    config.update(overrides)
    return config


def login(client: FlaskClient, user: User) -> None:
    """Log `client` in through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def add_bureau_user(app: Flask, region_code: str) -> User:
    """A region and its bureau user (password `support.PASSWORD`), committed and detached."""
    with get_database(app).write_sessions() as session:
        region = Region(code=region_code, name=f"{region_code} 演练区", policy_pack="wujiang")
        session.add(region)
        session.flush()
        user = User(
            email=f"bureau@{region_code}.cn",
            display_name="bureau",
            password_hash=PASSWORD_HASH,
            role=Role.BUREAU,
            staff_role=StaffRole.OFFICER,
            session_token=new_session_token(),
            region_id=region.id,
        )
        session.add(user)
        session.commit()
        session.refresh(user)
        session.expunge(user)
        return user


def empty_all_tables(engine: Engine) -> None:
    """Leave the schema, remove every row, and restore the audit chain's genesis head."""
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            # A previous test may have left a connection idle in a transaction (a streamed body
            # never read, a thread still running): end it, or TRUNCATE would wait on its locks.
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            connection.execute(text("SET LOCAL lock_timeout = '60s'"))
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
    with Session(engine) as session:
        audit.ensure_chain_head(session)
        session.commit()


def sign_as(session: Session, user: User, placement_id: int) -> Signature:
    """Sign the placement's current agreement version as `user` just after re-entering the
    password (the re-entry itself is tested in tests/platform/signatures)."""
    version = agreements.signing_page(session, user, placement_id, date.today()).version
    assert version is not None, "no agreement to sign"
    now = utcnow()
    return agreements.sign_agreement(
        session,
        user,
        placement_id,
        agreements.SignRequest(
            version.content_sha256,
            Reauthentication(user.id, version.content_sha256, now),
            Origin("192.0.2.1", "pytest"),
        ),
        now,
    )


def sample_pdf(title: str = "材料") -> bytes:
    """A valid one-page PDF made with pypdf; `title` (in its metadata) makes each one distinct."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def materials_for(session: Session, policy_id: int) -> list[Upload]:
    """Fresh uploads of one valid PDF per document kind the policy's pack entry requires."""
    from skillbridge.models import SubsidyPolicy

    policy = session.get_one(SubsidyPolicy, policy_id)
    return [
        Upload(kind, f"{kind}.pdf", io.BytesIO(sample_pdf(kind)))
        for kind in claim_materials(session, policy)
    ]


def document_store(app: Flask) -> DocumentStore:
    """The app's document store (files under the test's instance folder)."""
    return get_document_store(app)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it."""
    require_service("pdftotext", shutil.which("pdftotext") is not None, "install poppler-utils")
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    require_service("Noto CJK", "Noto" in fonts, "install fonts-noto-cjk")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def flat_text(text: str) -> str:
    """pdftotext breaks long lines (the hash) at the margin: compare without whitespace."""
    return re.sub(r"\s+", "", text)


T = TypeVar("T")


def race(tasks: list[Callable[[], T]]) -> list[T]:
    """Run every task in its own thread, all released at once by a barrier; their results in
    the tasks' order. A task that hangs fails the test instead of the run."""
    barrier = threading.Barrier(len(tasks))
    results: list[T | None] = [None] * len(tasks)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = tasks[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a racing task hung"
    return cast(list[T], results)  # every slot was filled by its thread


def alone(
    sessions: Callable[[], Any], user_id: int, step: Callable[[Session, User], object]
) -> str:
    """Run one step as `user_id` in a session of this thread's own; name the outcome: "done",
    "conflict", or the error (every other outcome is a defect the race test reports)."""
    from skillbridge.platform.services.errors import Conflict

    with sessions() as own:
        try:
            step(own, own.get(User, user_id))
            own.commit()
            return "done"
        except Conflict:
            own.rollback()
            return "conflict"
        except Exception as exc:
            own.rollback()
            return f"error: {exc!r}"


def api_slot_body(occupation_id: int, **changes: object) -> dict[str, object]:
    """A slot that passes the posting rules, as an enterprise's HR system sends it to the API."""
    return {
        "kind": "post_internship",
        "title": "数控车床操作岗",
        "occupation_id": occupation_id,
        "start_date": (date.today() + timedelta(days=60)).isoformat(),
        "duration_months": 6,
        "seats": 4,
        "stipend_yuan": 3000,
        "post_wage_yuan": 3500,
        "post_headcount": 40,
    } | changes


def bearer(key: str, **headers: str) -> dict[str, str]:
    """API request headers carrying `key`, and any others given (Idempotency_Key → Idempotency-Key)."""
    return {"Authorization": f"Bearer {key}"} | {
        name.replace("_", "-"): value for name, value in headers.items()
    }


@contextmanager
def statements_sent(session: Session) -> Iterator[list[str]]:
    """The SQL statements sent on the session's connection while inside (but SQLite's BEGIN,
    which the app sends itself to open each transaction)."""
    sent: list[str] = []

    def executed(*args: object) -> None:
        if args[2] != "BEGIN":
            sent.append(str(args[2]))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", executed)
