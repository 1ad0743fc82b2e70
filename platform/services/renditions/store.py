"""Where a version's PDF is kept: its own table now, document storage once that exists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import DocumentVersion, Rendition
from skillbridge.platform.services.renditions.canonical import sha256_hex
from skillbridge.platform.services.renditions.pdf import render_pdf


def keep_rendition(session: Session, version: DocumentVersion, pdf: bytes) -> Rendition:
    """Keep the PDF of `version` and record its file hash on the version."""
    digest = sha256_hex(pdf)
    rendition = Rendition(version_id=version.id, sha256=digest, size=len(pdf), data=pdf)
    session.add(rendition)
    version.pdf_sha256 = digest
    session.flush()
    return rendition


def load_rendition(session: Session, version: DocumentVersion) -> bytes | None:
    """The kept PDF of `version`, or None if it was never rendered."""
    return session.scalar(select(Rendition.data).where(Rendition.version_id == version.id))


def rendition_of(session: Session, version: DocumentVersion, template: str) -> bytes:
    """The PDF of `version`: the kept one, or rendered now and kept."""
    kept = load_rendition(session, version)
    if kept is not None:
        return kept
    pdf = render_pdf(template, version)
    try:
        with session.begin_nested():
            keep_rendition(session, version, pdf)
    except IntegrityError:
        # A concurrent request kept it first; rendering is deterministic, so it is these bytes.
        session.refresh(version)
    return pdf
