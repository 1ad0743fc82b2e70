"""Password hashing with argon2id at the OWASP minimum parameters (19 MiB, t=2, p=1), and strength."""

from __future__ import annotations

from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
# zxcvbn's score 3 ("safely unguessable": about 10^10 guesses) is the bar; it catches repeats,
# sequences, keyboard walks, dictionary words and the user's own name or e-mail.
MIN_PASSWORD_SCORE = 3
# Verifying against this keeps the time of a login for an unknown email like a real one.
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; an absent hash costs the same time and fails."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def is_strong_password(password: str, user_inputs: Iterable[str] = ()) -> bool:
    """Long enough, not too long, and scored at least MIN_PASSWORD_SCORE by zxcvbn."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        return False
    # zxcvbn only scores the first 72 characters (its default): cost stays bounded.
    score = zxcvbn(password, user_inputs=[value for value in user_inputs if value])["score"]
    return score >= MIN_PASSWORD_SCORE
