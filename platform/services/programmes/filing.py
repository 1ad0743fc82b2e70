"""Programme filing (备案): the enterprise drafts, the school accepts, the bureau decides."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    SKILL_LEVEL_MAX,
    SKILL_LEVEL_MIN,
    ApprenticeshipProgramme,
    Enterprise,
    Occupation,
    ProgrammeKind,
    ProgrammeModule,
    ProgrammeStatus,
    Role,
    School,
    User,
    VerificationStatus,
    utcnow,
)
from skillbridge.models.programme import PROGRAMME_MONTHS_MAX, PROGRAMME_MONTHS_MIN
from skillbridge.platform.policy.dates import months_between
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.programmes.access import (
    ORGANISATION_STAFF,
    can_decide_filing,
    can_view_programme,
    manages_programme,
    trains_programme,
)
from skillbridge.platform.text import N_

PROGRAMME_FILED = "programme.filed"
PROGRAMME_DECIDED = "programme.decided"
PROGRAMME_TO_ACCEPT = "programme.to_accept"


@dataclass(frozen=True)
class ModuleInput:
    """One module of the training plan as entered."""

    name: str
    hours: int


@dataclass(frozen=True)
class ProgrammeInput:
    """A programme as the enterprise enters it."""

    kind: ProgrammeKind
    title: str
    school_id: int
    occupation_id: int
    target_level: int
    start_date: date
    end_date: date
    total_hours: int
    assessment_body: str
    modules: list[ModuleInput] = field(default_factory=list)


def parse_modules(text: str) -> list[ModuleInput]:
    """Training-plan lines "name,hours" (a Chinese comma too); a bad line is named by number."""
    modules, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, hours = line.replace("，", ",").rpartition(",")
        if not name.strip() or not hours.strip().isdigit():
            problems.append(N_("培训计划第%(line)d行：应为“模块名称,学时”", line=number))
            continue
        modules.append(ModuleInput(name.strip(), int(hours)))
    if problems:
        raise InvalidInput(problems[0], details=problems)
    return modules


def enterprise_region(session: Session, programme: ApprenticeshipProgramme) -> int:
    """The region whose bureau the programme is filed with: the enterprise's."""
    return session.get_one(Enterprise, programme.enterprise_id).region_id


def get_programme(session: Session, actor: User, programme_id: int) -> ApprenticeshipProgramme:
    """A programme the actor may see (404 for anyone else)."""
    programme = session.get(ApprenticeshipProgramme, programme_id)
    if programme is None or not can_view_programme(
        actor, programme, enterprise_region(session, programme)
    ):
        raise NotFound(N_("学徒培养项目不存在"))
    return programme


def _validate(session: Session, data: ProgrammeInput) -> list[str]:
    problems = []
    school = session.get(School, data.school_id)
    if school is None or school.verification_status != VerificationStatus.VERIFIED:
        problems.append(N_("培训院校：须为平台上已通过核验的学校"))
    if session.get(Occupation, data.occupation_id) is None:
        problems.append(N_("职业（工种）：不存在"))
    if not SKILL_LEVEL_MIN <= data.target_level <= SKILL_LEVEL_MAX:
        problems.append(N_("目标等级：须在学徒工至首席技师之间"))
    if not data.title.strip():
        problems.append(N_("项目名称：必填"))
    if not data.assessment_body.strip():
        problems.append(N_("评价机构：必填"))
    if data.end_date <= data.start_date:
        problems.append(N_("培养期限：结束日期须晚于开始日期"))
    elif not (
        PROGRAMME_MONTHS_MIN <= _whole_months(data) and _months(data) <= PROGRAMME_MONTHS_MAX
    ):
        problems.append(N_("培养期限：须为12至24个月"))
    if not data.modules:
        problems.append(N_("培训计划：至少一个模块"))
    for number, module in enumerate(data.modules, start=1):
        if not module.name.strip() or module.hours <= 0:
            problems.append(N_("培训计划第%(line)d行：模块名称必填，学时须为正整数", line=number))
    if data.total_hours <= 0 or sum(m.hours for m in data.modules) != data.total_hours:
        problems.append(N_("总学时：须为正整数且等于各模块学时之和"))
    return problems


def _whole_months(data: ProgrammeInput) -> int:
    # The last day is inclusive: 2026-09-01 to 2027-08-31 is 12 whole months.
    return months_between(data.start_date, data.end_date + timedelta(days=1))


def _months(data: ProgrammeInput) -> int:
    """The period in months, a started month counting as one (so 24 months and a day is 25)."""
    whole = _whole_months(data)
    return whole if months_between(data.start_date, data.end_date) < whole else whole + 1


def create_programme(
    session: Session, actor: User, data: ProgrammeInput
) -> ApprenticeshipProgramme:
    """The enterprise drafts a programme and asks the school to accept the training role."""
    if actor.role != Role.ENTERPRISE or actor.staff_role not in ORGANISATION_STAFF[Role.ENTERPRISE]:
        raise PermissionDenied(N_("只有企业管理员或人事可以创建学徒培养项目"))
    problems = _validate(session, data)
    if problems:
        raise InvalidInput(problems[0], details=problems)
    assert actor.enterprise_id is not None  # role_matches_tenant
    programme = ApprenticeshipProgramme(
        enterprise_id=actor.enterprise_id,
        school_id=data.school_id,
        kind=data.kind,
        title=data.title.strip(),
        occupation_id=data.occupation_id,
        target_level=data.target_level,
        start_date=data.start_date,
        end_date=data.end_date,
        duration_months=_months(data),
        total_hours=data.total_hours,
        assessment_body=data.assessment_body.strip(),
        created_by_id=actor.id,
        modules=[
            ProgrammeModule(position=n, name=m.name.strip(), hours=m.hours)
            for n, m in enumerate(data.modules, start=1)
        ],
    )
    session.add(programme)
    session.flush()
    link = notifications.Link("programmes.detail", {"programme_id": programme.id})
    notifications.notify(
        session,
        notifications.school_users(session, data.school_id),
        PROGRAMME_TO_ACCEPT,
        N_("有企业邀请贵校担任学徒培养院校"),
        programme.title,
        link,
    )
    audit.record(
        session,
        actor,
        "programme.created",
        "apprenticeship_programme",
        programme.id,
        {"kind": programme.kind.value, "school_id": programme.school_id},
    )
    return programme


def accept_training(session: Session, actor: User, programme_id: int) -> ApprenticeshipProgramme:
    """The training school accepts its role; only then may the enterprise file."""
    programme = get_programme(session, actor, programme_id)
    if not trains_programme(actor, programme):
        raise PermissionDenied(N_("只有培训院校可以确认承担培养任务"))
    if programme.school_accepted_by_id is not None:
        raise Conflict(N_("学校已确认承担培养任务"))
    programme.school_accepted_by_id = actor.id
    programme.school_accepted_at = utcnow()
    audit.record(session, actor, "programme.accepted", "apprenticeship_programme", programme.id, {})
    return programme


def file_programme(session: Session, actor: User, programme_id: int) -> ApprenticeshipProgramme:
    """The enterprise files the programme with its region's bureau (备案)."""
    programme = get_programme(session, actor, programme_id)
    if not manages_programme(actor, programme):
        raise PermissionDenied(N_("只有项目所属企业可以提交备案"))
    if programme.status not in (ProgrammeStatus.DRAFT, ProgrammeStatus.REJECTED):
        raise Conflict(N_("该项目已提交备案"))
    if programme.school_accepted_by_id is None:
        raise Conflict(N_("培训院校尚未确认承担培养任务，不能提交备案"))
    programme.status = ProgrammeStatus.FILED
    programme.filed_by_id = actor.id
    programme.filed_at = utcnow()
    programme.decided_by_id = programme.decided_at = programme.decision_reason = None
    session.flush()
    link = notifications.Link("programmes.detail", {"programme_id": programme.id})
    notifications.notify(
        session,
        notifications.bureau_users(session, enterprise_region(session, programme)),
        PROGRAMME_FILED,
        N_("新的学徒培养项目待备案"),
        programme.title,
        link,
    )
    audit.record(session, actor, "programme.filed", "apprenticeship_programme", programme.id, {})
    return programme


def decide_filing(
    session: Session, actor: User, programme_id: int, approve: bool, reason: str
) -> ApprenticeshipProgramme:
    """The bureau approves or rejects a filed programme, with a reason either way."""
    programme = get_programme(session, actor, programme_id)
    if not can_decide_filing(actor, enterprise_region(session, programme)):
        raise PermissionDenied(N_("只有人社局经办或审核人员可以办理备案"))
    if not reason.strip():
        raise InvalidInput(N_("理由：备案通过或不通过都须填写理由"))
    if programme.status != ProgrammeStatus.FILED:
        raise Conflict(N_("该项目不在待备案状态"))
    programme.status = ProgrammeStatus.APPROVED if approve else ProgrammeStatus.REJECTED
    programme.decided_by_id = actor.id
    programme.decided_at = utcnow()
    programme.decision_reason = reason.strip()
    session.flush()
    recipients = notifications.enterprise_users(session, programme.enterprise_id)
    recipients += notifications.school_users(session, programme.school_id)
    link = notifications.Link("programmes.detail", {"programme_id": programme.id})
    title = N_("学徒培养项目已备案") if approve else N_("学徒培养项目备案未通过")
    notifications.notify(
        session, recipients, PROGRAMME_DECIDED, title, programme.decision_reason, link
    )
    audit.record(
        session,
        actor,
        "programme.approved" if approve else "programme.rejected",
        "apprenticeship_programme",
        programme.id,
        {"reason": programme.decision_reason},
    )
    return programme


def _visible(actor: User) -> Select[ApprenticeshipProgramme]:
    query = select(ApprenticeshipProgramme).order_by(ApprenticeshipProgramme.id.desc())
    if actor.staff_role in ORGANISATION_STAFF.get(actor.role, ()):
        if actor.role == Role.ENTERPRISE:
            return query.where(ApprenticeshipProgramme.enterprise_id == actor.enterprise_id)
        return query.where(ApprenticeshipProgramme.school_id == actor.school_id)
    if actor.role == Role.BUREAU:
        return (
            query.join(Enterprise, Enterprise.id == ApprenticeshipProgramme.enterprise_id)
            .where(Enterprise.region_id == actor.region_id)
            .where(ApprenticeshipProgramme.status != ProgrammeStatus.DRAFT)
        )
    return query.where(ApprenticeshipProgramme.id.is_(None))


def list_programmes(session: Session, actor: User, page: int = 1) -> Page[ApprenticeshipProgramme]:
    """The programmes the actor's organisation files, trains or oversees, newest first."""
    return paginate(session, _visible(actor), page, first_column)


def school_choices(session: Session, actor: User) -> list[School]:
    """Verified schools an enterprise may name as training institution, by name."""
    if actor.role != Role.ENTERPRISE:
        return []
    return list(
        session.scalars(
            select(School)
            .where(School.verification_status == VerificationStatus.VERIFIED)
            .order_by(School.name, School.id)
        )
    )
