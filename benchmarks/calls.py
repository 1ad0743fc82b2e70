"""Python function calls and SQL statements per page, counted in process: ``python -m benchmarks.calls``.

Seeds the demo region into a fresh database with the real commands (as ``benchmarks.load``
does): a temporary SQLite file by default, or a new database on the PostgreSQL server of
``--database-url`` (dropped afterwards). Logs each demo role in through the login form with
Flask's test client, then for each page makes one warm-up request and one request under
cProfile, and prints the function calls of that request (the test client's own included), its
SQL statements (cursor executes), its status code and the size of its body. Unlike requests/s,
these figures hardly move with the machine's load.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from benchmarks.load import (
    PAGES,
    demo_environ,
    login_form,
    parse_pages,
    scratch_database,
    seed_demo,
)
from skillbridge.platform.app import create_app
from skillbridge.platform.config import from_environment
from skillbridge.platform.db import get_database
from skillbridge.platform.demo.region import DEMO_LOGINS

# Roles that are not demo accounts: no login, or another role's login.
SIGNED_IN_AS = {"anonymous": None, "bureau API": "bureau"}


@contextmanager
def demo_app(database_url: str | None) -> Iterator[Flask]:
    """The app on a freshly seeded demo database: SQLite in a temporary folder unless a
    PostgreSQL server's URL is given."""
    with tempfile.TemporaryDirectory(prefix="skillbridge-calls-") as folder:
        with _database(database_url, Path(folder)) as url:
            environ = demo_environ(url)
            environ["SKILLBRIDGE_INSTANCE_PATH"] = folder
            print(f"migrated and seeded in {seed_demo(environ):.1f} s", flush=True)
            app = create_app(from_environment(environ))
            try:
                yield app
            finally:
                _let_go(app)


def _let_go(app: Flask) -> None:
    """Chain the audit entries the logins appended and close the connections, before the
    database is dropped (the audit chainer would find it gone)."""
    chainer = app.extensions.get("skillbridge.audit_chainer")
    if chainer is not None:
        chainer.wait_idle(10)
        chainer.close()
    get_database(app).engine.dispose()


@contextmanager
def _database(server_url: str | None, folder: Path) -> Iterator[str]:
    if server_url is None:
        yield f"sqlite:///{folder / 'demo.db'}"
    else:
        with scratch_database(server_url) as url:
            yield url


class StatementCounter:
    """Counts the statements sent to any engine's cursor while `counting`."""

    def __init__(self) -> None:
        self.count = 0
        self.counting = False
        event.listen(Engine, "before_cursor_execute", self._executed)

    def _executed(self, *_args: Any) -> None:
        if self.counting:
            self.count += 1

    def close(self) -> None:
        event.remove(Engine, "before_cursor_execute", self._executed)


def signed_in(app: Flask, role: str) -> FlaskClient:
    """A test client logged in through the form as the demo account of `role`."""
    client = app.test_client()
    login = SIGNED_IN_AS.get(role, role)
    if login is not None:
        email = DEMO_LOGINS[login]
        form = login_form(client.get("/login").get_data(as_text=True), email)
        answer = client.post("/login", data=form)
        if answer.status_code != 302:
            raise RuntimeError(f"login as {email} answered {answer.status_code}")
    return client


def measure(client: FlaskClient, path: str, counter: StatementCounter) -> dict[str, int]:
    """One warm-up request, then the calls and statements of one more."""
    client.get(path)
    profile = cProfile.Profile()
    counter.count, counter.counting = 0, True
    try:
        answer = profile.runcall(client.get, path)
    finally:
        counter.counting = False
    return {
        "calls": pstats.Stats(profile).total_calls,  # type: ignore[attr-defined]  # set in __init__, not in the stubs
        "statements": counter.count,
        "status": answer.status_code,
        "bytes": len(answer.get_data()),
    }


def run(database_url: str | None, pages: dict[str, list[str]]) -> int:
    counter = StatementCounter()
    failed = 0
    try:
        with demo_app(database_url) as app:
            header = (
                f"{'role':11s} {'page':22s} {'calls':>8s} {'SQL':>4s} {'status':>6s} {'bytes':>8s}"
            )
            print(f"\n{header}\n{'-' * len(header)}")
            for role, paths in pages.items():
                client = signed_in(app, role)
                for path in paths:
                    figures = measure(client, path, counter)
                    failed += figures["status"] != 200
                    print(
                        f"{role:11s} {path:22s} {figures['calls']:8d} {figures['statements']:4d} "
                        f"{figures['status']:6d} {figures['bytes']:8d}",
                        flush=True,
                    )
    finally:
        counter.close()
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="a PostgreSQL server to make the database on (default: SQLite)"
    )
    parser.add_argument(
        "--pages", type=parse_pages, default=PAGES, help="role:/path,... (default: the load's)"
    )
    args = parser.parse_args()
    return run(args.database_url, args.pages)


if __name__ == "__main__":
    sys.exit(main())
