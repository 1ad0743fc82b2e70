"""Locale choice: Chinese first; English when the user switched to it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, partial
from typing import Any, TypeVar

from babel.support import NullTranslations
from flask import Flask, current_app, request, session
from flask.json.tag import JSONTag, TaggedJSONSerializer
from flask_babel import get_locale, get_translations

from skillbridge.platform.policy.packs import load_all_packs
from skillbridge.platform.text import MESSAGE_KEY, Text, message_from

LOCALE_SESSION_KEY = "locale"
K = TypeVar("K")


def select_locale() -> str:
    """The session's chosen locale, else Chinese (the product's first language)."""
    chosen = session.get(LOCALE_SESSION_KEY) or request.args.get("lang")
    if chosen is not None and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def translate(message: str | Mapping[str, Any] | None) -> Any:
    """The current locale's text for a message marked elsewhere (N_, Np_, _l); unknown text
    unchanged. A Text is translated whole, its parameters too; a stored message (the JSON form
    of a Text) likewise, so a row keeps its Chinese text for readers of old rows.

    Templates use this as the `tr` filter for messages held in variables: Jinja's `_()` marks its
    result safe and %-formats it, which is wrong for text that may carry user data or a "%".
    """
    return _translate(message, get_translations(), None)


def translator() -> Callable[[str | Mapping[str, Any] | None], Any]:
    """`translate` with the locale's catalogue looked up once, for a page of a hundred labels
    (the lookup is most of what translating one costs)."""
    catalogue, english = get_translations(), str(get_locale()) == "en"
    return partial(_translate, catalogue=catalogue, english=english)


def _translate(
    message: str | Mapping[str, Any] | None, catalogue: NullTranslations, english: bool | None
) -> Any:
    """`translate` with the catalogue given; `english` None: read from the locale if needed."""
    if isinstance(message, Mapping) and MESSAGE_KEY in message:
        message = message_from(message)
    if isinstance(message, Text):
        return message.render(catalogue, str(get_locale()) == "en" if english is None else english)
    # A Mapping without a msgid is looked up as given, as translate always did.
    return catalogue.ugettext(message) if message else message  # type: ignore[arg-type]


def resolved(labels: Mapping[K, Any]) -> dict[K, str]:
    """Lazy labels (`_l`) as the current locale's text, each translated once: a list that shows
    a lazy label in every row would translate it again in every row."""
    return {key: str(label) for key, label in labels.items()}


@cache
def _english_policy_names() -> dict[str, str]:
    return {p.id: p.name_en for pack in load_all_packs().values() for p in pack.policies}


def policy_name(code: str, name_zh: str) -> str:
    """A subsidy policy's name in the reader's language: every pack policy has its English name
    (`name_en`); the Chinese one stored with a policy or a claim is the fallback."""
    if str(get_locale()) == "en":
        return _english_policy_names().get(code, name_zh)
    return name_zh


class TagText(JSONTag):
    """Keeps a Text a Text through the session cookie, so a flashed message is translated whole."""

    __slots__ = ()
    key = " tx"

    def check(self, value: Any) -> bool:
        return isinstance(value, Text)

    def to_json(self, value: Text) -> Any:
        return value.to_json()

    def to_python(self, value: Any) -> Text:
        return message_from(value)


def init_text_sessions(app: Flask) -> None:
    """Let the session serializer carry Text (flashes of service messages with parameters)."""
    serializer = getattr(app.session_interface, "serializer", None)
    # Flask's cookie sessions share one serializer across apps: register the tag once.
    if isinstance(serializer, TaggedJSONSerializer) and TagText.key not in serializer.tags:
        serializer.register(TagText)
