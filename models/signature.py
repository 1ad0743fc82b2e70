"""Versions of generated documents and the signatures bound to one version's SHA-256."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    DDL,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .agreement import Party
from .base import Base, CreatedAtMixin, enum_column, utcnow
from .user import User


class DocumentKind(enum.StrEnum):
    """The documents the platform generates (and prints as PDF)."""

    PLACEMENT_AGREEMENT = "placement_agreement"  # 三方实习协议 or 学生学徒培养协议
    INTERNSHIP_PLAN = "internship_plan"
    COMPLETION_CERTIFICATE = "completion_certificate"
    EVIDENCE_COVER = "evidence_cover"


class DocumentVersion(CreatedAtMixin, Base):
    """One version of a document: its canonical content and that content's SHA-256.

    `content` is the canonical JSON (sorted keys, no spaces, UTF-8) the PDF is rendered from,
    and `content_sha256` is the hash of exactly those bytes: it is what a signature binds and
    what the PDF prints. `pdf_sha256` is the hash of the deterministic PDF rendered from it.
    A newer version supersedes the older one; at most one version per document is current.
    """

    __tablename__ = "document_version"
    __table_args__ = (
        UniqueConstraint("kind", "subject_type", "subject_id", "version"),
        # The target of the signatures' composite key: a signature repeats what it binds.
        UniqueConstraint("id", "kind", "subject_id", "version", "content_sha256"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("length(content_sha256) = 64", name="content_sha256_length"),
        Index(
            "uq_document_version_current",
            "kind",
            "subject_type",
            "subject_id",
            unique=True,
            sqlite_where=text("superseded_at IS NULL"),
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    # What the document is about: a placement, or the subject of an evidence bundle.
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    version: Mapped[int]
    content: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="document_version", order_by="Signature.signed_at"
    )


class Signature(Base):
    """A party's signature on one version: who, for which side, on which hash, when, from where.

    The composite foreign key makes the repeated kind, id, version and hash agree with the
    version row; a trigger refuses a signature on a superseded version.
    """

    __tablename__ = "signature"
    __table_args__ = (
        UniqueConstraint("version_id", "party"),
        ForeignKeyConstraint(
            ["version_id", "document_kind", "document_id", "version", "content_sha256"],
            [
                "document_version.id",
                "document_version.kind",
                "document_version.subject_id",
                "document_version.version",
                "document_version.content_sha256",
            ],
            name="fk_signature_version_document_version",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(index=True)
    document_kind: Mapped[DocumentKind] = mapped_column(
        enum_column(DocumentKind, "signature_document_kind")
    )
    document_id: Mapped[int]
    version: Mapped[int]
    content_sha256: Mapped[str] = mapped_column(String(64))
    party: Mapped[Party] = mapped_column(enum_column(Party, "signature_party"))
    signer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    document_version: Mapped[DocumentVersion] = relationship(
        back_populates="signatures", overlaps="signatures"
    )
    signer: Mapped[User] = relationship(lazy="joined")


# The refusal of signatures on superseded versions, in the database so no path can skip it.
# PostgreSQL reads the version row FOR SHARE: a signature racing an amendment waits for it and
# then sees the committed supersession (READ COMMITTED re-reads the locked row).
SIGNATURE_TRIGGER_PG = (
    DDL(
        "CREATE FUNCTION signature_on_current_version() RETURNS trigger AS $$\n"
        "BEGIN\n"
        "  IF (SELECT superseded_at FROM document_version WHERE id = NEW.version_id FOR SHARE)"
        " IS NOT NULL THEN\n"
        "    RAISE EXCEPTION 'signature on a superseded document version'"
        " USING ERRCODE = 'integrity_constraint_violation';\n"
        "  END IF;\n"
        "  RETURN NEW;\n"
        "END $$ LANGUAGE plpgsql"
    ),
    DDL(
        "CREATE TRIGGER signature_on_current_version BEFORE INSERT OR UPDATE ON signature"
        " FOR EACH ROW EXECUTE FUNCTION signature_on_current_version()"
    ),
)
SIGNATURE_TRIGGER_SQLITE = DDL(
    "CREATE TRIGGER signature_on_current_version BEFORE INSERT ON signature"
    " WHEN (SELECT superseded_at FROM document_version WHERE id = NEW.version_id) IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'signature on a superseded document version'); END"
)
for _ddl in SIGNATURE_TRIGGER_PG:
    event.listen(Signature.__table__, "after_create", _ddl.execute_if(dialect="postgresql"))
event.listen(
    Signature.__table__, "after_create", SIGNATURE_TRIGGER_SQLITE.execute_if(dialect="sqlite")
)
