"""API clients: an organisation's scoped keys for its own systems, and their idempotent POSTs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, exactly_one_set


class ApiClient(CreatedAtMixin, Base):
    """A key an admin issued for its organisation; only the key's SHA-256 is kept.

    The key acts through the account of the admin who created it, narrowed to `scopes` (a
    space-separated list); the organisation columns say whose client it is, for its list.
    """

    __tablename__ = "api_client"
    __table_args__ = (
        CheckConstraint(
            exactly_one_set("school_id", "enterprise_id", "region_id"), name="one_organisation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    key_prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(Text)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class IdempotencyRecord(CreatedAtMixin, Base):
    """One POST of a client under its Idempotency-Key: the request's fingerprint, the answer.

    The UNIQUE pair makes a concurrent retry wait for the first request and then replay its
    answer; `status_code` and `body` are written in the same transaction as the POST's rows.
    """

    __tablename__ = "api_idempotency_record"
    __table_args__ = (UniqueConstraint("client_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_client.id"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
