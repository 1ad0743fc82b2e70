"""Locale choice: Chinese first; English when the user switched to it."""

from __future__ import annotations

from functools import cache

from flask import current_app, request, session
from flask_babel import get_locale, get_translations

from skillbridge.platform.policy.packs import load_all_packs

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


@cache
def _english_policy_names() -> dict[str, str]:
    return {p.id: p.name_en for pack in load_all_packs().values() for p in pack.policies}


def policy_name(code: str, name_zh: str) -> str:
    """A subsidy policy's name in the reader's language: every pack policy has its English name
    (`name_en`); the Chinese one stored with a policy or a claim is the fallback."""
    if str(get_locale()) == "en":
        return _english_policy_names().get(code, name_zh)
    return name_zh
