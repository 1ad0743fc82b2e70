"""The supervision view's board: its grouped figures kept per region (reporting/snapshots.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from skillbridge.platform.services.oversight.supervision import Counted, GroupedFigures, count
from skillbridge.platform.services.reporting import snapshots


def _encode(counted: Counted) -> dict[str, Any]:
    return {"schools": counted.schools.to_json(), "enterprises": counted.enterprises.to_json()}


def _decode(data: dict[str, Any], at: datetime) -> Counted:
    return Counted(
        GroupedFigures.from_json(data["schools"]), GroupedFigures.from_json(data["enterprises"]), at
    )


BOARD = snapshots.Board("supervision", count, _encode, _decode)
