"""The hash-chained audit log and the one-row chain head that serialises chaining."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

GENESIS_HASH = "0" * 64


class AuditEvent(Base):
    """One event; `entry_hash` = SHA-256(prev_hash ‖ canonical JSON of the event).

    `id` is the order of appending; `seq`, `prev_hash` and `entry_hash` are set when the entry is
    chained, just after its transaction commits (until then its payload has no "seq").
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        # Timelines read an object's events; without this they scan the whole log.
        Index("ix_audit_event_object", "object_type", "object_id"),
        # The chainer's queue: only the entries still waiting for their place.
        Index(
            "ix_audit_event_unchained",
            "id",
            postgresql_where=text("seq IS NULL"),
            sqlite_where=text("seq IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int | None] = mapped_column(unique=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class AuditChainHead(Base):
    """The single row the chainer locks, holding the last sequence number and hash."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
