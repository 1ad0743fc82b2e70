"""Idempotency-Key: a POST retried under the same key replays its first answer, never writes twice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import IdempotencyRecord
from skillbridge.platform.services.errors import Conflict, DomainError, InvalidInput
from skillbridge.platform.text import N_

KEY_MAX = 255


class KeyReused(DomainError):
    """The key was used before for a different request."""

    status = 422


@dataclass(frozen=True)
class Replay:
    """The stored answer of the first request made under the key."""

    status_code: int
    body: str


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests the same: method, path with its query, and the exact body."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def check_key(key: str | None) -> str:
    """The header's value, or InvalidInput naming it."""
    if key is None or not key.strip():
        raise InvalidInput(N_("缺少 Idempotency-Key 请求头"), details=["Idempotency-Key"])
    if len(key) > KEY_MAX or not all("!" <= c <= "~" for c in key):
        raise InvalidInput(
            N_("Idempotency-Key 应为 1–%(n)d 个可见 ASCII 字符", n=KEY_MAX),
            details=["Idempotency-Key"],
        )
    return key


def claim(session: Session, client_id: int, key: str, print_: str) -> IdempotencyRecord | Replay:
    """The record this request writes its answer into, or the answer of the one before it.

    The insert comes first: a concurrent request with the same key waits on the UNIQUE index
    until the first one commits (PostgreSQL; SQLite writes one at a time), then finds its row.
    """
    record = IdempotencyRecord(client_id=client_id, key=key, fingerprint=print_)
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        earlier = session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.client_id == client_id, IdempotencyRecord.key == key
            )
        )
        if earlier is None:  # the first request rolled back after all: this one may go on
            raise Conflict(N_("同一 Idempotency-Key 的请求正在处理，请稍后重试")) from None
        return _replay(earlier, print_)
    return record


def _replay(earlier: IdempotencyRecord, print_: str) -> Replay:
    if earlier.fingerprint != print_:
        raise KeyReused(N_("该 Idempotency-Key 已用于另一个请求"), details=["Idempotency-Key"])
    if earlier.status_code is None or earlier.body is None:
        raise Conflict(N_("同一 Idempotency-Key 的请求正在处理，请稍后重试"))
    return Replay(earlier.status_code, earlier.body)


def store(session: Session, record: IdempotencyRecord, status_code: int, body: str) -> None:
    """Keep the answer with the request's own rows, in its transaction."""
    record.status_code, record.body = status_code, body
    session.flush()
