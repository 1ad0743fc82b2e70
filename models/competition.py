"""Skill competitions (技能竞赛): the record, its participants (persons) and their results."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column


class OrganiserKind(enum.StrEnum):
    """Who holds the competition: an enterprise or a school of the region, or the bureau."""

    ENTERPRISE = "enterprise"
    SCHOOL = "school"
    BUREAU = "bureau"


class CompetitionStatus(enum.StrEnum):
    """open (participants and results being recorded) → closed with its results."""

    OPEN = "open"
    CLOSED = "closed"


class Competition(CreatedAtMixin, Base):
    """One competition of one occupation (工种), held by one organiser over a period.

    The level (市级、区级、企业级 …) is a code of the competition catalogue
    (platform/policy/competitions.toml), checked by the service: levels are data, not schema.
    """

    __tablename__ = "competition"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period_ordered"),
        # The organiser column matches its kind; a bureau-held competition names no organisation.
        CheckConstraint(
            "(organiser_kind = 'enterprise' AND enterprise_id IS NOT NULL AND school_id IS NULL)"
            " OR (organiser_kind = 'school' AND school_id IS NOT NULL AND enterprise_id IS NULL)"
            " OR (organiser_kind = 'bureau' AND enterprise_id IS NULL AND school_id IS NULL)",
            name="organiser_matches_kind",
        ),
        CheckConstraint(
            "status = 'open' OR (closed_by_id IS NOT NULL AND closed_at IS NOT NULL)",
            name="closure_recorded",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    organiser_kind: Mapped[OrganiserKind] = mapped_column(
        enum_column(OrganiserKind, "competition_organiser_kind")
    )
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupation.id"))
    level: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    venue: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[CompetitionStatus] = mapped_column(
        enum_column(CompetitionStatus, "competition_status"), default=CompetitionStatus.OPEN
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CompetitionParticipant(CreatedAtMixin, Base):
    """One person entered in one competition, with the result once recorded.

    `rank` is the place (1 = first; ties share a place); `prize` a code of the catalogue's
    prizes (一等奖 …). A person enters a competition once.
    """

    __tablename__ = "competition_participant"
    __table_args__ = (
        UniqueConstraint("competition_id", "person_id"),
        CheckConstraint("rank IS NULL OR rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    rank: Mapped[int | None]
    prize: Mapped[str | None] = mapped_column(String(20))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
