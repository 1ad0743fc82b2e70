"""The employment outcome (就业去向) after a placement: recorded by the school, a hire by the host
confirmed by the host; the fact the Wujiang youth reward and the school statistics read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    HIRED,
    ContractType,
    EmploymentOutcome,
    OutcomeKind,
    Placement,
    PlacementStatus,
    Student,
    User,
    utcnow,
)
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.evaluations.access import (
    outcome_confirmer_on,
    outcome_recorder_on,
)
from skillbridge.platform.services.notifications import Link, enterprise_users, notify
from skillbridge.platform.text import N_

OUTCOME_LABELS = {
    OutcomeKind.HIRED_BY_HOST: N_("被实习单位录用"),
    OutcomeKind.HIRED_ELSEWHERE: N_("在其他单位就业"),
    OutcomeKind.FURTHER_STUDY: N_("升学"),
    OutcomeKind.NOT_YET: N_("暂未就业"),
}
CONTRACT_LABELS = {
    ContractType.FIXED_TERM: N_("固定期限劳动合同"),
    ContractType.OPEN_ENDED: N_("无固定期限劳动合同"),
    ContractType.PROJECT: N_("以完成一定工作任务为期限的劳动合同"),
    ContractType.NONE: N_("未签劳动合同"),
}
#: A labour contract in the sense of 002 二(二)2 ("签订劳动合同"): every kind but none.
LABOUR_CONTRACTS = (ContractType.FIXED_TERM, ContractType.OPEN_ENDED, ContractType.PROJECT)


@dataclass(frozen=True)
class OutcomeInput:
    """The outcome as recorded; the hire fields only when hired."""

    kind: OutcomeKind
    employer_name: str = ""
    started_on: date | None = None
    contract_type: ContractType | None = None
    contract_months: int | None = None
    social_insurance: bool = False


def outcome_of(session: Session, placement_id: int) -> EmploymentOutcome | None:
    """The placement's outcome (callers have loaded the placement for the actor)."""
    return session.scalar(
        select(EmploymentOutcome).where(EmploymentOutcome.placement_id == placement_id)
    )


def _checked(data: OutcomeInput, host_name: str) -> dict[str, object]:
    if data.kind not in HIRED:
        return {
            "employer_name": "",
            "started_on": None,
            "contract_type": None,
            "contract_months": None,
            "social_insurance": False,
        }
    problems = []
    name = host_name if data.kind == OutcomeKind.HIRED_BY_HOST else data.employer_name.strip()
    if not name or len(name) > 120:
        problems.append("employer_name")
    if data.started_on is None:
        problems.append("started_on")
    if data.contract_type is None:
        problems.append("contract_type")
    fixed = data.contract_type in (ContractType.FIXED_TERM, ContractType.PROJECT)
    if fixed and (data.contract_months is None or data.contract_months < 1):
        problems.append("contract_months")
    if problems:
        raise InvalidInput(N_("就业去向信息不完整：请填写单位、入职日期和合同"), details=problems)
    return {
        "employer_name": name,
        "started_on": data.started_on,
        "contract_type": data.contract_type,
        "contract_months": data.contract_months if fixed else None,
        "social_insurance": data.social_insurance,
    }


def record_outcome(
    session: Session, actor: User, placement_id: int, data: OutcomeInput
) -> EmploymentOutcome:
    """The school records (or corrects) the outcome of an ended placement; a hire by the host
    then waits for the host's confirmation."""
    context = outcome_recorder_on(session, actor, placement_id)
    placement = context.placement
    if placement.status != PlacementStatus.ENDED:
        raise Conflict(N_("实习结束后才能登记就业去向"))
    values = _checked(data, context.enterprise.name)
    outcome = outcome_of(session, placement.id)
    if outcome is None:
        outcome = EmploymentOutcome(placement_id=placement.id)
    outcome.kind, outcome.recorded_by_user_id = data.kind, actor.id
    for name, value in values.items():
        setattr(outcome, name, value)
    # Any change voids an earlier confirmation: the host confirms what is recorded now.
    outcome.confirmed_by_user_id = outcome.confirmed_at = None
    try:
        with session.begin_nested():
            session.add(outcome)
    except IntegrityError as exc:
        raise Conflict(N_("就业去向刚刚已由另一请求登记")) from exc
    audit.record(
        session,
        actor,
        "outcome.recorded",
        "employment_outcome",
        outcome.id,
        {"kind": data.kind.value},
    )
    if data.kind == OutcomeKind.HIRED_BY_HOST:
        notify(
            session,
            enterprise_users(session, context.enterprise.id),
            "outcome.confirm",
            N_("学校登记了贵单位录用实习学生，请确认"),
            context.student.name,
            Link("evaluations.detail", {"placement_id": placement.id}),
        )
    return outcome


def confirm_outcome(session: Session, actor: User, placement_id: int) -> EmploymentOutcome:
    """The host confirms that it hired the student as the school recorded."""
    context = outcome_confirmer_on(session, actor, placement_id)
    outcome = outcome_of(session, context.placement.id)
    if outcome is None or outcome.kind != OutcomeKind.HIRED_BY_HOST:
        raise Conflict(N_("学校尚未登记被本单位录用"))
    if outcome.confirmed_at is not None:
        raise Conflict(N_("已经确认过录用"))
    outcome.confirmed_by_user_id, outcome.confirmed_at = actor.id, utcnow()
    session.flush()
    audit.record(session, actor, "outcome.confirmed", "employment_outcome", outcome.id)
    return outcome


def counts_as_hire(outcome: EmploymentOutcome | None) -> bool:
    """A hire the platform stands behind: by the host once it confirmed, elsewhere as recorded."""
    if outcome is None or outcome.kind not in HIRED:
        return False
    return outcome.kind == OutcomeKind.HIRED_ELSEWHERE or outcome.confirmed_at is not None


def hire_of(session: Session, placement_id: int) -> EmploymentOutcome | None:
    """The placement's recorded hire, if it counts (the Wujiang 二(二)2 fact reads this)."""
    outcome = outcome_of(session, placement_id)
    return outcome if counts_as_hire(outcome) else None


def host_hire_of(session: Session, placement_id: int) -> EmploymentOutcome | None:
    """The host's confirmed hire of the placement's student: the post the Wujiang youth reward
    (002 二(二)2, "在我区企业就业并签订劳动合同、缴纳社会保险…上岗半年后") counts from. A hire
    elsewhere names an employer the platform does not know, so it is no fact about a district
    enterprise; that worker's employment record (people) carries it instead."""
    outcome = outcome_of(session, placement_id)
    if outcome is None or outcome.kind != OutcomeKind.HIRED_BY_HOST:
        return None
    return outcome if outcome.confirmed_at is not None else None


def with_labour_contract(outcome: EmploymentOutcome) -> bool:
    """Hired with a labour contract and social insurance (签订劳动合同、缴纳社会保险)."""
    return outcome.contract_type in LABOUR_CONTRACTS and outcome.social_insurance


@dataclass(frozen=True)
class SchoolOutcomes:
    """A school's finished placements and where their students went."""

    finished: int
    recorded: int
    by_kind: dict[OutcomeKind, int]

    @property
    def employed(self) -> int:
        return sum(self.by_kind.get(kind, 0) for kind in HIRED)

    @property
    def employment_rate_percent(self) -> int | None:
        """Employed over finished placements, in whole percent; None with none finished."""
        return None if not self.finished else round(100 * self.employed / self.finished)


@cache
def _outcomes_statement() -> Select[OutcomeKind, int]:
    """The school's ended placements per outcome kind (None: no outcome recorded), built once:
    an outcome is unique per placement, so the counts add up to the finished placements."""
    return (
        select(EmploymentOutcome.kind, func.count(Placement.id))
        .select_from(Placement)
        .join(Student, Student.id == Placement.student_id)
        .outerjoin(EmploymentOutcome, EmploymentOutcome.placement_id == Placement.id)
        .where(
            Student.school_id == bindparam("school_id"),
            Placement.status == PlacementStatus.ENDED,
        )
        .group_by(EmploymentOutcome.kind)
    )


def school_outcomes(session: Session, school_id: int) -> SchoolOutcomes:
    """The outcomes of the school's ended placements (the dashboard's employment rate)."""
    rows = session.execute(_outcomes_statement(), {"school_id": school_id}).all()
    by_kind = {OutcomeKind(kind): int(count) for kind, count in rows if kind is not None}
    finished = sum(int(count) for _kind, count in rows)
    return SchoolOutcomes(finished, sum(by_kind.values()), by_kind)
