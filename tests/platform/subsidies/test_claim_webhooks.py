"""claim.decided: written with the decision, for the region's bureau and the beneficiary's school."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from webhook_support import add_endpoint

from skillbridge.models import Placement, WebhookDelivery, WebhookEvent
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.subsidies import claims

from .conftest import CLAIM_DAY

NOWHERE = "http://127.0.0.1:9/hook"


@pytest.fixture
def endpoints(app, session, youth_case, redis_url):  # type: ignore[no-untyped-def]
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    app.config["REDIS_URL"] = redis_url  # the jobs wait in Redis: nothing is sent
    world, keys, by = youth_case, id_keys(app), youth_case.users["school"].id
    made = {
        "bureau": add_endpoint(session, keys, NOWHERE, by, region_id=world.region.id),
        "school": add_endpoint(session, keys, NOWHERE, by, school_id=world.school.id),
        "enterprise": add_endpoint(session, keys, NOWHERE, by, enterprise_id=world.enterprise.id),
        "other_school": add_endpoint(session, keys, NOWHERE, by, school_id=world.other_school.id),
        "other_bureau": add_endpoint(session, keys, NOWHERE, by, region_id=world.other_region.id),
    }
    session.commit()
    yield {name: e.id for name, e in made.items()}
    redis.Redis.from_url(redis_url).flushdb()


def _decided(session, endpoint_id: int) -> list[dict]:  # type: ignore[no-untyped-def]
    bodies = session.scalars(
        select(WebhookDelivery.body)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookEvent.type == "claim.decided")
    )
    return [json.loads(body)["data"] for body in bodies]


@pytest.mark.parametrize("approve", [True, False])
def test_a_decided_claim_reaches_the_bureau_and_the_students_school(
    endpoints, youth_case, session, approve
) -> None:  # type: ignore[no-untyped-def]
    placement = session.scalar(
        select(Placement).where(Placement.student_id == youth_case.student.id)
    )
    [claim] = claims.on_placement_months_reached(session, placement, CLAIM_DAY)
    session.commit()
    assert _decided(session, endpoints["bureau"]) == []  # raising a claim decides nothing
    bureau = youth_case.users["bureau"]
    if approve:
        claims.approve_claim(session, bureau, claim.id)
    else:
        claims.reject_claim(session, bureau, claim.id, "材料不全")
    session.commit()
    status = "approved" if approve else "rejected"
    for name in ("bureau", "school"):
        [data] = _decided(session, endpoints[name])
        assert data["claim_id"] == claim.id and data["status"] == status
        assert data["student_id"] == youth_case.student.id
    for name in ("enterprise", "other_school", "other_bureau"):
        assert _decided(session, endpoints[name]) == [], name
