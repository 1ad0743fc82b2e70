"""Run match runs in the background: RQ on Redis when configured, a worker thread otherwise."""

from __future__ import annotations

import logging
import threading
from datetime import date

from flask import Flask

from skillbridge.platform.database import Database
from skillbridge.platform.db import get_database
from skillbridge.platform.services.matching.runs import execute_run

QUEUE_NAME = "skillbridge-matching"
log = logging.getLogger(__name__)


def enqueue_run(app: Flask, run_id: int) -> None:
    """Hand a committed, queued run to the background; the web request returns at once.

    With Redis configured the run goes to the RQ queue; if Redis cannot take it (an outage), the
    run is not left queued forever (it would block the region's next run): this process runs it.
    """
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        from redis import Redis
        from redis.exceptions import RedisError
        from rq import Queue

        connection = Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=5)
        try:
            Queue(QUEUE_NAME, connection=connection).enqueue(
                run_job, run_id, app.config["DATABASE_URL"], job_timeout=3600
            )
            return
        except RedisError:
            log.warning("Redis unreachable: match run %s runs in this process", run_id)
    database = get_database(app)
    threading.Thread(
        target=_run_logged, args=(database, run_id), name=f"match-run-{run_id}", daemon=True
    ).start()


def _run_logged(database: Database, run_id: int) -> None:
    """A thread has no one to raise to: the failure is on the run row; log it too."""
    try:
        execute_run(database, run_id, date.today())
    except Exception:
        log.exception("match run %s failed", run_id)


def run_job(run_id: int, database_url: str) -> None:
    """The RQ job: its own engine, since an RQ worker is another process."""
    database = Database(database_url)
    try:
        execute_run(database, run_id, date.today())
    finally:
        database.engine.dispose()


def run_worker(redis_url: str, burst: bool = False) -> None:
    """Serve the match-run queue (the `skillbridge worker` command)."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(redis_url)
    Worker([Queue(QUEUE_NAME, connection=connection)], connection=connection).work(burst=burst)
