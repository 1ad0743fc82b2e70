"""What waits for the actor: one count per kind of pending step, each linking to where it is done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, exists, func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    AgreementStatus,
    AttendanceDay,
    ClaimStatus,
    CooperationAgreement,
    DayStatus,
    DocumentKind,
    DocumentVersion,
    Enterprise,
    FilingStatus,
    LeaveRequest,
    LeaveStatus,
    Party,
    Placement,
    PlacementAgreement,
    PlacementStatus,
    Role,
    School,
    Signature,
    Slot,
    StaffRole,
    Student,
    SubsidyClaim,
    SubsidyPolicy,
    User,
    VerificationStatus,
)
from skillbridge.platform.text import N_

# Placements whose agreement is still being signed: offers accepted, not yet ended or cancelled.
_SIGNING = (PlacementStatus.ACCEPTED, PlacementStatus.ACTIVE)


@dataclass(frozen=True)
class TodoItem:
    """`count` things of one kind wait for the actor at `endpoint` (with `args`)."""

    label: str
    count: int
    endpoint: str
    args: dict[str, Any] = field(default_factory=dict)


def _count(session: Session, statement: Select[Any] | CompoundSelect[Any]) -> int:
    return session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def _unsigned_by(party: Party, scope: ColumnElement[bool]) -> Select[Any]:
    """Agreements of live placements in `scope` whose current version `party` has not signed."""
    signed = (
        exists()
        .where(
            DocumentVersion.kind == DocumentKind.PLACEMENT_AGREEMENT,
            DocumentVersion.subject_id == PlacementAgreement.id,
            DocumentVersion.superseded_at.is_(None),
        )
        .where(Signature.version_id == DocumentVersion.id, Signature.party == party)
    )
    return (
        select(PlacementAgreement.id)
        .join(Placement, Placement.id == PlacementAgreement.placement_id)
        .join(Student, Student.id == Placement.student_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .where(Placement.status.in_(_SIGNING), scope, ~signed)
    )


def _cooperation_proposed_to(party: Party, scope: ColumnElement[bool]) -> Select[Any]:
    """Cooperation agreements the other side proposed, waiting for `party` to accept."""
    return select(CooperationAgreement.id).where(
        CooperationAgreement.status == AgreementStatus.PROPOSED,
        CooperationAgreement.proposed_by != party,
        scope,
    )


def _school_items(session: Session, actor: User) -> list[TodoItem]:
    mine = Student.school_id == actor.school_id
    return [
        TodoItem(
            N_("待学校签署的实习协议"),
            _count(session, _unsigned_by(Party.SCHOOL, mine)),
            "placements.index",
        ),
        TodoItem(
            N_("企业发来、待接受的合作协议"),
            _count(
                session,
                _cooperation_proposed_to(
                    Party.SCHOOL, CooperationAgreement.school_id == actor.school_id
                ),
            ),
            "cooperation.index",
        ),
    ]


def _enterprise_items(session: Session, actor: User) -> list[TodoItem]:
    mine = Slot.enterprise_id == actor.enterprise_id
    return [
        TodoItem(
            N_("待企业签署的实习协议"),
            _count(session, _unsigned_by(Party.ENTERPRISE, mine)),
            "placements.index",
        ),
        TodoItem(
            N_("学校发来、待接受的合作协议"),
            _count(
                session,
                _cooperation_proposed_to(
                    Party.ENTERPRISE, CooperationAgreement.enterprise_id == actor.enterprise_id
                ),
            ),
            "cooperation.index",
        ),
    ]


def _student_items(session: Session, actor: User) -> list[TodoItem]:
    me = Student.id == actor.student_id
    offers = select(Placement.id).where(
        Placement.student_id == actor.student_id, Placement.status == PlacementStatus.OFFERED
    )
    return [
        TodoItem(N_("待答复的录用通知"), _count(session, offers), "placements.offers"),
        TodoItem(
            N_("待本人签署的实习协议"),
            _count(session, _unsigned_by(Party.STUDENT, me)),
            "placements.index",
        ),
    ]


def _bureau_items(session: Session, actor: User) -> list[TodoItem]:
    region = actor.region_id
    pending_orgs = (
        select(School.id)
        .where(School.region_id == region, School.verification_status == VerificationStatus.PENDING)
        .union_all(
            select(Enterprise.id).where(
                Enterprise.region_id == region,
                Enterprise.verification_status == VerificationStatus.PENDING,
            )
        )
    )
    filed_agreements = (
        select(CooperationAgreement.id)
        .join(School, School.id == CooperationAgreement.school_id)
        .where(School.region_id == region, CooperationAgreement.status == AgreementStatus.FILED)
    )
    filed_plans = (
        select(PlacementAgreement.id)
        .join(Placement, Placement.id == PlacementAgreement.placement_id)
        .join(Student, Student.id == Placement.student_id)
        .join(School, School.id == Student.school_id)
        .where(School.region_id == region, PlacementAgreement.plan_status == FilingStatus.FILED)
    )

    def claims(status: ClaimStatus) -> Select[Any]:
        return (
            select(SubsidyClaim.id)
            .join(SubsidyPolicy, SubsidyPolicy.id == SubsidyClaim.policy_id)
            .where(SubsidyPolicy.region_id == region, SubsidyClaim.status == status)
        )

    return [
        TodoItem(N_("待审核的机构"), _count(session, pending_orgs), "bureau.verifications"),
        TodoItem(N_("待审批的合作协议"), _count(session, filed_agreements), "cooperation.index"),
        TodoItem(N_("待审批的实习计划"), _count(session, filed_plans), "placements.plans"),
        TodoItem(
            N_("待审核的补贴申领"),
            _count(session, claims(ClaimStatus.SUBMITTED)),
            "subsidies.review",
            {"status": ClaimStatus.SUBMITTED.value},
        ),
        TodoItem(
            N_("已批准、待支付的补贴"),
            _count(session, claims(ClaimStatus.APPROVED)),
            "subsidies.review",
            {"status": ClaimStatus.APPROVED.value},
        ),
    ]


# ── supervisors (teacher, mentor): what their assigned placements wait for ──
def _mentor_items(session: Session, actor: User) -> list[TodoItem]:
    assigned = Placement.mentor_user_id == actor.id
    days_to_confirm = (
        select(AttendanceDay.id)
        .join(Placement, Placement.id == AttendanceDay.placement_id)
        .where(assigned, AttendanceDay.status == DayStatus.RECORDED)
    )
    return [
        TodoItem(
            N_("待确认的考勤"),
            _count(session, days_to_confirm),
            "attendance.index",
            {"to_confirm": 1},
        ),
        TodoItem(
            N_("待审批的请假"),
            _count(session, _leave_at(LeaveStatus.PENDING_MENTOR, assigned)),
            "attendance.index",
        ),
    ]


def _teacher_items(session: Session, actor: User) -> list[TodoItem]:
    assigned = Placement.teacher_user_id == actor.id
    return [
        TodoItem(
            N_("待审批的请假"),
            _count(session, _leave_at(LeaveStatus.PENDING_TEACHER, assigned)),
            "attendance.index",
        ),
    ]


def _leave_at(status: LeaveStatus, assigned: ColumnElement[bool]) -> Select[Any]:
    return (
        select(LeaveRequest.id)
        .join(Placement, Placement.id == LeaveRequest.placement_id)
        .where(assigned, LeaveRequest.status == status)
    )


# A teacher's and a mentor's home page lists what their assigned placements wait for, not the
# organisation's items (those link to pages their staff role does not reach).
_STAFF_BUILDERS: dict[StaffRole, Callable[[Session, User], list[TodoItem]]] = {
    StaffRole.MENTOR: _mentor_items,
    StaffRole.TEACHER: _teacher_items,
}


_BUILDERS: dict[Role, Callable[[Session, User], list[TodoItem]]] = {
    Role.SCHOOL: _school_items,
    Role.ENTERPRISE: _enterprise_items,
    Role.STUDENT: _student_items,
    Role.BUREAU: _bureau_items,
}


def todo_items(session: Session, actor: User) -> list[TodoItem]:
    """The actor's pending steps that have something waiting (count above zero)."""
    builder = _STAFF_BUILDERS.get(actor.staff_role) or _BUILDERS.get(actor.role)
    if builder is None:
        return []
    return [item for item in builder(session, actor) if item.count > 0]
