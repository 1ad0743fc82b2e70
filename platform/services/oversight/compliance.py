"""Compliance audits: run the rule registry over a region, keep its findings, read them back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import Session

from skillbridge.models import ComplianceFinding, ComplianceRun, Region, Severity, User, utcnow
from skillbridge.platform.policy import LegalBasis, RuleFigure
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.oversight.checks import RULES, CheckContext, Rule, rule_by_id
from skillbridge.platform.services.packs import placement_rules, region_pack
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import can_audit_compliance
from skillbridge.platform.text import N_, as_message

STATES = ("open", "resolved", "all")
#: The evidence key that keeps a finding's summary as a message (its text is `summary`).
SUMMARY_MESSAGE = "summary_message"


def _lock_region(session: Session, region_id: int) -> Region:
    """Lock the region row, so two runs over one region queue instead of racing on findings."""
    region = session.execute(
        select(Region)
        .where(Region.id == region_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if region is None:
        raise NotFound(N_("地区不存在"))
    return region


def run_compliance(
    session: Session, region_id: int, today: date, actor: User | None = None
) -> ComplianceRun:
    """Run every automatic rule over the region as of `today` and reconcile the findings.

    A violation seen for the first time becomes a new finding; one still present refreshes its
    evidence and `last_seen_at`; an open finding no longer reported is resolved. The caller
    commits: the run, its findings and its one audit event are one transaction. `actor` is
    None for the nightly command; a given actor must be the region's bureau.
    """
    region = _lock_region(session, region_id)
    if actor is not None and not can_audit_compliance(actor, region_id):
        raise PermissionDenied(N_("只有本地区人社局可以运行合规检查"))
    context = CheckContext(session, region, placement_rules(region), today)
    # A rule with no basis in force in the region (no national text, no own seed, no recorded
    # adoption) is not audited there; its open findings resolve with this run.
    bases = region_pack(region).compliance
    now = utcnow()
    run = ComplianceRun(
        region_id=region_id,
        started_at=now,
        triggered_by_id=actor.id if actor else None,
        stats={},
    )
    session.add(run)
    session.flush()
    open_findings = {
        (finding.rule_id, finding.subject_key): finding
        for finding in session.scalars(
            select(ComplianceFinding)
            .where(ComplianceFinding.region_id == region_id)
            .where(ComplianceFinding.resolved_at.is_(None))
        )
    }
    applied = [rule for rule in RULES if rule.automatic and bases[rule.id].applies]
    stats = {rule.id: {"found": 0, "new": 0, "resolved": 0} for rule in applied}
    seen: set[tuple[str, str]] = set()
    for rule in applied:
        if rule.check is None:
            continue
        for violation in rule.check(context):
            key = (rule.id, violation.subject_key)
            seen.add(key)
            stats[rule.id]["found"] += 1
            finding = open_findings.get(key)
            if finding is None:
                stats[rule.id]["new"] += 1
                finding = ComplianceFinding(
                    region_id=region_id,
                    rule_id=rule.id,
                    subject_key=violation.subject_key,
                    first_seen_at=now,
                    first_run_id=run.id,
                )
                session.add(finding)
            finding.severity = rule.severity
            finding.object_type = violation.object_type
            finding.object_id = violation.object_id
            finding.summary = violation.summary_zh[:300]
            # The summary's message beside the evidence, so the page can show it in English.
            finding.evidence = {
                **violation.evidence,
                SUMMARY_MESSAGE: as_message(violation.summary_zh),
            }
            finding.last_seen_at = now
            finding.last_run_id = run.id
    for key, finding in open_findings.items():
        if key not in seen:
            finding.resolved_at = now
            stats.setdefault(finding.rule_id, {"found": 0, "new": 0, "resolved": 0})
            stats[finding.rule_id]["resolved"] += 1
    run.finished_at = utcnow()
    run.stats = stats
    session.flush()
    totals = {
        name: sum(counts[name] for counts in stats.values())
        for name in ("found", "new", "resolved")
    }
    audit.record(
        session,
        actor,
        "compliance.run",
        "compliance_run",
        run.id,
        {"region_id": region_id, "as_of": today.isoformat(), **totals},
    )
    return run


def run_checks_now(session: Session, actor: User, today: date) -> ComplianceRun:
    """The bureau runs the checks over its own region on demand."""
    return run_compliance(session, _own_region(actor), today, actor)


def _own_region(actor: User) -> int:
    """The region whose findings the actor reads: a bureau user's own; nobody else has one."""
    if actor.region_id is None or not can_audit_compliance(actor, actor.region_id):
        raise PermissionDenied(N_("只有人社局可以查看合规检查"))
    return actor.region_id


@dataclass(frozen=True)
class RuleRow:
    """A registered rule with the region's figure for it and its findings' counts."""

    rule: Rule
    figure: RuleFigure | None
    open_count: int
    resolved_count: int
    #: The rule's legal basis in the region: what it cites there, or that it is not applied.
    basis: LegalBasis


@dataclass(frozen=True)
class Overview:
    """The rule list page: rules, open findings per severity, the latest run."""

    rules: list[RuleRow]
    open_by_severity: dict[Severity, int]
    latest_run: ComplianceRun | None


@cache
def _counts_statement() -> Select[str, Severity, int, int]:
    """The region's open and resolved findings per rule and severity, built once: the rule list
    sums them per rule and its cards per severity (one statement, not one for each)."""
    is_open = ComplianceFinding.resolved_at.is_(None)
    return (
        select(
            ComplianceFinding.rule_id,
            ComplianceFinding.severity,
            func.count(case((is_open, 1))),
            func.count(case((~is_open, 1))),
        )
        .where(ComplianceFinding.region_id == bindparam("region_id"))
        .group_by(ComplianceFinding.rule_id, ComplianceFinding.severity)
    )


@cache
def _latest_run_statement() -> Select[ComplianceRun]:
    return (
        select(ComplianceRun)
        .where(ComplianceRun.region_id == bindparam("region_id"))
        .order_by(ComplianceRun.id.desc())
        .limit(1)
    )


def overview(session: Session, actor: User) -> Overview:
    """Every registered rule with its open and resolved finding counts in the actor's region."""
    region_id = _own_region(actor)
    region = session.get(Region, region_id)
    assert region is not None  # the user's region is a foreign key
    figures = placement_rules(region)
    counts: dict[str, tuple[int, int]] = {}
    by_severity = dict.fromkeys(Severity, 0)
    for rule_id, severity, open_count, resolved_count in session.execute(
        _counts_statement(), {"region_id": region_id}
    ):
        before = counts.get(rule_id, (0, 0))
        counts[rule_id] = (before[0] + open_count, before[1] + resolved_count)
        by_severity[severity] += open_count
    bases = region_pack(region).compliance
    rows = [
        RuleRow(
            rule,
            getattr(figures, rule.figure) if rule.figure else None,
            *counts.get(rule.id, (0, 0)),
            basis=bases[rule.id],
        )
        for rule in RULES
    ]
    return Overview(rows, by_severity, latest_run(session, region_id))


def latest_run(session: Session, region_id: int) -> ComplianceRun | None:
    """The region's most recent run."""
    return session.scalars(_latest_run_statement(), {"region_id": region_id}).first()


@dataclass(frozen=True)
class FindingFilter:
    """What the findings list shows: empty strings mean every rule or severity."""

    rule_id: str = ""
    severity: str = ""
    state: str = "open"
    page: int = 1


def list_findings(session: Session, actor: User, wanted: FindingFilter) -> Page[ComplianceFinding]:
    """The actor's region's findings, filtered by rule, severity and open/resolved."""
    region_id = _own_region(actor)
    problems = []
    if wanted.rule_id and rule_by_id(wanted.rule_id) is None:
        problems.append(N_("未知的规则编号"))
    if wanted.severity and wanted.severity not in {s.value for s in Severity}:
        problems.append(N_("未知的严重程度"))
    if wanted.state not in STATES:
        problems.append(N_("未知的状态"))
    if problems:
        raise InvalidInput(N_("筛选条件无效"), details=problems)
    statement = select(ComplianceFinding).where(ComplianceFinding.region_id == region_id)
    if wanted.rule_id:
        statement = statement.where(ComplianceFinding.rule_id == wanted.rule_id)
    if wanted.severity:
        statement = statement.where(ComplianceFinding.severity == Severity(wanted.severity))
    if wanted.state == "open":
        statement = statement.where(ComplianceFinding.resolved_at.is_(None))
    elif wanted.state == "resolved":
        statement = statement.where(ComplianceFinding.resolved_at.is_not(None))
    statement = statement.order_by(
        ComplianceFinding.first_seen_at.desc(), ComplianceFinding.id.desc()
    )
    return paginate(session, statement, wanted.page, first_column)


def rule_basis(session: Session, actor: User, rule_id: str) -> LegalBasis | None:
    """The legal basis of `rule_id` in the actor's region (what a finding page cites)."""
    region = session.get_one(Region, _own_region(actor))
    return region_pack(region).compliance.get(rule_id)


def get_finding(session: Session, actor: User, finding_id: int) -> ComplianceFinding:
    """One finding of the actor's region; another region's is as absent as a missing one."""
    region_id = _own_region(actor)
    finding = session.get(ComplianceFinding, finding_id)
    if finding is None or finding.region_id != region_id:
        raise NotFound(N_("检查结果不存在"))
    return finding
