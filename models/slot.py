"""Slots: internship, apprenticeship and order-class seats an enterprise offers."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedAtMixin, enum_column
from .occupation import Specialty
from .student import SKILL_LEVEL_MAX, SKILL_LEVEL_MIN

slot_specialty = Table(
    "slot_specialty",
    Base.metadata,
    Column("slot_id", ForeignKey("slot.id", ondelete="CASCADE"), primary_key=True),
    Column("specialty_id", ForeignKey("specialty.id", ondelete="CASCADE"), primary_key=True),
)


class SlotKind(enum.StrEnum):
    """The four kinds of slot; only post internships count toward the month cap (R1)."""

    POST_INTERNSHIP = "post_internship"  # 岗位实习 / 顶岗实习
    SHADOW_INTERNSHIP = "shadow_internship"  # 跟岗实习
    APPRENTICESHIP = "apprenticeship"  # 学徒
    ORDER_CLASS = "order_class"  # 订单班


class SlotStatus(enum.StrEnum):
    """Lifecycle of a slot."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Slot(CreatedAtMixin, Base):
    """A slot with `seats`; `seats_taken` counts accepted placements and never exceeds `seats`."""

    __tablename__ = "slot"
    __table_args__ = (
        CheckConstraint("seats >= 0", name="seats_nonnegative"),
        CheckConstraint("seats_taken >= 0", name="seats_taken_nonnegative"),
        CheckConstraint("seats_taken <= seats", name="no_overbooking"),
        CheckConstraint("duration_months > 0", name="duration_positive"),
        CheckConstraint("stipend_yuan >= 0", name="stipend_nonnegative"),
        CheckConstraint("post_wage_yuan IS NULL OR post_wage_yuan > 0", name="post_wage_positive"),
        CheckConstraint(
            "post_headcount IS NULL OR post_headcount > 0", name="post_headcount_positive"
        ),
        CheckConstraint(
            f"min_level BETWEEN {SKILL_LEVEL_MIN} AND {SKILL_LEVEL_MAX}", name="min_level_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    kind: Mapped[SlotKind] = mapped_column(enum_column(SlotKind, "slot_kind"))
    title: Mapped[str] = mapped_column(String(120))
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupation.id"))
    min_level: Mapped[int] = mapped_column(default=0)
    certificate_required: Mapped[bool] = mapped_column(default=False)
    start_date: Mapped[date]
    duration_months: Mapped[int]
    seats: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)
    stipend_yuan: Mapped[int] = mapped_column(default=0)
    post_wage_yuan: Mapped[int | None]
    post_headcount: Mapped[int | None]
    location: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[SlotStatus] = mapped_column(
        enum_column(SlotStatus, "slot_status"), default=SlotStatus.DRAFT
    )
    accepted_specialties: Mapped[list[Specialty]] = relationship(secondary=slot_specialty)

    @property
    def accepted_specialty_ids(self) -> frozenset[int]:
        """The ids of the accepted specialties (what the eligibility rules compare)."""
        return frozenset(specialty.id for specialty in self.accepted_specialties)
