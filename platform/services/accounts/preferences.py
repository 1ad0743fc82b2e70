"""An account's preferences: the language its mail and digests are written in."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from skillbridge.models import User
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.text import N_


def set_locale(session: Session, actor: User, locale: str, languages: Collection[str]) -> None:
    """Remember the language the actor chose on the site, for what is sent to it later."""
    if locale not in languages:
        raise InvalidInput(N_("不支持该语言"))
    if actor.locale != locale:
        actor.locale = locale
        session.flush()
