"""The region's supervision figures as last counted, and their refresh when they grow old."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from skillbridge.models import SupervisionSnapshot, User
from skillbridge.platform.database import Database
from skillbridge.platform.policy.supervision import quality_settings
from skillbridge.platform.services.oversight.supervision import Counted, GroupedFigures, count
from skillbridge.platform.services.reporting.dashboard import require_bureau
from skillbridge.platform.services.upserts import dialect_insert


def _max_age() -> timedelta:
    return timedelta(minutes=quality_settings().figures_max_age_minutes)


def _decode(row: SupervisionSnapshot) -> Counted:
    return Counted(
        GroupedFigures.from_json(row.figures["schools"]),
        GroupedFigures.from_json(row.figures["enterprises"]),
        row.computed_at,
    )


def store(session: Session, region_id: int, today: date, counted: Counted) -> None:
    """Replace the region's snapshot (two first views counting at once: the later one stays)."""
    values = {
        "computed_for": today,
        "computed_at": counted.at,
        "figures": {
            "schools": counted.schools.to_json(),
            "enterprises": counted.enterprises.to_json(),
        },
        "refresh_claimed_at": None,
    }
    session.execute(
        dialect_insert(session, SupervisionSnapshot)
        .values(region_id=region_id, **values)
        .on_conflict_do_update(index_elements=["region_id"], set_=values)
    )
    session.expire_all()


def _claim_refresh(session: Session, region_id: int, today: date, now: datetime) -> bool:
    """Mark an old snapshot (older than the maximum age, or counted for another day) as being
    refreshed; True for the one caller that marked it.

    A mark older than the maximum age is taken for a refresh that died (its process was
    stopped) and may be taken over.
    """
    old = now - _max_age()
    claimed = session.execute(
        update(SupervisionSnapshot)
        .where(
            SupervisionSnapshot.region_id == region_id,
            or_(
                SupervisionSnapshot.computed_at < old,
                SupervisionSnapshot.computed_for != today,
            ),
            or_(
                SupervisionSnapshot.refresh_claimed_at.is_(None),
                SupervisionSnapshot.refresh_claimed_at < old,
            ),
        )
        .values(refresh_claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def current(
    session: Session, actor: User, today: date, now: datetime
) -> tuple[Counted, int | None]:
    """The bureau's region's figures, and the region the caller refreshes after commit (or None).

    The first view of a region counts them and stores them. Later views show the stored ones,
    and one caller refreshes them in the background once they are older than supervision.toml's
    maximum age or were counted for another day (weeks due and deadlines move with the date):
    the page says when they were counted, and no view waits for a count.
    """
    region_id = require_bureau(actor)
    row = session.get(SupervisionSnapshot, region_id)
    if row is None:
        counted = count(session, region_id, today, now)
        store(session, region_id, today, counted)
        return counted, None
    return _decode(row), region_id if _claim_refresh(session, region_id, today, now) else None


def refresh(database: Database, region_id: int, today: date, now: datetime) -> None:
    """Count the region's figures in a read-only transaction, then store them in a short one."""
    with database.sessions() as session:
        counted = count(session, region_id, today, now)
    with database.session_scope() as session:
        store(session, region_id, today, counted)
