"""The application factory: the only place where the web application is wired together."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from . import db
from .config import load_config
from .routing import RowIdConverter

TEMPLATE_FOLDER = Path(__file__).resolve().parent.parent / "templates"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a configured SkillBridge application."""
    settings = load_config(config)
    app = Flask(
        __name__,
        template_folder=_template_folder(),
        instance_path=settings["INSTANCE_PATH"],
    )
    _load_config(app, settings)
    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    _init_extensions(app)
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_cli(app)
    return app


def _template_folder() -> str:
    """Templates sit beside platform/ in the repo and beside skillbridge/platform when installed."""
    return str(TEMPLATE_FOLDER)


def _load_config(app: Flask, settings: Mapping[str, Any]) -> None:
    app.config.update(settings)
    if app.config.get("REDIS_URL"):
        app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    else:
        app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def _init_extensions(app: Flask) -> None:
    from flask_babel import get_locale

    from .auth import init_login
    from .document_store import init_app as init_document_store
    from .extensions import babel, bootstrap, csrf, limiter
    from .forms import init_forms
    from .i18n import init_text_sessions, policy_name, select_locale, translate
    from .keys import init_id_keys
    from .security_headers import init_security_headers
    from .webhook_jobs import init_webhooks

    _trust_proxies(app)
    init_id_keys(app)
    db.init_app(app)
    init_webhooks(app)
    init_document_store(app)
    csrf.init_app(app)
    init_forms(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    init_login(app)
    init_security_headers(app)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["tr"] = translate
    init_text_sessions(app)
    app.jinja_env.globals["policy_name"] = policy_name


def _trust_proxies(app: Flask) -> None:
    """Behind PROXY_HOPS reverse proxies, take the client address and scheme from their headers.

    Without it every request seems to come from the proxy, and the per-address login limit
    becomes one bucket for everybody; with too many hops a client could forge its address.
    """
    hops = app.config["PROXY_HOPS"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Werkzeug's documented way to wrap the WSGI app; mypy sees a method being replaced.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _register_blueprints(app: Flask) -> None:
    from .api import init_api
    from .views import BLUEPRINTS
    from .views.navigation import nav_links

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    init_api(app)
    app.jinja_env.globals["nav_links"] = nav_links


def _register_error_handlers(app: Flask) -> None:
    from .errors import register_error_handlers

    register_error_handlers(app)


def _register_cli(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)
