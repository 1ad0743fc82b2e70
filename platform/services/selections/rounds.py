"""A round's call (宣传发动): the award policy, its period, quota, deadlines and conditions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Employment,
    EmploymentStatus,
    Enterprise,
    Region,
    Role,
    RoundStatus,
    SelectionRound,
    SubsidyPolicy,
    User,
)
from skillbridge.platform.policy import (
    CONDITIONS,
    SKILL_LEVEL_LABELS,
    TRAINING_ROUTES,
    ConditionRef,
    Policy,
    validity_outcome,
)
from skillbridge.platform.services import audit
from skillbridge.platform.services.attendance.calendar import day_kind
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.packs import region_pack
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.policies import can_run_selections, can_see_selections
from skillbridge.platform.services.subsidies.budgets import quota_period_start
from skillbridge.platform.text import N_

#: The trigger of the policies a round selects for.
AWARD_TRIGGER = "award_selected"
#: The panel may not be smaller than this: a majority of one expert is no panel (专家评审).
MIN_PANEL = 3
#: A 公示 the bureau sets itself (its seed names no length) is held to this many working days.
MAX_PUBLICITY_DAYS = 30


def today() -> date:
    """The day a step taken now is dated."""
    return date.today()


def pack_policy(session: Session, policy: SubsidyPolicy) -> Policy:
    """The pack's description of an installed policy."""
    return region_pack(session.get_one(Region, policy.region_id)).policy(policy.code)


def for_organisations(session: Session, row: SelectionRound) -> bool:
    """Whether the round selects among enterprises (its award is paid to an organisation)."""
    return pack_policy(session, round_policy(session, row)).beneficiary == "enterprise"


def award_policies(session: Session, actor: User) -> list[SubsidyPolicy]:
    """The region's active award policies, in pack order: those a round can select for, among
    persons or, for an award paid to an enterprise, among organisations (a studio's award is
    not selected but follows its base's yearly review)."""
    if actor.region_id is None or not can_see_selections(actor, actor.region_id):
        return []
    pack = region_pack(session.get_one(Region, actor.region_id))
    codes = [
        p.id
        for p in pack.policies
        if p.trigger.kind == AWARD_TRIGGER and p.beneficiary in ("person", "student", "enterprise")
    ]
    rows = session.scalars(
        select(SubsidyPolicy)
        .where(SubsidyPolicy.region_id == actor.region_id, SubsidyPolicy.active.is_(True))
        .where(SubsidyPolicy.code.in_(codes))
    )
    order = {code: i for i, code in enumerate(codes)}
    return sorted(rows, key=lambda p: order[p.code])


def publicity_end(start: date, working_days: int) -> date:
    """The last day of a 公示 of `working_days` working days from `start` (counted if it is one),
    by the Chinese calendar with its 调休 swaps."""
    day, counted = start, 0
    while True:
        if day_kind(day).working_day:
            counted += 1
            if counted == working_days:
                return day
        day += timedelta(days=1)


@dataclass(frozen=True)
class RoundRequest:
    """The call as the bureau fills it in; `publicity_working_days` only where the pack has none."""

    policy_id: int
    year: int
    nominations_close_on: date
    panel_size: int
    publicity_working_days: int | None = None


def open_round(session: Session, actor: User, request: RoundRequest) -> SelectionRound:
    """Publish a call for one award policy: its period (a pack's quota period, two years in
    Dalian), the quota from the pack, the deadline and the panel size.

    Refused: a policy not of the actor's region or not an award (404), a policy whose document
    is no longer in force, a second round for the same period (409), bad figures (400).
    """
    if actor.region_id is None or not can_run_selections(actor, actor.region_id):
        raise PermissionDenied(N_("只有人社局可以发布评选通知"))
    policy = next((p for p in award_policies(session, actor) if p.id == request.policy_id), None)
    if policy is None:
        raise NotFound(N_("没有可评选的该项政策"))
    described = pack_policy(session, policy)
    opened_on = today()
    problems = []
    if request.nominations_close_on < opened_on:
        problems.append(N_("申报截止日期不能早于今天"))
    if request.panel_size < MIN_PANEL:
        problems.append(N_("评审专家人数至少为3人"))
    pack = region_pack(session.get_one(Region, policy.region_id))
    if pack.selection is not None:
        days, basis = pack.selection.publicity_working_days, pack.selection.citation
    elif request.publicity_working_days is None:
        problems.append(N_("政策文件未规定公示期，请填写公示工作日数"))
        days, basis = 0, ""
    else:
        days, basis = request.publicity_working_days, "人社局设定（政策文件未规定公示期）"
        if not 1 <= days <= MAX_PUBLICITY_DAYS:
            problems.append(N_("公示工作日数应在1至30之间"))
    if problems:
        raise InvalidInput(problems[0], details=problems)
    in_force = validity_outcome(described, opened_on)
    if in_force is not None and not in_force.passed:
        raise Conflict(
            N_("政策有效期已届满且无延期记录，不能发布评选"), details=[in_force.display_zh()]
        )
    start = quota_period_start(policy, request.year, pack.source.year)
    existing = session.scalar(
        select(SelectionRound.id).where(
            SelectionRound.policy_id == policy.id, SelectionRound.period_start == start
        )
    )
    if existing is not None:
        raise Conflict(N_("该政策本期评选已发布"))
    row = SelectionRound(
        region_id=policy.region_id,
        policy_id=policy.id,
        period_start=start,
        period_years=policy.quota_period_years,
        quota=policy.annual_quota,
        selected_count=0,
        status=RoundStatus.OPEN,
        opened_on=opened_on,
        nominations_close_on=request.nominations_close_on,
        panel_size=request.panel_size,
        publicity_working_days=days,
        publicity_basis=basis,
        opened_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "selection.round_opened",
        "selection_round",
        row.id,
        {
            "policy": policy.code,
            "period_start": start,
            "period_years": row.period_years,
            "quota": row.quota,
            "close_on": row.nominations_close_on.isoformat(),
            "panel_size": row.panel_size,
            "publicity_working_days": days,
            "publicity_basis": basis,
        },
    )
    return row


def get_round(session: Session, round_id: int) -> SelectionRound:
    """A round; calls are published (在新闻媒体公布), so any signed-in user may read one."""
    row = session.get(SelectionRound, round_id)
    if row is None:
        raise NotFound(N_("评选不存在"))
    return row


def round_for_bureau(session: Session, actor: User, round_id: int) -> SelectionRound:
    """A round the actor runs: 404 for another region's, 403 for its finance staff."""
    row = get_round(session, round_id)
    if not can_see_selections(actor, row.region_id):
        raise NotFound(N_("评选不存在"))
    if not can_run_selections(actor, row.region_id):
        raise PermissionDenied(N_("只有人社局评选工作人员可以办理"))
    return row


def require_status(row: SelectionRound, *statuses: RoundStatus) -> None:
    if row.status not in statuses:
        raise Conflict(N_("评选所处阶段不允许此操作"))


@dataclass(frozen=True)
class RoundRow:
    """A round with its policy."""

    round: SelectionRound
    policy: SubsidyPolicy


def list_rounds(
    session: Session, region_id: int | None, page: int = 1, *, open_only: bool = False
) -> Page[RoundRow]:
    """A page of a region's rounds, newest first; `open_only` keeps those taking nominations."""
    statement = (
        select(SelectionRound, SubsidyPolicy)
        .join(SubsidyPolicy, SubsidyPolicy.id == SelectionRound.policy_id)
        .where(SelectionRound.region_id == region_id)
        .order_by(SelectionRound.id.desc())
    )
    if open_only:
        statement = statement.where(SelectionRound.status == RoundStatus.OPEN)
    return paginate(session, statement, page, lambda r: RoundRow(r[0], r[1]))


def round_policy(session: Session, row: SelectionRound) -> SubsidyPolicy:
    return session.get_one(SubsidyPolicy, row.policy_id)


def actor_region(session: Session, actor: User) -> int | None:
    """The region whose calls the actor sees: the bureau's, an enterprise's, a worker's
    employer's (None for anyone else, or a worker without a confirmed employment)."""
    if actor.role == Role.BUREAU:
        return actor.region_id
    if actor.role == Role.ENTERPRISE and actor.enterprise_id is not None:
        return session.get_one(Enterprise, actor.enterprise_id).region_id
    if actor.role == Role.WORKER and actor.person_id is not None:
        return session.scalar(
            select(Enterprise.region_id)
            .join(Employment, Employment.enterprise_id == Enterprise.id)
            .where(Employment.person_id == actor.person_id, Employment.is_primary.is_(True))
            .where(Employment.status == EmploymentStatus.CONFIRMED)
            .limit(1)
        )
    return None


def _param_text(value: object) -> str:
    if isinstance(value, str) and value in SKILL_LEVEL_LABELS:
        return SKILL_LEVEL_LABELS[value]
    if isinstance(value, str) and value in TRAINING_ROUTES:
        return TRAINING_ROUTES[value]
    if isinstance(value, tuple):
        return "、".join(_param_text(v) for v in value)
    return str(value)


def describe_condition(ref: ConditionRef) -> str:
    """A pack condition as the call publishes it: the registry's label, its figures, the
    article; alternatives and contested readings with their own conditions."""
    label = CONDITIONS[ref.code].label_zh
    if ref.code == "any_of":
        options = [
            "＋".join(describe_condition(inner) for inner in option)
            for option in ref.params["options"]
        ]
        text = f"{label}：" + " 或 ".join(f"〔{i}〕{o}" for i, o in enumerate(options, 1))
    elif ref.code == "contested":
        readings = [
            f"{r.label_zh}（{'＋'.join(describe_condition(c) for c in r.conditions)}）"
            for r in ref.params["readings"]
        ]
        text = f"{label}：{ref.params['issue_zh']}；" + "；".join(readings)
    else:
        figures = [
            _param_text(v) for k, v in ref.params.items() if k not in ("beneficiary", "age_on")
        ]
        text = label + (f" {'，'.join(figures)}" if figures else "")
    return text + (f"（{ref.citation}）" if ref.citation else "")


def call_conditions(session: Session, row: SelectionRound) -> list[str]:
    """The conditions of the round's policy, as its call shows them."""
    described = pack_policy(session, round_policy(session, row))
    return [describe_condition(ref) for ref in described.conditions]


def visible_round(session: Session, actor: User, round_id: int) -> SelectionRound:
    """A round of the actor's region (its bureau, its enterprises, their workers); 404 else."""
    row = get_round(session, round_id)
    if actor_region(session, actor) != row.region_id:
        raise NotFound(N_("评选不存在"))
    return row
