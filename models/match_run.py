"""Match runs: one solve of the assignment problem, its parameters, progress and result."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column


class RunScope(enum.StrEnum):
    """Who the run is for: one school's cohorts, or a whole region."""

    SCHOOL = "school"
    REGION = "region"


class RunStatus(enum.StrEnum):
    """queued → running → succeeded | failed; succeeded → reviewed → published."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REVIEWED = "reviewed"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"  # another run of the region was published first


class MatchRun(CreatedAtMixin, Base):
    """A run; `parameters` and `stats` are JSON documents written by the matching service."""

    __tablename__ = "match_run"
    __table_args__ = (CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[RunScope] = mapped_column(enum_column(RunScope, "run_scope"))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    method: Mapped[str] = mapped_column(default="auto")
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[RunStatus] = mapped_column(
        enum_column(RunStatus, "run_status"), default=RunStatus.QUEUED
    )
    progress: Mapped[int] = mapped_column(default=0)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MatchOutcome(Base):
    """One student's result in a run: placed on a slot, or unplaced.

    Its explanation is computed when asked, from the run's `MatchRunArrays`.
    """

    __tablename__ = "match_outcome"
    __table_args__ = (UniqueConstraint("run_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_run.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slot.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    rank: Mapped[int] = mapped_column(default=0)


class MatchRunArrays(Base):
    """The compact copy of a run's problem and assignment that explains any of its students.

    `data` is the blob of `services.matching.arrays` (deflated numpy arrays), loaded only when
    asked; `digest` (its SHA-256) names it.
    """

    __tablename__ = "match_run_arrays"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("match_run.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
