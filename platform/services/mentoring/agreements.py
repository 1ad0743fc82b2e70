"""名师带徒 agreements: an enterprise records a mentor, an apprentice, the period and the allowance.

Seed 000 第六条(一)1: a 高级工, 技师 or 高级技师 who passes on skills under an agreement (协议书)
with the enterprise gets a monthly allowance by level, paid from the enterprise's education
fund; the amount is the enterprise's to set. Both people must be the enterprise's confirmed
employees; the mentor's stated level is checked against their trusted certificates where any
exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from skillbridge.models import (
    MENTOR_LEVEL_MAX,
    MENTOR_LEVEL_MIN,
    TRUSTED_CERTIFICATE,
    Certificate,
    Employment,
    EmploymentStatus,
    MentorshipAgreement,
    Person,
    User,
)
from skillbridge.platform.policy import SKILL_LEVEL_LABELS, SKILL_LEVELS
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import AnyRow, Page, paginate
from skillbridge.platform.services.policies import can_manage_mentoring
from skillbridge.platform.text import N_

#: The ladder keys a mentor may hold (高级工, 技师, 高级技师), lowest first.
MENTOR_LEVELS: tuple[str, ...] = SKILL_LEVELS[MENTOR_LEVEL_MIN : MENTOR_LEVEL_MAX + 1]
CITATION = "仲恺高新区技能人才百千万工程实施办法 第六条(一)1"


@dataclass(frozen=True)
class AgreementInput:
    """What the enterprise enters; months are first days, the level a ladder key."""

    mentor_employment_id: int
    apprentice_employment_id: int
    mentor_level: str
    start_month: date
    end_month: date
    monthly_allowance_yuan: int
    agreement_ref: str


@dataclass(frozen=True)
class AgreementRow:
    """An agreement with the two people's names, for lists."""

    agreement: MentorshipAgreement
    mentor_name: str
    apprentice_name: str

    @property
    def level_label(self) -> str:
        return SKILL_LEVEL_LABELS[SKILL_LEVELS[self.agreement.mentor_level]]


def _require_manager(actor: User) -> int:
    if actor.enterprise_id is None or not can_manage_mentoring(actor, actor.enterprise_id):
        raise PermissionDenied(N_("只有企业管理员或人事可以管理名师带徒协议"))
    return actor.enterprise_id


def _employee(session: Session, enterprise_id: int, employment_id: int, field: str) -> Employment:
    employment = session.get(Employment, employment_id)
    if employment is None or employment.enterprise_id != enterprise_id:
        raise NotFound(N_("本企业没有该职工"), details=[field])
    if employment.status != EmploymentStatus.CONFIRMED:
        raise InvalidInput(N_("该职工的劳动关系尚未确认"), details=[field])
    return employment


def _backing_certificate(
    session: Session, person_id: int, level: int
) -> tuple[Certificate | None, int | None]:
    """The trusted certificate at or above `level` (lowest such), and the best trusted level."""
    trusted = list(
        session.scalars(
            select(Certificate)
            .where(Certificate.person_id == person_id)
            .where(Certificate.status.in_(TRUSTED_CERTIFICATE))
            .order_by(Certificate.level, Certificate.issued_on, Certificate.id)
        )
    )
    if not trusted:
        return None, None
    backing = next((c for c in trusted if c.level >= level), None)
    return backing, trusted[-1].level


def _validate(data: AgreementInput) -> list[str]:
    problems = []
    if data.mentor_level not in MENTOR_LEVELS:
        problems.append(N_("师傅等级须为高级工、技师或高级技师"))
    if data.end_month <= data.start_month:
        problems.append(N_("带徒期限的结束月份须晚于开始月份"))
    if data.monthly_allowance_yuan <= 0:
        problems.append(N_("每月带徒津贴须为正整数（元）"))
    if not data.agreement_ref.strip() or len(data.agreement_ref.strip()) > 60:
        problems.append(N_("协议书编号须填写（不超过60字）"))
    if data.mentor_employment_id == data.apprentice_employment_id:
        problems.append(N_("师傅和徒弟不能是同一人"))
    return problems


def record_agreement(session: Session, actor: User, data: AgreementInput) -> MentorshipAgreement:
    """Record a 名师带徒 agreement of the actor's enterprise; nothing is written on any refusal."""
    enterprise_id = _require_manager(actor)
    problems = _validate(data)
    if problems:
        raise InvalidInput(problems[0], details=problems)
    mentor = _employee(session, enterprise_id, data.mentor_employment_id, "mentor")
    apprentice = _employee(session, enterprise_id, data.apprentice_employment_id, "apprentice")
    if mentor.person_id == apprentice.person_id:
        raise InvalidInput(N_("师傅和徒弟不能是同一人"), details=["apprentice"])
    level = SKILL_LEVELS.index(data.mentor_level)
    backing, best = _backing_certificate(session, mentor.person_id, level)
    if best is not None and backing is None:
        held = SKILL_LEVEL_LABELS[SKILL_LEVELS[best]]
        raise InvalidInput(
            N_("师傅等级高于其经核验的证书等级"),
            details=[f"mentor_level: {held} < {SKILL_LEVEL_LABELS[data.mentor_level]}"],
        )
    agreement = MentorshipAgreement(
        enterprise_id=enterprise_id,
        mentor_person_id=mentor.person_id,
        mentor_employment_id=mentor.id,
        apprentice_person_id=apprentice.person_id,
        apprentice_employment_id=apprentice.id,
        mentor_level=level,
        level_certificate_id=backing.id if backing is not None else None,
        start_month=data.start_month,
        end_month=data.end_month,
        monthly_allowance_yuan=data.monthly_allowance_yuan,
        agreement_ref=data.agreement_ref.strip(),
        created_by_user_id=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(agreement)
    except IntegrityError as exc:
        raise Conflict(N_("本企业已有该编号的协议书"), details=["agreement_ref"]) from exc
    audit.record(
        session,
        actor,
        "mentorship.recorded",
        "mentorship_agreement",
        agreement.id,
        {
            "mentor_person_id": agreement.mentor_person_id,
            "apprentice_person_id": agreement.apprentice_person_id,
            "mentor_level": data.mentor_level,
            "level_certificate_id": agreement.level_certificate_id,
            "monthly_allowance_yuan": agreement.monthly_allowance_yuan,
        },
    )
    return agreement


def get_agreement(session: Session, actor: User, agreement_id: int) -> MentorshipAgreement:
    """One agreement of the actor's enterprise; another enterprise's is as absent as none."""
    agreement = session.get(MentorshipAgreement, agreement_id)
    if agreement is None or not can_manage_mentoring(actor, agreement.enterprise_id):
        raise NotFound(N_("名师带徒协议不存在"))
    return agreement


def _row(row: AnyRow) -> AgreementRow:
    return AgreementRow(row[0], row[1], row[2])


def list_agreements(session: Session, actor: User, page: int = 1) -> Page[AgreementRow]:
    """The actor's enterprise's agreements, newest first."""
    enterprise_id = _require_manager(actor)
    mentor, apprentice = aliased(Person), aliased(Person)
    statement = (
        select(MentorshipAgreement, mentor.name, apprentice.name)
        .join(mentor, mentor.id == MentorshipAgreement.mentor_person_id)
        .join(apprentice, apprentice.id == MentorshipAgreement.apprentice_person_id)
        .where(MentorshipAgreement.enterprise_id == enterprise_id)
        .order_by(MentorshipAgreement.start_month.desc(), MentorshipAgreement.id.desc())
    )
    return paginate(session, statement, page, _row)


def agreement_row(session: Session, agreement: MentorshipAgreement) -> AgreementRow:
    """The agreement with its people's names."""
    mentor = session.get_one(Person, agreement.mentor_person_id)
    apprentice = session.get_one(Person, agreement.apprentice_person_id)
    return AgreementRow(agreement, mentor.name, apprentice.name)


def employee_choices(session: Session, actor: User) -> list[tuple[int, str]]:
    """The enterprise's confirmed employees as (employment id, "name — post") for the form."""
    enterprise_id = _require_manager(actor)
    rows = session.execute(
        select(Employment.id, Person.name, Employment.post)
        .join(Person, Person.id == Employment.person_id)
        .where(Employment.enterprise_id == enterprise_id)
        .where(Employment.status == EmploymentStatus.CONFIRMED)
        .order_by(Person.name, Employment.id)
    )
    return [(employment_id, f"{name} — {post}") for employment_id, name, post in rows]
