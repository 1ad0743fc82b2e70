"""roster.imported: the school's own endpoints only, with the new students' ids."""

from __future__ import annotations

import json
import random

from sqlalchemy import select
from webhook_support import add_endpoint

from skillbridge.models import WebhookDelivery
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.schools import roster


def test_an_import_tells_the_school_and_nobody_else(
    app, session, world, school_side, roster_files, redis_url
) -> None:  # type: ignore[no-untyped-def]
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    app.config["REDIS_URL"] = redis_url  # the jobs wait in Redis: nothing is sent
    keys, by, url = id_keys(app), world.users["school"].id, "http://127.0.0.1:9/hook"
    own = add_endpoint(session, keys, url, by, school_id=world.school.id)
    other = add_endpoint(session, keys, url, by, school_id=world.other_school.id)
    bureau = add_endpoint(session, keys, url, by, region_id=world.region.id)
    session.commit()
    rows = roster_files.roster_rows(random.Random(5), school_side.cohort, school_side.specialty, 3)
    imported = roster.import_roster(
        session, school_side.user, "r.csv", roster_files.to_csv(rows), keys
    )
    session.commit()

    def bodies(endpoint_id: int) -> list[dict]:
        found = session.scalars(
            select(WebhookDelivery.body).where(WebhookDelivery.endpoint_id == endpoint_id)
        )
        return [json.loads(body) for body in found]

    [body] = bodies(own.id)
    assert body["type"] == "roster.imported"
    assert body["data"] == {
        "school_id": world.school.id,
        "student_ids": [s.student_id for s in imported],
        "updated_student_ids": [],
        "cohort_ids": [school_side.cohort.id],
    }
    text = json.dumps(body, ensure_ascii=False)
    assert rows[1][0] not in text and rows[1][1] not in text and "13800000000" not in text
    assert bodies(other.id) == [] and bodies(bureau.id) == []
    redis.Redis.from_url(redis_url).flushdb()
