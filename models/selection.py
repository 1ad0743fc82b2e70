"""Selections (评选): rounds per award policy, nominations, experts, panels, ballots, objections."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column


class RoundStatus(enum.StrEnum):
    """open (申报) → review (资格审查, 专家评审, 投票) → publicity (公示) → decided (认定, 表彰)."""

    OPEN = "open"
    REVIEW = "review"
    PUBLICITY = "publicity"
    DECIDED = "decided"


class NominationStatus(enum.StrEnum):
    """submitted → screened in/out → proposed / not proposed → selected, or struck by objection."""

    SUBMITTED = "submitted"
    SCREENED_IN = "screened_in"
    SCREENED_OUT = "screened_out"
    PROPOSED = "proposed"
    NOT_PROPOSED = "not_proposed"
    STRUCK = "struck"
    SELECTED = "selected"


class ObjectionOutcome(enum.StrEnum):
    """How the bureau handled an objection raised during 公示."""

    UPHELD = "upheld"
    DISMISSED = "dismissed"


class SelectionRound(CreatedAtMixin, Base):
    """One call of an award policy for a period (a year; two in Dalian), with its quota.

    `selected_count` counts the places taken; the database keeps it within `quota` (a
    conditional UPDATE takes a place, and the CHECK refuses an overrun), and one round per
    policy and period.
    """

    __tablename__ = "selection_round"
    __table_args__ = (
        UniqueConstraint("policy_id", "period_start"),
        CheckConstraint("period_years > 0", name="period_positive"),
        CheckConstraint("quota IS NULL OR quota > 0", name="quota_positive"),
        CheckConstraint("selected_count >= 0", name="selected_nonnegative"),
        CheckConstraint("quota IS NULL OR selected_count <= quota", name="within_quota"),
        CheckConstraint("panel_size > 0", name="panel_size_positive"),
        CheckConstraint("publicity_working_days > 0", name="publicity_positive"),
        CheckConstraint("nominations_close_on >= opened_on", name="close_after_open"),
        CheckConstraint(
            "publicity_ends_on IS NULL OR publicity_ends_on >= publicity_starts_on",
            name="publicity_ordered",
        ),
        CheckConstraint(
            "status IN ('open', 'review') OR publicity_starts_on IS NOT NULL",
            name="publicity_recorded",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("subsidy_policy.id"))
    period_start: Mapped[int]
    period_years: Mapped[int]
    quota: Mapped[int | None]
    selected_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[RoundStatus] = mapped_column(
        enum_column(RoundStatus, "round_status"), default=RoundStatus.OPEN
    )
    opened_on: Mapped[date]
    nominations_close_on: Mapped[date]
    panel_size: Mapped[int]
    publicity_working_days: Mapped[int]
    #: Where the length of 公示 comes from: the pack's citation, or the bureau's own setting.
    publicity_basis: Mapped[str] = mapped_column(String(200))
    panel_seed: Mapped[int | None]
    publicity_starts_on: Mapped[date | None]
    publicity_ends_on: Mapped[date | None]
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Nomination(CreatedAtMixin, Base):
    """A person nominated for a round, by an enterprise (单位推荐) or by themselves (个人自荐);
    or, for an award paid to an organisation, an enterprise applying for itself (no person).

    `employer_id` is the nominee's employer at nomination (the enterprise itself when the
    nominee is an organisation), for the panel's conflict check;
    `screening` is the stored evaluation of the policy's conditions. A place number is given
    on selection, unique in the round.
    """

    __tablename__ = "nomination"
    __table_args__ = (
        UniqueConstraint("round_id", "person_id"),
        # An organisation is nominated once per round (a person's nominations have its id).
        Index(
            "uq_nomination_round_organisation",
            "round_id",
            "employer_id",
            unique=True,
            sqlite_where=text("person_id IS NULL"),
            postgresql_where=text("person_id IS NULL"),
        ),
        UniqueConstraint("round_id", "place_no"),
        CheckConstraint("place_no IS NULL OR place_no > 0", name="place_positive"),
        CheckConstraint(
            "(status = 'selected') = (place_no IS NOT NULL)", name="place_iff_selected"
        ),
        CheckConstraint("length(trim(statement)) > 0", name="statement_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("selection_round.id"), index=True)
    #: The nominated person; None when the nominee is the organisation `employer_id`.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"))
    #: The nominating enterprise, or None for a self-nomination.
    nominated_by_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    nominated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: The seed's criterion the nomination claims, e.g. "(2)", which the panel judges.
    criterion: Mapped[str | None] = mapped_column(String(10))
    statement: Mapped[str] = mapped_column(Text)
    status: Mapped[NominationStatus] = mapped_column(
        enum_column(NominationStatus, "nomination_status"), default=NominationStatus.SUBMITTED
    )
    screening: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    screened_on: Mapped[date | None]
    place_no: Mapped[int | None]


class Expert(CreatedAtMixin, Base):
    """A member of the bureau's expert pool (专家库); `enterprise_id` is the expert's employer."""

    __tablename__ = "expert"
    __table_args__ = (CheckConstraint("length(trim(name)) > 0", name="name_given"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    field: Mapped[str] = mapped_column(String(120))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    active: Mapped[bool] = mapped_column(default=True)


class PanelMember(Base):
    """An expert drawn onto a round's panel, in draw order."""

    __tablename__ = "panel_member"
    __table_args__ = (
        UniqueConstraint("round_id", "expert_id"),
        UniqueConstraint("round_id", "seat"),
        CheckConstraint("seat > 0", name="seat_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("selection_round.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"))
    seat: Mapped[int]
    #: When the expert's ballot sheet was recorded (once only).
    voted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ExpertScore(Base):
    """One expert's score (0–100) for one nomination; the score is signed, the vote is not."""

    __tablename__ = "expert_score"
    __table_args__ = (
        UniqueConstraint("nomination_id", "expert_id"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"))
    score: Mapped[int]


class Ballot(Base):
    """One anonymous vote (无记名投票) on one nomination: no expert is recorded with it."""

    __tablename__ = "ballot"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), index=True)
    approve: Mapped[bool]


class Objection(CreatedAtMixin, Base):
    """An objection (不良反映) raised during 公示, and how it was handled."""

    __tablename__ = "objection"
    __table_args__ = (
        CheckConstraint("length(trim(reason)) > 0", name="reason_given"),
        CheckConstraint(
            "(outcome IS NULL) = (handled_at IS NULL)"
            " AND (outcome IS NULL OR (handled_by_id IS NOT NULL AND handling_note IS NOT NULL))",
            name="handling_recorded",
        ),
        Index("ix_objection_open", "nomination_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    outcome: Mapped[ObjectionOutcome | None] = mapped_column(
        enum_column(ObjectionOutcome, "objection_outcome")
    )
    handling_note: Mapped[str | None] = mapped_column(Text)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Award(CreatedAtMixin, Base):
    """An award recorded on a person, or on an enterprise for an organisation's award: the
    policy, the round's year, the level and criterion."""

    __tablename__ = "award"
    __table_args__ = (
        UniqueConstraint("nomination_id"),
        UniqueConstraint("round_id", "person_id"),
        UniqueConstraint("round_id", "enterprise_id"),
        CheckConstraint("(person_id IS NULL) <> (enterprise_id IS NULL)", name="one_awardee"),
        Index("ix_award_person_policy", "person_id", "policy_code"),
        CheckConstraint("level >= 0 AND level <= 7", name="level_on_ladder"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    #: The awarded organisation, for an award paid to an enterprise (then no person).
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    policy_code: Mapped[str] = mapped_column(String(80))
    round_id: Mapped[int] = mapped_column(ForeignKey("selection_round.id"))
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"))
    year: Mapped[int]
    #: The nominee's highest level at decision (an index on the ladder), None without one.
    level: Mapped[int | None]
    criterion: Mapped[str | None] = mapped_column(String(10))
    awarded_on: Mapped[date]
    #: Why no claim was raised, when the grant's conditions did not hold at decision.
    claim_note: Mapped[str | None] = mapped_column(Text)
