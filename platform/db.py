"""The Flask glue of the database: one Database per app, one Session per request in `g`."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from skillbridge.platform.services import audit

from .database import Database, close_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    """Attach a Database to the app and close the request's session at teardown."""
    database = app.extensions["skillbridge.db"] = Database(app.config["DATABASE_URL"])
    linger_ms = app.config["AUDIT_CHAIN_LINGER_MS"]
    if linger_ms:
        app.extensions["skillbridge.audit_chainer"] = audit.chain_in_background(
            database, linger_ms / 1000
        )

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            close_session(session, finished=exc is None)


def get_database(app: Flask | None = None) -> Database:
    """The Database of `app` (the current app by default)."""
    return (app or current_app).extensions["skillbridge.db"]


def get_session() -> Session:
    """The request's Session, created on first use; a writing one for state-changing methods."""
    if "db_session" not in g:
        database = get_database()
        writes = has_request_context() and request.method not in SAFE_METHODS
        g.db_session = (database.write_sessions if writes else database.sessions)()
    return g.db_session
