"""Re-authentication before signing: the password again, bound to the hash the signer was shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from skillbridge.models import User
from skillbridge.platform.services import audit
from skillbridge.platform.services.accounts.passwords import verify_password
from skillbridge.platform.services.errors import InvalidInput, PermissionDenied
from skillbridge.platform.services.renditions.canonical import SHA256_HEX
from skillbridge.platform.text import N_

# A signature needs the password entered within this window before it, so a session left
# open on a shared computer cannot sign; long enough to read the document once more.
REAUTH_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class Reauthentication:
    """Proof that `user_id` entered the password at `confirmed_at` while shown `sha256`.

    The web layer keeps it in the signed session cookie; only confirm_identity makes one.
    """

    user_id: int
    sha256: str
    confirmed_at: datetime


def require_sha256(value: str) -> str:
    """A SHA-256 in lower-case hex, or a clear refusal."""
    digest = value.strip().lower()
    if not SHA256_HEX.match(digest):
        raise InvalidInput(N_("SHA-256 摘要应为 64 位十六进制字符"))
    return digest


def confirm_identity(
    session: Session, actor: User, password: str, sha256: str, now: datetime
) -> Reauthentication:
    """Check the actor's password again and bind the confirmation to the hash shown."""
    digest = require_sha256(sha256)
    if not verify_password(actor.password_hash, password):
        raise PermissionDenied(N_("密码不正确，未确认身份"))
    audit.record(session, actor, "signature.reauthenticated", "user", actor.id, {"sha256": digest})
    return Reauthentication(user_id=actor.id, sha256=digest, confirmed_at=now)


def is_fresh(proof: Reauthentication | None, actor: User, sha256: str, now: datetime) -> bool:
    """Whether the proof lets the actor sign `sha256` now (the page offers the button then)."""
    return (
        proof is not None
        and proof.user_id == actor.id
        and proof.sha256 == sha256
        and timedelta(0) <= now - proof.confirmed_at <= REAUTH_WINDOW
    )


def check_reauthentication(
    proof: Reauthentication | None, actor: User, sha256: str, now: datetime
) -> None:
    """Refuse unless the actor re-entered the password for exactly `sha256` within the window."""
    if proof is None or proof.user_id != actor.id:
        raise PermissionDenied(N_("签署前请重新输入密码确认身份"))
    if proof.sha256 != sha256:
        raise PermissionDenied(N_("确认身份时显示的文件摘要与所签文件不一致，请重新确认"))
    if not timedelta(0) <= now - proof.confirmed_at <= REAUTH_WINDOW:
        raise PermissionDenied(N_("身份确认已超过5分钟，请重新输入密码"))
