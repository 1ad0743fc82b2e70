"""Hand committed work to the background: RQ on Redis when configured, a thread otherwise."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask

from skillbridge.platform.database import Database
from skillbridge.platform.db import get_database

log = logging.getLogger(__name__)

#: The queues `skillbridge worker` serves, in the order it takes jobs from them.
MATCHING_QUEUE = "skillbridge-matching"
FIGURES_QUEUE = "skillbridge-figures"
WEBHOOKS_QUEUE = "skillbridge-webhooks"
QUEUES = (MATCHING_QUEUE, FIGURES_QUEUE, WEBHOOKS_QUEUE)


def hand_off(
    app: Flask,
    queue: str,
    job: Callable[..., None],
    in_process: Callable[[Database], None],
    *args: Any,
    name: str,
    timeout: int,
    options: Mapping[str, Any] | None = None,
) -> None:
    """Run `job(*args, database_url)` on an RQ worker, or `in_process(database)` in a thread.

    The web request returns at once either way. Without Redis configured, or when Redis cannot
    take the job (an outage), this process runs it: the work was asked for and is not dropped.
    `options` go to RQ's enqueue as they are (a webhook delivery's `retry`).
    """
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        from redis import Redis
        from redis.exceptions import RedisError
        from rq import Queue

        connection = Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=5)
        try:
            Queue(queue, connection=connection).enqueue(
                job, *args, app.config["DATABASE_URL"], job_timeout=timeout, **(options or {})
            )
            return
        except RedisError:
            log.warning("Redis unreachable: %s runs in this process", name)
    database = get_database(app)
    threading.Thread(
        target=_logged, args=(in_process, database, name), name=name, daemon=True
    ).start()


def _logged(work: Callable[[Database], None], database: Database, name: str) -> None:
    """A thread has no one to raise to: log the failure."""
    try:
        work(database)
    except Exception:
        log.exception("%s failed", name)


def in_own_database(work: Callable[[Database], None], database_url: str) -> None:
    """Run `work` on an engine of its own, as an RQ job must (a worker is another process)."""
    database = Database(database_url)
    try:
        work(database)
    finally:
        database.engine.dispose()


def run_worker(redis_url: str, burst: bool = False) -> None:
    """Serve every queue (the `skillbridge worker` command), with RQ's scheduler: a webhook
    delivery's retries wait in its scheduled registry and only the scheduler enqueues them."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(redis_url)
    Worker([Queue(q, connection=connection) for q in QUEUES], connection=connection).work(
        burst=burst, with_scheduler=True
    )
