"""What waits for the actor: one count per kind of pending step, each linking to where it is done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
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
from skillbridge.platform.services.actors import Actor, BoundActor
from skillbridge.platform.services.actors import parameters as actor_parameters
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
    # waits for each placement they list (reporting/assigned.py), run with `parameters` (the
    # actor's ids). None: not about placements.
    per_placement: Select[Any] | CompoundSelect[Any] | None = field(
        default=None, compare=False, repr=False
    )
    parameters: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class _Step:
    """A kind of pending step: its label and page, and the rows that wait (one per thing)."""

    label: str
    waiting: Select[Any] | CompoundSelect[Any]
    endpoint: str
    args: dict[str, Any] = field(default_factory=dict)
    per_placement: bool = False


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


def _open_incidents(actor: Actor) -> _Step:
    # ── incidents ── (a teacher's count is of its assigned placements)
    return _Step(
        N_("未结案的安全事故"),
        open_incidents(actor),
        "incidents.index",
        {"status": IncidentStatus.OPEN.value},
    )


def _school_steps(actor: Actor) -> list[_Step]:
    mine = Student.school_id == actor.school_id
    return [
        _Step(
            N_("待学校签署的实习协议"),
            _unsigned_by(Party.SCHOOL, mine),
            "placements.index",
            per_placement=True,
        ),
        _Step(
            N_("企业发来、待接受的合作协议"),
            _cooperation_proposed_to(
                Party.SCHOOL, CooperationAgreement.school_id == actor.school_id
            ),
            "cooperation.index",
        ),
        _open_incidents(actor),
    ]


def _enterprise_steps(actor: Actor) -> list[_Step]:
    mine = Slot.enterprise_id == actor.enterprise_id
    return [
        _Step(
            N_("待企业签署的实习协议"),
            _unsigned_by(Party.ENTERPRISE, mine),
            "placements.index",
            per_placement=True,
        ),
        _Step(
            N_("学校发来、待接受的合作协议"),
            _cooperation_proposed_to(
                Party.ENTERPRISE, CooperationAgreement.enterprise_id == actor.enterprise_id
            ),
            "cooperation.index",
        ),
    ]


def _student_steps(actor: Actor) -> list[_Step]:
    offers = select(Placement.id).where(
        Placement.student_id == actor.student_id, Placement.status == PlacementStatus.OFFERED
    )
    return [
        _Step(N_("待答复的录用通知"), offers, "placements.offers"),
        _Step(
            N_("待本人签署的实习协议"),
            _unsigned_by(Party.STUDENT, Student.id == actor.student_id),
            "placements.index",
        ),
    ]


def _bureau_steps(actor: Actor) -> list[_Step]:
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
        _Step(N_("待审核的机构"), pending_orgs, "bureau.verifications"),
        _Step(N_("待审批的合作协议"), filed_agreements, "cooperation.index"),
        _Step(N_("待审批的实习计划"), filed_plans, "placements.plans"),
        _Step(
            N_("待审核的补贴申领"),
            claims(ClaimStatus.SUBMITTED),
            "subsidies.review",
            {"status": ClaimStatus.SUBMITTED.value},
        ),
        _Step(
            N_("已批准、待支付的补贴"),
            claims(ClaimStatus.APPROVED),
            "subsidies.review",
            {"status": ClaimStatus.APPROVED.value},
        ),
        _open_incidents(actor),
    ]


# ── supervisors (teacher, mentor): what their assigned placements wait for ──
def _mentor_steps(actor: Actor) -> list[_Step]:
    assigned = Placement.mentor_user_id == actor.id
    days_to_confirm = (
        select(AttendanceDay.placement_id)
        .join(Placement, Placement.id == AttendanceDay.placement_id)
        .where(assigned, AttendanceDay.status == DayStatus.RECORDED)
    )
    return [
        _Step(
            N_("待确认的考勤"),
            days_to_confirm,
            "attendance.index",
            {"to_confirm": 1},
            per_placement=True,
        ),
        _Step(
            N_("待审批的请假"),
            _leave_at(LeaveStatus.PENDING_MENTOR, assigned),
            "attendance.index",
            per_placement=True,
        ),
    ]


def _teacher_steps(actor: Actor) -> list[_Step]:
    assigned = Placement.teacher_user_id == actor.id
    return [
        # A teacher's list holds the incidents of its assigned placements.
        _open_incidents(actor),
        _Step(
            N_("待审批的请假"),
            _leave_at(LeaveStatus.PENDING_TEACHER, assigned),
            "attendance.index",
            per_placement=True,
        ),
    ]


def _leave_at(status: LeaveStatus, assigned: ColumnElement[bool]) -> Select[Any]:
    return (
        select(LeaveRequest.placement_id)
        .join(Placement, Placement.id == LeaveRequest.placement_id)
        .where(assigned, LeaveRequest.status == status)
    )


def _mentor_journal_steps(actor: Actor) -> list[_Step]:
    return [
        _Step(
            N_("待审阅的周志"),
            journal_queues.awaiting_review(actor),
            "journals.queue",
            per_placement=True,
        )
    ]


# A teacher and a mentor act on their assigned students only, never on their organisation's
# agreements: their list holds the steps of their own job.
_STAFF_STEPS: dict[StaffRole, Callable[[Actor], list[_Step]]] = {
    StaffRole.MENTOR: _mentor_steps,
    StaffRole.TEACHER: _teacher_steps,
}

_ORGANISATION_STEPS: dict[Role, Callable[[Actor], list[_Step]]] = {
    Role.SCHOOL: _school_steps,
    Role.ENTERPRISE: _enterprise_steps,
    Role.STUDENT: _student_steps,
    Role.BUREAU: _bureau_steps,
}


@dataclass(frozen=True)
class _Plan:
    """One role's counted steps and the one statement counting them all: `before` come ahead
    of the evaluation items on the list, `after` behind them."""

    before: list[_Step]
    after: list[_Step]
    counts: Select[Any] | None


@cache
def _plan(role: Role, staff_role: StaffRole | None, organisation: bool = False) -> _Plan:
    """Built once per role and staff role: building the statements costs more than running
    them, and the navigation counts them on every page. `organisation`: the organisation's
    steps even for a teacher or mentor (its home page shows them beside its own)."""
    actor = BoundActor(role, staff_role)
    staff_steps = None if organisation or staff_role is None else _STAFF_STEPS.get(staff_role)
    organisation_steps = _ORGANISATION_STEPS.get(role)
    before = organisation_steps(actor) if organisation_steps and staff_steps is None else []
    after = []
    if staff_steps is not None:
        before += staff_steps(actor)
        if staff_role == StaffRole.MENTOR:
            after = _mentor_journal_steps(actor)
    steps = before + after
    counts = (
        select(func.count()).select_from(step.waiting.subquery()).scalar_subquery()
        for step in steps
    )
    return _Plan(before, after, select(*counts) if steps else None)


def _counted(session: Session, plan: _Plan, actor: User) -> tuple[list[TodoItem], list[TodoItem]]:
    """The plan's steps with their counts for `actor`, in one statement."""
    parameters = actor_parameters(actor)
    counts = session.execute(plan.counts, parameters).one() if plan.counts is not None else ()
    items = [
        TodoItem(
            step.label,
            count or 0,
            step.endpoint,
            step.args,
            step.waiting if step.per_placement else None,
            parameters,
        )
        for step, count in zip(plan.before + plan.after, counts, strict=True)
    ]
    return items[: len(plan.before)], items[len(plan.before) :]


# ── evaluations ──
def _evaluation_items(evaluations: int, ratings: int) -> list[TodoItem]:
    """Evaluations the assigned teacher, mentor or the student owes (mid-term from half-way,
    final near the end), and the student's rating of its host."""
    return [
        TodoItem(N_("待填写的实习评价"), evaluations, "evaluations.index"),
        TodoItem(N_("待评价的实习单位"), ratings, "evaluations.index"),
    ]


def todo_items(session: Session, actor: User, today: date | None = None) -> list[TodoItem]:
    """The actor's pending steps that have something waiting (count above zero)."""
    before, after = _counted(session, _plan(actor.role, actor.staff_role), actor)
    today = today or date.today()
    if actor.role == Role.STUDENT:
        due = student_due(session, actor, today)
        items = before + _evaluation_items(due.evaluations, due.ratings)
        items.append(TodoItem(N_("待提交或被退回的周志"), due.weeks, "journals.mine"))
    else:
        items = before + _evaluation_items(*due_counts(session, actor, today)) + after
        if actor.staff_role == StaffRole.TEACHER:
            months = len(journal_weeks.ready_months(session, actor, today))
            items.append(TodoItem(N_("待会签的月度周志"), months, "journals.queue"))
    return [item for item in items if item.count > 0]


def placement_steps(session: Session, actor: User) -> list[TodoItem]:
    """What a supervisor's students wait for, whoever has to act: the organisation's steps
    (its signature, say) beside the supervisor's own, for the rows of its home page. Its
    to-do list and badge (todo_items) keep only its own."""
    own = todo_items(session, actor)
    organisation, _ = _counted(
        session, _plan(actor.role, actor.staff_role, organisation=True), actor
    )
    return [item for item in organisation if item.count > 0 and item not in own] + own
