"""How a request's session ends: COMMIT when it only read (keeping prepared statements), else ROLLBACK."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import Engine, event, insert, select, text
from sqlalchemy.orm import Session

from skillbridge.models import AuditEvent, Region
from skillbridge.models.region import RegionLevel
from skillbridge.platform.database import close_session
from skillbridge.platform.db import get_database
from skillbridge.platform.services import audit

Work = Callable[[Session], object]


def _read(session: Session) -> object:
    return session.scalars(select(Region.id)).all()


def _text_read(session: Session) -> object:
    return session.execute(text("SELECT count(*) FROM region")).scalar_one()


def _flush(session: Session) -> object:
    session.add(Region(code="flushed", name="Flushed", level=RegionLevel.PROVINCE))
    session.flush()
    return None


def _pending(session: Session) -> object:
    _read(session)
    session.add(Region(code="pending", name="Pending", level=RegionLevel.PROVINCE))
    return None


def _core_insert(session: Session) -> object:
    return session.execute(
        insert(Region).values(code="core", name="Core", level=RegionLevel.PROVINCE)
    )


def _text_insert(session: Session) -> object:
    return session.execute(
        text("INSERT INTO region (code, name, level) VALUES ('t', 'T', 'province')")
    )


def _audit_append(session: Session) -> object:
    # An INSERT read back through select(...).from_statement(...): a write inside a SELECT.
    return audit.record(session, None, "region.test", "region", 1, {})


@pytest.fixture
def ends(db_engine: Engine) -> Iterator[list[str]]:
    """How each transaction on the app's engine ended: "commit" or "rollback"."""
    seen: list[str] = []

    def _commit(_connection: object) -> None:
        seen.append("commit")

    def _rollback(_connection: object) -> None:
        seen.append("rollback")

    event.listen(db_engine, "commit", _commit)
    event.listen(db_engine, "rollback", _rollback)
    yield seen
    event.remove(db_engine, "commit", _commit)
    event.remove(db_engine, "rollback", _rollback)


def _end(app: Flask, work: Work, finished: bool = True) -> None:
    session = get_database(app).sessions()
    work(session)
    close_session(session, finished=finished)


@pytest.mark.parametrize("work", [_read, _text_read], ids=["select", "text select"])
def test_a_session_that_only_read_ends_with_commit(app: Flask, ends: list[str], work: Work) -> None:
    _end(app, work)
    assert ends == ["commit"]


@pytest.mark.parametrize(
    "work",
    [_flush, _pending, _core_insert, _text_insert, _audit_append],
    ids=["flush", "pending", "core insert", "text insert", "insert read back"],
)
def test_a_session_that_wrote_without_committing_is_rolled_back(
    app: Flask, ends: list[str], session: Session, work: Work
) -> None:
    _end(app, _read)  # the positive control: the same path commits a reading session
    assert ends == ["commit"]
    _end(app, work)
    assert ends == ["commit", "rollback"]
    assert session.scalars(select(Region.code)).all() == []
    assert session.scalars(select(AuditEvent.id)).all() == []


def test_a_failed_request_is_rolled_back_even_if_it_only_read(app: Flask, ends: list[str]) -> None:
    _end(app, _read, finished=True)
    _end(app, _read, finished=False)
    assert ends == ["commit", "rollback"]


def test_a_session_that_committed_its_writes_keeps_them(
    app: Flask, ends: list[str], session: Session
) -> None:
    def _write_and_commit(db_session: Session) -> object:
        _flush(db_session)
        db_session.commit()
        return _read(db_session)  # a new transaction, which only reads

    _end(app, _write_and_commit)
    assert ends == ["commit", "commit"]
    assert session.scalars(select(Region.code)).all() == ["flushed"]


@pytest.mark.postgres
def test_prepared_statements_outlive_a_reading_request_on_postgresql(app: Flask) -> None:
    database = get_database(app)
    if database.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are psycopg's (PostgreSQL); SQLite has none to keep")
    prepared = text("SELECT name FROM pg_prepared_statements WHERE statement LIKE '%FROM region%'")

    def _reads_often(session: Session) -> object:
        for _ in range(6):  # psycopg prepares a statement at its 5th run on a connection
            _read(session)
        return None

    def _prepared_after(finished: bool) -> list[str]:
        _end(app, _reads_often, finished=finished)
        with database.engine.connect() as connection:  # the pool's one idle connection
            return list(connection.scalars(prepared))

    database.engine.dispose()
    assert _prepared_after(finished=True) != []
    database.engine.dispose()
    assert _prepared_after(finished=False) == []  # a rollback drops them: what COMMIT avoids


@pytest.mark.postgres
def test_postgresql_plans_a_prepared_statement_once(app: Flask) -> None:
    engine = get_database(app).engine
    if engine.dialect.name != "postgresql":
        pytest.skip("plan_cache_mode is PostgreSQL's")
    with engine.connect() as connection:
        assert connection.scalar(text("SHOW plan_cache_mode")) == "force_generic_plan"


def test_a_transaction_begun_after_a_commit_is_judged_by_its_own_statements(
    app: Flask, ends: list[str], session: Session
) -> None:
    def _commit_then_write(db_session: Session) -> object:
        _read(db_session)
        db_session.commit()  # the first transaction only read
        return _core_insert(db_session)  # the second writes and is left uncommitted

    _end(app, _commit_then_write)
    assert ends == ["commit", "rollback"]
    assert session.scalars(select(Region.code)).all() == []
