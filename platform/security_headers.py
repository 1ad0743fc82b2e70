"""Security headers on every response (flask-talisman): CSP without inline code, no framing, HSTS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from flask_talisman import Talisman

# No 'unsafe-inline' anywhere: scripts and styles are files under static/ (Bootstrap's own
# stylesheet draws its icons from data: URIs, hence img-src data:).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = {"camera": "()", "microphone": "()", "geolocation": "()", "payment": "()"}
HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600
F = TypeVar("F", bound=Callable[..., Any])


def init_security_headers(app: Flask) -> None:
    """One Talisman per app: it keeps the app it was given, and tests build many apps."""
    production = app.config["ENV"] == "production"
    app.extensions["talisman"] = Talisman(
        app,
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        # The TLS-terminating proxy redirects plain HTTP; HSTS (sent on HTTPS requests only)
        # tells browsers to stay there. Development serves plain HTTP on loopback.
        force_https=False,
        strict_transport_security=production,
        strict_transport_security_max_age=HSTS_MAX_AGE_SECONDS,
        strict_transport_security_include_subdomains=False,
        # Talisman would otherwise force these on every request; config.py decides them.
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )


def framable_by_this_site(view: F) -> F:
    """Let this site's own pages frame the view's answer (a document preview), no one else.

    Flask-Talisman reads per-view options from this attribute; every other header stays.
    """
    frame_ancestors = {**CONTENT_SECURITY_POLICY, "frame-ancestors": "'self'"}
    view.talisman_view_options = {  # type: ignore[attr-defined]
        "frame_options": "SAMEORIGIN",
        "content_security_policy": frame_ancestors,
    }
    return view
