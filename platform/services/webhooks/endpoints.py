"""An organisation's webhook endpoints: register, enable or disable, delete, test, the log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Role,
    User,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import (
    can_manage_webhook,
    can_manage_webhooks,
    organisation_of,
)
from skillbridge.platform.services.webhooks.guard import Resolver, check_url, system_resolver
from skillbridge.platform.services.webhooks.outbox import EVENT_TYPES, emit_test
from skillbridge.platform.services.webhooks.signing import new_secret
from skillbridge.platform.text import N_

#: Endpoints one organisation may keep: enough for a few systems, too few to fan out abuse.
ENDPOINTS_MAX = 20


def _require_admin(actor: User) -> None:
    if not can_manage_webhooks(actor):
        raise PermissionDenied(N_("只有本单位管理员可以管理 Webhook"))


def list_endpoints(session: Session, actor: User, page: int) -> Page[WebhookEndpoint]:
    """The actor's organisation's endpoints, newest first."""
    _require_admin(actor)
    return paginate(
        session,
        select(WebhookEndpoint).where(_own(actor)).order_by(WebhookEndpoint.id.desc()),
        page,
        first_column,
    )


def _own(actor: User) -> ColumnElement[bool]:
    role, organisation_id = organisation_of(actor)
    column = {
        Role.SCHOOL: WebhookEndpoint.school_id,
        Role.ENTERPRISE: WebhookEndpoint.enterprise_id,
        Role.BUREAU: WebhookEndpoint.region_id,
    }[role]
    return column == organisation_id


@dataclass(frozen=True)
class NewEndpoint:
    """What the admin enters: the URL and the event types it wants."""

    url: str
    event_types: Sequence[str]


def create_endpoint(
    session: Session,
    actor: User,
    data: NewEndpoint,
    keys: IdentityKeys,
    allow_private: bool,
    resolve: Resolver = system_resolver,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its signing secret, which is never shown again."""
    _require_admin(actor)
    chosen = sorted(set(data.event_types))
    if not chosen or any(t not in EVENT_TYPES for t in chosen):
        raise InvalidInput(N_("事件类型：请至少选择一种事件"))
    url = data.url.strip()
    check_url(url, allow_private, resolve)
    count = session.scalar(select(func.count()).select_from(WebhookEndpoint).where(_own(actor)))
    if (count or 0) >= ENDPOINTS_MAX:
        raise InvalidInput(N_("每个单位最多登记 %(n)d 个 Webhook 地址", n=ENDPOINTS_MAX))
    secret = new_secret()
    role, organisation_id = organisation_of(actor)
    endpoint = WebhookEndpoint(
        school_id=organisation_id if role == Role.SCHOOL else None,
        enterprise_id=organisation_id if role == Role.ENTERPRISE else None,
        region_id=organisation_id if role == Role.BUREAU else None,
        url=url,
        event_types=chosen,
        secret_encrypted=keys.encrypt(secret),
        active=True,
        created_by_id=actor.id,
    )
    session.add(endpoint)
    session.flush()
    audit.record(
        session,
        actor,
        "webhook.created",
        "webhook_endpoint",
        endpoint.id,
        {"url": url, "event_types": chosen},
    )
    return endpoint, secret


def get_endpoint(session: Session, actor: User, endpoint_id: int) -> WebhookEndpoint:
    """One of the actor's organisation's endpoints (404 before 403)."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound(N_("Webhook 地址不存在"))
    if not can_manage_webhook(actor, endpoint):
        raise PermissionDenied(N_("只有本单位管理员可以管理 Webhook"))
    return endpoint


def set_active(session: Session, actor: User, endpoint_id: int, active: bool) -> WebhookEndpoint:
    """Disable an endpoint (nothing is sent to it, its new events are not written) or enable it
    again (what was held is sent by the next sweep)."""
    endpoint = get_endpoint(session, actor, endpoint_id)
    endpoint.active = active
    session.flush()
    audit.record(
        session,
        actor,
        "webhook.enabled" if active else "webhook.disabled",
        "webhook_endpoint",
        endpoint.id,
    )
    return endpoint


def delete_endpoint(session: Session, actor: User, endpoint_id: int) -> None:
    """Delete an endpoint with its delivery log; the audit log keeps that it existed."""
    endpoint = get_endpoint(session, actor, endpoint_id)
    delivery_ids = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(delivery_ids)))
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    audit.record(
        session, actor, "webhook.deleted", "webhook_endpoint", endpoint.id, {"url": endpoint.url}
    )
    session.delete(endpoint)
    session.flush()


def send_test(session: Session, actor: User, endpoint_id: int) -> WebhookDelivery:
    """A `webhook.test` event to this endpoint alone, sent once the transaction commits."""
    endpoint = get_endpoint(session, actor, endpoint_id)
    if not endpoint.active:
        raise InvalidInput(N_("该 Webhook 地址已停用，请先启用"))
    return emit_test(session, endpoint)


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery in the log, with the type of its event and its attempts."""

    delivery: WebhookDelivery
    event_type: str
    attempts: list[WebhookAttempt]


def delivery_log(
    session: Session, actor: User, endpoint_id: int, page: int
) -> tuple[WebhookEndpoint, Page[DeliveryRow]]:
    """The endpoint's deliveries, newest first, each with every attempt."""
    endpoint = get_endpoint(session, actor, endpoint_id)
    rows = paginate(
        session,
        select(WebhookDelivery, WebhookEvent.type)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc()),
        page,
        lambda row: (row[0], row[1]),
    )
    ids = [delivery.id for delivery, _type in rows.items]
    attempts: dict[int, list[WebhookAttempt]] = {i: [] for i in ids}
    for attempt in session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(ids))
        .order_by(WebhookAttempt.delivery_id, WebhookAttempt.number)
    ):
        attempts[attempt.delivery_id].append(attempt)
    return endpoint, rows.with_items(
        [DeliveryRow(delivery, type_, attempts[delivery.id]) for delivery, type_ in rows.items]
    )


def rotate_secrets(session: Session, keys: IdentityKeys) -> int:
    """Re-encrypt every endpoint's secret under the newest key (with `rotate-id-keys`)."""
    endpoints = list(session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))
    for endpoint in endpoints:
        endpoint.secret_encrypted = keys.rotate(endpoint.secret_encrypted)
    session.flush()
    return len(endpoints)
