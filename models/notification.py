"""In-app notifications for events that need someone's action."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin


class Notification(CreatedAtMixin, Base):
    """A message to one user with a link to where the action is.

    The link is stored as a view's endpoint name and its URL arguments, never as a path: the web
    layer builds the URL with url_for, so a renamed or removed route fails loudly there.
    """

    __tablename__ = "notification"
    # The unread count on every landing page reads (user_id, read_at).
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    # None: nothing to open, the notification only informs.
    endpoint: Mapped[str | None] = mapped_column(String(80))
    link_args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
