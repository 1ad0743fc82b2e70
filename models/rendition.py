"""The PDF rendered from a document version, kept as bytes until document storage holds it."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin


class Rendition(CreatedAtMixin, Base):
    """One PDF per document version; rendering is deterministic, so this is a cache with proof."""

    __tablename__ = "rendition"
    __table_args__ = (CheckConstraint("length(sha256) = 64", name="sha256_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_version.id", ondelete="CASCADE"), unique=True
    )
    media_type: Mapped[str] = mapped_column(String(60), default="application/pdf")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
