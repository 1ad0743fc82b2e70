"""Webhook fixtures: a real receiver on loopback, and the Redis queue the deliveries go to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from webhook_support import Receiver

from skillbridge.platform.background import WEBHOOKS_QUEUE


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver()
    yield started
    started.close()


@pytest.fixture
def queue(app: Flask, redis_url: str):  # type: ignore[no-untyped-def]
    """The app sends its deliveries to the test Redis's webhook queue, emptied before and after."""
    import redis
    from rq import Queue

    connection = redis.Redis.from_url(redis_url)
    connection.flushdb()
    app.config["REDIS_URL"] = redis_url
    yield Queue(WEBHOOKS_QUEUE, connection=connection)
    connection.flushdb()
