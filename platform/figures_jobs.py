"""Count a region's board figures again in the background (platform/background.py)."""

from __future__ import annotations

import functools
from datetime import date

from flask import Flask

from skillbridge.models import utcnow
from skillbridge.platform.background import FIGURES_QUEUE, hand_off, in_own_database
from skillbridge.platform.database import Database
from skillbridge.platform.services.oversight import supervision_snapshot
from skillbridge.platform.services.reporting import dashboard_snapshot, snapshots

#: The boards by name, as the RQ job receives them.
BOARDS = {board.name: board for board in (dashboard_snapshot.BOARD, supervision_snapshot.BOARD)}


def enqueue_refresh(app: Flask, board: str, region_id: int) -> None:
    """Count the figures again after the view that found them old has answered."""
    hand_off(
        app,
        FIGURES_QUEUE,
        refresh_job,
        functools.partial(_refresh, board, region_id),
        board,
        region_id,
        name=f"{board}-figures-{region_id}",
        timeout=600,
    )


def _refresh(board: str, region_id: int, database: Database) -> None:
    snapshots.refresh(database, BOARDS[board], region_id, date.today(), utcnow())


def refresh_job(board: str, region_id: int, database_url: str) -> None:
    """The RQ job of a refresh."""
    in_own_database(functools.partial(_refresh, board, region_id), database_url)
