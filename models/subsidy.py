"""Subsidy policies, claims, budgets with their ledger, and annual quotas."""

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

from .base import Base, CreatedAtMixin, enum_column, exactly_one_set


class Beneficiary(enum.StrEnum):
    """Who a subsidy is paid to."""

    PERSON = "person"
    ENTERPRISE = "enterprise"
    SCHOOL = "school"


class ClaimStatus(enum.StrEnum):
    """submitted → approved (budget committed) → paid; submitted → rejected."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"


class LedgerKind(enum.StrEnum):
    """A budget movement: commit on approval, pay on payment."""

    COMMIT = "commit"
    PAY = "pay"


class Budget(Base):
    """A fund; the database keeps committed + paid + remaining = allocated and remaining ≥ 0."""

    __tablename__ = "budget"
    __table_args__ = (
        UniqueConstraint("region_id", "code"),
        CheckConstraint("remaining_yuan >= 0", name="remaining_nonnegative"),
        CheckConstraint("committed_yuan >= 0", name="committed_nonnegative"),
        CheckConstraint("paid_yuan >= 0", name="paid_nonnegative"),
        CheckConstraint(
            "committed_yuan + paid_yuan + remaining_yuan = allocated_yuan", name="balanced"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    allocated_yuan: Mapped[int]
    committed_yuan: Mapped[int] = mapped_column(default=0)
    paid_yuan: Mapped[int] = mapped_column(default=0)
    remaining_yuan: Mapped[int]


class SubsidyPolicy(Base):
    """A pack policy enabled in a region; `amount_yuan` is set by the bureau for local schedules.

    `amount_kind` mirrors the pack (fixed, per_level, by_hukou, local); only a ``local`` policy
    carries `amount_yuan`, and the database keeps it inside the pack's bounds. `annual_quota` caps
    approvals per period of `quota_period_years` (a pack's ``cap`` quota; targets do not cap).
    `designated_occupations` lists the occupation codes the bureau designated (指定职业（工种）).
    """

    __tablename__ = "subsidy_policy"
    __table_args__ = (
        UniqueConstraint("region_id", "code"),
        CheckConstraint(
            "amount_yuan IS NULL OR (amount_kind = 'local' AND amount_yuan > 0"
            " AND (amount_min_yuan IS NULL OR amount_yuan >= amount_min_yuan)"
            " AND (amount_max_yuan IS NULL OR amount_yuan <= amount_max_yuan))",
            name="amount_within_bounds",
        ),
        CheckConstraint("annual_quota IS NULL OR annual_quota > 0", name="quota_positive"),
        CheckConstraint("quota_period_years > 0", name="quota_period_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))
    beneficiary: Mapped[Beneficiary] = mapped_column(enum_column(Beneficiary, "beneficiary"))
    budget_id: Mapped[int | None] = mapped_column(ForeignKey("budget.id"))
    amount_kind: Mapped[str] = mapped_column(String(20), default="fixed")
    amount_yuan: Mapped[int | None]
    amount_min_yuan: Mapped[int | None]
    amount_max_yuan: Mapped[int | None]
    annual_quota: Mapped[int | None]
    quota_period_years: Mapped[int] = mapped_column(default=1)
    designated_occupations: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)


class SubsidyClaim(CreatedAtMixin, Base):
    """A claim; one live claim per once-only key (rejected claims do not block a new one)."""

    __tablename__ = "subsidy_claim"
    __table_args__ = (
        CheckConstraint("amount_yuan IS NULL OR amount_yuan >= 0", name="amount_nonnegative"),
        CheckConstraint(
            exactly_one_set("student_id", "enterprise_id", "school_id", "person_id"),
            name="one_beneficiary",
        ),
        # Money moves only with a fixed amount; a decision names who made it and, if a
        # rejection, why; a payment has its time.
        CheckConstraint(
            "status NOT IN ('approved', 'paid') OR (amount_yuan IS NOT NULL AND amount_yuan > 0)",
            name="approved_has_amount",
        ),
        CheckConstraint(
            "status = 'submitted' OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL)",
            name="decision_recorded",
        ),
        CheckConstraint(
            "status <> 'rejected' OR decision_reason IS NOT NULL", name="rejection_has_reason"
        ),
        CheckConstraint("status <> 'paid' OR paid_at IS NOT NULL", name="payment_recorded"),
        # Four-eyes: a claim approved above the instance's threshold is paid by someone else.
        CheckConstraint(
            "NOT needs_second_user OR paid_by_id IS NULL OR paid_by_id <> decided_by_id",
            name="second_user_pays",
        ),
        Index(
            "uq_subsidy_claim_live_once_only_key",
            "once_only_key",
            unique=True,
            postgresql_where=text("status <> 'rejected'"),
            sqlite_where=text("status <> 'rejected'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("subsidy_policy.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"))
    #: A worker paid a person-side subsidy who has no student record (raised by worker events).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id"))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    #: The competition an organiser's competition subsidy is claimed for (002 三(三)).
    competition_id: Mapped[int | None] = mapped_column(ForeignKey("competition.id"), index=True)
    #: The training course or technician class a claim under `programme_held` pays for.
    training_course_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_course.id"), index=True
    )
    #: The base or studio whose recognition raised the claim (002 二(三)1).
    training_base_id: Mapped[int | None] = mapped_column(ForeignKey("training_base.id"), index=True)
    #: The reference date of the evaluation: ages, months and claim years count to it.
    on_date: Mapped[date]
    once_only_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[ClaimStatus] = mapped_column(
        enum_column(ClaimStatus, "claim_status"), default=ClaimStatus.SUBMITTED
    )
    amount_yuan: Mapped[int | None]
    evaluation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    automatic: Mapped[bool] = mapped_column(default=False)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Set at approval when the amount is above the four-eyes threshold.
    needs_second_user: Mapped[bool] = mapped_column(default=False)
    #: An award's grant: the selection round whose quota period the approval counts against.
    selection_round_id: Mapped[int | None] = mapped_column(ForeignKey("selection_round.id"))
    #: An award paid over several years (五年内): the year this claim pays for. Only the round's
    #: first year takes a place of its quota; the later years pay the same award again.
    pays_for_year: Mapped[int | None]


class BudgetLedgerEntry(CreatedAtMixin, Base):
    """One budget movement for a claim; each claim is committed once and paid once."""

    __tablename__ = "budget_ledger_entry"
    __table_args__ = (
        UniqueConstraint("claim_id", "kind"),
        CheckConstraint("amount_yuan > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claim.id"))
    kind: Mapped[LedgerKind] = mapped_column(enum_column(LedgerKind, "ledger_kind"))
    amount_yuan: Mapped[int]


class QuotaUsage(Base):
    """Approvals used against a policy's annual quota; the database keeps used ≤ quota."""

    __tablename__ = "quota_usage"
    __table_args__ = (
        UniqueConstraint("policy_id", "year"),
        CheckConstraint("used >= 0", name="used_nonnegative"),
        CheckConstraint("used <= quota", name="within_quota"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("subsidy_policy.id"))
    year: Mapped[int]
    quota: Mapped[int]
    used: Mapped[int] = mapped_column(default=0)
