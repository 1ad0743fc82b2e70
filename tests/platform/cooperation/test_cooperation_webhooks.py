"""agreement.signed for a cooperation agreement: when the other side accepts the proposal."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from webhook_support import add_endpoint

from skillbridge.models import CooperationKind, WebhookDelivery, WebhookEvent
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.cooperation import agreements


def test_accepting_a_proposal_signs_it_for_both_sides_and_their_bureau(
    app, session, world, factories, redis_url
) -> None:  # type: ignore[no-untyped-def]
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    app.config["REDIS_URL"] = redis_url  # the jobs wait in Redis: nothing is sent
    specialty = factories.specialty("数控技术")
    world.school.specialties.append(specialty)
    keys, by, url = id_keys(app), world.users["school"].id, "http://127.0.0.1:9/hook"
    hooks = {
        "school": add_endpoint(session, keys, url, by, school_id=world.school.id),
        "enterprise": add_endpoint(session, keys, url, by, enterprise_id=world.enterprise.id),
        "bureau": add_endpoint(session, keys, url, by, region_id=world.region.id),
        "other_enterprise": add_endpoint(
            session, keys, url, by, enterprise_id=world.other_enterprise.id
        ),
    }
    session.commit()
    today = date(2026, 3, 1)
    proposal = agreements.propose_agreement(
        session,
        world.users["school"],
        agreements.AgreementInput(
            world.enterprise.id,
            CooperationKind.INTERNSHIP_BASE,
            (specialty.id,),
            date(2026, 3, 1),
            date(2028, 2, 28),
        ),
        today,
    )
    session.commit()

    def signed(name: str) -> list[dict]:
        bodies = session.scalars(
            select(WebhookDelivery.body)
            .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.endpoint_id == hooks[name].id)
        )
        return [json.loads(body) for body in bodies]

    assert signed("school") == []  # a proposal is not signed yet
    agreements.accept_agreement(session, world.users["enterprise"], proposal.id, today)
    session.commit()
    for name in ("school", "enterprise", "bureau"):
        [body] = signed(name)
        assert body["type"] == "agreement.signed"
        assert body["data"] == {
            "agreement_kind": "cooperation",
            "agreement_id": proposal.id,
            "school_id": world.school.id,
            "enterprise_id": world.enterprise.id,
            "status": "accepted",
        }
    assert signed("other_enterprise") == []
    redis.Redis.from_url(redis_url).flushdb()
