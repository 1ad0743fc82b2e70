"""The database without the web: engines, the SQLite recipe, session factories and closing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

SQLITE_BUSY_TIMEOUT_S = 30
WRITE_OPTION = "skillbridge_write"


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and write-locking transactions."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
        )
        _make_sqlite_transactions_immediate(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


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


def close_session(session: Session) -> None:
    """Close `session`; if its connection died under it (a database restart), discard it.

    Closing rolls back, and a rollback on a connection the server has dropped raises: that
    would turn a finished request into a server error. Invalidating skips the rollback, and the
    pool opens a fresh connection for the next request.
    """
    try:
        session.close()
    except DBAPIError:
        session.invalidate()
