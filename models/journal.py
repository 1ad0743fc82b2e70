"""Weekly journals (周志) of a placement, their review history, monthly countersignatures and
the escalations sent for missing weeks."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column, utcnow

#: The longest text of one field of a journal (a week's entry fits on a printed page).
JOURNAL_FIELD_MAX = 2000
#: The longest comment a mentor returns a journal with.
JOURNAL_COMMENT_MAX = 500


class JournalStatus(enum.StrEnum):
    """draft → submitted → confirmed | returned → resubmitted → confirmed | returned …"""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    CONFIRMED = "confirmed"


#: The statuses in which a journal waits for its mentor.
AWAITING_REVIEW = (JournalStatus.SUBMITTED, JournalStatus.RESUBMITTED)
#: The statuses in which the student may still change the text and its attachments.
EDITABLE = (JournalStatus.DRAFT, JournalStatus.RETURNED)


class Journal(CreatedAtMixin, Base):
    """The journal of one placement for one ISO week; `late` is settled at its first submission.

    `similar_journal_id` / `similarity` name the closest earlier text (the student's own other
    weeks, or another student's journal of the same week at the same host) when it is near enough
    to flag; the flag never blocks.
    """

    __tablename__ = "journal"
    __table_args__ = (
        UniqueConstraint("placement_id", "iso_year", "iso_week"),
        CheckConstraint("iso_week BETWEEN 1 AND 53", name="iso_week_range"),
        CheckConstraint("similarity IS NULL OR similarity BETWEEN 0 AND 100", name="similarity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    iso_year: Mapped[int]
    iso_week: Mapped[int]
    status: Mapped[JournalStatus] = mapped_column(
        enum_column(JournalStatus, "journal_status"), default=JournalStatus.DRAFT, index=True
    )
    work_done: Mapped[str] = mapped_column(Text, default="")
    learned: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    late: Mapped[bool] = mapped_column(default=False)
    first_submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    similar_journal_id: Mapped[int | None] = mapped_column(ForeignKey("journal.id"))
    similarity: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class JournalAction(enum.StrEnum):
    """What happened to a journal, in its history."""

    SUBMITTED = "submitted"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    CONFIRMED = "confirmed"


class JournalEvent(Base):
    """One step of a journal's history, with the mentor's comment when it was returned."""

    __tablename__ = "journal_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("journal.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[JournalAction] = mapped_column(enum_column(JournalAction, "journal_action"))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class JournalCountersignature(Base):
    """The teacher's countersignature (会签) of one month of a placement's journals."""

    __tablename__ = "journal_countersignature"
    __table_args__ = (
        UniqueConstraint("placement_id", "year", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    year: Mapped[int]
    month: Mapped[int]
    teacher_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EscalationLevel(enum.StrEnum):
    """Who has been told that a week's journal is overdue."""

    STUDENT = "student"
    TEACHER = "teacher"
    SCHOOL_ADMIN = "school_admin"


class JournalEscalation(Base):
    """One notice about one overdue week to one level: the row makes the escalation run once."""

    __tablename__ = "journal_escalation"
    __table_args__ = (UniqueConstraint("placement_id", "iso_year", "iso_week", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"))
    iso_year: Mapped[int]
    iso_week: Mapped[int]
    level: Mapped[EscalationLevel] = mapped_column(
        enum_column(EscalationLevel, "journal_escalation_level")
    )
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
