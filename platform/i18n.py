"""Locale choice: Chinese first; English when the user switched to it."""

from __future__ import annotations

from flask import current_app, request, session

LOCALE_SESSION_KEY = "locale"


def select_locale() -> str:
    """The session's chosen locale, else Chinese (the product's first language)."""
    chosen = session.get(LOCALE_SESSION_KEY) or request.args.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
