"""Webhook events of a placement's life: written with the change, fanned out to the school, the
host and the region's bureau only, with ids and states and no personal data."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from webhook_support import add_endpoint

from skillbridge.models import EndReason, WebhookDelivery, WebhookEvent
from skillbridge.platform.background import WEBHOOKS_QUEUE
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.placements import changes, lifecycle
from skillbridge.platform.services.placements.changes import Transfer

NOWHERE = "http://127.0.0.1:9/hook"  # the jobs wait in Redis: nothing is sent in these tests
# Every key a placement event's data may carry (README: Webhooks, data minimisation).
IDS_AND_STATES = (
    "placement_id", "student_id", "school_id", "enterprise_id", "slot_id", "status",
    "agreement_id", "agreement_kind", "version", "plan_status", "end_reason",
)  # fmt: skip
LIFE = ["offer.accepted", "agreement.signed", "plan.approved", "placement.started"]


@pytest.fixture
def hooks(app, session, world, make_school, make_user, redis_url):  # type: ignore[no-untyped-def]
    """An endpoint of every organisation around the world's placement, and of its neighbours."""
    import redis

    connection = redis.Redis.from_url(redis_url)
    connection.flushdb()
    app.config["REDIS_URL"] = redis_url
    neighbour = make_school(world.region)
    by = world.users["school"].id
    keys = id_keys(app)
    made = {
        "school": add_endpoint(session, keys, NOWHERE, by, school_id=world.school.id),
        "enterprise": add_endpoint(session, keys, NOWHERE, by, enterprise_id=world.enterprise.id),
        "bureau": add_endpoint(session, keys, NOWHERE, by, region_id=world.region.id),
        "started_only": add_endpoint(
            session, keys, NOWHERE, by, ["placement.started"], school_id=world.school.id
        ),
        "neighbour_school": add_endpoint(session, keys, NOWHERE, by, school_id=neighbour.id),
        "other_school": add_endpoint(session, keys, NOWHERE, by, school_id=world.other_school.id),
        "other_enterprise": add_endpoint(
            session, keys, NOWHERE, by, enterprise_id=world.other_enterprise.id
        ),
        "other_bureau": add_endpoint(session, keys, NOWHERE, by, region_id=world.other_region.id),
    }
    session.commit()
    yield {name: endpoint.id for name, endpoint in made.items()}
    connection.flushdb()


def _received(session, endpoint_id: int) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    rows = session.execute(
        select(WebhookEvent.type, WebhookDelivery.body)
        .join(WebhookDelivery, WebhookDelivery.event_id == WebhookEvent.id)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.id)
    )
    return [(type_, json.loads(body)) for type_, body in rows]


def _types(session, endpoint_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [type_ for type_, _body in _received(session, endpoint_id)]


def test_a_placements_life_reaches_its_three_organisations_and_nobody_else(
    hooks, session, world, accepted, start_running, redis_url
) -> None:  # type: ignore[no-untyped-def]
    import redis

    placement_id = start_running(accepted.placement.id, accepted.student_user)
    lifecycle.end_placement(session, world.users["school"], placement_id, date(2026, 12, 31))
    session.commit()
    life = [*LIFE, "placement.ended"]
    for name in ("school", "enterprise", "bureau"):
        assert _types(session, hooks[name]) == life, name
    assert _types(session, hooks["started_only"]) == ["placement.started"]
    for name in ("neighbour_school", "other_school", "other_enterprise", "other_bureau"):
        assert _types(session, hooks[name]) == [], name
    # Each organisation receives its own copy, naming itself; the data hold ids and states.
    _type, school_copy = _received(session, hooks["school"])[0]
    _type, bureau_copy = _received(session, hooks["bureau"])[0]
    assert school_copy["organisation"] == {"kind": "school", "id": world.school.id}
    assert bureau_copy["organisation"] == {"kind": "bureau", "id": world.region.id}
    assert school_copy["id"] == bureau_copy["id"]  # one event
    assert school_copy["data"] == {
        "placement_id": placement_id,
        "student_id": world.student.id,
        "school_id": world.school.id,
        "enterprise_id": world.enterprise.id,
        "slot_id": accepted.placement.slot_id,
        "status": "accepted",
    }
    ended = _received(session, hooks["school"])[-1][1]["data"]
    assert ended["status"] == "ended" and ended["end_reason"] == "completed"
    signed = _received(session, hooks["school"])[1][1]["data"]
    assert signed["agreement_kind"] == "tripartite_internship" and signed["version"] == 1
    bodies = [body for name in hooks.values() for _t, body in _received(session, name)]
    assert world.student.name not in json.dumps(bodies, ensure_ascii=False)
    keys = {key for body in bodies for key in body["data"]}
    assert keys <= {*IDS_AND_STATES}, keys - set(IDS_AND_STATES)
    # Every delivery was enqueued after its commit.
    queued = redis.Redis.from_url(redis_url).llen(f"rq:queue:{WEBHOOKS_QUEUE}")
    assert queued == session.scalar(select(WebhookDelivery.id).order_by(WebhookDelivery.id.desc()))


def test_a_termination_and_a_transfer(
    hooks, app, session, world, accepted, start_running, make_slot, make_enterprise
) -> None:  # type: ignore[no-untyped-def]
    placement_id = start_running(accepted.placement.id, accepted.student_user)
    new_host = make_enterprise(world.region)
    slot = make_slot(new_host)
    new_host_hook = add_endpoint(
        session, id_keys(app), NOWHERE, world.users["school"].id, enterprise_id=new_host.id
    ).id
    session.commit()
    last_day = date(2026, 9, 30)
    new = changes.transfer_placement(
        session, world.users["school"], placement_id, Transfer(slot.id, last_day, ""), last_day
    )
    session.commit()
    [(type_, moved)] = _received(session, new_host_hook)
    assert type_ == "placement.transferred"
    assert moved["organisation"] == {"kind": "enterprise", "id": new_host.id}
    assert moved["data"]["new_placement_id"] == new.id
    assert moved["data"]["new_enterprise_id"] == new_host.id
    assert _types(session, hooks["enterprise"])[-1] == "placement.transferred"
    assert _types(session, hooks["other_enterprise"]) == []


def test_a_termination_is_an_ended_placement_with_its_reason(
    hooks, session, world, accepted, start_running
) -> None:  # type: ignore[no-untyped-def]
    placement_id = start_running(accepted.placement.id, accepted.student_user)
    on = date(2026, 8, 31)
    changes.terminate_placement(
        session, world.users["enterprise"], placement_id, on, EndReason.HEALTH, "住院治疗", on
    )
    session.commit()
    type_, body = _received(session, hooks["enterprise"])[-1]
    assert type_ == "placement.ended" and body["data"]["end_reason"] == "health"
    assert "住院治疗" not in json.dumps(body, ensure_ascii=False)  # the note is not an id or state


def test_a_refused_change_writes_no_event(hooks, session, world, accepted) -> None:  # type: ignore[no-untyped-def]
    # Starting before the agreement is signed fails: the transaction rolls back with no event.
    before = _types(session, hooks["school"])
    with pytest.raises(Conflict):
        lifecycle.start_placement(
            session, world.users["school"], accepted.placement.id, date(2026, 7, 1)
        )
    session.rollback()
    assert _types(session, hooks["school"]) == before == ["offer.accepted"]
