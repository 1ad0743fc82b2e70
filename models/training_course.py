"""Training courses (培训项目) and technician classes (技师班): record, roster, sessions, attendance."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column


class CourseStatus(enum.StrEnum):
    """open (roster, attendance and completion being recorded) → closed, its completions final."""

    OPEN = "open"
    CLOSED = "closed"


class TrainingCourse(CreatedAtMixin, Base):
    """One course of one occupation (工种) and level, held by an enterprise or a school.

    `kind` is a code of the course catalogue (platform/policy/courses.toml), checked by the
    service: kinds are data, not schema; `level` a skill-level code of the policy engine.
    """

    __tablename__ = "training_course"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period_ordered"),
        CheckConstraint("planned_places >= 1", name="places_positive"),
        # Exactly one organiser: an enterprise or a school of the region.
        CheckConstraint("(enterprise_id IS NULL) <> (school_id IS NULL)", name="one_organiser"),
        CheckConstraint(
            "status = 'open' OR (closed_by_id IS NOT NULL AND closed_at IS NOT NULL)",
            name="closure_recorded",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupation.id"))
    level: Mapped[str] = mapped_column(String(30))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    planned_places: Mapped[int]
    status: Mapped[CourseStatus] = mapped_column(
        enum_column(CourseStatus, "course_status"), default=CourseStatus.OPEN
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CourseTrainee(CreatedAtMixin, Base):
    """One person on one course's roster; `completed` is the organiser's 结业 mark."""

    __tablename__ = "course_trainee"
    __table_args__ = (UniqueConstraint("course_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    completed: Mapped[bool] = mapped_column(default=False)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class CourseSession(CreatedAtMixin, Base):
    """One session (a day of the course) whose attendance is taken; one per day."""

    __tablename__ = "course_session"
    __table_args__ = (UniqueConstraint("course_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    held_on: Mapped[date]


class CourseAttendance(Base):
    """Whether one trainee attended one session; a trainee has one mark per session."""

    __tablename__ = "course_attendance"
    __table_args__ = (UniqueConstraint("session_id", "trainee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_session.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("course_trainee.id"), index=True)
    attended: Mapped[bool]
