"""The audit log: hash-chained appends serialised by a lock on the chain head, and verification."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import GENESIS_HASH, AuditChainHead, AuditEvent, User, utcnow

HEAD_ID = 1


def canonical_json(document: dict[str, Any]) -> str:
    """One byte-exact JSON spelling per document: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, payload: str) -> str:
    """entry_hash = SHA-256(prev_hash ‖ canonical JSON of the event)."""
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def ensure_chain_head(session: Session) -> None:
    """Create the chain head row if the database has none (fresh schema)."""
    if session.get(AuditChainHead, HEAD_ID) is None:
        session.add(AuditChainHead(id=HEAD_ID, last_seq=0, last_hash=GENESIS_HASH))
        session.flush()


def record(
    session: Session,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: object,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction.

    The head row is locked first (FOR UPDATE on PostgreSQL; SQLite's transactions already hold
    the write lock), so concurrent appends queue instead of forking the chain.
    """
    head = session.execute(
        select(AuditChainHead).where(AuditChainHead.id == HEAD_ID).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        raise RuntimeError("The audit chain head is missing: run `skillbridge db upgrade`.")
    seq = head.last_seq + 1
    occurred_at = utcnow()
    payload = canonical_json(
        {
            "seq": seq,
            "occurred_at": occurred_at.isoformat(),
            "actor_id": actor.id if actor is not None else None,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "data": data or {},
        }
    )
    entry_hash = chain_hash(head.last_hash, payload)
    event = AuditEvent(
        seq=seq,
        occurred_at=occurred_at,
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        payload=payload,
        prev_hash=head.last_hash,
        entry_hash=entry_hash,
    )
    session.add(event)
    head.last_seq = seq
    head.last_hash = entry_hash
    session.flush()
    return event


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of a chain verification; `first_bad_seq` names where it broke."""

    ok: bool
    checked: int
    last_seq: int
    last_hash: str
    first_bad_seq: int | None = None
    reason: str = ""


def _columns_match_payload(event: AuditEvent, document: dict[str, Any]) -> bool:
    """The queryable columns must say what the hashed payload says."""
    return (
        document.get("seq") == event.seq
        and document.get("actor_id") == event.actor_id
        and document.get("action") == event.action
        and document.get("object_type") == event.object_type
        and document.get("object_id") == event.object_id
    )


def verify_chain(session: Session, batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order: sequence without gaps, links, hashes, columns, and the head."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    rows = session.execute(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch_size)
    )
    try:
        for event in rows.scalars():
            problem = _check_event(event, expected_seq, prev_hash)
            if problem:
                return VerifyResult(False, checked, expected_seq - 1, prev_hash, event.seq, problem)
            prev_hash, expected_seq, checked = event.entry_hash, expected_seq + 1, checked + 1
    finally:
        rows.close()  # a server-side cursor must not outlive an early return
    head = session.get(AuditChainHead, HEAD_ID)
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq, head.last_hash) != (last_seq, prev_hash):
        return VerifyResult(
            False,
            checked,
            last_seq,
            prev_hash,
            last_seq + 1,
            f"chain ends at #{last_seq} but its head records #{head.last_seq}: "
            "entries were removed from the tail or the head was altered",
        )
    return VerifyResult(True, checked, last_seq, prev_hash)


def _check_event(event: AuditEvent, expected_seq: int, prev_hash: str) -> str:
    """Why `event` breaks the chain, or an empty string."""
    if event.seq != expected_seq:
        return f"entry #{expected_seq} is missing (next is #{event.seq})"
    if event.prev_hash != prev_hash:
        return f"entry #{event.seq} does not link to the previous entry's hash"
    if chain_hash(prev_hash, event.payload) != event.entry_hash:
        return f"entry #{event.seq} was altered: its hash does not match its content"
    try:
        document = json.loads(event.payload)
    except ValueError:
        return f"entry #{event.seq} has an unreadable payload"
    if not _columns_match_payload(event, document):
        return f"entry #{event.seq} was altered: its columns differ from its hashed payload"
    return ""
