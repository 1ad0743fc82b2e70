"""On-site inspections: a seeded sample of placements, stratified by enterprise, and its outcomes."""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Enterprise,
    Inspection,
    InspectionOutcome,
    InspectionSample,
    Placement,
    PlacementStatus,
    School,
    Slot,
    Student,
    User,
    utcnow,
)
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import can_audit_region
from skillbridge.platform.services.reporting.dashboard import require_bureau
from skillbridge.platform.text import N_

# Placements an inspector can visit: accepted or under way, not yet over on the reference day.
SAMPLED_STATUSES = (PlacementStatus.ACCEPTED, PlacementStatus.ACTIVE)
MAX_SIZE = 1000
METHOD = (
    "proportional allocation by enterprise (largest remainder, ties in seeded order); "
    "simple random sample without replacement within each enterprise; random.Random(seed) "
    "over placements ordered by (enterprise id, placement id)"
)
OUTCOME_LABELS = {
    InspectionOutcome.PENDING: N_("待检查"),
    InspectionOutcome.COMPLIANT: N_("符合要求"),
    InspectionOutcome.ISSUES_FOUND: N_("发现问题"),
    InspectionOutcome.NOT_REACHABLE: N_("未能检查"),
}


def allocate(strata: Mapping[int, int], size: int, rng: random.Random) -> dict[int, int]:
    """Seats per stratum proportional to its size: floor of the exact share, then the remaining
    seats to the largest remainders. Every stratum gets ⌊share⌋ or ⌈share⌉; ties between equal
    remainders fall in the order of a seeded shuffle, so they are reproducible but not biased
    toward low ids."""
    total = sum(strata.values())
    if not 0 <= size <= total:
        raise ValueError(f"size {size} outside 0..{total}")
    shares = {key: Fraction(size * n, total) for key, n in strata.items()}
    counts = {key: int(share) for key, share in shares.items()}
    order = sorted(strata)
    rng.shuffle(order)
    order.sort(key=lambda key: shares[key] - counts[key], reverse=True)  # stable: keeps shuffle
    for key in order[: size - sum(counts.values())]:
        counts[key] += 1
    return counts


def draw(strata: Mapping[int, list[int]], size: int, seed: int) -> dict[int, list[int]]:
    """The sampled ids per stratum; the same strata, size and seed always give the same draw."""
    rng = random.Random(seed)
    counts = allocate({key: len(ids) for key, ids in strata.items()}, size, rng)
    return {key: sorted(rng.sample(sorted(strata[key]), counts[key])) for key in sorted(strata)}


def population(session: Session, region_id: int, as_of: date) -> dict[int, list[int]]:
    """Placement ids per host enterprise of the region that an inspector could visit on `as_of`."""
    rows = session.execute(
        select(Slot.enterprise_id, Placement.id)
        .join(Slot, Slot.id == Placement.slot_id)
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .where(Enterprise.region_id == region_id)
        .where(Placement.status.in_(SAMPLED_STATUSES), Placement.end_date >= as_of)
        .order_by(Slot.enterprise_id, Placement.id)
    )
    strata: dict[int, list[int]] = {}
    for enterprise_id, placement_id in rows:
        strata.setdefault(enterprise_id, []).append(placement_id)
    return strata


def _digest(strata: Mapping[int, list[int]]) -> str:
    """A fingerprint of the population, so a later redraw can show it used the same one."""
    text = ";".join(f"{key}:{','.join(map(str, ids))}" for key, ids in sorted(strata.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def draw_sample(
    session: Session, actor: User, size: int, as_of: date, seed: int | None = None
) -> InspectionSample:
    """Draw and store a sample of the actor's region; a missing seed is chosen and recorded."""
    region_id = require_bureau(actor)
    if not 1 <= size <= MAX_SIZE:
        raise InvalidInput(N_("抽查数量须在 1 到 %s 之间") % MAX_SIZE)
    strata = population(session, region_id, as_of)
    total = sum(len(ids) for ids in strata.values())
    if total == 0:
        raise Conflict(N_("没有可抽查的实习安排"))
    seed = secrets.randbelow(2**31) if seed is None else seed
    size = min(size, total)
    chosen = draw(strata, size, seed)
    sample = InspectionSample(
        region_id=region_id,
        seed=seed,
        size=size,
        as_of=as_of,
        drawn_by_id=actor.id,
        parameters={
            "method": METHOD,
            "statuses": [s.value for s in SAMPLED_STATUSES],
            "population": total,
            "population_sha256": _digest(strata),
            "strata": {str(k): [len(strata[k]), len(chosen[k])] for k in sorted(strata)},
        },
    )
    session.add(sample)
    session.flush()
    session.add_all(
        Inspection(sample_id=sample.id, placement_id=pid) for ids in chosen.values() for pid in ids
    )
    session.flush()
    audit.record(
        session,
        actor,
        "inspection_sample.drawn",
        "inspection_sample",
        sample.id,
        {"seed": seed, "size": size, "population": total, "as_of": as_of.isoformat()},
    )
    return sample


@dataclass(frozen=True)
class SampleSummary:
    sample: InspectionSample
    outcomes: dict[InspectionOutcome, int]


def list_samples(session: Session, actor: User, page: int = 1) -> Page[SampleSummary]:
    """A page of the region's samples, newest first, with how many visits have each outcome."""
    region_id = require_bureau(actor)
    statement = (
        select(InspectionSample)
        .where(InspectionSample.region_id == region_id)
        .order_by(InspectionSample.id.desc())
    )
    listed = paginate(session, statement, page, first_column)
    samples: list[InspectionSample] = listed.items
    counts: dict[int, dict[InspectionOutcome, int]] = {s.id: {} for s in samples}
    rows = session.execute(
        select(Inspection.sample_id, Inspection.outcome, func.count())
        .where(Inspection.sample_id.in_(list(counts)))
        .group_by(Inspection.sample_id, Inspection.outcome)
    )
    for sample_id, outcome, n in rows:
        counts[sample_id][InspectionOutcome(outcome)] = n
    return listed.with_items([SampleSummary(s, counts[s.id]) for s in samples])


def _load_sample(session: Session, actor: User, sample_id: int) -> InspectionSample:
    sample = session.get(InspectionSample, sample_id)
    if sample is None:
        raise NotFound(N_("抽查批次不存在"))
    if not can_audit_region(actor, {sample.region_id}):
        raise PermissionDenied(N_("只有本地区人社局可以查看抽查批次"))
    return sample


@dataclass(frozen=True)
class Visit:
    inspection: Inspection
    placement: Placement
    student: str
    school: str
    enterprise: str
    enterprise_id: int
    slot: str


def _visits_query(sample_id: int) -> Select:
    return (
        select(
            Inspection,
            Placement,
            Student.name,
            School.name,
            Enterprise.name,
            Enterprise.id,
            Slot.title,
        )
        .join(Placement, Placement.id == Inspection.placement_id)
        .join(Student, Student.id == Placement.student_id)
        .join(School, School.id == Student.school_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .where(Inspection.sample_id == sample_id)
        .order_by(Enterprise.id, Placement.id)
    )


def get_sample(
    session: Session, actor: User, sample_id: int
) -> tuple[InspectionSample, list[Visit]]:
    """A sample and its visits grouped by enterprise (404 before 403)."""
    sample = _load_sample(session, actor, sample_id)
    return sample, [Visit(*row) for row in session.execute(_visits_query(sample.id))]


VISIT_HEADERS = (
    N_("检查编号"),
    N_("实习单位"),
    N_("安排编号"),
    N_("学生"),
    N_("学校"),
    N_("岗位"),
    N_("结果"),
    N_("检查人"),
    N_("检查日期"),
    N_("记录"),
)


def visit_rows(session: Session, actor: User, sample_id: int) -> list[tuple]:
    """The sample's visits as export rows (headers: VISIT_HEADERS); at most MAX_SIZE of them."""
    _sample, visits = get_sample(session, actor, sample_id)
    return [_visit_row(v) for v in visits]


def _visit_row(v: Visit) -> tuple:
    i = v.inspection
    return (
        i.id,
        v.enterprise,
        v.placement.id,
        v.student,
        v.school,
        v.slot,
        OUTCOME_LABELS[i.outcome],
        i.inspector_name or "",
        i.inspected_on.isoformat() if i.inspected_on else "",
        i.notes,
    )


def get_visit(session: Session, actor: User, inspection_id: int) -> Inspection:
    """One visit of a sample (404 before 403)."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFound(N_("检查记录不存在"))
    _load_sample(session, actor, inspection.sample_id)
    return inspection


@dataclass(frozen=True)
class Outcome:
    outcome: InspectionOutcome
    inspector_name: str
    inspected_on: date
    notes: str


def record_outcome(
    session: Session, actor: User, inspection_id: int, result: Outcome, today: date
) -> Inspection:
    """Record what the visit found; a later record corrects an earlier one, both are audited."""
    inspection = get_visit(session, actor, inspection_id)
    problems = []
    if result.outcome == InspectionOutcome.PENDING:
        problems.append(N_("请选择检查结果"))
    if not result.inspector_name.strip():
        problems.append(N_("请填写检查人"))
    if result.outcome == InspectionOutcome.ISSUES_FOUND and not result.notes.strip():
        problems.append(N_("发现问题时须写明问题"))
    if result.inspected_on > today:
        problems.append(N_("检查日期不能晚于今天"))
    if problems:
        raise InvalidInput(N_("检查结果不完整"), details=problems)
    previous = inspection.outcome
    inspection.outcome = result.outcome
    inspection.inspector_name = result.inspector_name.strip()
    inspection.inspected_on = result.inspected_on
    inspection.notes = result.notes.strip()
    inspection.recorded_by_id = actor.id
    inspection.recorded_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "inspection.recorded",
        "inspection",
        inspection.id,
        {
            "placement_id": inspection.placement_id,
            "outcome": result.outcome.value,
            "previous": previous.value,
            "inspected_on": result.inspected_on.isoformat(),
        },
    )
    return inspection
