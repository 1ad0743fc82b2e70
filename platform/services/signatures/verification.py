"""Verification: does a file or a hash match a generated version, and who signed that version."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from skillbridge.models import DocumentVersion, Signature, User
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.services.renditions.canonical import sha256_hex
from skillbridge.platform.services.renditions.versions import content_of
from skillbridge.platform.services.signatures.reauth import require_sha256
from skillbridge.platform.text import N_

# A generated PDF is a few hundred kilobytes; anything far larger is not one of ours.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class VerifiedVersion:
    """A version the hash matched: as the PDF file or as its content hash."""

    version: DocumentVersion
    title: str
    number: str
    matched_on: str  # "pdf" or "content"
    signatures: list[Signature]

    @property
    def current(self) -> bool:
        return self.version.superseded_at is None


@dataclass(frozen=True)
class Verification:
    """The hash checked and the versions it matched; none means the file is not one we issued."""

    sha256: str
    matches: list[VerifiedVersion]

    @property
    def matched(self) -> bool:
        return bool(self.matches)


def verify_hash(session: Session, actor: User, sha256: str) -> Verification:
    """Look `sha256` up among the versions' content hashes and their PDFs' hashes.

    Knowing the hash is what a reader of the document has, so any signed-in user may ask; the
    answer names the document, the signing sides and signers, and when they signed.
    """
    digest = require_sha256(sha256)
    versions = session.scalars(
        select(DocumentVersion)
        .where(or_(DocumentVersion.content_sha256 == digest, DocumentVersion.pdf_sha256 == digest))
        .options(selectinload(DocumentVersion.signatures))
        .order_by(DocumentVersion.id)
    )
    matches = []
    for version in versions:
        content = content_of(version)
        matches.append(
            VerifiedVersion(
                version=version,
                title=str(content.get("title", version.kind.value)),
                number=str(content.get("number", "")),
                matched_on="pdf" if version.pdf_sha256 == digest else "content",
                signatures=list(version.signatures),
            )
        )
    return Verification(sha256=digest, matches=matches)


def verify_file(session: Session, actor: User, name: str, data: bytes) -> Verification:
    """Hash the uploaded file's bytes as they are and look the hash up."""
    if not data:
        raise InvalidInput(N_("文件为空"), details=[name])
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(N_("文件过大，不是本平台生成的 PDF"), details=[name])
    return verify_hash(session, actor, sha256_hex(data))
