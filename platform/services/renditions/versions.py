"""Issuing document versions: new content supersedes the current version, same content keeps it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import DocumentKind, DocumentVersion
from skillbridge.platform.services.renditions.canonical import canonical_json, content_sha256

# Keys issue_version adds to the body; two bodies are the same document if the rest is equal.
_STAMP_KEYS = ("version", "issued_at")


def current_version(
    session: Session, kind: DocumentKind, subject_type: str, subject_id: int
) -> DocumentVersion | None:
    """The document's version that is not superseded, if it has one."""
    return session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.kind == kind,
            DocumentVersion.subject_type == subject_type,
            DocumentVersion.subject_id == subject_id,
            DocumentVersion.superseded_at.is_(None),
        )
    )


def content_of(version: DocumentVersion) -> dict[str, Any]:
    """The stored content of a version, as the PDF template reads it."""
    content: dict[str, Any] = json.loads(version.content)
    return content


def _body(content: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in content.items() if key not in _STAMP_KEYS}


def issue_version(
    session: Session,
    kind: DocumentKind,
    subject_type: str,
    subject_id: int,
    body: dict[str, Any],
    now: datetime,
) -> DocumentVersion:
    """The current version if its body equals `body`; otherwise a new version superseding it.

    The version number and the issue time are part of the content, so every version has its
    own hash even when an amendment returns to earlier terms. Two requests issuing the same
    document at once: the database's unique keys refuse the second insert, which then finds
    the first one's version.
    """
    current = current_version(session, kind, subject_type, subject_id)
    if current is not None and _same(current, body):
        return current
    try:
        with session.begin_nested():
            return _supersede(session, current, kind, subject_type, subject_id, body, now)
    except IntegrityError:
        raced = current_version(session, kind, subject_type, subject_id)
        if raced is None or not _same(raced, body):
            raise
        return raced


def _same(version: DocumentVersion, body: dict[str, Any]) -> bool:
    return canonical_json(_body(content_of(version))) == canonical_json(body)


def _supersede(
    session: Session,
    current: DocumentVersion | None,
    kind: DocumentKind,
    subject_type: str,
    subject_id: int,
    body: dict[str, Any],
    now: datetime,
) -> DocumentVersion:
    # After a withdrawn proposal (reinstate) the current version is not the newest one.
    newest = session.scalar(
        select(func.max(DocumentVersion.version)).where(
            DocumentVersion.kind == kind,
            DocumentVersion.subject_type == subject_type,
            DocumentVersion.subject_id == subject_id,
        )
    )
    number = (newest or 0) + 1
    if current is not None:
        current.superseded_at = now
        # The partial unique index allows one current version: retire the old one first.
        session.flush()
    content = {**body, "version": number, "issued_at": now.isoformat(timespec="seconds")}
    version = DocumentVersion(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        version=number,
        content=canonical_json(content),
        content_sha256=content_sha256(content),
    )
    session.add(version)
    session.flush()
    return version


def reinstate(
    session: Session, proposed: DocumentVersion, previous: DocumentVersion, now: datetime
) -> None:
    """A proposed version that will not take effect is retired; the one it superseded, with its
    signatures, is current again (the proposal keeps its own number and hash)."""
    proposed.superseded_at = now
    # The partial unique index allows one current version: retire the proposal first.
    session.flush()
    previous.superseded_at = None
    session.flush()
