"""Uploaded documents (metadata of content-addressed blobs) and the reviewers' 补正 requests."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column, exactly_one_set, utcnow


class DocumentOwner(enum.StrEnum):
    """The record a document is attached to; `owner_id` is that record's primary key."""

    ENTERPRISE = "enterprise"  # verification: 营业执照
    SCHOOL = "school"  # verification: 办学许可证
    COOPERATION_AGREEMENT = "cooperation_agreement"
    PLACEMENT_AGREEMENT = "placement_agreement"
    SUBSIDY_CLAIM = "subsidy_claim"
    JOURNAL = "journal"  # a weekly journal's attachments
    NOMINATION = "nomination"  # a selection nomination's evidence


class Document(Base):
    """One uploaded file: the blob is stored once under its SHA-256, this row says whose it is.

    The quota organisation (`enterprise_id` or `school_id`, exactly one) is charged the size: the
    uploader's enterprise, or the school of an uploading school user or student.
    `deleted_at` is set by the retention job alone, which also removes the blob.
    """

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint("size_bytes > 0", name="size_positive"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint(exactly_one_set("enterprise_id", "school_id"), name="one_quota_owner"),
        Index("ix_document_owner", "owner_type", "owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[DocumentOwner] = mapped_column(enum_column(DocumentOwner, "document_owner"))
    owner_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(60))
    original_filename: Mapped[str] = mapped_column(String(200))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retention_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DocumentRequest(CreatedAtMixin, Base):
    """A reviewer's request (补正) for a missing or wrong document, open until one is uploaded."""

    __tablename__ = "document_request"
    __table_args__ = (
        CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
        Index("ix_document_request_owner", "owner_type", "owner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[DocumentOwner] = mapped_column(
        enum_column(DocumentOwner, "document_request_owner")
    )
    owner_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    fulfilled_by_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    fulfilled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
