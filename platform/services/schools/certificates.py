"""Recording skill certificates; a new certificate may make its holder eligible for subsidies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    SKILL_LEVEL_MAX,
    SKILL_LEVEL_MIN,
    Certificate,
    CertificateStatus,
    Occupation,
    Role,
    School,
    Student,
    SubsidyClaim,
    User,
    utcnow,
)
from skillbridge.platform.policy import TRAINING_ROUTES
from skillbridge.platform.services import audit
from skillbridge.platform.services.directory import get_student
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.policies import can_manage_school, can_verify_certificates
from skillbridge.platform.services.subsidies.claims import on_certificate_recorded
from skillbridge.platform.text import N_


@dataclass(frozen=True)
class CertificateInput:
    """What the school (or the bureau) records from a certificate it has seen."""

    occupation_id: int
    level: int
    issued_on: date
    number: str
    #: How it was obtained (a key of policy.TRAINING_ROUTES), as the recorder declares it; some
    #: subsidies depend on it (e.g. Wujiang's in-house training subsidy).
    route: str | None = None


def record_certificate(
    session: Session, actor: User, student_id: int, data: CertificateInput, today: date
) -> tuple[Certificate, list[SubsidyClaim]]:
    """Record a certificate, raise the holder's skill level, and raise the claims it triggers."""
    student = get_student(session, actor, student_id)
    school = session.get_one(School, student.school_id)
    is_bureau = can_verify_certificates(actor, school.region_id)
    if not (can_manage_school(actor, school) or is_bureau):
        raise PermissionDenied(N_("只有学生所在学校或人社局可以登记证书"))
    problems = []
    if not SKILL_LEVEL_MIN <= data.level <= SKILL_LEVEL_MAX:
        problems.append(N_("证书等级不在八级工序列内"))
    if data.issued_on > today:
        problems.append(N_("发证日期不能晚于今天"))
    if not data.number.strip():
        problems.append(N_("证书编号不能为空"))
    if session.get(Occupation, data.occupation_id) is None:
        problems.append(N_("职业（工种）不存在"))
    if data.route is not None and data.route not in TRAINING_ROUTES:
        problems.append(N_("未知的取证途径"))
    if problems:
        raise InvalidInput(problems[0], details=problems)
    number = data.number.strip()
    if session.scalar(select(Certificate.id).where(Certificate.number == number)) is not None:
        raise Conflict(N_("该证书编号已登记"))
    certificate = Certificate(
        person_id=student.person_id,
        # The bureau's own entry is verified; a school's stands as declared until it is.
        status=CertificateStatus.VERIFIED if is_bureau else CertificateStatus.DECLARED,
        verified_by_user_id=actor.id if is_bureau else None,
        verified_at=utcnow() if is_bureau else None,
        occupation_id=data.occupation_id,
        level=data.level,
        issued_on=data.issued_on,
        number=number,
    )
    session.add(certificate)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent recording of the same number won the race
        raise Conflict(N_("该证书编号已登记")) from exc
    student.skill_level = max(student.skill_level, data.level)
    audit.record(
        session,
        actor,
        "certificate.recorded",
        "student",
        student.id,
        {"certificate_id": certificate.id, "level": data.level, "number": number},
    )
    claims = on_certificate_recorded(session, certificate, on_date=today, route=data.route)
    return certificate, claims


def student_certificates(session: Session, student_id: int) -> list[tuple[Certificate, str]]:
    """A student's certificates with their occupation names, newest first."""
    rows = session.execute(
        select(Certificate, Occupation.name)
        .join(Occupation, Occupation.id == Certificate.occupation_id)
        .join(Student, Student.person_id == Certificate.person_id)
        .where(Student.id == student_id)
        .order_by(Certificate.issued_on.desc())
    )
    return [(row[0], row[1]) for row in rows]


def may_record(actor: User, school: School) -> bool:
    """Whether the page shows the recording form (the service checks again)."""
    return actor.role in (Role.SCHOOL, Role.BUREAU) and (
        can_manage_school(actor, school) or can_verify_certificates(actor, school.region_id)
    )
