"""Each role's landing page figures: its organisation's real state and what to do next."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    SEAT_HOLDING,
    AgreementStatus,
    Cohort,
    CooperationAgreement,
    Enterprise,
    Notification,
    Placement,
    PlacementStatus,
    Role,
    School,
    Slot,
    SlotStatus,
    Student,
    User,
    VerificationStatus,
)
from skillbridge.models.school import school_specialty
from skillbridge.platform.services.accounts.registration import pending_count_statements
from skillbridge.platform.text import N_

#: The key of the unread-notification count among a page's counts.
UNREAD = "unread_notifications"


@dataclass
class Overview:
    """Figures and next steps for one landing page."""

    organisation: School | Enterprise | Student | None
    verification: VerificationStatus | None
    counts: dict[str, int] = field(default_factory=dict)
    next_steps: list[str] = field(default_factory=list)
    unread_notifications: int = 0


# Each role's counts, the actor's unread notifications among them, as one statement built once
# per process with the ids bound (`bindparam`): building the scalar subqueries and their cache
# key on every request cost more Python than running them.
def _unread() -> Select[Any]:
    return (
        select(func.count(Notification.id))
        .where(Notification.user_id == bindparam("user_id"))
        .where(Notification.read_at.is_(None))
    )


def _one_row(statements: dict[str, Select[Any]]) -> Select[Any]:
    """The counts as scalar subqueries of one statement: one round trip instead of one a card."""
    statements = statements | {UNREAD: _unread()}
    return select(*(query.scalar_subquery().label(name) for name, query in statements.items()))


@cache
def _school_counts() -> Select[Any]:
    school_id = bindparam("school_id", type_=Integer)
    return _one_row(
        {
            "specialties": select(func.count())
            .select_from(school_specialty)
            .where(school_specialty.c.school_id == school_id),
            "cohorts": select(func.count(Cohort.id)).where(Cohort.school_id == school_id),
            "students": select(func.count(Student.id)).where(Student.school_id == school_id),
            "agreements": select(func.count(CooperationAgreement.id))
            .where(CooperationAgreement.school_id == school_id)
            .where(CooperationAgreement.status == AgreementStatus.APPROVED),
            "placements": select(func.count(Placement.id))
            .join(Student, Student.id == Placement.student_id)
            .where(Student.school_id == school_id)
            .where(Placement.status.in_(SEAT_HOLDING)),
        }
    )


@cache
def _enterprise_counts() -> Select[Any]:
    enterprise_id = bindparam("enterprise_id", type_=Integer)
    own_slots = select(Slot.id).where(Slot.enterprise_id == enterprise_id)
    return _one_row(
        {
            "open_slots": select(func.count(Slot.id))
            .where(Slot.enterprise_id == enterprise_id)
            .where(Slot.status == SlotStatus.OPEN),
            "seats": select(func.sum(Slot.seats)).where(Slot.enterprise_id == enterprise_id),
            "placements": select(func.count(Placement.id))
            .where(Placement.slot_id.in_(own_slots))
            .where(Placement.status.in_(SEAT_HOLDING)),
        }
    )


@cache
def _student_counts() -> Select[Any]:
    return _one_row(
        {
            "offers": select(func.count(Placement.id))
            .where(Placement.student_id == bindparam("student_id"))
            .where(Placement.status == PlacementStatus.OFFERED)
        }
    )


@cache
def _bureau_counts() -> Select[Any]:
    region_id = bindparam("region_id", type_=Integer)
    pending = pending_count_statements(region_id)
    return _one_row(
        {
            "pending_schools": pending["school"],
            "pending_enterprises": pending["enterprise"],
            "schools": select(func.count(School.id)).where(School.region_id == region_id),
            "enterprises": select(func.count(Enterprise.id)).where(
                Enterprise.region_id == region_id
            ),
            "students": select(func.count(Student.id))
            .join(School, School.id == Student.school_id)
            .where(School.region_id == region_id),
            "filed_agreements": select(func.count(CooperationAgreement.id))
            .join(School, School.id == CooperationAgreement.school_id)
            .where(School.region_id == region_id)
            .where(CooperationAgreement.status == AgreementStatus.FILED),
        }
    )


def _counts(session: Session, actor: User, statement: Select[Any], **ids: int) -> dict[str, int]:
    """Every figure of a landing page and the actor's unread notifications, from `statement`."""
    row = session.execute(statement, {"user_id": actor.id, **ids}).one()
    return {name: int(value or 0) for name, value in row._mapping.items()}


def build_overview(session: Session, actor: User) -> Overview:
    """Dispatch to the role's overview."""
    builders = {
        Role.SCHOOL: _school_overview,
        Role.ENTERPRISE: _enterprise_overview,
        Role.STUDENT: _student_overview,
        Role.BUREAU: _bureau_overview,
    }
    overview = builders[actor.role](session, actor)
    overview.unread_notifications = overview.counts.pop(UNREAD)
    return overview


def _school_overview(session: Session, actor: User) -> Overview:
    school = session.get(School, actor.school_id)
    assert school is not None  # the role CHECK constraint guarantees the tenant exists
    counts = _counts(session, actor, _school_counts(), school_id=school.id)
    steps = []
    if school.verification_status == VerificationStatus.PENDING:
        steps.append(N_("等待人社局审核机构资质"))
    elif school.verification_status == VerificationStatus.REJECTED:
        steps.append(N_("机构资质未通过审核") + "：" + (school.rejection_reason or ""))
    else:
        if counts["specialties"] == 0:
            steps.append(N_("添加本校开设的专业及其对应职业（工种）"))
        if counts["cohorts"] == 0:
            steps.append(N_("创建届/班并导入学生名册"))
        if counts["agreements"] == 0:
            steps.append(N_("与企业签订校企合作协议"))
    return Overview(school, school.verification_status, counts, steps)


def _enterprise_overview(session: Session, actor: User) -> Overview:
    enterprise = session.get(Enterprise, actor.enterprise_id)
    assert enterprise is not None
    counts = _counts(session, actor, _enterprise_counts(), enterprise_id=enterprise.id)
    counts["staff"] = enterprise.staff_headcount
    steps = []
    if enterprise.verification_status == VerificationStatus.PENDING:
        steps.append(N_("等待人社局审核机构资质"))
    elif enterprise.verification_status == VerificationStatus.REJECTED:
        steps.append(N_("机构资质未通过审核") + "：" + (enterprise.rejection_reason or ""))
    elif counts["open_slots"] == 0:
        steps.append(N_("发布实习或学徒岗位"))
    return Overview(enterprise, enterprise.verification_status, counts, steps)


def _student_overview(session: Session, actor: User) -> Overview:
    student = session.get(Student, actor.student_id)
    assert student is not None
    counts = _counts(session, actor, _student_counts(), student_id=student.id)
    counts |= {
        "months_used": student.months_used,
        "months_left": student.month_cap - student.months_used,
    }
    steps = [N_("查看并答复录用通知")] if counts["offers"] else []
    return Overview(student, None, counts, steps)


def _bureau_overview(session: Session, actor: User) -> Overview:
    region_id = actor.region_id
    assert region_id is not None  # role_matches_tenant: a bureau user has its region
    counts = _counts(session, actor, _bureau_counts(), region_id=region_id)
    steps = []
    if counts["pending_schools"] or counts["pending_enterprises"]:
        steps.append(N_("审核待认证的机构"))
    if counts["filed_agreements"]:
        steps.append(N_("审查已备案的校企合作协议"))
    return Overview(None, None, counts, steps)
