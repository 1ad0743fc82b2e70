"""The database without the web: engines, the SQLite recipe, session factories and closing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

SQLITE_BUSY_TIMEOUT_S = 30
WRITE_OPTION = "skillbridge_write"
# Whether the connection's transaction sent anything but reads (kept in `Connection.info`).
_WROTE = "skillbridge_wrote"
# The connection of the session's current transaction (kept in `Session.info`).
_CONNECTION = "skillbridge_connection"
# Statements sent as text that only read or frame a transaction; any other text may write.
_READING_WORDS = frozenset({"SELECT", "SHOW", "BEGIN", "SAVEPOINT", "RELEASE"})


def make_engine(url: str) -> Engine:
    """Create an engine that notes writes; SQLite gets foreign keys, WAL and write-locking
    transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
        )
        _make_sqlite_transactions_immediate(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        _plan_prepared_statements_once(engine)
    _note_writes(engine)
    return engine


def _plan_prepared_statements_once(engine: Engine) -> None:
    """PostgreSQL plans a prepared statement once, not at every run.

    psycopg prepares a statement at its 5th run on a connection. PostgreSQL would still plan
    each run for its parameters while its estimate for a plan that ignores them is higher,
    which it is for every paginated list (it cannot know the LIMIT); planning a page's to-do
    counts or a list took 1.3–3 ms of the server's CPU, more than running them. Every value
    these statements bind is a tenant, an id, a status or a window, so one plan serves them
    all: on the 100k-student region no page got slower (`benchmarks/README.md`).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.close()
        dbapi_connection.commit()


def _note_writes(engine: Engine) -> None:
    """Mark a connection's transaction once it sends a statement that may write.

    `close_session` ends a transaction that wrote nothing with COMMIT instead of ROLLBACK: the
    two are the same for such a transaction, but psycopg forgets its prepared statements at
    every rollback, so a page's statements (parsed and planned again on every request: up to 3
    ms of the server's CPU for one to-do count) would otherwise never be prepared at all.
    SQLite keeps its statement cache either way; it ends such transactions the same way, so
    the two backends behave alike.
    """

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.info[_WROTE] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(
        connection: Connection,
        _cursor: DBAPICursor,
        statement: str,
        _parameters: Any,
        context: DefaultExecutionContext | None,
        _executemany: bool,
    ) -> None:
        if connection.info.get(_WROTE):
            return
        if context is not None and (context.is_crud or context.isddl):
            connection.info[_WROTE] = True
        elif context is None or context.is_text:
            words = statement.split(None, 1)
            connection.info[_WROTE] = not words or words[0].upper() not in _READING_WORDS


def _make_sqlite_transactions_immediate(engine: Engine) -> None:
    """SQLite ignores SELECT ... FOR UPDATE; BEGIN IMMEDIATE takes the write lock up front.

    This is SQLAlchemy's documented pysqlite recipe: the driver's own transaction handling is
    switched off and we emit BEGIN ourselves. Writing transactions (see `Database.write_sessions`)
    start with BEGIN IMMEDIATE, which serialises writers (seats, months, money, the audit chain)
    instead of letting one fail on a stale snapshot; read-only ones start deferred, and WAL keeps
    them going beside the writer.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """An engine with its session factories, stored on the app.

    `sessions` open read-mostly transactions; `write_sessions` open transactions that will write
    (on SQLite they take the write lock at BEGIN; elsewhere the two are the same).
    """

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    def refresh_statistics(self) -> None:
        """ANALYZE every table, for the query planner after a bulk load.

        Autovacuum may be off or not have run yet: without statistics PostgreSQL plans the
        demo's 474 placement agreements as 110 rows and its signatures as one, and then scans
        the signatures once per agreement (a to-do count of 0.4 ms took 37 ms).
        """
        with self.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """A writing session that commits on success and rolls back on error (CLI, workers)."""
        session = self.write_sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            close_session(session)


@event.listens_for(Session, "after_begin")
def _remember_connection(
    session: Session, _transaction: SessionTransaction, connection: Connection
) -> None:
    session.info[_CONNECTION] = connection


@event.listens_for(Session, "after_transaction_end")
def _forget_connection(session: Session, transaction: SessionTransaction) -> None:
    # A later transaction that has sent nothing yet has no connection to judge.
    if transaction.parent is None:
        session.info.pop(_CONNECTION, None)


def _wrote_nothing(session: Session) -> bool:
    """Whether the session's open transaction only read: no pending changes, no statement that
    may write (see `_note_writes`)."""
    connection = session.info.get(_CONNECTION)
    return (
        connection is not None
        and session.in_transaction()
        and session.is_active
        and not (session.new or session.dirty or session.deleted)
        and connection.info.get(_WROTE) is False
    )


def close_session(session: Session, finished: bool = True) -> None:
    """Close `session`; if its connection died under it (a database restart), discard it.

    A `finished` request's transaction that wrote nothing ends with COMMIT, which keeps the
    driver's prepared statements (`_note_writes`); anything else is rolled back as it closes.
    A rollback on a connection the server has dropped raises: that would turn a finished
    request into a server error. Invalidating skips the rollback, and the pool opens a fresh
    connection for the next request.
    """
    try:
        if finished and _wrote_nothing(session):
            session.commit()
        session.close()
    except DBAPIError:
        session.invalidate()
