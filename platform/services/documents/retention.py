"""Retention: documents past their kind's period are deleted by this job alone, each audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import Document, utcnow
from skillbridge.platform.services import audit

from .storage import Storage


@dataclass(frozen=True)
class Expired:
    """What one run marked deleted, and the blobs no live row needs any more."""

    documents: int
    unreferenced: list[str]


def expire_documents(session: Session, now: datetime | None = None) -> Expired:
    """Mark every document past `retention_until` deleted, in the caller's transaction.

    The row stays (who uploaded what, when, with which hash) so the audit trail still resolves;
    only the bytes go, by :func:`remove_blobs` once this transaction has committed: removed
    earlier, a rollback would leave live rows without their blobs. A blob shared by a document
    still in its period is kept.
    """
    moment = now or utcnow()
    expired = list(
        session.scalars(
            select(Document)
            .where(Document.deleted_at.is_(None), Document.retention_until <= moment)
            .order_by(Document.id)
            .with_for_update()
        )
    )
    for document in expired:
        document.deleted_at = moment
        audit.record(
            session,
            None,
            "document.deleted",
            "document",
            document.id,
            {
                "owner": f"{document.owner_type.value}:{document.owner_id}",
                "kind": document.kind,
                "sha256": document.sha256,
                "retention_until": document.retention_until.isoformat(),
                "reason": "retention period ended",
            },
        )
    session.flush()
    hashes = sorted({d.sha256 for d in expired})
    still_needed = set(
        session.scalars(
            select(Document.sha256).where(
                Document.sha256.in_(hashes), Document.deleted_at.is_(None)
            )
        )
    )
    return Expired(len(expired), [h for h in hashes if h not in still_needed])


def remove_blobs(storage: Storage, hashes: list[str]) -> int:
    """Delete the blobs of committed expiries; returns how many."""
    for sha256 in hashes:
        storage.delete(sha256)
    return len(hashes)
