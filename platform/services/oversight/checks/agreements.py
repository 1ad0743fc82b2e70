"""R2 (cooperation agreement and filed plan), N5 (signed tripartite agreement, guardian consent)
and R5 (signed student-apprentice agreement) for placements that have started."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import ScalarSelect, and_, func, or_, select

from skillbridge.models import (
    AgreementStatus,
    AmendmentStatus,
    Cohort,
    CooperationAgreement,
    DocumentKind,
    DocumentVersion,
    FilingStatus,
    Placement,
    PlacementAgreement,
    PlacementAgreementKind,
    PlacementAmendment,
    Signature,
    Slot,
    SlotKind,
    Student,
)
from skillbridge.models.agreement import agreement_specialty
from skillbridge.platform.policy import age_in_years
from skillbridge.platform.services.oversight.checks.base import CheckContext, Violation, iso
from skillbridge.platform.services.oversight.checks.placements import (
    STARTED,
    placement_evidence,
    placement_query,
    placement_subject,
)
from skillbridge.platform.services.placements.agreements import ADULT_AGE
from skillbridge.platform.services.placements.terms import REQUIRED_PARTIES
from skillbridge.platform.text import CLAUSES, N_, SERIES, join

# An agreement that was approved counts for a placement that started inside its validity, even
# if it has expired since; a rejected, terminated or never-approved one never counted.
_HELD = (AgreementStatus.APPROVED, AgreementStatus.EXPIRED)
_PARTY_ZH = {
    "school": N_("学校"),
    "enterprise": N_("企业"),
    "student": N_("学生"),
    "guardian": N_("监护人"),
}


def _signed_parties() -> ScalarSelect[str]:
    """Correlated subquery: the parties that signed the agreement's version in force — the
    current one, or while an amendment waits for signatures the one the amendment supersedes."""
    pending = select(PlacementAmendment).where(PlacementAmendment.status == AmendmentStatus.PENDING)
    in_force = or_(
        and_(
            DocumentVersion.superseded_at.is_(None),
            DocumentVersion.id.not_in(pending.with_only_columns(PlacementAmendment.version_id)),
        ),
        DocumentVersion.id.in_(pending.with_only_columns(PlacementAmendment.previous_version_id)),
    )
    return (
        select(func.aggregate_strings(Signature.party, ","))
        .join(DocumentVersion, DocumentVersion.id == Signature.version_id)
        .where(
            DocumentVersion.kind == DocumentKind.PLACEMENT_AGREEMENT,
            DocumentVersion.subject_id == PlacementAgreement.id,
            in_force,
        )
        .scalar_subquery()
    )


def post_internship_without_agreement_or_plan(ctx: CheckContext) -> Iterator[Violation]:
    """Started post internships without an approved cooperation agreement covering the student's
    specialty at the start, or whose internship plan the bureau has not approved (审定备案)."""
    cooperation = (
        select(func.min(CooperationAgreement.id))
        .join(agreement_specialty, agreement_specialty.c.agreement_id == CooperationAgreement.id)
        .where(
            CooperationAgreement.school_id == Student.school_id,
            CooperationAgreement.enterprise_id == Slot.enterprise_id,
            CooperationAgreement.status.in_(_HELD),
            CooperationAgreement.valid_from <= Placement.start_date,
            CooperationAgreement.valid_to >= Placement.start_date,
            agreement_specialty.c.specialty_id == Cohort.specialty_id,
        )
        .correlate(Student, Slot, Placement, Cohort)
        .scalar_subquery()
    )
    rows = ctx.session.execute(
        placement_query(
            ctx,
            cooperation.label("cooperation_agreement_id"),
            PlacementAgreement.plan_status,
            PlacementAgreement.plan_filed_at,
        )
        .where(Slot.kind == SlotKind.POST_INTERNSHIP, Placement.status.in_(STARTED))
        .where(
            or_(
                cooperation.is_(None),
                PlacementAgreement.id.is_(None),
                PlacementAgreement.plan_status != FilingStatus.APPROVED,
            )
        )
    )
    for row in rows:
        plan_ok = row.plan_status == FilingStatus.APPROVED
        missing = []
        if row.cooperation_agreement_id is None:
            missing.append(N_("开始时无覆盖该专业的有效校企合作协议"))
        if not plan_ok:
            missing.append(N_("实习计划未经人社局审定备案"))
        yield Violation(
            subject_key=placement_subject(row),
            object_type="placement",
            object_id=row.placement_id,
            summary_zh=N_(
                "%(student)s 的岗位实习：%(problems)s",
                student=row.student_name,
                problems=join(CLAUSES, missing),
            ),
            evidence={
                **placement_evidence(row),
                "cooperation_agreement_id": row.cooperation_agreement_id,
                "plan_status": row.plan_status.value if row.plan_status else None,
                "plan_filed_at": iso(row.plan_filed_at),
            },
        )


def _started_unsigned(ctx: CheckContext, kind: PlacementAgreementKind) -> Iterator[Violation]:
    """Started placements needing a `kind` agreement whose agreement is missing, of another kind,
    short of a required signature, or (internships) short of a minor's guardian consent."""
    apprenticeships = kind == PlacementAgreementKind.APPRENTICE_TRAINING
    is_apprenticeship = Slot.kind == SlotKind.APPRENTICESHIP
    rows = ctx.session.execute(
        placement_query(
            ctx,
            PlacementAgreement.id.label("agreement_id"),
            PlacementAgreement.kind.label("agreement_kind"),
            PlacementAgreement.guardian_consent,
            _signed_parties().label("signed"),
        )
        .where(is_apprenticeship if apprenticeships else ~is_apprenticeship)
        .where(Placement.status.in_(STARTED))
    )
    for row in rows:
        signed = sorted(set(row.signed.split(","))) if row.signed else []
        missing = [party.value for party in REQUIRED_PARTIES[kind] if party.value not in signed]
        minor = age_in_years(row.birth_date, row.start_date) < ADULT_AGE
        problems = []
        if row.agreement_id is None or row.agreement_kind != kind:
            problems.append(N_("未订立规定的协议"))
        elif missing:
            problems.append(
                N_(
                    "协议未经各方签署：缺%(parties)s",
                    parties=join(SERIES, (_PARTY_ZH[p] for p in missing)),
                )
            )
        if not apprenticeships and minor and not row.guardian_consent:
            problems.append(N_("未满18周岁，无监护人书面同意"))
        if not problems:
            continue
        yield Violation(
            subject_key=placement_subject(row),
            object_type="placement",
            object_id=row.placement_id,
            summary_zh=N_(
                "%(student)s 在 %(enterprise)s 已开始：%(problems)s",
                student=row.student_name,
                enterprise=row.enterprise_name,
                problems=join(CLAUSES, problems),
            ),
            evidence={
                **placement_evidence(row),
                "agreement_id": row.agreement_id,
                "agreement_kind": row.agreement_kind.value if row.agreement_kind else None,
                "signed_parties": signed,
                "missing_parties": missing,
                "under_18_at_start": minor,
                "guardian_consent": bool(row.guardian_consent),
            },
        )


def internship_started_unsigned(ctx: CheckContext) -> Iterator[Violation]:
    """N5: an internship started without the tripartite agreement signed by all, or a minor
    without the guardian's written consent."""
    return _started_unsigned(ctx, PlacementAgreementKind.TRIPARTITE_INTERNSHIP)


def apprenticeship_started_unsigned(ctx: CheckContext) -> Iterator[Violation]:
    """R5: an apprenticeship started without a 学生学徒培养协议 signed by enterprise and apprentice."""
    return _started_unsigned(ctx, PlacementAgreementKind.APPRENTICE_TRAINING)
