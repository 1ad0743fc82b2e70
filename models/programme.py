"""Apprenticeship programmes (学徒制) filed by enterprises, their apprentices and assessments."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    DDL,
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .agreement import Party
from .base import Base, CreatedAtMixin, enum_column, utcnow
from .student import SKILL_LEVEL_MAX, SKILL_LEVEL_MIN

# 企业新型学徒制 trains for 1–2 years (DOMAIN.md, 2021 guidance; issue 12 item 4).
PROGRAMME_MONTHS_MIN = 12
PROGRAMME_MONTHS_MAX = 24


class ProgrammeKind(enum.StrEnum):
    """企业新型学徒制 (employees), 学生学徒 (final-year students, seed 001 (六)), or 校企双制
    (employee and enrolled student at once, seed 000 第六条(二)5)."""

    EMPLOYEE = "employee"
    STUDENT = "student"
    DUAL = "dual"


class ProgrammeStatus(enum.StrEnum):
    """draft → filed (备案 requested) → approved or rejected by the bureau, with a reason."""

    DRAFT = "draft"
    FILED = "filed"
    APPROVED = "approved"
    REJECTED = "rejected"


class ApprenticeshipProgramme(CreatedAtMixin, Base):
    """One programme: who trains whom for which occupation and level, over which period.

    The training institution is a school on the platform that accepts the role before the
    enterprise files; the bureau's approval of the filing also recognises the assessment body
    named here (see programmes.assessment).
    """

    __tablename__ = "apprenticeship_programme"
    __table_args__ = (
        CheckConstraint(
            f"target_level BETWEEN {SKILL_LEVEL_MIN} AND {SKILL_LEVEL_MAX}",
            name="target_level_range",
        ),
        CheckConstraint(
            f"duration_months BETWEEN {PROGRAMME_MONTHS_MIN} AND {PROGRAMME_MONTHS_MAX}",
            name="duration_range",
        ),
        CheckConstraint("end_date > start_date", name="period_ordered"),
        CheckConstraint("total_hours > 0", name="hours_positive"),
        CheckConstraint(
            "status IN ('draft', 'filed') OR (decided_by_id IS NOT NULL"
            " AND decision_reason IS NOT NULL)",
            name="decision_recorded",
        ),
        CheckConstraint(
            "status = 'draft' OR school_accepted_by_id IS NOT NULL", name="filed_after_acceptance"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    kind: Mapped[ProgrammeKind] = mapped_column(enum_column(ProgrammeKind, "programme_kind"))
    title: Mapped[str] = mapped_column(String(120))
    occupation_id: Mapped[int] = mapped_column(ForeignKey("occupation.id"))
    target_level: Mapped[int]
    start_date: Mapped[date]
    end_date: Mapped[date]
    duration_months: Mapped[int]
    total_hours: Mapped[int]
    assessment_body: Mapped[str] = mapped_column(String(120))
    status: Mapped[ProgrammeStatus] = mapped_column(
        enum_column(ProgrammeStatus, "programme_status"), default=ProgrammeStatus.DRAFT
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    school_accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    school_accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    filed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    modules: Mapped[list[ProgrammeModule]] = relationship(
        order_by="ProgrammeModule.position", cascade="all, delete-orphan"
    )


class ProgrammeModule(Base):
    """One module of the training plan, with its hours."""

    __tablename__ = "programme_module"
    __table_args__ = (
        UniqueConstraint("programme_id", "position"),
        CheckConstraint("hours > 0", name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("apprenticeship_programme.id"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    hours: Mapped[int]


class EnrolmentStatus(enum.StrEnum):
    """in training → passed or failed at the final assessment."""

    ACTIVE = "active"
    PASSED = "passed"
    FAILED = "failed"


class ApprenticeEnrolment(CreatedAtMixin, Base):
    """One person apprenticed in one programme, with an enterprise mentor and a school teacher.

    The period is the programme's, copied so the database can refuse two enrolments of one person
    whose periods overlap: an EXCLUDE constraint on PostgreSQL, a trigger on SQLite (both below
    and in migration 0006).
    """

    __tablename__ = "apprentice_enrolment"
    __table_args__ = (
        UniqueConstraint("programme_id", "person_id"),
        CheckConstraint("end_date > start_date", name="period_ordered"),
        CheckConstraint(
            "employment_id IS NOT NULL OR student_id IS NOT NULL", name="employee_or_student"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("apprenticeship_programme.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    employment_id: Mapped[int | None] = mapped_column(ForeignKey("employment.id"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"))
    labour_contract_ref: Mapped[str | None] = mapped_column(String(60))
    mentor_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    teacher_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    status: Mapped[EnrolmentStatus] = mapped_column(
        enum_column(EnrolmentStatus, "enrolment_status"), default=EnrolmentStatus.ACTIVE
    )
    enrolled_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


#: The constraint's name, shared by the model's DDL, the migration and the services.
OVERLAP_CONSTRAINT = "ex_apprentice_enrolment_person_period"

POSTGRES_OVERLAP_DDL = (
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"ALTER TABLE apprentice_enrolment ADD CONSTRAINT {OVERLAP_CONSTRAINT}"
    " EXCLUDE USING gist (person_id WITH =, daterange(start_date, end_date, '[]') WITH &&)",
)
# SQLite has no EXCLUDE: triggers refuse the same overlap, with the constraint's name as message.
_SQLITE_OVERLAP_GUARD = (
    " WHEN EXISTS (SELECT 1 FROM apprentice_enrolment AS other"
    " WHERE other.person_id = NEW.person_id AND other.id IS NOT NEW.id"
    " AND other.start_date <= NEW.end_date AND other.end_date >= NEW.start_date)"
    f" BEGIN SELECT RAISE(ABORT, '{OVERLAP_CONSTRAINT}'); END"
)
SQLITE_OVERLAP_DDL = (
    f"CREATE TRIGGER {OVERLAP_CONSTRAINT}_insert BEFORE INSERT ON apprentice_enrolment"
    + _SQLITE_OVERLAP_GUARD,
    f"CREATE TRIGGER {OVERLAP_CONSTRAINT}_update"
    " BEFORE UPDATE OF person_id, start_date, end_date ON apprentice_enrolment"
    + _SQLITE_OVERLAP_GUARD,
)

# Kept out of the table's metadata so that `alembic check` (which cannot reflect EXCLUDE
# constraints or triggers) compares only what it can; create_all in tests still gets them.
for _statement in POSTGRES_OVERLAP_DDL:
    event.listen(
        ApprenticeEnrolment.__table__,
        "after_create",
        DDL(_statement).execute_if(dialect="postgresql"),
    )
for _statement in SQLITE_OVERLAP_DDL:
    event.listen(
        ApprenticeEnrolment.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite")
    )


class ProgressRecord(CreatedAtMixin, Base):
    """Hours of one module an apprentice completed, as recorded by the enterprise or school."""

    __tablename__ = "programme_progress"
    __table_args__ = (CheckConstraint("hours > 0", name="hours_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("apprentice_enrolment.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("programme_module.id"))
    hours: Mapped[int]
    completed: Mapped[bool] = mapped_column(default=False)
    recorded_on: Mapped[date]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class FinalAssessment(CreatedAtMixin, Base):
    """The final assessment of one apprentice; a pass names the level and the certificate."""

    __tablename__ = "programme_assessment"
    __table_args__ = (
        CheckConstraint(
            f"level_reached IS NULL OR level_reached BETWEEN {SKILL_LEVEL_MIN}"
            f" AND {SKILL_LEVEL_MAX}",
            name="level_range",
        ),
        CheckConstraint(
            "NOT passed OR (level_reached IS NOT NULL AND certificate_id IS NOT NULL)",
            name="pass_has_certificate",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("apprentice_enrolment.id"), unique=True)
    passed: Mapped[bool]
    level_reached: Mapped[int | None]
    assessed_on: Mapped[date]
    assessor: Mapped[str] = mapped_column(String(60))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))


class TrainingAgreement(CreatedAtMixin, Base):
    """The 学生学徒培养协议 (R5, seed 001 (六)) of one student apprentice."""

    __tablename__ = "apprentice_training_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("apprentice_enrolment.id"), unique=True)
    guardian_name: Mapped[str | None] = mapped_column(String(60))
    signatures: Mapped[list[TrainingAgreementSignature]] = relationship(
        order_by="TrainingAgreementSignature.signed_at"
    )


class TrainingAgreementSignature(Base):
    """One party's signature on a 学生学徒培养协议; each party signs once."""

    __tablename__ = "apprentice_training_signature"
    __table_args__ = (UniqueConstraint("agreement_id", "party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("apprentice_training_agreement.id"))
    party: Mapped[Party] = mapped_column(enum_column(Party, "training_signature_party"))
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
