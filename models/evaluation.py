"""Evaluations and outcome of a placement: rubric scores, host ratings, report, employment."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, enum_column


class EvaluationStage(enum.StrEnum):
    """中期 after half the period, 终期 near its end."""

    MIDTERM = "midterm"
    FINAL = "final"


class Evaluator(enum.StrEnum):
    """Who scores: the assigned mentor, the assigned teacher, or the student itself (自评)."""

    MENTOR = "mentor"
    TEACHER = "teacher"
    SELF = "self"


class Evaluation(CreatedAtMixin, Base):
    """One rubric evaluation of a placement; `scores` maps criterion codes to 1–5."""

    __tablename__ = "evaluation"
    # One evaluation per placement, stage and evaluator: a second submission is refused.
    __table_args__ = (UniqueConstraint("placement_id", "stage", "evaluator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    stage: Mapped[EvaluationStage] = mapped_column(enum_column(EvaluationStage, "evaluation_stage"))
    evaluator: Mapped[Evaluator] = mapped_column(enum_column(Evaluator, "evaluator"))
    author_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    rubric_code: Mapped[str] = mapped_column(String(40))
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The weighted mean on the 1–5 scale, times 100 (e.g. 412 = 4.12): exact and sortable.
    weighted_centi: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")


class HostRating(CreatedAtMixin, Base):
    """The student's rating of its host, once per placement; each aspect 1–5."""

    __tablename__ = "host_rating"
    __table_args__ = (
        CheckConstraint("safety BETWEEN 1 AND 5", name="safety_range"),
        CheckConstraint("learning BETWEEN 1 AND 5", name="learning_range"),
        CheckConstraint("pay_on_time BETWEEN 1 AND 5", name="pay_on_time_range"),
        CheckConstraint("treatment BETWEEN 1 AND 5", name="treatment_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    safety: Mapped[int]
    learning: Mapped[int]
    pay_on_time: Mapped[int]
    treatment: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")


class ReportGrade(enum.StrEnum):
    """The five-level grade (五级制) the teacher's 0–100 score maps to."""

    EXCELLENT = "excellent"  # 优秀
    GOOD = "good"  # 良好
    MEDIUM = "medium"  # 中等
    PASS = "pass"  # 及格
    FAIL = "fail"  # 不及格


class InternshipReport(CreatedAtMixin, Base):
    """The student's 实习报告 and the teacher's grade of it."""

    __tablename__ = "internship_report"
    __table_args__ = (
        CheckConstraint("score IS NULL OR score BETWEEN 0 AND 100", name="score_range"),
        CheckConstraint("(score IS NULL) = (grade IS NULL)", name="grade_with_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), unique=True)
    body: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    score: Mapped[int | None]
    grade: Mapped[ReportGrade | None] = mapped_column(enum_column(ReportGrade, "report_grade"))
    graded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    graded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OutcomeKind(enum.StrEnum):
    """Where the student went after the placement (去向)."""

    HIRED_BY_HOST = "hired_by_host"
    HIRED_ELSEWHERE = "hired_elsewhere"
    FURTHER_STUDY = "further_study"
    NOT_YET = "not_yet"


class ContractType(enum.StrEnum):
    """The kind of the employment contract, when hired."""

    FIXED_TERM = "fixed_term"  # 固定期限劳动合同
    OPEN_ENDED = "open_ended"  # 无固定期限劳动合同
    PROJECT = "project"  # 以完成一定工作任务为期限
    NONE = "none"  # 未签劳动合同（劳务、灵活就业）


HIRED = (OutcomeKind.HIRED_BY_HOST, OutcomeKind.HIRED_ELSEWHERE)


class EmploymentOutcome(CreatedAtMixin, Base):
    """The employment outcome of one placement, recorded by the school; a hire by the host is
    confirmed by the host enterprise."""

    __tablename__ = "employment_outcome"
    __table_args__ = (
        CheckConstraint(
            "kind NOT IN ('hired_by_host', 'hired_elsewhere')"
            " OR (started_on IS NOT NULL AND contract_type IS NOT NULL)",
            name="hire_has_start_and_contract",
        ),
        CheckConstraint(
            "contract_months IS NULL OR contract_months > 0", name="contract_months_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), unique=True)
    kind: Mapped[OutcomeKind] = mapped_column(enum_column(OutcomeKind, "outcome_kind"))
    employer_name: Mapped[str] = mapped_column(String(120), default="")
    started_on: Mapped[date | None]
    contract_type: Mapped[ContractType | None] = mapped_column(
        enum_column(ContractType, "contract_type")
    )
    contract_months: Mapped[int | None]
    social_insurance: Mapped[bool] = mapped_column(default=False)
    recorded_by_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    confirmed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
