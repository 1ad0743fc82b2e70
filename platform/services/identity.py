"""National ID handling: validate with python-stdnum; store it encrypted, its last 4 and a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.text import N_


def normalise_national_id(value: str) -> str:
    """The compact 18-character resident ID, or InvalidInput saying why it is wrong."""
    try:
        return ric.validate(value)
    except ValidationError as exc:
        raise InvalidInput(N_("身份证号无效：%(error)s", error=str(exc))) from exc


def mask_national_id(national_id: str) -> str:
    """Only the last 4 characters: the first ones are the area code, which with the birth date and
    the checksum would leave one candidate for most people."""
    return "*" * (len(national_id) - 4) + national_id[-4:]


@dataclass(frozen=True)
class IdentityKeys:
    """The instance's national-ID keys: a Fernet key list (newest first) and the hash key."""

    encryption_keys: Sequence[str]
    hash_key: str

    def __post_init__(self) -> None:
        if not self.encryption_keys:
            raise ValueError("at least one national-ID encryption key is needed")

    @cached_property
    def _cipher(self) -> MultiFernet:
        return MultiFernet([Fernet(key) for key in self.encryption_keys])

    def encrypt(self, national_id: str) -> str:
        """The ID encrypted under the newest key (authenticated, with a random IV)."""
        return self._cipher.encrypt(national_id.encode()).decode()

    def decrypt(self, token: str) -> str:
        """The ID back from a token made under any configured key."""
        try:
            return self._cipher.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise InvalidInput(N_("身份证号密文无法解密：密钥不符或数据被改动")) from exc

    def rotate(self, token: str) -> str:
        """The same ID re-encrypted under the newest key."""
        try:
            return self._cipher.rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise InvalidInput(N_("身份证号密文无法解密：密钥不符或数据被改动")) from exc

    def hash(self, national_id: str) -> str:
        """The keyed uniqueness hash of an ID."""
        return national_id_hash(national_id, self.hash_key)


def national_id_hash(national_id: str, key: str) -> str:
    """HMAC-SHA256 under the instance's ID key: unique per person, useless without the key."""
    return hmac.new(key.encode(), national_id.upper().encode(), hashlib.sha256).hexdigest()


def normalise_uscc(value: str) -> str:
    """The compact 18-character USCC, or InvalidInput saying why it is wrong."""
    try:
        return uscc.validate(value)
    except ValidationError as exc:
        raise InvalidInput(N_("统一社会信用代码无效：%(error)s", error=str(exc))) from exc
