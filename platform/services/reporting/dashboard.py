"""The bureau's dashboard: every chart is one grouped SQL query over the region's live data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from itertools import groupby
from typing import Any

from sqlalchemy import (
    BindParameter,
    Case,
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from skillbridge.models import (
    SEAT_HOLDING,
    Budget,
    ClaimStatus,
    ComplianceFinding,
    Enterprise,
    Occupation,
    Placement,
    PlacementStatus,
    Region,
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
    utcnow,
)
from skillbridge.platform.services.cooperation.coverage import coverage_rows
from skillbridge.platform.services.errors import NotFound, PermissionDenied
from skillbridge.platform.services.packs import placement_rules_for
from skillbridge.platform.services.policies import can_audit_region, can_read_region_figures
from skillbridge.platform.text import N_

TOP_N = 15
# Rank buckets of a match: (key, lowest rank, highest rank or None for open-ended).
RANK_BUCKETS = (("1", 1, 1), ("2", 2, 2), ("3", 3, 3), ("4-5", 4, 5), ("6-10", 6, 10))
RANK_OPEN = ("11+", 11)
RANK_NONE = "none"
SLOT_KIND_LABELS = {
    SlotKind.POST_INTERNSHIP: N_("岗位实习"),
    SlotKind.SHADOW_INTERNSHIP: N_("跟岗实习"),
    SlotKind.APPRENTICESHIP: N_("学徒"),
    SlotKind.ORDER_CLASS: N_("订单班"),
}
SEVERITY_ORDER = (Severity.HIGH, Severity.MEDIUM, Severity.LOW)
SEVERITY_LABELS = {Severity.HIGH: N_("高"), Severity.MEDIUM: N_("中"), Severity.LOW: N_("低")}


@dataclass(frozen=True)
class Segment:
    """One part of a bar; `filters` select the rows behind it in the list named by the chart."""

    value: int
    filters: dict[str, str]
    tone: str = "primary"
    label: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    note: str = ""

    @property
    def total(self) -> int:
        return sum(s.value for s in self.segments)


@dataclass(frozen=True)
class Chart:
    """A bar chart; each bar links to `list_name` with its segment's filters."""

    key: str
    title: str
    list_name: str
    bars: tuple[Bar, ...]
    caption: str = ""
    legend: tuple[tuple[str, str], ...] = ()

    @property
    def top(self) -> int:
        return max((b.total for b in self.bars), default=0)


@dataclass(frozen=True)
class BudgetSeries:
    """A fund's cumulative payments month by month, against what was allocated."""

    budget: Budget
    months: tuple[tuple[str, int, int], ...]  # (YYYY-MM, paid that month, cumulative)

    @property
    def top(self) -> int:
        return max([self.budget.allocated_yuan] + [m[2] for m in self.months])


@dataclass(frozen=True)
class CountedCharts:
    """The region's totals and charts, and when they were counted."""

    totals: dict[str, int]
    charts: list[Chart]
    at: datetime


@dataclass(frozen=True)
class Dashboard:
    region: Region
    totals: dict[str, int]
    counted_at: datetime
    charts: list[Chart] = field(default_factory=list)
    budgets: list[BudgetSeries] = field(default_factory=list)


def require_bureau(actor: User) -> int:
    """The actor's region, or PermissionDenied for anyone but a bureau user."""
    if actor.region_id is None or not can_audit_region(actor, {actor.region_id}):
        raise PermissionDenied(N_("只有人社局可以查看区域统计"))
    return actor.region_id


def readable_region(session: Session, actor: User, region_id: int | None = None) -> int:
    """The region whose figures the actor reads: its own (`region_id` None), or one it reads
    from above (its officer's drill-down, read-only); NotFound for any other."""
    if region_id is None:
        return require_bureau(actor)
    region = session.get(Region, region_id)
    if region is None or not can_read_region_figures(actor, region):
        raise NotFound(N_("没有这个地区"))
    return region.id


def region_placements(region_id: int, *columns: SQLColumnExpression[Any]) -> Select:
    """Placements whose school or host enterprise lies in the region, offers of runs published."""
    return (
        select(*columns)
        .select_from(Placement)
        .join(Student, Student.id == Placement.student_id)
        .join(School, School.id == Student.school_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .where(or_(School.region_id == region_id, Enterprise.region_id == region_id))
        .where(Placement.status != PlacementStatus.PROPOSED)
    )


def rank_bucket() -> Case[str]:
    """SQL label of a placement's rank bucket (needs the outer join to StudentPreference)."""
    whens: list[tuple[ColumnElement[bool], BindParameter[str]]] = [
        (StudentPreference.rank.between(low, high), literal(key)) for key, low, high in RANK_BUCKETS
    ]
    whens.append((StudentPreference.rank >= RANK_OPEN[1], literal(RANK_OPEN[0])))
    return case(*whens, else_=literal(RANK_NONE))


def with_preference(statement: Select) -> Select:
    """Join each placement to the student's rank of its slot, if the student ranked it."""
    return statement.outerjoin(
        StudentPreference,
        (StudentPreference.student_id == Placement.student_id)
        & (StudentPreference.slot_id == Placement.slot_id),
    )


def count_charts(session: Session, region_id: int, today: date, now: datetime) -> CountedCharts:
    """Count the region's totals and charts (a second on a city's region: see its snapshot)."""
    return CountedCharts(
        totals=_totals(session, region_id),
        charts=[
            _by_occupation(session, region_id),
            _by_industry(session, region_id),
            _fill_rate(session, region_id),
            _rank_distribution(session, region_id),
            _months_used(session, region_id),
            _coverage(session, region_id, today),
            _findings(session, region_id),
        ],
        at=now,
    )


def build_dashboard(
    session: Session,
    actor: User,
    today: date,
    counted: CountedCharts | None = None,
    region_id: int | None = None,
) -> Dashboard:
    """All charts of the actor's region (or of `region_id`, read from above): `counted` (its
    snapshot) or counted now; the funds' payments are always read now."""
    region_id = readable_region(session, actor, region_id)
    region = session.get(Region, region_id)
    assert region is not None  # the user's FK
    if counted is None:
        counted = count_charts(session, region_id, today, utcnow())
    return Dashboard(
        region=region,
        totals=counted.totals,
        counted_at=counted.at,
        charts=counted.charts,
        budgets=_budget_series(session, region_id),
    )


def _totals(session: Session, region_id: int) -> dict[str, int]:
    students = session.scalar(
        select(func.count(Student.id)).join(School).where(School.region_id == region_id)
    )
    held = session.scalar(
        region_placements(region_id, func.count(Placement.id)).where(
            Placement.status.in_(SEAT_HOLDING)
        )
    )
    findings = session.scalar(
        select(func.count(ComplianceFinding.id)).where(
            ComplianceFinding.region_id == region_id, ComplianceFinding.resolved_at.is_(None)
        )
    )
    return {"students": students or 0, "placements": held or 0, "findings": findings or 0}


def _by_occupation(session: Session, region_id: int) -> Chart:
    count = func.count(Placement.id)
    rows = session.execute(
        region_placements(region_id, Occupation.id, Occupation.name, count)
        .join(Occupation, Occupation.id == Slot.occupation_id)
        .where(Placement.status.in_(SEAT_HOLDING))
        .group_by(Occupation.id, Occupation.name)
        .order_by(count.desc(), Occupation.name)
        .limit(TOP_N)
    )
    bars = tuple(
        Bar(name, (Segment(n, {"occupation_id": str(oid), "held": "1"}),)) for oid, name, n in rows
    )
    return Chart("occupation", N_("按职业（工种）统计的实习安排"), "placements", bars)


def _by_industry(session: Session, region_id: int) -> Chart:
    count = func.count(Placement.id)
    rows = session.execute(
        region_placements(region_id, Enterprise.industry, count)
        .where(Placement.status.in_(SEAT_HOLDING))
        .group_by(Enterprise.industry)
        .order_by(count.desc(), Enterprise.industry)
        .limit(TOP_N)
    )
    bars = tuple(
        Bar(industry, (Segment(n, {"industry": industry, "held": "1"}),)) for industry, n in rows
    )
    return Chart("industry", N_("按行业统计的实习安排"), "placements", bars)


def _fill_rate(session: Session, region_id: int) -> Chart:
    """Seats offered on the region's opened slots, and the placements that hold them (rows)."""
    offered = dict(
        session.execute(
            select(Slot.kind, func.sum(Slot.seats))
            .join(Enterprise, Enterprise.id == Slot.enterprise_id)
            .where(Enterprise.region_id == region_id, Slot.status != SlotStatus.DRAFT)
            .group_by(Slot.kind)
        ).all()
    )
    filled = dict(
        session.execute(
            select(Slot.kind, func.count(Placement.id))
            .join(Placement, Placement.slot_id == Slot.id)
            .join(Enterprise, Enterprise.id == Slot.enterprise_id)
            .where(Enterprise.region_id == region_id, Slot.status != SlotStatus.DRAFT)
            .where(Placement.status.in_(SEAT_HOLDING))
            .group_by(Slot.kind)
        ).all()
    )
    bars = []
    for kind in SlotKind:
        seats, taken = int(offered.get(kind) or 0), int(filled.get(kind) or 0)
        if not seats:
            continue
        bars.append(
            Bar(
                SLOT_KIND_LABELS[kind],
                (
                    Segment(taken, {"kind": kind.value}, "success", N_("已占用")),
                    Segment(seats - taken, {"kind": kind.value}, "secondary", N_("空余")),
                ),
                note=f"{taken / seats:.0%}",
            )
        )
    return Chart(
        "fill",
        N_("提供岗位的填充率"),
        "slots",
        tuple(bars),
        legend=(("success", N_("已占用")), ("secondary", N_("空余"))),
    )


def _rank_distribution(session: Session, region_id: int) -> Chart:
    bucket = rank_bucket().label("bucket")
    counts = dict(
        session.execute(
            with_preference(
                region_placements(region_id, bucket, func.count(Placement.id))
            ).group_by(bucket)
        ).all()
    )
    keys = [key for key, _, _ in RANK_BUCKETS] + [RANK_OPEN[0], RANK_NONE]
    bars = tuple(
        Bar(
            N_("未排序") if key == RANK_NONE else N_("第 %(rank)s 志愿", rank=key),
            (Segment(counts.get(key, 0), {"rank": key}),),
        )
        for key in keys
    )
    return Chart(
        "rank",
        N_("匹配结果的志愿序位分布"),
        "placements",
        bars,
        caption=N_("已发布的录用和实习安排，按学生对该岗位的志愿序位统计"),
    )


def _months_used(session: Session, region_id: int) -> Chart:
    """Students by post-internship months used; the last bar is the cap."""
    rows = session.execute(
        select(Student.months_used, func.count(Student.id))
        .join(School, School.id == Student.school_id)
        .where(School.region_id == region_id, Student.months_used > 0)
        .group_by(Student.months_used)
        .order_by(Student.months_used)
    ).all()
    cap = placement_rules_for(session, region_id).post_internship_max_months.value
    counts = dict(rows)
    bars = tuple(
        Bar(
            f"{m}" + (N_("（上限）") if m == cap else ""),
            (
                Segment(
                    counts.get(m, 0),
                    {"months_used": str(m)},
                    "danger" if m >= cap else "primary",
                ),
            ),
        )
        for m in range(1, max([cap] + list(counts)) + 1)
    )
    return Chart(
        "months",
        N_("学生已用顶岗实习月数与上限"),
        "students",
        bars,
        caption=N_("上限 %s 个月（R1）；未实习的学生不计入") % cap,
    )


def _coverage(session: Session, region_id: int, today: date) -> Chart:
    """R3 per specialty: how many of its schools have enough partner enterprises."""
    required = placement_rules_for(session, region_id).min_partner_enterprises_per_specialty
    pairs = coverage_rows(region_id, today).subquery()
    met = func.sum(case((pairs.c.partners >= required.value, 1), else_=0))
    rows = session.execute(
        select(pairs.c.specialty_id, pairs.c.specialty_name, met, func.count())
        .group_by(pairs.c.specialty_id, pairs.c.specialty_name)
        .order_by(pairs.c.specialty_name)
    )
    bars = tuple(
        Bar(
            name,
            (
                Segment(
                    int(ok or 0), {"specialty_id": str(sid), "short": "0"}, "success", N_("达标")
                ),
                Segment(
                    total - int(ok or 0),
                    {"specialty_id": str(sid), "short": "1"},
                    "danger",
                    N_("不足"),
                ),
            ),
        )
        for sid, name, ok, total in rows
    )
    return Chart(
        "coverage",
        N_("各专业合作企业数（R3）"),
        "coverage",
        bars,
        caption=N_("每个专业至少与 %s 家企业合作；条形为开设该专业的学校数") % required.value,
        legend=(("success", N_("达标")), ("danger", N_("不足"))),
    )


def _findings(session: Session, region_id: int) -> Chart:
    rows = session.execute(
        select(ComplianceFinding.rule_id, ComplianceFinding.severity, func.count())
        .where(ComplianceFinding.region_id == region_id, ComplianceFinding.resolved_at.is_(None))
        .group_by(ComplianceFinding.rule_id, ComplianceFinding.severity)
    ).all()
    by_rule: dict[str, dict[Severity, int]] = {}
    for rule, severity, n in rows:
        by_rule.setdefault(rule, {})[Severity(severity)] = n
    tones = {Severity.HIGH: "danger", Severity.MEDIUM: "warning", Severity.LOW: "info"}
    bars = tuple(
        Bar(
            rule,
            tuple(
                Segment(
                    counts.get(s, 0),
                    {"rule_id": rule, "severity": s.value},
                    tones[s],
                    SEVERITY_LABELS[s],
                )
                for s in SEVERITY_ORDER
            ),
        )
        for rule, counts in sorted(by_rule.items())
    )
    return Chart(
        "findings",
        N_("未关闭的合规问题（按规则和严重程度）"),
        "findings",
        bars,
        legend=tuple((tones[s], SEVERITY_LABELS[s]) for s in SEVERITY_ORDER),
    )


@cache
def _budget_statement() -> Select[Budget, Any, Any, Any]:
    """Each fund of the region with its policies' payments summed by calendar month of payment
    (one row of NULLs for a fund with none), built once: every view of the dashboard reads it."""
    year = func.extract("year", SubsidyClaim.paid_at)
    month = func.extract("month", SubsidyClaim.paid_at)
    return (
        select(Budget, year, month, func.sum(SubsidyClaim.amount_yuan))
        .outerjoin(
            SubsidyPolicy,
            and_(SubsidyPolicy.budget_id == Budget.id, SubsidyPolicy.region_id == Budget.region_id),
        )
        .outerjoin(
            SubsidyClaim,
            and_(
                SubsidyClaim.policy_id == SubsidyPolicy.id,
                SubsidyClaim.status == ClaimStatus.PAID,
            ),
        )
        .where(Budget.region_id == bindparam("region_id"))
        .group_by(Budget.id, year, month)
        .order_by(Budget.code, Budget.id, year, month)
    )


def _budget_series(session: Session, region_id: int) -> list[BudgetSeries]:
    """Each fund's payments grouped by calendar month of payment, accumulated."""
    rows = session.execute(_budget_statement(), {"region_id": region_id})
    series = []
    for budget, months in groupby(rows, key=lambda row: row[0]):
        running, points = 0, []
        for _budget, y, m, amount in months:
            if y is None:  # the fund has no payment yet
                continue
            # A paid claim always has its amount (approved_has_amount), so no sum is NULL.
            running += int(amount or 0)
            points.append((f"{int(y):04d}-{int(m):02d}", int(amount or 0), running))
        series.append(BudgetSeries(budget, tuple(points)))
    return series
