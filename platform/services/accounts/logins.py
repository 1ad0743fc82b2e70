"""What an account logs in with: its e-mail address or, for a worker, a mainland mobile number."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, false

from skillbridge.models import User
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.text import N_

# A mainland mobile number: 11 digits from 13x to 19x (GB/T numbering plan of the MIIT).
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_SEPARATORS = re.compile(r"[\s\-()]")


def as_mobile(value: str) -> str | None:
    """The 11-digit mobile number written in `value` (spaces, dashes, +86 allowed), or None."""
    digits = _SEPARATORS.sub("", value.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if _MOBILE.fullmatch(digits) else None


def normalise_mobile(value: str) -> str:
    """The 11-digit mobile number, or InvalidInput naming what is wrong."""
    mobile = as_mobile(value)
    if mobile is None:
        raise InvalidInput(N_("手机号应为 11 位中国大陆手机号码"))
    return mobile


def login_matches(login: str) -> ColumnElement[bool]:
    """The accounts `login` names: an e-mail when it holds an @, else a mobile number."""
    cleaned = login.strip().lower()
    if "@" in cleaned:
        return User.email == cleaned
    mobile = as_mobile(cleaned)
    return User.phone == mobile if mobile is not None else false()
