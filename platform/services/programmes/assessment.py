"""Progress through the training plan and the final assessment, which records a certificate.

A passed assessment records the apprentice's certificate as verified: the bureau recognised
the assessment body named in the programme when it approved the filing (备案), so the result of
that body for a filed programme needs no second verification; the approving officer is recorded
as verifier. Then the subsidy engine raises the claims programme completion makes due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    SKILL_LEVEL_MAX,
    SKILL_LEVEL_MIN,
    ApprenticeEnrolment,
    ApprenticeshipProgramme,
    Certificate,
    CertificateStatus,
    EnrolmentStatus,
    Enterprise,
    FinalAssessment,
    Occupation,
    ProgrammeModule,
    ProgressRecord,
    SubsidyClaim,
    User,
    utcnow,
)
from skillbridge.platform.policy import ProgrammeFacts
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.programmes.access import can_record_progress, manages_programme
from skillbridge.platform.services.programmes.enrolments import apprentice_users, get_enrolment
from skillbridge.platform.services.subsidies.claims import on_programme_completed
from skillbridge.platform.text import N_

ASSESSED = "programme.assessed"


@dataclass(frozen=True)
class ProgressInput:
    """Hours of one module, and whether the module is now complete."""

    module_id: int
    hours: int
    completed: bool
    recorded_on: date


@dataclass(frozen=True)
class AssessmentInput:
    """The final assessment as recorded; a pass names the level and the certificate number."""

    passed: bool
    assessed_on: date
    assessor: str
    level_reached: int | None = None
    certificate_number: str = ""


@dataclass(frozen=True)
class AssessmentResult:
    """What recording the assessment produced."""

    assessment: FinalAssessment
    certificate: Certificate | None
    claims: list[SubsidyClaim]


def record_progress(
    session: Session, actor: User, enrolment_id: int, data: ProgressInput
) -> ProgressRecord:
    """Record hours of a module for an apprentice still in training."""
    enrolment, programme = get_enrolment(session, actor, enrolment_id)
    if not can_record_progress(actor, programme, enrolment):
        raise PermissionDenied(N_("只有培养双方或该学徒的导师可以登记培训进度"))
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise Conflict(N_("该学徒已完成考核，不能再登记进度"))
    module = session.get(ProgrammeModule, data.module_id)
    if module is None or module.programme_id != programme.id:
        raise InvalidInput(N_("培训模块：不属于该项目"))
    if data.hours <= 0:
        raise InvalidInput(N_("学时：须为正整数"))
    if not enrolment.start_date <= data.recorded_on <= enrolment.end_date:
        raise InvalidInput(N_("日期：须在培养期内"))
    done = hours_by_module(session, enrolment.id).get(module.id, 0)
    if done + data.hours > module.hours:
        raise InvalidInput(
            N_("学时：超过该模块计划学时"),
            details=[f"{module.name}：{done}+{data.hours}>{module.hours}"],
        )
    record = ProgressRecord(
        enrolment_id=enrolment.id,
        module_id=module.id,
        hours=data.hours,
        completed=data.completed,
        recorded_on=data.recorded_on,
        recorded_by_id=actor.id,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor,
        "programme.progress",
        "apprentice_enrolment",
        enrolment.id,
        {"module_id": module.id, "hours": data.hours, "completed": data.completed},
    )
    return record


def hours_by_module(session: Session, enrolment_id: int) -> dict[int, int]:
    """Hours recorded so far per module of the enrolment."""
    rows = session.execute(
        select(ProgressRecord.module_id, func.sum(ProgressRecord.hours))
        .where(ProgressRecord.enrolment_id == enrolment_id)
        .group_by(ProgressRecord.module_id)
    )
    return {module_id: int(hours) for module_id, hours in rows}


def _validate(enrolment: ApprenticeEnrolment, data: AssessmentInput) -> list[str]:
    problems = []
    if not data.assessor.strip():
        problems.append(N_("考核人：必填"))
    if data.assessed_on < enrolment.start_date:
        problems.append(N_("考核日期：不能早于培养开始日期"))
    if data.passed:
        level = data.level_reached
        if level is None or not SKILL_LEVEL_MIN <= level <= SKILL_LEVEL_MAX:
            problems.append(N_("达到等级：考核合格须填写达到的等级"))
        if not data.certificate_number.strip():
            problems.append(N_("证书编号：考核合格须填写证书编号"))
    return problems


def _certificate(
    session: Session,
    programme: ApprenticeshipProgramme,
    enrolment: ApprenticeEnrolment,
    data: AssessmentInput,
) -> Certificate:
    assert data.level_reached is not None  # _validate requires it for a pass
    certificate = Certificate(
        person_id=enrolment.person_id,
        occupation_id=programme.occupation_id,
        level=data.level_reached,
        issued_on=data.assessed_on,
        number=data.certificate_number.strip(),
        issuer=programme.assessment_body,
        status=CertificateStatus.VERIFIED,
        verified_by_user_id=programme.decided_by_id,
        verified_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(certificate)
    except IntegrityError as exc:
        raise InvalidInput(N_("证书编号：已登记过该编号的证书")) from exc
    return certificate


def record_assessment(
    session: Session, actor: User, enrolment_id: int, data: AssessmentInput
) -> AssessmentResult:
    """Record the final assessment once; a pass records the certificate and raises claims."""
    enrolment, programme = get_enrolment(session, actor, enrolment_id)
    if not manages_programme(actor, programme):
        raise PermissionDenied(N_("只有项目所属企业可以登记考核结果"))
    problems = _validate(enrolment, data)
    if problems:
        raise InvalidInput(problems[0], details=problems)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise Conflict(N_("该学徒已登记考核结果"))
    certificate = _certificate(session, programme, enrolment, data) if data.passed else None
    assessment = FinalAssessment(
        enrolment_id=enrolment.id,
        passed=data.passed,
        level_reached=data.level_reached if data.passed else None,
        assessed_on=data.assessed_on,
        assessor=data.assessor.strip(),
        certificate_id=certificate.id if certificate else None,
        recorded_by_id=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(assessment)
    except IntegrityError as exc:
        raise Conflict(N_("该学徒已登记考核结果")) from exc
    enrolment.status = EnrolmentStatus.PASSED if data.passed else EnrolmentStatus.FAILED
    session.flush()
    audit.record(
        session,
        actor,
        "programme.assessed",
        "apprentice_enrolment",
        enrolment.id,
        {
            "passed": data.passed,
            "level_reached": assessment.level_reached,
            "certificate_id": assessment.certificate_id,
        },
    )
    recipients = [enrolment.mentor_user_id, enrolment.teacher_user_id]
    recipients += apprentice_users(session, enrolment)
    link = notifications.Link("programmes.enrolment", {"enrolment_id": enrolment.id})
    title = N_("学徒考核合格") if data.passed else N_("学徒考核不合格")
    notifications.notify(session, recipients, ASSESSED, title, programme.title, link)
    claims: list[SubsidyClaim] = []
    if certificate is not None:
        occupation = session.get_one(Occupation, programme.occupation_id)
        facts = ProgrammeFacts(
            f"apprentice-{enrolment.id}", occupation.code, data.assessed_on, completed=True
        )
        enterprise = session.get_one(Enterprise, programme.enterprise_id)
        claims = on_programme_completed(session, enterprise, certificate, facts, data.assessed_on)
    return AssessmentResult(assessment, certificate, claims)
