"""The enterprise's employee register: confirm or reject what workers declare, end employments.

Facts that subsidies rest on (post, hire date, contract, social insurance) are entered or
corrected by the enterprise here, never taken from the worker's declaration. The database keeps
one current primary employer per person; a confirmation that loses that race is a Conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    Employment,
    EmploymentStatus,
    Enterprise,
    Person,
    Role,
    User,
    utcnow,
)
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.notifications import Link
from skillbridge.platform.services.paging import AnyRow, Page, paginate
from skillbridge.platform.services.policies import can_manage_employees, is_verified
from skillbridge.platform.services.subsidies.workers import on_employment_confirmed
from skillbridge.platform.text import N_, field_problem

EMPLOYMENT_CONFIRMED = "employment.confirmed"
EMPLOYMENT_REJECTED = "employment.rejected"
EMPLOYMENT_ENDED = "employment.ended"
PRIMARY_TAKEN = N_(
    "该职工已有另一家企业登记为当前主要雇主：请确认为非主要雇佣关系，或待对方办理离职后再确认"
)
MAX_TEXT = 60
MAX_REASON = 200


@dataclass(frozen=True)
class EmploymentFacts:
    """What the enterprise confirms (or enters on import) about one employment."""

    post: str
    hire_date: date | None
    contract_start: date | None = None
    contract_end: date | None = None
    social_insurance_since: date | None = None
    is_front_line: bool = True
    is_primary: bool = True


def facts_problems(facts: EmploymentFacts, today: date) -> list[tuple[str, str]]:
    """(field, why) for every fact that cannot be stored; empty when all are fine."""
    problems: list[tuple[str, str]] = []
    if not 0 < len(facts.post.strip()) <= MAX_TEXT:
        problems.append((N_("岗位"), N_("请填写岗位（最多 60 个字符）")))
    if facts.hire_date is None:
        problems.append((N_("入职日期"), N_("请填写入职日期")))
    elif facts.hire_date > today:
        problems.append((N_("入职日期"), N_("入职日期不能晚于今天")))
    if facts.contract_start and facts.contract_end and facts.contract_end < facts.contract_start:
        problems.append((N_("合同结束日期"), N_("合同结束日期不能早于合同开始日期")))
    if facts.social_insurance_since and facts.social_insurance_since > today:
        problems.append((N_("社保缴纳起始日期"), N_("社保缴纳起始日期不能晚于今天")))
    return problems


def _check_facts(facts: EmploymentFacts, today: date) -> None:
    problems = facts_problems(facts, today)
    if problems:
        raise InvalidInput(
            N_("雇佣信息有误，请按提示修改"), details=[f"{field}：{why}" for field, why in problems]
        )


def keeper_enterprise(session: Session, actor: User) -> Enterprise:
    """The actor's enterprise, when the actor keeps its employee register."""
    if actor.role != Role.ENTERPRISE or actor.enterprise_id is None:
        raise PermissionDenied(N_("只有企业管理员或人事可以管理职工名册"))
    enterprise = session.get(Enterprise, actor.enterprise_id)
    if enterprise is None:
        raise NotFound(N_("企业不存在"))
    if not can_manage_employees(actor, enterprise.id):
        raise PermissionDenied(N_("只有企业管理员或人事可以管理职工名册"))
    if not is_verified(enterprise):
        raise PermissionDenied(N_("企业通过人社局审核之后才能管理职工名册"))
    return enterprise


def get_employment(session: Session, actor: User, employment_id: int) -> Employment:
    """One employment of the actor's enterprise (404 for another enterprise's, before 403)."""
    employment = session.get(Employment, employment_id)
    if (
        employment is None
        or actor.role != Role.ENTERPRISE
        or employment.enterprise_id != actor.enterprise_id
    ):
        raise NotFound(N_("雇佣记录不存在"))
    keeper_enterprise(session, actor)
    return employment


def _account_waiting() -> ColumnElement[bool]:
    """The employee's worker account was made after the employment was confirmed (imported)."""
    return exists().where(
        User.person_id == Employment.person_id,
        User.role == Role.WORKER,
        User.created_at > Employment.confirmed_at,
    )


def _awaiting() -> ColumnElement[bool]:
    """Employments the enterprise has to confirm: declared by a worker, or joined by a new account."""
    return or_(
        Employment.status == EmploymentStatus.PENDING,
        and_(Employment.status == EmploymentStatus.CONFIRMED, _account_waiting()),
    )


def _pending(session: Session, actor: User, employment_id: int) -> Employment:
    employment = get_employment(session, actor, employment_id)
    if employment.status != EmploymentStatus.PENDING:
        raise Conflict(N_("该雇佣关系已处理，不能再确认或驳回"))
    return employment


def _to_confirm(session: Session, actor: User, employment_id: int) -> Employment:
    employment = get_employment(session, actor, employment_id)
    waiting = session.scalar(select(_awaiting()).where(Employment.id == employment.id))
    if not waiting:
        raise Conflict(N_("该雇佣关系已处理，不能再确认或驳回"))
    return employment


def primary_elsewhere(session: Session, person_id: int, enterprise_id: int) -> bool:
    """Whether another enterprise holds the person as their current primary employer."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    Employment.person_id == person_id,
                    Employment.enterprise_id != enterprise_id,
                    Employment.is_primary.is_(True),
                    Employment.status == EmploymentStatus.CONFIRMED,
                )
            )
        )
    )


def _flush_confirmation(session: Session) -> None:
    """Flush; the database's one-primary-employer index decides a race as a Conflict."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(PRIMARY_TAKEN) from exc


def confirm_employment(
    session: Session, actor: User, employment_id: int, facts: EmploymentFacts, today: date
) -> Employment:
    """Confirm an employment with the facts as the enterprise enters or corrects them.

    A pending one (declared by the worker), or a confirmed one that a worker account registered
    for since: confirming it again is what opens that account (see workers.worker_is_confirmed).
    """
    employment = _to_confirm(session, actor, employment_id)
    again = employment.status == EmploymentStatus.CONFIRMED
    _check_facts(facts, today)
    assert facts.hire_date is not None  # _check_facts refuses a missing hire date
    if facts.is_primary and primary_elsewhere(
        session, employment.person_id, employment.enterprise_id
    ):
        raise Conflict(PRIMARY_TAKEN)
    employment.post = facts.post.strip()
    employment.hire_date = facts.hire_date
    employment.contract_start = facts.contract_start
    employment.contract_end = facts.contract_end
    employment.social_insurance_since = facts.social_insurance_since
    employment.is_front_line = facts.is_front_line
    employment.is_primary = facts.is_primary
    employment.status = EmploymentStatus.CONFIRMED
    employment.confirmed_by_user_id = actor.id
    employment.confirmed_at = utcnow()
    _flush_confirmation(session)
    _tell_worker(
        session, employment, EMPLOYMENT_CONFIRMED, N_("企业已确认您的雇佣关系"), employment.post
    )
    audit.record(
        session,
        actor,
        "employment.confirmed",
        "employment",
        employment.id,
        {
            "post": employment.post,
            "hire_date": employment.hire_date.isoformat(),
            "is_primary": employment.is_primary,
            "is_front_line": employment.is_front_line,
            "again": again,
        },
    )
    # Confirmed facts are what the worker-side subsidies rest on: raise those now due.
    on_employment_confirmed(session, employment, today)
    return employment


def reject_employment(session: Session, actor: User, employment_id: int, reason: str) -> Employment:
    """Refuse a worker's declared employment, with the reason the worker is shown."""
    employment = _pending(session, actor, employment_id)
    reason = reason.strip()
    if not 0 < len(reason) <= MAX_REASON:
        raise InvalidInput(N_("驳回时必须填写理由（最多 200 个字符）"))
    employment.status = EmploymentStatus.REJECTED
    employment.end_reason = reason
    session.flush()
    _tell_worker(session, employment, EMPLOYMENT_REJECTED, N_("企业未确认您的雇佣关系"), reason)
    audit.record(
        session, actor, "employment.rejected", "employment", employment.id, {"reason": reason}
    )
    return employment


def end_employment(
    session: Session, actor: User, employment_id: int, ended_on: date | None, reason: str
) -> Employment:
    """End a confirmed employment on a date (not before the hire date), with the reason."""
    employment = get_employment(session, actor, employment_id)
    if employment.status != EmploymentStatus.CONFIRMED:
        raise Conflict(N_("只有已确认的雇佣关系可以办理离职"))
    reason = reason.strip()
    problems = []
    if ended_on is None:
        problems.append(field_problem(N_("离职日期"), N_("请填写离职日期")))
    elif ended_on < employment.hire_date:
        problems.append(field_problem(N_("离职日期"), N_("离职日期不能早于入职日期")))
    if not 0 < len(reason) <= MAX_REASON:
        problems.append(field_problem(N_("离职原因"), N_("请填写离职原因（最多 200 个字符）")))
    if problems:
        raise InvalidInput(N_("离职信息有误，请按提示修改"), details=problems)
    employment.status = EmploymentStatus.ENDED
    employment.ended_on = ended_on
    employment.end_reason = reason
    session.flush()
    _tell_worker(
        session, employment, EMPLOYMENT_ENDED, N_("企业已登记您的离职"), f"{ended_on}：{reason}"
    )
    audit.record(
        session,
        actor,
        "employment.ended",
        "employment",
        employment.id,
        {"ended_on": str(ended_on), "reason": reason},
    )
    return employment


def _tell_worker(
    session: Session, employment: Employment, kind: str, title: str, body: str
) -> None:
    notifications.notify(
        session,
        notifications.worker_users(session, employment.person_id),
        kind,
        title,
        body,
        Link("people.me"),
    )


@dataclass(frozen=True)
class EmployeeRow:
    """One line of the employee list: the employment and the person's name and masked ID."""

    employment: Employment
    name: str
    national_id_masked: str


def _employee_row(row: AnyRow) -> EmployeeRow:
    return EmployeeRow(row[0], row[1], row[2])


def list_employees(
    session: Session,
    actor: User,
    query: str = "",
    status: EmploymentStatus | None = None,
    page: int = 1,
    awaiting: bool = False,
) -> Page[EmployeeRow]:
    """A page of the enterprise's employments, searchable by name, post or ID's last 4.

    `awaiting` keeps those it has to confirm: declared by workers, or joined by a new account.
    """
    enterprise = keeper_enterprise(session, actor)
    statement = (
        select(Employment, Person.name, Person.national_id_masked)
        .join(Person, Person.id == Employment.person_id)
        .where(Employment.enterprise_id == enterprise.id)
        .order_by(Person.name, Employment.id)
    )
    query = query.strip()[:MAX_TEXT]
    if query:
        statement = statement.where(
            or_(
                Person.name.contains(query, autoescape=True),
                Employment.post.contains(query, autoescape=True),
                Person.national_id_masked.endswith(query, autoescape=True),
            )
        )
    if status is not None:
        statement = statement.where(Employment.status == status)
    if awaiting:
        statement = statement.where(_awaiting())
    return paginate(session, statement, page, _employee_row)


@dataclass(frozen=True)
class Employee:
    """One employment with its employee, and the logins of the employee's account if any.

    The logins let the enterprise see who registered before it confirms: a national ID and a
    name are all a stranger would need to register as someone else.
    """

    employment: Employment
    name: str
    national_id_masked: str
    account_logins: tuple[str, ...]


def get_employee(session: Session, actor: User, employment_id: int) -> Employee:
    """One employment of the actor's enterprise with the employee's name, ID and logins."""
    employment = get_employment(session, actor, employment_id)
    person = session.get(Person, employment.person_id)
    assert person is not None  # a foreign key
    account = session.scalar(select(User).where(User.person_id == person.id))
    logins = tuple(x for x in (account.phone, account.email) if x) if account else ()
    return Employee(employment, person.name, person.national_id_masked, logins)
