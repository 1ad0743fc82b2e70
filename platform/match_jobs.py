"""Run match runs in the background (platform/background.py)."""

from __future__ import annotations

import functools
from datetime import date

from flask import Flask

from skillbridge.platform.background import MATCHING_QUEUE, hand_off, in_own_database
from skillbridge.platform.database import Database
from skillbridge.platform.services.matching.runs import execute_run


def enqueue_run(app: Flask, run_id: int) -> None:
    """Hand a committed, queued run to the background; the web request returns at once.

    If Redis cannot take the run, it is not left queued forever (it would block the region's
    next run): this process runs it.
    """
    hand_off(
        app,
        MATCHING_QUEUE,
        run_job,
        functools.partial(_execute, run_id),
        run_id,
        name=f"match-run-{run_id}",
        timeout=3600,
    )


def _execute(run_id: int, database: Database) -> None:
    execute_run(database, run_id, date.today())


def run_job(run_id: int, database_url: str) -> None:
    """The RQ job of a match run."""
    in_own_database(functools.partial(_execute, run_id), database_url)
