"""The lists behind the dashboard's charts: filtered in SQL, paged for pages, streamed for exports."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, func, literal, select
from sqlalchemy.orm import Session, aliased

from skillbridge.models import (
    AWAITING_REVIEW,
    SEAT_HOLDING,
    Budget,
    ClaimStatus,
    Cohort,
    ComplianceFinding,
    Enterprise,
    Evaluation,
    Journal,
    Occupation,
    Person,
    Placement,
    PlacementStatus,
    School,
    Severity,
    Slot,
    SlotKind,
    SlotStatus,
    Student,
    StudentPreference,
    SubsidyClaim,
    SubsidyPolicy,
    User,
)
from skillbridge.platform.services import bounds
from skillbridge.platform.services.cooperation.coverage import coverage_rows
from skillbridge.platform.services.errors import InvalidInput, NotFound
from skillbridge.platform.services.journals.entries import STATUS_LABELS as JOURNAL_STATUS_LABELS
from skillbridge.platform.services.packs import placement_rules_for
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.placements.records import NEAR_CAP_MONTHS
from skillbridge.platform.services.reporting.dashboard import (
    RANK_BUCKETS,
    RANK_NONE,
    RANK_OPEN,
    SEVERITY_LABELS,
    SLOT_KIND_LABELS,
    readable_region,
    region_placements,
    with_preference,
)
from skillbridge.platform.services.reporting.supervision_terms import (
    DUE_EVALUATORS,
    EVALUATIONS_PER_PLACEMENT,
    REVIEWED,
    review_cutoff,
)
from skillbridge.platform.text import N_

BATCH = 1000
#: A worker paid without a student record; aliased, since Student reads its masked ID from Person.
_WORKER = aliased(Person)
DRILL_KINDS = ("school", "enterprise", "student", "placement")
STATUS_LABELS = {
    PlacementStatus.PROPOSED: N_("拟录用"),
    PlacementStatus.OFFERED: N_("待答复"),
    PlacementStatus.ACCEPTED: N_("已接受"),
    PlacementStatus.DECLINED: N_("已拒绝"),
    PlacementStatus.EXPIRED: N_("已过期"),
    PlacementStatus.ACTIVE: N_("实习中"),
    PlacementStatus.ENDED: N_("已结束"),
    PlacementStatus.CANCELLED: N_("已撤回"),
}


@dataclass(frozen=True)
class Scope:
    """What every list query needs: the region, the day, and the region's R3 figure."""

    region_id: int
    today: date
    required_partners: int


@dataclass(frozen=True)
class ListRow:
    """Cells in header order; `subject` is the (kind, id) a drill-down link opens."""

    cells: tuple[Any, ...]
    subject: tuple[str, int] | None
    record_id: int


@dataclass(frozen=True)
class ListSpec:
    name: str
    title: str
    headers: tuple[str, ...]
    filters: Mapping[str, Callable[[str], Any]]
    query: Callable[[Scope, dict[str, Any]], Select]
    row: Callable[[Row], ListRow]


@dataclass(frozen=True)
class Listing:
    spec: ListSpec
    statement: Select
    filters: dict[str, Any]


def _flag(value: str) -> bool:
    if value not in ("0", "1"):
        raise ValueError(value)
    return value == "1"


def _number(value: str) -> int:
    return bounds.to_int(value)


def _month(value: str) -> tuple[datetime, datetime]:
    year_text, _, month_text = value.partition("-")
    year = bounds.to_int(year_text, bounds.EARLIEST_DATE.year, bounds.LATEST_DATE.year)
    month = bounds.to_int(month_text, 1, 12)
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def _rank(value: str) -> str:
    if value not in {key for key, _, _ in RANK_BUCKETS} | {RANK_OPEN[0], RANK_NONE}:
        raise ValueError(value)
    return value


def _text(value: str) -> str:
    if not value or len(value) > 120:
        raise ValueError(value)
    return value


def _iso(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


# --- placements -----------------------------------------------------------------------------


def _placements(scope: Scope, f: dict[str, Any]) -> Select:
    statement = with_preference(
        region_placements(
            scope.region_id,
            Placement.id,
            Student.id,
            Student.name,
            Student.national_id_masked,
            School.name,
            Enterprise.name,
            Enterprise.industry,
            Slot.title,
            Slot.kind,
            Occupation.name,
            Placement.status,
            Placement.start_date,
            Placement.end_date,
            Placement.months,
            StudentPreference.rank,
        ).join(Occupation, Occupation.id == Slot.occupation_id)
    )
    if f.get("held"):
        statement = statement.where(Placement.status.in_(SEAT_HOLDING))
    if "occupation_id" in f:
        statement = statement.where(Slot.occupation_id == f["occupation_id"])
    if "industry" in f:
        statement = statement.where(Enterprise.industry == f["industry"])
    if "kind" in f:
        statement = statement.where(Slot.kind == f["kind"])
    if "rank" in f:
        statement = statement.where(_rank_condition(f["rank"]))
    return statement.order_by(Placement.id)


def _rank_condition(key: str) -> ColumnElement[bool]:
    if key == RANK_NONE:
        return StudentPreference.rank.is_(None)
    if key == RANK_OPEN[0]:
        return StudentPreference.rank >= RANK_OPEN[1]
    low, high = next((lo, hi) for k, lo, hi in RANK_BUCKETS if k == key)
    return StudentPreference.rank.between(low, high)


def _placement_row(r: Row) -> ListRow:
    (pid, _sid, name, masked, school, firm, industry, title, kind, occupation, status) = r[:11]
    start, end, months, rank = r[11:]
    cells: tuple[object, ...] = (
        pid,
        name,
        masked,
        school,
        firm,
        industry,
        title,
        SLOT_KIND_LABELS[SlotKind(kind)],
    )
    cells += (occupation, STATUS_LABELS[PlacementStatus(status)], _iso(start), _iso(end))
    return ListRow(cells + (months, rank if rank is not None else ""), ("placement", pid), pid)


# --- slots ----------------------------------------------------------------------------------


def _slots(scope: Scope, f: dict[str, Any]) -> Select:
    filled = (
        select(func.count(Placement.id))
        .where(Placement.slot_id == Slot.id, Placement.status.in_(SEAT_HOLDING))
        .correlate(Slot)
        .scalar_subquery()
    )
    statement = (
        select(
            Slot.id,
            Enterprise.id,
            Enterprise.name,
            Slot.title,
            Slot.kind,
            Occupation.name,
            Slot.status,
            Slot.seats,
            filled,
        )
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .join(Occupation, Occupation.id == Slot.occupation_id)
        .where(Enterprise.region_id == scope.region_id, Slot.status != SlotStatus.DRAFT)
    )
    if "kind" in f:
        statement = statement.where(Slot.kind == f["kind"])
    return statement.order_by(Slot.id)


def _slot_row(r: Row) -> ListRow:
    sid, eid, firm, title, kind, occupation, status, seats, filled = r
    rate = f"{filled / seats:.0%}" if seats else ""
    open_label = N_("开放") if status == SlotStatus.OPEN else N_("已关闭")
    cells = (sid, firm, title, SLOT_KIND_LABELS[SlotKind(kind)], occupation, open_label)
    return ListRow(cells + (seats, filled, rate), ("enterprise", eid), sid)


# --- students -------------------------------------------------------------------------------


def _students(scope: Scope, f: dict[str, Any]) -> Select:
    left = Student.month_cap - Student.months_used
    statement = (
        select(
            Student.id,
            Student.name,
            Student.national_id_masked,
            School.name,
            Cohort.name,
            Student.months_used,
            Student.month_cap,
            left,
        )
        .join(School, School.id == Student.school_id)
        .join(Cohort, Cohort.id == Student.cohort_id)
        .where(School.region_id == scope.region_id)
    )
    if "months_used" in f:
        statement = statement.where(Student.months_used == f["months_used"])
    if f.get("near_cap"):
        statement = statement.where(Student.months_used > 0, left <= NEAR_CAP_MONTHS)
    return statement.order_by(Student.months_used.desc(), Student.id)


def _student_row(r: Row) -> ListRow:
    return ListRow(tuple(r), ("student", r[0]), r[0])


# --- coverage -------------------------------------------------------------------------------


def _coverage(scope: Scope, f: dict[str, Any]) -> Select:
    rows = coverage_rows(scope.region_id, scope.today).subquery()
    statement = select(
        rows.c.school_id,
        rows.c.school_name,
        rows.c.specialty_code,
        rows.c.specialty_name,
        rows.c.partners,
        literal(scope.required_partners),
    )
    if "specialty_id" in f:
        statement = statement.where(rows.c.specialty_id == f["specialty_id"])
    if "short" in f:
        short = rows.c.partners < scope.required_partners
        statement = statement.where(short if f["short"] else ~short)
    return statement.order_by(rows.c.school_name, rows.c.specialty_code)


def _coverage_row(r: Row) -> ListRow:
    school_id, school, code, specialty, partners, required = r
    met = N_("达标") if partners >= required else N_("不足")
    return ListRow((school, code, specialty, partners, required, met), ("school", school_id), 0)


# --- paid claims ----------------------------------------------------------------------------


def _paid_claims(scope: Scope, f: dict[str, Any]) -> Select:
    statement = (
        select(
            SubsidyClaim.id,
            SubsidyPolicy.name,
            SubsidyClaim.student_id,
            SubsidyClaim.enterprise_id,
            SubsidyClaim.school_id,
            func.coalesce(Student.name, Enterprise.name, School.name, _WORKER.name),
            SubsidyClaim.amount_yuan,
            Budget.name,
            SubsidyClaim.paid_at,
        )
        .join(SubsidyPolicy, SubsidyPolicy.id == SubsidyClaim.policy_id)
        .outerjoin(Budget, Budget.id == SubsidyPolicy.budget_id)
        .outerjoin(Student, Student.id == SubsidyClaim.student_id)
        .outerjoin(Enterprise, Enterprise.id == SubsidyClaim.enterprise_id)
        .outerjoin(School, School.id == SubsidyClaim.school_id)
        .outerjoin(_WORKER, _WORKER.id == SubsidyClaim.person_id)
        .where(SubsidyPolicy.region_id == scope.region_id)
        .where(SubsidyClaim.status == ClaimStatus.PAID)
    )
    if "budget_id" in f:
        statement = statement.where(SubsidyPolicy.budget_id == f["budget_id"])
    if "month" in f:
        start, end = f["month"]
        statement = statement.where(and_(SubsidyClaim.paid_at >= start, SubsidyClaim.paid_at < end))
    return statement.order_by(SubsidyClaim.paid_at, SubsidyClaim.id)


def _paid_claim_row(r: Row) -> ListRow:
    cid, policy, student_id, enterprise_id, school_id, who, amount, budget, paid_at = r
    # A worker's claim (no student, enterprise or school) has no timeline to open.
    subject = (
        ("student", student_id)
        if student_id
        else ("enterprise", enterprise_id)
        if enterprise_id
        else ("school", school_id)
        if school_id
        else None
    )
    return ListRow((cid, policy, who, amount, budget or "", _iso(paid_at)), subject, cid)


# --- findings -------------------------------------------------------------------------------


def _findings(scope: Scope, f: dict[str, Any]) -> Select:
    statement = select(
        ComplianceFinding.id,
        ComplianceFinding.rule_id,
        ComplianceFinding.severity,
        ComplianceFinding.summary,
        ComplianceFinding.object_type,
        ComplianceFinding.object_id,
        ComplianceFinding.first_seen_at,
        ComplianceFinding.last_seen_at,
        ComplianceFinding.resolved_at,
    ).where(ComplianceFinding.region_id == scope.region_id)
    if not f.get("all"):
        statement = statement.where(ComplianceFinding.resolved_at.is_(None))
    if "rule_id" in f:
        statement = statement.where(ComplianceFinding.rule_id == f["rule_id"])
    if "severity" in f:
        statement = statement.where(ComplianceFinding.severity == f["severity"])
    return statement.order_by(ComplianceFinding.id)


def _finding_row(r: Row) -> ListRow:
    fid, rule, severity, summary, object_type, object_id, first, last, resolved = r
    subject = (object_type, object_id) if object_type in DRILL_KINDS else None
    state = N_("已关闭") if resolved else N_("未关闭")
    cells = (fid, rule, SEVERITY_LABELS[Severity(severity)], summary, f"{object_type}:{object_id}")
    return ListRow(cells + (_iso(first), _iso(last), state), subject, fid)


# --- supervision: journals and evaluations due ----------------------------------------------

JOURNAL_STATES = ("submitted", "reviewed", "awaiting", "overdue")


def _journal_state(value: str) -> str:
    if value not in JOURNAL_STATES:
        raise ValueError(value)
    return value


def _owner_filters(statement: Select, f: dict[str, Any]) -> Select:
    if "school_id" in f:
        statement = statement.where(Student.school_id == f["school_id"])
    if "enterprise_id" in f:
        statement = statement.where(Slot.enterprise_id == f["enterprise_id"])
    return statement


def _journals(scope: Scope, f: dict[str, Any]) -> Select:
    statement = region_placements(
        scope.region_id,
        Journal.id,
        Placement.id,
        Student.name,
        School.name,
        Enterprise.name,
        Journal.iso_year,
        Journal.iso_week,
        Journal.status,
        Journal.submitted_at,
        Journal.late,
    ).join(Journal, Journal.placement_id == Placement.id)
    statement = _owner_filters(statement.where(Journal.first_submitted_at.is_not(None)), f)
    state = f.get("state")
    if state == "reviewed":
        statement = statement.where(Journal.status.in_(REVIEWED))
    elif state in ("awaiting", "overdue"):
        statement = statement.where(Journal.status.in_(AWAITING_REVIEW))
    if state == "overdue":
        statement = statement.where(Journal.submitted_at < review_cutoff(scope.today))
    return statement.order_by(Journal.submitted_at, Journal.id)


def _journal_row(r: Row) -> ListRow:
    jid, pid, student, school, firm, year, week, status, submitted, late = r
    cells = (jid, student, school, firm, f"{year}-W{week:02d}", JOURNAL_STATUS_LABELS[status])
    return ListRow(
        cells + (_iso(submitted), N_("是") if late else N_("否")), ("placement", pid), jid
    )


def _evaluations_due(scope: Scope, f: dict[str, Any]) -> Select:
    done = (
        select(func.count(Evaluation.id))
        .where(Evaluation.placement_id == Placement.id, Evaluation.evaluator.in_(DUE_EVALUATORS))
        .scalar_subquery()
    )
    statement = region_placements(
        scope.region_id,
        Placement.id,
        Student.name,
        School.name,
        Enterprise.name,
        Placement.end_date,
        done,
    ).where(Placement.status == PlacementStatus.ENDED, done < EVALUATIONS_PER_PLACEMENT)
    return _owner_filters(statement, f).order_by(Placement.end_date, Placement.id)


def _evaluation_due_row(r: Row) -> ListRow:
    pid, student, school, firm, end, done = r
    cells = (pid, student, school, firm, _iso(end), f"{done}/{EVALUATIONS_PER_PLACEMENT}")
    return ListRow(cells, ("placement", pid), pid)


def _enum(kind: type[enum.Enum]) -> Callable[[str], Any]:
    return lambda value: kind(value)


LISTS = {
    spec.name: spec
    for spec in (
        ListSpec(
            "placements",
            N_("实习安排"),
            (N_("安排编号"), N_("学生"), N_("身份证号"), N_("学校"), N_("实习单位"), N_("行业"))
            + (N_("岗位"), N_("类型"), N_("职业（工种）"), N_("状态"), N_("开始日期"))
            + (N_("结束日期"), N_("月数"), N_("志愿序位")),
            {
                "occupation_id": _number,
                "industry": _text,
                "kind": _enum(SlotKind),
                "rank": _rank,
                "held": _flag,
            },
            _placements,
            _placement_row,
        ),
        ListSpec(
            "slots",
            N_("岗位填充情况"),
            (N_("岗位编号"), N_("企业"), N_("岗位"), N_("类型"), N_("职业（工种）"), N_("状态"))
            + (N_("提供名额"), N_("已占用"), N_("填充率")),
            {"kind": _enum(SlotKind)},
            _slots,
            _slot_row,
        ),
        ListSpec(
            "students",
            N_("学生顶岗实习月数"),
            (N_("学生编号"), N_("学生"), N_("身份证号"), N_("学校"), N_("班级"), N_("已用月数"))
            + (N_("上限月数"), N_("剩余月数")),
            {"months_used": _number, "near_cap": _flag},
            _students,
            _student_row,
        ),
        ListSpec(
            "coverage",
            N_("专业合作企业数（R3）"),
            (N_("学校"), N_("专业代码"), N_("专业"), N_("合作企业数"), N_("要求"), N_("结论")),
            {"specialty_id": _number, "short": _flag},
            _coverage,
            _coverage_row,
        ),
        ListSpec(
            "paid_claims",
            N_("已支付补贴"),
            (N_("申领编号"), N_("补贴政策"), N_("受益方"), N_("金额（元）"), N_("资金"))
            + (N_("支付时间"),),
            {"budget_id": _number, "month": _month},
            _paid_claims,
            _paid_claim_row,
        ),
        ListSpec(
            "findings",
            N_("合规问题"),
            (N_("编号"), N_("规则"), N_("严重程度"), N_("摘要"), N_("对象"), N_("首次发现"))
            + (N_("最近发现"), N_("状态")),
            {"rule_id": _text, "severity": _enum(Severity), "all": _flag},
            _findings,
            _finding_row,
        ),
        ListSpec(
            "journals",
            N_("周志"),
            (N_("周志编号"), N_("学生"), N_("学校"), N_("实习单位"), N_("周次"), N_("状态"))
            + (N_("提交时间"), N_("迟交")),
            {"school_id": _number, "enterprise_id": _number, "state": _journal_state},
            _journals,
            _journal_row,
        ),
        ListSpec(
            "evaluations_due",
            N_("待完成的实习考核"),
            (N_("安排编号"), N_("学生"), N_("学校"), N_("实习单位"), N_("结束日期"))
            + (N_("已完成考核"),),
            {"school_id": _number, "enterprise_id": _number},
            _evaluations_due,
            _evaluation_due_row,
        ),
    )
}


def open_list(
    session: Session,
    actor: User,
    name: str,
    args: Mapping[str, str],
    today: date,
    region_id: int | None = None,
) -> Listing:
    """The named list of the actor's region (or of `region_id`, read from above) with the
    filters in `args` (others are ignored)."""
    spec = LISTS.get(name)
    if spec is None:
        raise NotFound(N_("没有这个列表"))
    region_id = readable_region(session, actor, region_id)
    filters, problems = {}, []
    for key, parse in spec.filters.items():
        raw = args.get(key)
        if raw is None or raw == "":
            continue
        try:
            filters[key] = parse(raw)
        except ValueError:
            problems.append(f"{key}={raw}")
    if problems:
        raise InvalidInput(N_("筛选条件无效"), details=problems)
    required = placement_rules_for(session, region_id).min_partner_enterprises_per_specialty
    scope = Scope(region_id, today, required.value)
    return Listing(spec, spec.query(scope, filters), filters)


def page_of(
    session: Session, listing: Listing, page: int, per_page: int | None = None
) -> Page[ListRow]:
    """One page of the list, with the total count for the pager."""
    return paginate(session, listing.statement, page, listing.spec.row, per_page)


def iter_rows(session: Session, listing: Listing) -> Iterator[tuple[Any, ...]]:
    """Every row's cells, fetched in batches (a server-side cursor on PostgreSQL)."""
    result = session.execute(listing.statement.execution_options(yield_per=BATCH))
    try:
        for r in result:
            yield listing.spec.row(r).cells
    finally:
        result.close()
