"""The supervision view's board: its grouped figures kept per region (reporting/snapshots.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from skillbridge.models import User
from skillbridge.platform.services.oversight.supervision import Counted, GroupedFigures, count
from skillbridge.platform.services.reporting import snapshots
from skillbridge.platform.services.reporting.dashboard import require_bureau


def _encode(counted: Counted) -> dict[str, Any]:
    return {"schools": counted.schools.to_json(), "enterprises": counted.enterprises.to_json()}


def _decode(data: dict[str, Any], at: datetime) -> Counted:
    return Counted(
        GroupedFigures.from_json(data["schools"]), GroupedFigures.from_json(data["enterprises"]), at
    )


BOARD = snapshots.Board("supervision", count, _encode, _decode)


def current(
    session: Session, actor: User, today: date, now: datetime
) -> tuple[Counted, int | None]:
    """The bureau's region's figures, and the region the caller refreshes after commit (or None)."""
    region_id = require_bureau(actor)
    counted, stale = snapshots.current(session, BOARD, region_id, today, now)
    return counted, region_id if stale else None
