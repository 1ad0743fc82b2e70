"""Map domain errors and database conflicts to HTTP answers, in JSON when JSON is asked for."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from skillbridge.platform.services.errors import DomainError

from .db import get_session

DB_UNAVAILABLE_STATUS = 503


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _answer(status: int, message: str, details: list[str] | None = None) -> ResponseReturnValue:
    if _wants_json():
        return {"error": message, "details": details or [], "status": status}, status
    return render_template(
        "errors/error.html", status=status, message=message, details=details
    ), status


def register_error_handlers(app: Flask) -> None:
    """Register handlers; the session is rolled back so nothing half-done is committed later."""

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> ResponseReturnValue:
        get_session().rollback()
        return _answer(error.status, error.message, error.details)

    @app.errorhandler(IntegrityError)
    def _integrity_error(_error: IntegrityError) -> ResponseReturnValue:
        # A lost race against a UNIQUE or CHECK constraint is a conflict, never a server error.
        get_session().rollback()
        return _answer(409, _("操作与当前数据冲突，请刷新后重试"))

    @app.errorhandler(OperationalError)
    def _operational_error(_error: OperationalError) -> ResponseReturnValue:
        # The connection may have died (a database restart): a rollback on it would raise
        # again, so discard it; the pool connects afresh for the next request.
        get_session().invalidate()
        return _answer(DB_UNAVAILABLE_STATUS, _("数据库暂时不可用，请稍后重试"))

    @app.errorhandler(429)
    def _rate_limited(error: HTTPException) -> ResponseReturnValue:
        # Refused guesses are evidence: record who hit which limit from which address.
        from flask_limiter.util import get_remote_address
        from flask_login import current_user

        from skillbridge.platform.services.accounts.registration import record_rate_limited

        db = get_session()
        db.rollback()
        actor = current_user._get_current_object() if current_user.is_authenticated else None
        record_rate_limited(db, actor, request.path, get_remote_address(), str(error.description))
        db.commit()
        return _answer(429, _("尝试次数过多，请稍后再试"))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        return _answer(error.code or 500, error.description or error.name)
