"""Locale choice: Chinese first; English when the user switched to it."""

from __future__ import annotations

from flask import current_app, request, session
from flask_babel import get_translations

LOCALE_SESSION_KEY = "locale"


def select_locale() -> str:
    """The session's chosen locale, else Chinese (the product's first language)."""
    chosen = session.get(LOCALE_SESSION_KEY) or request.args.get("lang")
    if chosen is not None and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def translate(message: str) -> str:
    """The current locale's text for a message marked elsewhere (N_, _l); unknown text unchanged.

    Templates use this as the `tr` filter for messages held in variables: Jinja's `_()` marks its
    result safe and %-formats it, which is wrong for text that may carry user data or a "%".
    """
    return get_translations().ugettext(message) if message else message
