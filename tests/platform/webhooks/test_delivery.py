"""Deliveries over real HTTP to a receiver on loopback: signed, retried on RQ, logged, guarded."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from webhook_support import SECRET, add_endpoint, verify

from skillbridge.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)
from skillbridge.platform.background import run_worker
from skillbridge.platform.db import get_database
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.webhooks import outbox
from skillbridge.platform.services.webhooks.delivery import DeliverySettings, attempt_delivery
from skillbridge.platform.services.webhooks.signing import signature_header
from skillbridge.platform.services.webhooks.signing import verify as platform_verify

ROSTER = {"school_id": 1, "student_ids": [7], "cohort_ids": [3]}


def _settings(**changes) -> DeliverySettings:  # type: ignore[no-untyped-def]
    values = {"allow_private": True, "max_attempts": 3, "intervals": (1,), "timeout": 5.0}
    return DeliverySettings(**(values | changes))


def _school_endpoint(app, session, world, url: str):  # type: ignore[no-untyped-def]
    return add_endpoint(
        session, id_keys(app), url, world.users["school"].id, school_id=world.school.id
    )


def _emit_roster(session, world) -> WebhookDelivery:  # type: ignore[no-untyped-def]
    event = outbox.emit(session, "roster.imported", ROSTER, [outbox.school(world.school.id)])
    return session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.event_id == event.id)
    ).one()


def _attempts(session, delivery_id: int) -> list[WebhookAttempt]:  # type: ignore[no-untyped-def]
    session.rollback()  # end the read snapshot: the attempts were committed elsewhere
    session.expire_all()
    return list(
        session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.number)
        )
    )


def test_a_delivery_is_signed_and_the_receiver_verifies_it(app, session, world, queue, receiver):
    _school_endpoint(app, session, world, receiver.url)
    delivery = _emit_roster(session, world)
    session.commit()
    outcome = attempt_delivery(get_database(app), delivery.id, _settings(), id_keys(app))
    assert outcome is not None and outcome.delivered
    [got] = receiver.received
    assert got.verified
    assert got.headers["X-SkillBridge-Event"] == "roster.imported"
    assert got.headers["X-SkillBridge-Delivery"] == delivery.uid
    payload = json.loads(got.body)
    event = session.get(WebhookEvent, delivery.event_id)
    assert payload == {
        "id": event.uid,
        "type": "roster.imported",
        "created_at": payload["created_at"],
        "organisation": {"kind": "school", "id": world.school.id},
        "data": ROSTER,
    }
    # The signature fails under another secret, on another body, and once outside the window.
    header = got.headers["X-SkillBridge-Signature"]
    assert not verify("whsec_another", header, got.body)
    assert not verify(SECRET, header, got.body + b" ")
    old = signature_header(SECRET, int(time.time()) - 301, got.body)
    assert not verify(SECRET, old, got.body) and verify(SECRET, old, got.body, tolerance=400)
    assert platform_verify(SECRET, header, got.body, int(time.time()))
    assert not platform_verify(SECRET, old, got.body, int(time.time()))
    session.rollback()  # end the read snapshot: the attempts were committed elsewhere
    session.expire_all()
    delivered = session.get(WebhookDelivery, delivery.id)
    assert delivered.status == DeliveryStatus.DELIVERED and delivered.last_status_code == 200


def test_fails_twice_then_succeeds_through_the_worker_and_its_scheduler(
    app, session, world, queue, receiver
) -> None:  # type: ignore[no-untyped-def]
    app.config["WEBHOOKS_RETRY_INTERVALS"] = [1, 1]
    receiver.script = [500, 500, 200]
    _school_endpoint(app, session, world, receiver.url)
    delivery = _emit_roster(session, world)
    session.commit()  # the commit enqueues the job, with RQ retries for the attempts left
    assert queue.count == 1
    job = queue.jobs[0]
    assert job.retries_left == 5 and job.retry_intervals == [1, 1, 1, 1, 1]
    deadline = time.monotonic() + 20
    while len(receiver.received) < 3 and time.monotonic() < deadline:
        with app.app_context():  # `skillbridge worker` runs in the app's context too
            run_worker(app.config["REDIS_URL"], burst=True)
        time.sleep(0.3)
    assert [r.verified for r in receiver.received] == [True, True, True]
    assert {r.headers["X-SkillBridge-Delivery"] for r in receiver.received} == {delivery.uid}
    assert len({r.body for r in receiver.received}) == 1  # every attempt sends the same bytes
    attempts = _attempts(session, delivery.id)
    assert [(a.number, a.status_code) for a in attempts] == [(1, 500), (2, 500), (3, 200)]
    assert [a.error for a in attempts] == ["HTTP 500", "HTTP 500", None]
    assert all(a.duration_ms >= 0 for a in attempts)
    done = session.get(WebhookDelivery, delivery.id)
    assert done.status == DeliveryStatus.DELIVERED and done.attempts == 3
    assert done.next_attempt_at is None and done.delivered_at is not None


def test_out_of_attempts_the_delivery_fails_and_keeps_its_log(app, session, world, queue, receiver):
    receiver.script = [500, 503]
    _school_endpoint(app, session, world, receiver.url)
    delivery = _emit_roster(session, world)
    session.commit()
    settings, database = _settings(max_attempts=2, intervals=(0,)), get_database(app)
    first = attempt_delivery(database, delivery.id, settings, id_keys(app))
    assert first is not None and not first.delivered and first.retry_in == 0
    last = attempt_delivery(database, delivery.id, settings, id_keys(app))
    assert last is not None and last.retry_in is None
    assert attempt_delivery(database, delivery.id, settings, id_keys(app)) is None
    assert [a.status_code for a in _attempts(session, delivery.id)] == [500, 503]
    failed = session.get(WebhookDelivery, delivery.id)
    assert failed.status == DeliveryStatus.FAILED and failed.last_error == "HTTP 503"


def test_a_redirect_is_not_followed(app, session, world, queue, receiver):
    receiver.script = [302]
    _school_endpoint(app, session, world, receiver.url)
    delivery = _emit_roster(session, world)
    session.commit()
    outcome = attempt_delivery(get_database(app), delivery.id, _settings(), id_keys(app))
    assert outcome is not None and not outcome.delivered
    assert [r.path for r in receiver.received] == ["/hook"]  # never the Location
    [attempt] = _attempts(session, delivery.id)
    assert attempt.status_code == 302 and "redirects are not followed" in attempt.error


def test_delivery_checks_the_address_again_when_dns_changed(app, session, world, queue, receiver):
    # Registered while the name pointed elsewhere; now it resolves to loopback.
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    _school_endpoint(app, session, world, f"https://hooks.example.test:{port}/hook")
    delivery = _emit_roster(session, world)
    session.commit()

    def to_loopback(_host: str, _port: int) -> list[str]:
        return ["127.0.0.1"]

    guarded = _settings(allow_private=False, resolve=to_loopback)
    outcome = attempt_delivery(get_database(app), delivery.id, guarded, id_keys(app))
    assert outcome is not None and not outcome.delivered and receiver.received == []
    [attempt] = _attempts(session, delivery.id)
    assert attempt.status_code is None and "127.0.0.1" in attempt.error
    # Positive control: with private addresses allowed, the same delivery reaches the address
    # the guard vetted (the receiver speaks plain HTTP, so its URL becomes an http one).
    with get_database(app).write_sessions() as write:
        write.get_one(
            WebhookEndpoint, delivery.endpoint_id
        ).url = f"http://hooks.example.test:{port}/hook"
        write.commit()
    allowed = _settings(allow_private=True, resolve=to_loopback)
    outcome = attempt_delivery(get_database(app), delivery.id, allowed, id_keys(app))
    assert outcome is not None and outcome.delivered
    [got] = receiver.received
    assert got.verified and got.headers["Host"] == f"hooks.example.test:{port}"


def test_a_rolled_back_transaction_writes_no_event_and_enqueues_nothing(
    app, session, world, queue, receiver
) -> None:  # type: ignore[no-untyped-def]
    _school_endpoint(app, session, world, receiver.url)
    session.commit()
    _emit_roster(session, world)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
    assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert queue.count == 0
    # Positive control: the same emission committed is written and enqueued.
    _emit_roster(session, world)
    session.commit()
    assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 1
    assert queue.count == 1


@pytest.mark.parametrize("command", [["webhooks-sweep"], ["daily", "--today", "2026-09-01"]])
def test_the_sweep_enqueues_deliveries_whose_job_was_lost(
    app, session, world, queue, receiver, command
) -> None:  # type: ignore[no-untyped-def]
    _school_endpoint(app, session, world, receiver.url)
    lost, fresh = _emit_roster(session, world), _emit_roster(session, world)
    session.flush()
    lost.next_attempt_at = utcnow() - timedelta(minutes=10)  # Redis was down at its commit
    session.commit()
    queue.empty()  # what the commit enqueued is gone, as if Redis had never taken it
    result = app.test_cli_runner().invoke(args=command)  # `daily` sweeps too
    assert result.exit_code == 0, result.output
    assert "1 lost deliveries enqueued again" in result.output
    assert [job.args[0] for job in queue.jobs] == [lost.id]  # not the fresh one (positive control)
    with app.app_context():
        run_worker(app.config["REDIS_URL"], burst=True)
    assert [r.headers["X-SkillBridge-Delivery"] for r in receiver.received] == [lost.uid]
    assert fresh.id != lost.id


@pytest.mark.parametrize("disabled", [True, False])
def test_a_disabled_endpoint_is_sent_nothing(app, session, world, queue, receiver, disabled):
    endpoint = _school_endpoint(app, session, world, receiver.url)
    delivery = _emit_roster(session, world)
    endpoint.active = not disabled
    session.commit()
    outcome = attempt_delivery(get_database(app), delivery.id, _settings(), id_keys(app))
    assert (outcome is None) == disabled
    assert len(receiver.received) == (0 if disabled else 1)


def test_without_redis_a_thread_of_the_process_delivers(app, session, world, receiver):
    # The SQLite demo without Redis: the commit hands the delivery to a thread, as match runs.
    assert app.config["REDIS_URL"] is None
    receiver.script = [500]
    app.config["WEBHOOKS_RETRY_INTERVALS"] = [0]
    _school_endpoint(app, session, world, receiver.url)
    delivery = _emit_roster(session, world)
    session.commit()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        session.rollback()  # a new snapshot: the thread commits in another connection
        session.expire_all()
        if session.get(WebhookDelivery, delivery.id).status == DeliveryStatus.DELIVERED:
            break
        time.sleep(0.1)
    assert [a.status_code for a in _attempts(session, delivery.id)] == [500, 200]
    assert all(r.verified for r in receiver.received)
