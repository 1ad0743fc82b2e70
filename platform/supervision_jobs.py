"""Refresh a region's supervision figures in the background (platform/background.py)."""

from __future__ import annotations

import functools
from datetime import date

from flask import Flask

from skillbridge.models import utcnow
from skillbridge.platform.background import FIGURES_QUEUE, hand_off, in_own_database
from skillbridge.platform.database import Database
from skillbridge.platform.services.oversight import supervision_snapshot


def enqueue_refresh(app: Flask, region_id: int) -> None:
    """Count the region's figures again after the view that found them old has answered."""
    hand_off(
        app,
        FIGURES_QUEUE,
        refresh_job,
        functools.partial(_refresh, region_id),
        region_id,
        name=f"supervision-figures-{region_id}",
        timeout=600,
    )


def _refresh(region_id: int, database: Database) -> None:
    supervision_snapshot.refresh(database, region_id, date.today(), utcnow())


def refresh_job(region_id: int, database_url: str) -> None:
    """The RQ job of a refresh."""
    in_own_database(functools.partial(_refresh, region_id), database_url)
