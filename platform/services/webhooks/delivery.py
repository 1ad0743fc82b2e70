"""Deliver one attempt: claim it, POST the signed body to a vetted address, log the attempt."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)
from skillbridge.platform.database import Database
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.locks import lock_row
from skillbridge.platform.services.webhooks.guard import (
    Resolver,
    Target,
    check_url,
    system_resolver,
)
from skillbridge.platform.services.webhooks.signing import signature_header

#: A job may start a moment before the time it was scheduled for (clocks, rounding).
DUE_SLACK = timedelta(seconds=2)
#: A claimed attempt holds the delivery this long past its timeout; a job that died in between
#: leaves it due again for the sweep.
LEASE_SLACK = timedelta(seconds=60)
#: A pending delivery this long past due lost its job: the sweep enqueues it again.
SWEEP_GRACE = timedelta(minutes=5)
ERROR_MAX = 300
USER_AGENT = "SkillBridge-Webhooks/1"


@dataclass(frozen=True)
class DeliverySettings:
    """How deliveries are made (from the WEBHOOKS_* settings)."""

    allow_private: bool
    max_attempts: int
    intervals: tuple[int, ...]
    timeout: float
    resolve: Resolver = field(default=system_resolver)

    def wait_after(self, attempt: int) -> int:
        """Seconds before the attempt after attempt number `attempt` (the last wait repeats)."""
        return self.intervals[min(attempt, len(self.intervals)) - 1]

    def waits_from(self, attempts_made: int) -> list[int]:
        """The waits between the attempts still to come, for RQ's Retry."""
        return [self.wait_after(n) for n in range(attempts_made + 1, self.max_attempts)]


@dataclass(frozen=True)
class Outcome:
    """What one attempt did: delivered, or the wait before the next one (None: no more)."""

    delivered: bool
    retry_in: int | None


@dataclass(frozen=True)
class _Claim:
    number: int
    url: str
    secret: str
    body: str
    uid: str
    event_type: str


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the address the guard vetted, never a second DNS answer."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.addresses[0]

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the vetted address, the certificate checked against the URL's host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._address = target.addresses[0]

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


def _claim(
    session: Session, delivery_id: int, settings: DeliverySettings, keys: IdentityKeys
) -> _Claim | None:
    """Take the next attempt of a due, pending delivery; None when there is none to make."""
    delivery = lock_row(session, WebhookDelivery, delivery_id)
    now = utcnow()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return None
    due = delivery.next_attempt_at
    if due is not None and _aware(due) > now + DUE_SLACK:
        return None  # another job holds it, or it is not due yet
    endpoint = session.get_one(WebhookEndpoint, delivery.endpoint_id)
    if not endpoint.active:
        return None  # held until the endpoint is enabled again (the sweep sends it then)
    delivery.attempts += 1
    delivery.next_attempt_at = now + timedelta(seconds=settings.timeout) + LEASE_SLACK
    event = session.get_one(WebhookEvent, delivery.event_id)
    return _Claim(
        delivery.attempts,
        endpoint.url,
        keys.decrypt(endpoint.secret_encrypted),
        delivery.body,
        delivery.uid,
        event.type,
    )


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def post(claim: _Claim, settings: DeliverySettings) -> tuple[int | None, str | None]:
    """POST the body signed now; (status code, None) or (None, the error). No redirects."""
    try:
        target = check_url(claim.url, settings.allow_private, settings.resolve)
    except DomainError as exc:
        return None, str(exc.message)
    body = claim.body.encode()
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, settings.timeout)
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                "X-SkillBridge-Event": claim.event_type,
                "X-SkillBridge-Delivery": claim.uid,
                "X-SkillBridge-Signature": signature_header(claim.secret, int(time.time()), body),
            },
        )
        response = connection.getresponse()
        response.read(65536)  # the answer's body is not kept; reading lets the socket close
        return response.status, None
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:ERROR_MAX]
    finally:
        connection.close()


def attempt_delivery(
    database: Database, delivery_id: int, settings: DeliverySettings, keys: IdentityKeys
) -> Outcome | None:
    """Make the next attempt of a delivery and log it; None when nothing was due.

    The POST runs between two short transactions, never inside one: a slow receiver holds no
    row lock. A 2xx delivers; anything else (a redirect too) waits for the next attempt, and
    the last one marks the delivery failed.
    """
    with database.session_scope() as session:
        claim = _claim(session, delivery_id, settings, keys)
    if claim is None:
        return None
    started, clock = utcnow(), time.monotonic()
    status, error = post(claim, settings)
    duration_ms = round((time.monotonic() - clock) * 1000)
    delivered = status is not None and 200 <= status < 300
    if status is not None and not delivered:
        error = f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else "")
    with database.session_scope() as session:
        delivery = session.get_one(WebhookDelivery, delivery_id, with_for_update=True)
        session.add(
            WebhookAttempt(
                delivery_id=delivery_id,
                number=claim.number,
                started_at=started,
                duration_ms=duration_ms,
                status_code=status,
                error=error,
            )
        )
        delivery.last_status_code, delivery.last_error = status, error
        retry_in = None
        if delivered:
            delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, utcnow()
            delivery.next_attempt_at = None
        elif claim.number >= settings.max_attempts:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            retry_in = settings.wait_after(claim.number)
            delivery.next_attempt_at = utcnow() + timedelta(seconds=retry_in)
    return Outcome(delivered, retry_in)


def lost_deliveries(session: Session, now: datetime) -> list[tuple[int, int]]:
    """(id, attempts made) of the pending deliveries of active endpoints long past due."""
    rows = session.execute(
        select(WebhookDelivery.id, WebhookDelivery.attempts)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at < now - SWEEP_GRACE,
            WebhookEndpoint.active.is_(True),
        )
        .order_by(WebhookDelivery.id)
    )
    return [(row.id, row.attempts) for row in rows]
