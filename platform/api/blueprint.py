"""The API's blueprint under /api/v1: a bearer key or the login session, scopes, the rate limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Request, abort, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from skillbridge.models import User, utcnow
from skillbridge.platform.db import SAFE_METHODS, get_database, get_session
from skillbridge.platform.extensions import limiter
from skillbridge.platform.services.api_clients import clients
from skillbridge.platform.services.errors import PermissionDenied
from skillbridge.platform.text import N_

P = ParamSpec("P")
R = TypeVar("R")
BEARER = "bearer"

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="The caller's own tenant: with an API key (Authorization: Bearer), or with the "
    "login session of the web pages for reading.",
)


@dataclass(frozen=True)
class Grant:
    """The API client a request's key belongs to, and what its scopes allow."""

    client_id: int
    scopes: frozenset[str]


def _bearer_key(req: Request) -> str | None:
    scheme, _, key = (req.headers.get("Authorization") or "").partition(" ")
    return key.strip() or None if scheme.lower() == BEARER else None


def load_key_user(req: Request) -> User | None:
    """Flask-Login's request loader: the account an API key acts through, on API routes only.

    The key is looked up, and its last use written, in a short transaction of its own, so the
    request's own transaction (a SQLite write lock, say) is not open while it runs.
    """
    key = _bearer_key(req) if req.blueprint == bp.name else None
    if key is None:
        return None
    with get_database().write_sessions() as own:
        client = clients.authenticate(own, key, utcnow())
        own.commit()
        if client is None:
            return None
        g.api_grant = Grant(client.id, client.scope_set)
        user_id = client.created_by_id
    return get_session().get(User, user_id)


def grant() -> Grant | None:
    """The API client of this request (None for the login session)."""
    # Touching current_user runs the request loader, which sets the grant.
    _ = current_user.is_authenticated
    return g.get("api_grant")


def _client_key() -> str:
    found = grant()
    return f"api-client:{found.client_id if found else 0}"


@bp.before_request
def _authenticated() -> None:
    """401 for a key that is unknown or revoked, for no login, and for writes without a key.

    A write with the session cookie alone is refused: the API takes no CSRF token, and a page of
    another site could otherwise make a logged-in browser post to it.
    """
    if request.headers.get("Authorization") and grant() is None:
        abort(401, _("API 密钥无效或已吊销"))
    if not current_user.is_authenticated:
        abort(401)
    if request.method not in SAFE_METHODS and grant() is None:
        abort(401, _("写操作需要 API 密钥（Authorization: Bearer）"))


limiter.limit(
    lambda: current_app.config["API_RATE_LIMIT"],
    key_func=_client_key,
    exempt_when=lambda: grant() is None,
)(bp)


def scope(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse (403, naming the scope) a key without scope `name`; the session keeps its rights."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            found = grant()
            if found is not None and name not in found.scopes:
                raise PermissionDenied(
                    N_("API 密钥缺少权限范围 %(scope)s", scope=name), details=[name]
                )
            return view(*args, **kwargs)

        return bp.doc(**{"x-required-scope": name})(wrapped)

    return decorator


def api_actor() -> User:
    """The account the request acts as: the key's, or the logged-in user."""
    return current_user._get_current_object()  # Flask-Login's documented proxy
