"""The outbox: a domain event written in the transaction of its change, one delivery per endpoint."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, false, or_, select
from sqlalchemy.orm import Session, SessionTransaction

from skillbridge.models import (
    DeliveryStatus,
    Placement,
    School,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)
from skillbridge.platform.text import N_

#: Every event type an endpoint may subscribe to, with its label; `webhook.test` is sent only
#: by the page's "send a test event" and cannot be chosen.
EVENT_TYPES = {
    "roster.imported": N_("名册导入"),
    "offer.accepted": N_("录用通知已接受"),
    "agreement.signed": N_("协议已签署（三方协议、校企合作协议）"),
    "plan.approved": N_("实习计划已通过"),
    "plan.rejected": N_("实习计划被驳回"),
    "claim.decided": N_("补贴申领已审核"),
    "placement.started": N_("实习已开始"),
    "placement.ended": N_("实习已结束或终止"),
    "placement.transferred": N_("学生已转岗"),
}
TEST_EVENT = "webhook.test"

#: session.info keys: deliveries written in the open transaction, and in a committed one.
_PENDING, _COMMITTED = "skillbridge.webhooks_pending", "skillbridge.webhooks_committed"


@dataclass(frozen=True)
class Organisation:
    """Who an event concerns: a school, an enterprise, or a region's bureau (`id` its region)."""

    kind: str
    id: int

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id}


def school(school_id: int) -> Organisation:
    return Organisation("school", school_id)


def enterprise(enterprise_id: int) -> Organisation:
    return Organisation("enterprise", enterprise_id)


def bureau(region_id: int) -> Organisation:
    return Organisation("bureau", region_id)


def placement_event(
    session: Session,
    type_: str,
    placement: Placement,
    school_row: School,
    enterprise_id: int,
    *,
    also: Iterable[Organisation] = (),
    **extra: Any,
) -> WebhookEvent:
    """An event about a placement: it concerns the school, the host and the school's bureau
    (and `also` whom else, as the new host of a transfer).

    Its data are ids and states only: no name, national ID or phone (README: Webhooks).
    """
    data = {
        "placement_id": placement.id,
        "student_id": placement.student_id,
        "school_id": school_row.id,
        "enterprise_id": enterprise_id,
        "slot_id": placement.slot_id,
        "status": placement.status.value,
        **extra,
    }
    parties = [school(school_row.id), enterprise(enterprise_id), bureau(school_row.region_id)]
    return emit(session, type_, data, [*parties, *also])


def endpoint_organisation(endpoint: WebhookEndpoint) -> Organisation:
    """The organisation an endpoint belongs to (the CHECK keeps exactly one column set)."""
    if endpoint.school_id is not None:
        return school(endpoint.school_id)
    if endpoint.enterprise_id is not None:
        return enterprise(endpoint.enterprise_id)
    assert endpoint.region_id is not None  # CHECK one_organisation
    return bureau(endpoint.region_id)


def _owned_by(organisations: Iterable[Organisation]) -> Any:
    columns = {
        "school": WebhookEndpoint.school_id,
        "enterprise": WebhookEndpoint.enterprise_id,
        "bureau": WebhookEndpoint.region_id,
    }
    terms = [columns[o.kind] == o.id for o in set(organisations)]
    return or_(*terms) if terms else false()


def emit(
    session: Session, type_: str, data: dict[str, Any], organisations: Iterable[Organisation]
) -> WebhookEvent:
    """Write the event and a delivery for every active endpoint of `organisations` that
    subscribed to `type_`, in the caller's transaction; they are sent once it commits."""
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {type_!r}")
    endpoints = session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.active.is_(True), _owned_by(organisations))
        .order_by(WebhookEndpoint.id)
    )
    return _write(session, type_, data, [e for e in endpoints if type_ in e.event_types])


def emit_test(session: Session, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` event for this one endpoint, whatever it subscribed to."""
    _write(session, TEST_EVENT, {"endpoint_id": endpoint.id}, [endpoint])
    return session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(1)
    ).one()


def _write(
    session: Session, type_: str, data: dict[str, Any], endpoints: list[WebhookEndpoint]
) -> WebhookEvent:
    now = utcnow()
    row = WebhookEvent(uid=f"evt_{uuid.uuid4().hex}", type=type_, data=data, created_at=now)
    session.add(row)
    session.flush()
    deliveries = [
        WebhookDelivery(
            uid=f"dlv_{uuid.uuid4().hex}",
            endpoint_id=endpoint.id,
            event_id=row.id,
            body=body(row, endpoint_organisation(endpoint)),
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    ]
    session.add_all(deliveries)
    session.flush()
    session.info.setdefault(_PENDING, []).extend(d.id for d in deliveries)
    return row


def body(row: WebhookEvent, organisation: Organisation) -> str:
    """The JSON every attempt of a delivery sends, byte for byte (the signature covers it)."""
    return json.dumps(
        {
            "id": row.uid,
            "type": row.type,
            "created_at": row.created_at.isoformat(),
            "organisation": organisation.as_json(),
            "data": row.data,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


@event.listens_for(Session, "after_commit")
def _note_committed(session: Session) -> None:
    committed = session.info.pop(_PENDING, [])
    if committed:
        session.info.setdefault(_COMMITTED, []).extend(committed)


@event.listens_for(Session, "after_transaction_end")
def _drop_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    """Deliveries of a transaction that rolled back were never written: nothing to send."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def committed_deliveries(session: Session) -> list[int]:
    """The deliveries the session's last commits wrote, taken once (to enqueue them)."""
    return session.info.pop(_COMMITTED, [])
