"""Send webhook deliveries in the background once their transaction commits (background.py)."""

from __future__ import annotations

import functools
import logging
import time

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from skillbridge.models import utcnow
from skillbridge.platform.background import WEBHOOKS_QUEUE, hand_off, in_own_database
from skillbridge.platform.database import Database
from skillbridge.platform.db import get_database
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.webhooks import delivery as deliveries
from skillbridge.platform.services.webhooks.outbox import committed_deliveries

log = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """An attempt did not get a 2xx: raised so that RQ's Retry schedules the next one."""


def delivery_settings(app: Flask) -> deliveries.DeliverySettings:
    """The WEBHOOKS_* settings of `app`."""
    return deliveries.DeliverySettings(
        allow_private=bool(app.config["WEBHOOKS_ALLOW_PRIVATE_URLS"]),
        max_attempts=int(app.config["WEBHOOKS_MAX_ATTEMPTS"]),
        intervals=tuple(app.config["WEBHOOKS_RETRY_INTERVALS"]),
        timeout=float(app.config["WEBHOOKS_TIMEOUT_SECONDS"]),
    )


def init_webhooks(app: Flask) -> None:
    """Enqueue what each of the app's sessions committed, after its transaction has ended."""
    database = get_database(app)

    def _after_end(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            for delivery_id in committed_deliveries(session):
                enqueue_delivery(app, delivery_id, attempts_made=0)

    for factory in (database.sessions, database.write_sessions):
        event.listen(factory, "after_transaction_end", _after_end)


def enqueue_delivery(app: Flask, delivery_id: int, attempts_made: int) -> None:
    """A job for the delivery's next attempt, with RQ retries for the attempts left after it.

    Without Redis (or while it is down) a thread of this process makes the attempts instead,
    sleeping between them; if the process ends first, `skillbridge webhooks-sweep` resumes.
    """
    settings = delivery_settings(app)
    waits = settings.waits_from(attempts_made)
    options = {}
    if waits:
        from rq import Retry

        options["retry"] = Retry(max=len(waits), interval=waits)
    hand_off(
        app,
        WEBHOOKS_QUEUE,
        deliver_job,
        functools.partial(_deliver_in_thread, app, delivery_id),
        delivery_id,
        name=f"webhook-delivery-{delivery_id}",
        timeout=int(settings.timeout) + 30,
        options=options,
    )


def _deliver_in_thread(app: Flask, delivery_id: int, database: Database) -> None:
    settings = delivery_settings(app)
    outcome = deliveries.attempt_delivery(database, delivery_id, settings, id_keys(app))
    while outcome is not None and outcome.retry_in is not None:
        time.sleep(outcome.retry_in)
        outcome = deliveries.attempt_delivery(database, delivery_id, settings, id_keys(app))


def deliver_job(delivery_id: int, database_url: str) -> None:
    """The RQ job of one attempt. It runs in `skillbridge worker`, whose app context gives the
    keys that decrypt the secret: they never travel through Redis."""
    app = current_app
    outcomes: list[deliveries.Outcome | None] = []
    in_own_database(
        lambda database: outcomes.append(
            deliveries.attempt_delivery(database, delivery_id, delivery_settings(app), id_keys(app))
        ),
        database_url,
    )
    outcome = outcomes[0]
    if outcome is not None and outcome.retry_in is not None:
        raise DeliveryFailed(f"delivery {delivery_id}: next attempt in {outcome.retry_in} s")


def sweep(app: Flask) -> int:
    """Enqueue again the pending deliveries long past due (their job was lost); how many."""
    with get_database(app).sessions() as session:
        lost = deliveries.lost_deliveries(session, utcnow())
    for delivery_id, attempts in lost:
        enqueue_delivery(app, delivery_id, attempts_made=attempts)
    return len(lost)
