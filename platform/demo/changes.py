"""Demo changes to running placements: the demo school paused two, and resumed one of them; the
demo host proposed to end a third two weeks early, an amendment waiting for signatures."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import PlacementStatus, User, utcnow
from skillbridge.platform.demo.region import DEMO_LOGINS
from skillbridge.platform.services.placements import amendments, changes, records
from skillbridge.platform.services.placements.lifecycle import open_pause

# Days after the season's start date the pauses begin and the first one ends.
PAUSED_AFTER, RESUMED_AFTER = 10, 24
# The demo amendment brings a placement's end this many days forward.
AMENDED_EARLIER = 14
# How many of the demo host's running placements are looked at for one that is not paused.
AMENDMENT_CANDIDATES = 5


def seed_demo_changes(session: Session, season_date: date) -> dict[str, int]:
    """Pause two of the demo school's running placements; resume the first (its history shows);
    the demo host proposes an earlier end for one of its running placements that is not paused."""
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
    return {"paused (demo school)": len(running), **_propose_amendment(session, resumed_on)}


def _propose_amendment(session: Session, today: date) -> dict[str, int]:
    host = session.scalars(select(User).where(User.email == DEMO_LOGINS["enterprise"])).one()
    candidates = records.placements_page(
        session, host, 1, per_page=AMENDMENT_CANDIDATES, statuses=(PlacementStatus.ACTIVE,)
    ).items
    for context in candidates:
        placement = context.placement
        new_end = placement.end_date - timedelta(days=AMENDED_EARLIER)
        if open_pause(session, placement.id) is None and new_end > today:
            proposal = amendments.Proposal(new_end, "企业项目提前完成，三方协商提前结束")
            amendments.propose_amendment(session, host, placement.id, proposal, utcnow(), today)
            return {"amendments pending (demo host)": 1}
    return {}
