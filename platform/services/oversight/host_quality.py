"""The host-quality index per enterprise: ratings, incidents, N7 breaches and journal review.

Each part is a risk from 0 to 1 computed from one grouped query over the region's hosts; the
index is 100 × (1 − the weighted mean risk) over the parts a host has data for, with the weights
of supervision.toml. Hosts with fewer placements than the file's minimum get no index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    AttendanceDay,
    Enterprise,
    HostRating,
    Incident,
    Journal,
    Placement,
    Slot,
    User,
)
from skillbridge.platform.policy.supervision import QualitySettings, quality_settings
from skillbridge.platform.services.evaluations.ratings import ASPECTS, RATING_MAX, RATING_MIN
from skillbridge.platform.services.evaluations.scores import EVALUATED
from skillbridge.platform.services.oversight.checks.working_time import BREACHING, FILED
from skillbridge.platform.services.paging import Page, page_of
from skillbridge.platform.services.reporting.dashboard import require_bureau
from skillbridge.platform.services.reporting.supervision_terms import REVIEWED


@dataclass(frozen=True)
class HostFacts:
    """What the index is computed from, for one enterprise."""

    placements: int = 0
    ratings: int = 0
    rating_mean: float = 0.0  # the mean of every aspect of every rating, 1–5
    incident_points: int = 0
    incidents: int = 0
    breached_placements: int = 0
    breaching_days: int = 0
    journals_submitted: int = 0
    journals_reviewed: int = 0


@dataclass(frozen=True)
class HostQuality:
    """One host's index (None: insufficient data), each part's risk (None: no data) and facts."""

    enterprise_id: int
    name: str
    facts: HostFacts
    risks: dict[str, float | None]
    index: int | None

    @property
    def insufficient(self) -> bool:
        return self.index is None


def _per_host(region_id: int, *columns: object) -> Select:
    """Rows of the region's hosts' placements, grouped by host (callers add joins)."""
    return (
        select(Slot.enterprise_id, *columns)
        .select_from(Placement)
        .join(Slot, Slot.id == Placement.slot_id)
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .where(Enterprise.region_id == region_id)
        .group_by(Slot.enterprise_id)
    )


def host_facts(
    session: Session, region_id: int, today: date, enterprise_ids: list[int] | None = None
) -> dict[int, HostFacts]:
    """The facts of every host of the region with a running or ended placement (five queries).

    The ratings are those `ratings.host_rating_summary` aggregates, grouped for every host at once.
    """
    settings = quality_settings()

    def scoped(statement: Select) -> Select:
        if enterprise_ids is not None:
            statement = statement.where(Slot.enterprise_id.in_(enterprise_ids))
        return statement

    placements = dict(
        session.execute(
            scoped(
                _per_host(region_id, func.count(Placement.id)).where(
                    Placement.status.in_(EVALUATED)
                )
            )
        ).all()
    )
    aspect_sum = sum(getattr(HostRating, aspect) for aspect in ASPECTS)
    ratings = {
        host: (count, float(total or 0) / (count * len(ASPECTS)) if count else 0.0)
        for host, count, total in session.execute(
            scoped(
                _per_host(region_id, func.count(HostRating.id), func.sum(aspect_sum)).join(
                    HostRating, HostRating.placement_id == Placement.id
                )
            )
        )
    }
    points = sum(
        func.count(Incident.id).filter(Incident.severity == severity) * weight
        for severity, weight in settings.severity_points.items()
    )
    incidents = {
        host: (int(count), int(total))
        for host, count, total in session.execute(
            scoped(
                _per_host(region_id, func.count(Incident.id), points).join(
                    Incident, Incident.placement_id == Placement.id
                )
            )
        )
    }
    breaches = {
        host: (int(count), int(days))
        for host, count, days in session.execute(
            scoped(
                _per_host(
                    region_id,
                    func.count(distinct(AttendanceDay.placement_id)),
                    func.count(AttendanceDay.id),
                )
                .join(AttendanceDay, AttendanceDay.placement_id == Placement.id)
                .where(BREACHING, ~FILED, AttendanceDay.day <= today)
            )
        )
    }
    journals = {
        host: (int(submitted), int(reviewed))
        for host, submitted, reviewed in session.execute(
            scoped(
                _per_host(
                    region_id,
                    func.count(Journal.id),
                    func.count(Journal.id).filter(Journal.status.in_(REVIEWED)),
                )
                .join(Journal, Journal.placement_id == Placement.id)
                .where(Journal.first_submitted_at.is_not(None))
            )
        )
    }
    return {
        host: HostFacts(
            placements=count,
            ratings=ratings.get(host, (0, 0.0))[0],
            rating_mean=ratings.get(host, (0, 0.0))[1],
            incidents=incidents.get(host, (0, 0))[0],
            incident_points=incidents.get(host, (0, 0))[1],
            breached_placements=breaches.get(host, (0, 0))[0],
            breaching_days=breaches.get(host, (0, 0))[1],
            journals_submitted=journals.get(host, (0, 0))[0],
            journals_reviewed=journals.get(host, (0, 0))[1],
        )
        for host, count in placements.items()
    }


def risks(facts: HostFacts, settings: QualitySettings) -> dict[str, float | None]:
    """Each part's risk in [0, 1]; None where the host has no data for the part."""
    placements = max(facts.placements, 1)
    return {
        # 5 of 5 on every aspect is no risk, 1 of 5 full risk.
        "ratings": (RATING_MAX - facts.rating_mean) / (RATING_MAX - RATING_MIN)
        if facts.ratings
        else None,
        "incidents": min(
            1.0, facts.incident_points / (placements * settings.full_risk_points_per_placement)
        ),
        # The share of the host's placements with at least one unfiled breaching day.
        "working_time": min(1.0, facts.breached_placements / placements),
        "journal_review": 1 - facts.journals_reviewed / facts.journals_submitted
        if facts.journals_submitted
        else None,
    }


def index_of(part_risks: dict[str, float | None], settings: QualitySettings) -> int:
    """100 × (1 − Σ wᵢ·riskᵢ / Σ wᵢ) over the parts with data; 100 when no part has any."""
    scored = [(settings.weights[p], r) for p, r in part_risks.items() if r is not None]
    total = sum(weight for weight, _ in scored)
    if not total:
        return 100
    return round(100 * (1 - sum(weight * risk for weight, risk in scored) / total))


def host_quality(
    session: Session, region_id: int, today: date, enterprise_ids: list[int] | None = None
) -> list[HostQuality]:
    """Every host of the region with placements: its index (None below the minimum), parts."""
    settings = quality_settings()
    facts = host_facts(session, region_id, today, enterprise_ids)
    names = dict(
        session.execute(
            select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(facts))
        ).all()
    )
    hosts = []
    for host, fact in facts.items():
        part_risks = risks(fact, settings)
        enough = fact.placements >= settings.min_placements
        hosts.append(
            HostQuality(
                host,
                names[host],
                fact,
                part_risks,
                index_of(part_risks, settings) if enough else None,
            )
        )
    return hosts


def risk_ranking(session: Session, actor: User, today: date, page: int) -> Page[HostQuality]:
    """The bureau's ranking: worst index first (ties by name), then insufficient data, by name."""
    region_id = require_bureau(actor)
    hosts = sorted(
        host_quality(session, region_id, today),
        key=lambda h: (h.index is None, h.index if h.index is not None else 0, h.name),
    )
    return page_of(hosts, page)


def host_risks(session: Session, region_id: int, today: date) -> dict[int, float]:
    """Each ranked host's risk for the matching engine's optional part: 1 − index / 100.

    Hosts with insufficient data get no risk (0): too few placements to judge them by.
    """
    return {
        host.enterprise_id: 1 - host.index / 100
        for host in host_quality(session, region_id, today)
        if host.index is not None
    }
