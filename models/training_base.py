"""Training bases (实训基地) and master studios (技能大师工作室、名师工作室), with yearly reviews."""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column, exactly_one_set


class BaseKind(enum.StrEnum):
    """What the record is; which kinds a region keeps, and their thresholds, are policy data."""

    TRAINING_BASE = "training_base"
    SKILL_MASTER_STUDIO = "skill_master_studio"
    FAMOUS_TEACHER_STUDIO = "famous_teacher_studio"


class BaseStatus(enum.StrEnum):
    """applied (申报, figures kept by the host) → recognised (认定 by the bureau, once)."""

    APPLIED = "applied"
    RECOGNISED = "recognised"


class TrainingBase(CreatedAtMixin, Base):
    """One base or studio, hosted by one enterprise or school, led by one known person.

    The figures are the seeds' measures (000 第六条(二)4): site size in m², the number of
    occupations it can train, its one-time training capacity (一次性培训规模) and its yearly
    intake (年培训鉴定能力, person-times).
    """

    __tablename__ = "training_base"
    __table_args__ = (
        CheckConstraint(exactly_one_set("enterprise_id", "school_id"), name="one_host"),
        CheckConstraint(
            "site_m2 >= 0 AND capacity >= 0 AND yearly_intake >= 0 AND occupation_count >= 0",
            name="figures_not_negative",
        ),
        CheckConstraint(
            "status = 'applied' OR (recognised_by_id IS NOT NULL AND recognised_on IS NOT NULL)",
            name="recognition_recorded",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    kind: Mapped[BaseKind] = mapped_column(enum_column(BaseKind, "training_base_kind"))
    name: Mapped[str] = mapped_column(String(120))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    leader_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    occupation_count: Mapped[int]
    site_m2: Mapped[int]
    capacity: Mapped[int]
    yearly_intake: Mapped[int]
    status: Mapped[BaseStatus] = mapped_column(
        enum_column(BaseStatus, "training_base_status"), default=BaseStatus.APPLIED
    )
    recognised_on: Mapped[date | None]
    recognised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Why recognition raised no claim (no award for the kind, the host not a beneficiary …).
    claim_note: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class BaseReview(CreatedAtMixin, Base):
    """The bureau's review of one base for one year against the region's thresholds.

    `results` holds every threshold as it was judged: its citation and wording, the measure,
    the minimum, the record's figure (or the reviewer's judgement), passed or not, and why.
    """

    __tablename__ = "training_base_review"
    __table_args__ = (UniqueConstraint("base_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("training_base.id"), index=True)
    year: Mapped[int]
    passed: Mapped[bool]
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(String(500))
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
