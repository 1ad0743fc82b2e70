"""Signing one document version: the hash shown, the signer, the side, the time and the address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import DocumentVersion, Party, Signature, User
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.signatures.reauth import (
    Reauthentication,
    check_reauthentication,
    require_sha256,
)
from skillbridge.platform.text import N_

USER_AGENT_CHARS = 300


@dataclass(frozen=True)
class Origin:
    """Where a signature came from, as the request told it."""

    ip_address: str | None
    user_agent: str | None


def sign_version(
    session: Session,
    actor: User,
    version: DocumentVersion,
    party: Party,
    sha256: str,
    proof: Reauthentication | None,
    origin: Origin,
    now: datetime,
) -> Signature:
    """Record the actor's signature for `party` on `version`, whose hash the actor was shown.

    Refused when the hash is not the version's (the document changed since it was shown),
    when the version is superseded, or when the party signed it already; the database refuses
    the last two as well (a trigger and a unique key), so a race cannot get past them.
    """
    digest = require_sha256(sha256)
    check_reauthentication(proof, actor, digest, now)
    if version.superseded_at is not None:
        raise Conflict(N_("该版本已被新版本取代，请签署最新版本"))
    if digest != version.content_sha256:
        raise Conflict(N_("文件已变更，所示摘要不是当前版本，请重新阅读后签署"))
    signature = Signature(
        version_id=version.id,
        document_kind=version.kind,
        document_id=version.subject_id,
        version=version.version,
        content_sha256=version.content_sha256,
        party=party,
        signer_id=actor.id,
        signed_at=now,
        ip_address=origin.ip_address,
        user_agent=(origin.user_agent or "")[:USER_AGENT_CHARS] or None,
    )
    try:
        with session.begin_nested():
            session.add(signature)
    except IntegrityError as exc:
        raise Conflict(N_("该方已签署此版本，或此版本已被取代")) from exc
    audit.record(
        session,
        actor,
        "document.signed",
        version.kind.value,
        version.subject_id,
        {
            "version": version.version,
            "sha256": version.content_sha256,
            "party": party.value,
            "ip": origin.ip_address,
        },
    )
    return signature
