"""Demo changes to running placements: the demo school paused two, and resumed one of them."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import PlacementStatus, User
from skillbridge.platform.demo.region import DEMO_LOGINS
from skillbridge.platform.services.placements import changes, records

# Days after the season's start date the pauses begin and the first one ends.
PAUSED_AFTER, RESUMED_AFTER = 10, 24


def seed_demo_changes(session: Session, season_date: date) -> dict[str, int]:
    """Pause two of the demo school's running placements; resume the first (its history shows)."""
    school = session.scalars(select(User).where(User.email == DEMO_LOGINS["school"])).one()
    running = records.placements_page(
        session, school, 1, per_page=2, statuses=(PlacementStatus.ACTIVE,)
    ).items
    paused_on, resumed_on = (
        season_date + timedelta(days=PAUSED_AFTER),
        season_date + timedelta(days=RESUMED_AFTER),
    )
    for context in running:
        changes.pause_placement(
            session, school, context.placement.id, paused_on, "企业设备检修停产", paused_on
        )
    if running:
        changes.resume_placement(session, school, running[0].placement.id, resumed_on, resumed_on)
    return {"paused (demo school)": len(running)}
