"""What waits for the actor: one count per kind of pending step, each linking to where it is done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
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
    IncidentStatus,
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
from skillbridge.platform.services.evaluations.due import due_counts
from skillbridge.platform.services.incidents.records import open_incidents
from skillbridge.platform.services.journals import queues as journal_queues
from skillbridge.platform.services.journals import weeks as journal_weeks
from skillbridge.platform.services.reporting.student_due import student_due
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
    # ── per placement ── when each thing waiting is about one placement: the query of their
    # placement ids (one row per thing), so the teachers' and mentors' home pages can say what
    # waits for each placement they list (reporting/assigned.py). None: not about placements.
    per_placement: Select[Any] | None = field(default=None, compare=False, repr=False)


def _count(session: Session, statement: Select[Any] | CompoundSelect[Any]) -> int:
    return _counts(session, statement)[0]


def _counts(session: Session, *statements: Select[Any] | CompoundSelect[Any]) -> list[int]:
    """The row count of each statement, in one query: the navigation counts them on every page."""
    counts = (
        select(func.count()).select_from(statement.subquery()).scalar_subquery()
        for statement in statements
    )
    return [n or 0 for n in session.execute(select(*counts)).one()]


def _unsigned_by(party: Party, scope: ColumnElement[bool]) -> Select[Any]:
    """Live placements in `scope` whose agreement's current version `party` has not signed."""
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
        select(Placement.id)
        .select_from(PlacementAgreement)
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
    unsigned = _unsigned_by(Party.SCHOOL, mine)
    to_sign, proposed, incidents = _counts(
        session,
        unsigned,
        _cooperation_proposed_to(Party.SCHOOL, CooperationAgreement.school_id == actor.school_id),
        open_incidents(actor),
    )
    return [
        TodoItem(N_("待学校签署的实习协议"), to_sign, "placements.index", per_placement=unsigned),
        TodoItem(N_("企业发来、待接受的合作协议"), proposed, "cooperation.index"),
        # ── incidents ── (a teacher's count is of its assigned placements)
        _open_incidents(incidents),
    ]


def _open_incidents(count: int) -> TodoItem:
    return TodoItem(
        N_("未结案的安全事故"), count, "incidents.index", {"status": IncidentStatus.OPEN.value}
    )


def _enterprise_items(session: Session, actor: User) -> list[TodoItem]:
    mine = Slot.enterprise_id == actor.enterprise_id
    unsigned = _unsigned_by(Party.ENTERPRISE, mine)
    to_sign, proposed = _counts(
        session,
        unsigned,
        _cooperation_proposed_to(
            Party.ENTERPRISE, CooperationAgreement.enterprise_id == actor.enterprise_id
        ),
    )
    return [
        TodoItem(N_("待企业签署的实习协议"), to_sign, "placements.index", per_placement=unsigned),
        TodoItem(N_("学校发来、待接受的合作协议"), proposed, "cooperation.index"),
    ]


def _student_items(session: Session, actor: User) -> list[TodoItem]:
    me = Student.id == actor.student_id
    offers = select(Placement.id).where(
        Placement.student_id == actor.student_id, Placement.status == PlacementStatus.OFFERED
    )
    answers, to_sign = _counts(session, offers, _unsigned_by(Party.STUDENT, me))
    return [
        TodoItem(N_("待答复的录用通知"), answers, "placements.offers"),
        TodoItem(N_("待本人签署的实习协议"), to_sign, "placements.index"),
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

    orgs, agreements, plans, submitted, approved, incidents = _counts(
        session,
        pending_orgs,
        filed_agreements,
        filed_plans,
        claims(ClaimStatus.SUBMITTED),
        claims(ClaimStatus.APPROVED),
        open_incidents(actor),
    )
    return [
        TodoItem(N_("待审核的机构"), orgs, "bureau.verifications"),
        TodoItem(N_("待审批的合作协议"), agreements, "cooperation.index"),
        TodoItem(N_("待审批的实习计划"), plans, "placements.plans"),
        TodoItem(
            N_("待审核的补贴申领"),
            submitted,
            "subsidies.review",
            {"status": ClaimStatus.SUBMITTED.value},
        ),
        TodoItem(
            N_("已批准、待支付的补贴"),
            approved,
            "subsidies.review",
            {"status": ClaimStatus.APPROVED.value},
        ),
        _open_incidents(incidents),  # ── incidents ──
    ]


# ── supervisors (teacher, mentor): what their assigned placements wait for ──
def _mentor_items(session: Session, actor: User) -> list[TodoItem]:
    assigned = Placement.mentor_user_id == actor.id
    days_to_confirm = (
        select(AttendanceDay.placement_id)
        .join(Placement, Placement.id == AttendanceDay.placement_id)
        .where(assigned, AttendanceDay.status == DayStatus.RECORDED)
    )
    mentor_leave = _leave_at(LeaveStatus.PENDING_MENTOR, assigned)
    days, leave = _counts(session, days_to_confirm, mentor_leave)
    return [
        TodoItem(
            N_("待确认的考勤"),
            days,
            "attendance.index",
            {"to_confirm": 1},
            per_placement=days_to_confirm,
        ),
        TodoItem(
            N_("待审批的请假"),
            leave,
            "attendance.index",
            per_placement=mentor_leave,
        ),
    ]


def _teacher_items(session: Session, actor: User) -> list[TodoItem]:
    assigned = Placement.teacher_user_id == actor.id
    teacher_leave = _leave_at(LeaveStatus.PENDING_TEACHER, assigned)
    return [
        TodoItem(
            N_("待审批的请假"),
            _count(session, teacher_leave),
            "attendance.index",
            per_placement=teacher_leave,
        ),
    ]


def _leave_at(status: LeaveStatus, assigned: ColumnElement[bool]) -> Select[Any]:
    return (
        select(LeaveRequest.placement_id)
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


# ── evaluations ──
def _evaluation_items(evaluations: int, ratings: int) -> list[TodoItem]:
    """Evaluations the assigned teacher, mentor or the student owes (mid-term from half-way,
    final near the end), and the student's rating of its host."""
    return [
        TodoItem(N_("待填写的实习评价"), evaluations, "evaluations.index"),
        TodoItem(N_("待评价的实习单位"), ratings, "evaluations.index"),
    ]


# ── journals ──


def _journal_items(session: Session, actor: User, today: date) -> list[TodoItem]:
    """Weekly journals: the mentor's to review, the teacher's months to countersign."""
    if actor.staff_role == StaffRole.MENTOR:
        waiting = journal_queues.awaiting_review(actor)
        return [
            TodoItem(
                N_("待审阅的周志"),
                _count(session, waiting),
                "journals.queue",
                per_placement=waiting,
            )
        ]
    if actor.staff_role == StaffRole.TEACHER:
        months = len(journal_weeks.ready_months(session, actor, today))
        return [TodoItem(N_("待会签的月度周志"), months, "journals.queue")]
    return []


# A teacher and a mentor act on their assigned students only, never on their organisation's
# agreements: their list holds the steps of their own job.
_ASSIGNED_STAFF = (StaffRole.TEACHER, StaffRole.MENTOR)


def todo_items(session: Session, actor: User, today: date | None = None) -> list[TodoItem]:
    """The actor's pending steps that have something waiting (count above zero)."""
    builder = _BUILDERS.get(actor.role)
    items = []
    if builder is not None and actor.staff_role not in _ASSIGNED_STAFF:
        items += builder(session, actor)
    elif actor.staff_role == StaffRole.TEACHER:
        # those of its assigned placements
        items.append(_open_incidents(_count(session, open_incidents(actor))))
    staff_builder = _STAFF_BUILDERS.get(actor.staff_role)
    if staff_builder is not None:
        items += staff_builder(session, actor)
    today = today or date.today()
    if actor.role == Role.STUDENT:
        due = student_due(session, actor, today)
        items += _evaluation_items(due.evaluations, due.ratings)
        items.append(TodoItem(N_("待提交或被退回的周志"), due.weeks, "journals.mine"))
    else:
        items += _evaluation_items(*due_counts(session, actor, today))
        items += _journal_items(session, actor, today)
    return [item for item in items if item.count > 0]


def placement_steps(session: Session, actor: User) -> list[TodoItem]:
    """What a supervisor's students wait for, whoever has to act: the organisation's steps
    (its signature, say) beside the supervisor's own, for the rows of its home page. Its
    to-do list and badge (todo_items) keep only its own."""
    builder = _BUILDERS.get(actor.role)
    own = todo_items(session, actor)
    organisation = builder(session, actor) if builder is not None else []
    return [item for item in organisation if item.count > 0 and item not in own] + own
