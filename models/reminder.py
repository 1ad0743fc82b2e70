"""The daily reminder digest: one row per user and day, so `skillbridge daily` sends once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin


class ReminderDigest(CreatedAtMixin, Base):
    """A digest of what was due for one user on one day: sent in the app, mailed when it could be.

    UNIQUE(user_id, day) is the idempotency key: a second run the same day (or a concurrent one)
    cannot insert the row again, so the user is told once. `emailed_at` stays empty while the
    mail has not gone (no address, no SMTP configured, or the server failed: `mail_error`).
    """

    __tablename__ = "reminder_digest"
    __table_args__ = (
        UniqueConstraint("user_id", "day", name="uq_reminder_digest_user_day"),
        CheckConstraint("item_count > 0", name="items_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    day: Mapped[date] = mapped_column(Date)
    item_count: Mapped[int]
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mail_error: Mapped[str | None] = mapped_column(String(300))
