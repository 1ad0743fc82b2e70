"""An upper region's figures: its cities' dashboard and supervision snapshots, summed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from skillbridge.models import Region, User
from skillbridge.platform.services.oversight import supervision_snapshot
from skillbridge.platform.services.oversight.supervision import NO_SUMS, SchoolSums, school_sums
from skillbridge.platform.services.paging import Page
from skillbridge.platform.services.regions.hierarchy import child_ids, children
from skillbridge.platform.services.reporting import dashboard_snapshot, snapshots
from skillbridge.platform.services.reporting.dashboard import require_bureau

#: The boards summed, and the region each stale one is refreshed for after commit.
Stale = list[tuple[str, int]]


@dataclass(frozen=True)
class CityFigures:
    """One region below with its headline figures and when they were counted."""

    region: Region
    totals: dict[str, int]
    supervision: SchoolSums
    counted_at: datetime


@dataclass(frozen=True)
class RegionSums:
    """The upper region, the sums over every region below it, and one page of them."""

    region: Region
    totals: dict[str, int]
    supervision: SchoolSums
    #: The oldest count summed: the sums are as old as that (None without regions below).
    counted_at: datetime | None
    cities: Page[CityFigures]


def _city(
    session: Session, region_id: int, today: date, now: datetime, stale: Stale
) -> tuple[dict[str, int], SchoolSums, datetime]:
    """A region's snapshots of both boards (counted on their first view), never recounted."""
    charts, old = snapshots.current(session, dashboard_snapshot.BOARD, region_id, today, now)
    if old:
        stale.append((dashboard_snapshot.BOARD.name, region_id))
    counted, old = snapshots.current(session, supervision_snapshot.BOARD, region_id, today, now)
    if old:
        stale.append((supervision_snapshot.BOARD.name, region_id))
    return charts.totals, school_sums(counted), min(charts.at, counted.at)


def region_sums(
    session: Session, actor: User, today: date, now: datetime, page: int = 1
) -> tuple[RegionSums, Stale]:
    """The actor's region's sums over the regions directly below it (none for a city), and the
    snapshots the caller refreshes after commit; PermissionDenied for anyone but an officer."""
    region = session.get_one(Region, require_bureau(actor))
    stale: Stale = []
    figures = {cid: _city(session, cid, today, now, stale) for cid in child_ids(session, region.id)}
    totals: dict[str, int] = {}
    sums = NO_SUMS
    for city_totals, city_sums, _at in figures.values():
        for key, value in city_totals.items():
            totals[key] = totals.get(key, 0) + value
        sums = sums + city_sums
    cut = children(session, region.id, page)
    rows = [CityFigures(city, *figures[city.id]) for city in cut.items]
    return (
        RegionSums(
            region,
            totals,
            sums,
            min((at for _t, _s, at in figures.values()), default=None),
            cut.with_items(rows),
        ),
        stale,
    )
