"""Map domain errors and database conflicts to HTTP answers, in JSON when JSON is asked for."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.text import N_

from .db import get_session

DB_UNAVAILABLE_STATUS = 503


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


# What an HTTP error means to the person who met it, in the UI language, instead of Werkzeug's
# English description.
_HTTP_MESSAGES = {
    400: N_("请求无效：请检查填写的内容后重试"),
    401: N_("请先登录"),
    403: N_("无权访问该页面或执行该操作"),
    404: N_("页面不存在，或链接已失效"),
    405: N_("不支持该操作方式"),
    409: N_("操作与当前数据冲突，请刷新后重试"),
    412: N_("数据已被修改（If-Match 与当前 ETag 不符），请重新读取后再改"),
    413: N_("上传的文件过大"),
    422: N_("请求的数据有误，见 details"),
    428: N_("修改需要 If-Match 请求头（先读取对象取得 ETag）"),
    429: N_("尝试次数过多，请稍后再试"),
    500: N_("服务器出错，请稍后重试；问题已记录"),
    503: N_("服务暂时不可用，请稍后重试"),
}
_TITLES = {
    400: N_("请求无效"),
    401: N_("需要登录"),
    403: N_("无权访问"),
    404: N_("页面不存在"),
    405: N_("操作方式不支持"),
    409: N_("数据冲突"),
    412: N_("数据已被修改"),
    413: N_("文件过大"),
    422: N_("数据有误"),
    428: N_("缺少 If-Match"),
    429: N_("请求过于频繁"),
    500: N_("服务器出错"),
    503: N_("暂时不可用"),
}


def _way_back() -> str | None:
    """The page the user came from, when it is on this site and not the failed page itself."""
    referrer = request.referrer
    if not referrer or not referrer.startswith(request.host_url) or referrer == request.url:
        return None
    return referrer


def _answer(status: int, message: str, details: list[str] | None = None) -> ResponseReturnValue:
    if _wants_json():
        return {"error": message, "details": details or [], "status": status}, status
    title = _TITLES.get(status, _TITLES[400] if status < 500 else _TITLES[500])
    return render_template(
        "errors/error.html",
        status=status,
        title=title,
        message=message,
        details=details,
        back=_way_back(),
    ), status


def _validation_details(error: HTTPException) -> list[str]:
    """The fields a request's parsing refused (webargs keeps them on the exception), one each:
    `json.students.0.national_id: Missing data for required field.`"""
    data = getattr(error, "data", None)
    messages = data.get("messages") if isinstance(data, dict) else None
    details: list[str] = []

    def walk(path: str, value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{path}.{key}" if path else str(key), inner)
        elif isinstance(value, list):
            for inner in value:
                walk(path, inner)
        else:
            details.append(f"{path}: {value}")

    walk("", messages or {})
    return details


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
        status = error.code or 500
        # A description given with abort() is ours and already translated; Werkzeug's default
        # one is English for everybody, so the status's own message replaces it.
        default = type(error).description
        own = error.description if error.description and error.description != default else None
        message = own or _(_HTTP_MESSAGES.get(status, _HTTP_MESSAGES[500]))
        return _answer(status, message, _validation_details(error))

    @app.errorhandler(500)
    def _server_error(_error: Exception) -> ResponseReturnValue:
        get_session().rollback()
        return _answer(500, _(_HTTP_MESSAGES[500]))
