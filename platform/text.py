"""Messages of the Flask-free layers (services, policy): Chinese text that can be rendered in English later."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

__all__ = [
    "CLAUSES",
    "MESSAGE_KEY",
    "SERIES",
    "Catalogue",
    "N_",
    "Np_",
    "Text",
    "as_message",
    "bilingual",
    "field_problem",
    "join",
    "message_from",
]

#: The key a stored message carries, so that a JSON value is recognised as one.
MESSAGE_KEY = "msgid"


class Catalogue(Protocol):
    """What rendering needs from a gettext translations object."""

    def ugettext(self, message: str) -> str: ...

    def ungettext(self, singular: str, plural: str, n: int) -> str: ...


class Text(str):
    """A message's Chinese text (the str value, so comparisons, audit records and logs keep
    working) that also remembers its msgid and parameters, to be rendered in another language.

    Parameters that are themselves Text are rendered in the same language; other values are data
    and stay as they are. A plural message also has its plural msgid and the count ``n``.
    """

    msgid: str
    params: Mapping[str, Any]
    plural: str | None
    n: int | None
    english: str | None
    parts: tuple[str, ...] | None

    def __new__(
        cls,
        msgid: str,
        params: Mapping[str, Any] | None = None,
        *,
        plural: str | None = None,
        n: int | None = None,
        english: str | None = None,
        parts: Iterable[str] | None = None,
    ) -> Text:
        params = dict(params or {})
        listed = None if parts is None else tuple(parts)
        if listed is not None:
            value = str(msgid).join(listed)
        else:
            value = msgid % params if params else msgid
        text = super().__new__(cls, value)
        text.msgid, text.params, text.plural, text.n = msgid, params, plural, n
        text.english, text.parts = english, listed
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.to_json(),))

    def render(self, catalogue: Catalogue, english: bool) -> str:
        """The text in the catalogue's language (``english`` picks the English of bilingual data).

        A translation whose placeholders do not fit the parameters (a catalogue out of step with
        stored rows) falls back to the Chinese rather than failing the page.
        """
        if self.english is not None:
            return self.english if english else str(self)
        if self.parts is not None:
            separator = catalogue.ugettext(self.msgid)  # a marked separator, e.g. N_("、")
            return separator.join(_render(part, catalogue, english) for part in self.parts)
        if self.plural is not None and self.n is not None:
            translated = catalogue.ungettext(self.msgid, self.plural, self.n)
        else:
            translated = catalogue.ugettext(self.msgid)
        if not self.params:
            return translated
        values = {k: _render(v, catalogue, english) for k, v in self.params.items()}
        try:
            return translated % values
        except (KeyError, TypeError, ValueError):
            return str(self)

    def to_json(self) -> dict[str, Any]:
        """The message in a JSON-safe form, to store beside its Chinese text (see message_from)."""
        data: dict[str, Any] = {MESSAGE_KEY: self.msgid}
        if self.params:
            data["params"] = {k: _json_value(v) for k, v in self.params.items()}
        if self.plural is not None:
            data["plural"], data["n"] = self.plural, self.n
        if self.english is not None:
            data["english"] = self.english
        if self.parts is not None:
            data["parts"] = [_json_value(p) for p in self.parts]
        return data


def _render(value: Any, catalogue: Catalogue, english: bool) -> Any:
    return value.render(catalogue, english) if isinstance(value, Text) else value


def _json_value(value: Any) -> Any:
    if isinstance(value, Text):
        return value.to_json()
    if value is None or isinstance(value, (str, int, float)):
        return value
    return str(value)  # dates, decimals: their text is what the message shows


def _rebuild(data: Mapping[str, Any]) -> Text:
    return message_from(data)


def _from_json_value(value: Any) -> Any:
    return message_from(value) if isinstance(value, Mapping) and MESSAGE_KEY in value else value


def message_from(data: Mapping[str, Any]) -> Text:
    """The Text that ``Text.to_json`` stored."""
    parts = data.get("parts")
    return Text(
        str(data[MESSAGE_KEY]),
        {k: _from_json_value(v) for k, v in (data.get("params") or {}).items()},
        plural=data.get("plural"),
        n=data.get("n"),
        english=data.get("english"),
        parts=None if parts is None else [_from_json_value(p) for p in parts],
    )


def as_message(value: str | None) -> str | dict[str, Any] | None:
    """``value`` ready to store in JSON: a Text as its message, other text unchanged."""
    return value.to_json() if isinstance(value, Text) else value


def N_(message: str, **params: Any) -> str:  # the conventional gettext_noop name, known to pybabel
    """Mark ``message`` for translation; its placeholders (named, %-style) take ``params``.

    The result is a Text; it is typed as the str it is, so that lists of messages and of plain
    text mix (a list is invariant); `as_message` and `translate` look for the Text at run time.
    """
    return Text(message, params)


def Np_(singular: str, plural: str, n: int, **params: Any) -> str:  # gettext style
    """Mark a message whose English depends on the count ``n`` (``%(n)d`` unless given)."""
    return Text(singular, {"n": n, **params}, plural=plural, n=n)


#: The separators of a list of values (、) and of a list of clauses (；).
SERIES = N_("、")
CLAUSES = N_("；")


def field_problem(field: str, why: str) -> str:
    """A problem of one form field, e.g. 离职日期：请填写离职日期."""
    return N_("%(field)s：%(why)s", field=field, why=why)


def bilingual(zh: str, en: str) -> Text:
    """Data that its source gives in both languages (a pack's ``name_en``, a ``label_en``)."""
    return Text(zh, english=en)


def join(separator: str, parts: Iterable[str]) -> Text:
    """Messages joined by a separator (itself a message, e.g. N_("；")), each part translatable."""
    return Text(separator, parts=parts)
