"""National ID handling: validate with python-stdnum, keep only a masked form and a keyed hash."""

from __future__ import annotations

import hashlib
import hmac

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from skillbridge.platform.services.errors import InvalidInput


def normalise_national_id(value: str) -> str:
    """The compact 18-character resident ID, or InvalidInput saying why it is wrong."""
    try:
        return ric.validate(value)
    except ValidationError as exc:
        raise InvalidInput(f"身份证号无效：{exc}") from exc


def mask_national_id(national_id: str) -> str:
    """Keep the first 4 and last 4 characters; the rest is not stored."""
    return national_id[:4] + "*" * (len(national_id) - 8) + national_id[-4:]


def national_id_hash(national_id: str, key: str) -> str:
    """HMAC-SHA256 under the instance's ID key: unique per person, useless without the key."""
    return hmac.new(key.encode(), national_id.upper().encode(), hashlib.sha256).hexdigest()


def normalise_uscc(value: str) -> str:
    """The compact 18-character USCC, or InvalidInput saying why it is wrong."""
    try:
        return uscc.validate(value)
    except ValidationError as exc:
        raise InvalidInput(f"统一社会信用代码无效：{exc}") from exc
