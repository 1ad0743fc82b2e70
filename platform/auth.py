"""Login wiring: the user loader that enforces server-side session tokens, and role checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from skillbridge.models import Role, User

from .db import get_session
from .extensions import login_manager

P = ParamSpec("P")
R = TypeVar("R")


def init_login(app: Flask) -> None:
    """Configure Flask-Login: strong session protection and token-checked ids."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录")
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)


def load_user(user_id: str) -> User | None:
    """Resolve 'id:token'; a token that no longer matches the database means a dead session."""
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = get_session().get(User, int(raw_id))
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse (403) an authenticated user whose role is not among `roles`."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def actor() -> User:
    """The logged-in user as a model instance (views only call this behind login_required)."""
    return current_user._get_current_object()  # Flask-Login's documented proxy
