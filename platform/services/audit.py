"""The audit log: unlocked appends, chained in order after their transaction commits; verification."""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, bindparam, event, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.selectable import ExecutableReturnsRows

from skillbridge.models import GENESIS_HASH, AuditChainHead, AuditEvent, User, utcnow
from skillbridge.platform.database import WRITE_OPTION, Database

HEAD_ID = 1
#: Entries given their place in one chaining transaction.
CHAIN_BATCH = 500
#: Chaining transactions one commit runs at most before leaving the rest to the next one.
CHAIN_ROUNDS = 8
#: session.info keys: the open transaction appended entries; a committed one did.
_APPENDED, _COMMITTED = "skillbridge.audit_appended", "skillbridge.audit_committed"
#: session.info key: the Chainer that chains this session's commits, when there is one.
_CHAINER = "skillbridge.audit_chainer"
log = logging.getLogger(__name__)


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
    """Append one event in the caller's transaction, without its place in the chain yet.

    Appends take no lock, so writers of different objects never queue behind one another; the
    entry gets its sequence number and hashes when its transaction has committed (`chain`).
    """
    occurred_at = utcnow()
    actor_id = actor.id if actor is not None else None
    payload = canonical_json(
        {
            "occurred_at": occurred_at.isoformat(),
            "actor_id": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "data": data or {},
        }
    )
    event: AuditEvent = session.scalars(
        _append_statement(),
        {
            "occurred_at": occurred_at,
            "actor_id": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "payload": payload,
        },
    ).one()
    session.info[_APPENDED] = True
    return event


@cache
def _append_statement() -> ExecutableReturnsRows:
    """One INSERT, read back as the ORM row, built once: every audited write runs it (a unit of
    work flush of the one new object cost twice as much Python)."""
    table = cast(Table, AuditEvent.__table__)
    columns = ("occurred_at", "actor_id", "action", "object_type", "object_id", "payload")
    statement = (
        insert(table)
        .values({name: bindparam(name, type_=table.c[name].type) for name in columns})
        .returning(*table.c)
    )
    return select(AuditEvent).from_statement(statement)


@event.listens_for(Session, "after_commit")
def _note_committed_appends(session: Session) -> None:
    session.info[_COMMITTED] = session.info.pop(_APPENDED, False)


@event.listens_for(Session, "after_transaction_end")
def _chain_after_commit(session: Session, transaction: SessionTransaction) -> None:
    """Chain what a committed transaction appended; a failure leaves it for the next chainer.

    This runs when the transaction has ended and given its connection back to the pool, so the
    chainer's own connection never waits for a second one of the same request.
    """
    if transaction.parent is not None or not session.info.pop(_COMMITTED, False):
        return
    chainer = session.info.get(_CHAINER)
    if chainer is not None:
        chainer.wake()
        return
    bind = session.get_bind()
    try:
        chain(bind.engine if isinstance(bind, Connection) else bind)
    except SQLAlchemyError:
        log.warning("audit entries left unchained for the next commit", exc_info=True)


def chain(engine: Engine, wait: bool = False) -> int:
    """Give every committed, unchained entry its place in the chain, oldest first.

    After a commit the head row is taken with SKIP LOCKED: while another process chains, this one
    leaves its entries to it, and that process looks again after its own commit, when ours are
    visible; so an entry waits at most until the next appending transaction commits. With
    `wait` (the commands: verify, checkpoint, daily) the call queues for the head instead.
    """
    chained = 0
    # One connection for every round and the look after them: no pool round trip per step.
    with engine.execution_options(**{WRITE_OPTION: True}).connect() as connection:
        for _round in range(CHAIN_ROUNDS):
            with connection.begin():
                done = _chain_batch(connection, wait)
            if done is None:
                break
            chained += done
            if done < CHAIN_BATCH and not _any_unchained(connection):
                break
    return chained


class Chainer:
    """Chains a process's committed entries from a thread of its own, `linger_s` after a commit
    woke it: one chaining transaction then serves every entry committed meanwhile, and a request
    only appends (the chaining cost a few statements and a commit of its own per request).

    Each round is `chain`: with SKIP LOCKED, an entry left to another process's chainer is
    chained when that one looks again after its commit, as with chaining at commit.
    """

    def __init__(self, engine: Engine, linger_s: float) -> None:
        self.engine, self.linger_s = engine, linger_s
        self._changed = threading.Condition()
        self._requested = self._done = 0
        self._pid = -1  # the process the thread runs in: a forked worker starts its own

    def wake(self) -> None:
        """Ask for a chaining round (after a commit that appended)."""
        with self._changed:
            if self._pid != os.getpid():
                self._pid, self._requested, self._done = os.getpid(), 0, 0
                threading.Thread(target=self._run, name="audit-chainer", daemon=True).start()
            self._requested += 1
            self._changed.notify_all()

    def wait_idle(self, timeout_s: float) -> bool:
        """Whether every round asked for so far has run, waiting up to `timeout_s`."""
        with self._changed:
            return self._changed.wait_for(lambda: self._done >= self._requested, timeout_s)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._requested > self._done)
            time.sleep(self.linger_s)  # the commits of the next few ms join this round
            with self._changed:
                asked = self._requested
            try:
                chain(self.engine)
            except SQLAlchemyError:
                log.warning("audit entries left unchained for the next round", exc_info=True)
            with self._changed:
                self._done = asked
                self._changed.notify_all()

    def close(self) -> None:
        """Chain what is left, queueing for the head (a process that exits after appending)."""
        if self._pid != os.getpid():
            return
        self._pid = -1
        try:
            chain(self.engine, wait=True)
        except SQLAlchemyError as error:  # the next commit anywhere, or `daily`, chains them
            log.warning("audit entries left unchained at exit: %s", error)


def chain_in_background(database: Database, linger_s: float) -> Chainer:
    """Chain the commits of `database`'s sessions in a Chainer thread, not in the committing one."""
    chainer = Chainer(database.engine, linger_s)
    for factory in (database.sessions, database.write_sessions):
        factory.configure(info={_CHAINER: chainer})
    atexit.register(chainer.close)
    return chainer


def _chain_batch(connection: Connection, wait: bool) -> int | None:
    """Chain up to CHAIN_BATCH entries in the connection's transaction; None if the head is busy.

    Core statements, not the ORM: a round of hundreds of entries is one SELECT, one
    executemany UPDATE and the head's UPDATE.
    """
    head = connection.execute(
        select(AuditChainHead.last_seq, AuditChainHead.last_hash)
        .where(AuditChainHead.id == HEAD_ID)
        .with_for_update(skip_locked=not wait)
    ).one_or_none()
    if head is None:
        if wait:
            raise RuntimeError("The audit chain head is missing: run `skillbridge db upgrade`.")
        return None
    waiting = connection.execute(
        select(AuditEvent.id, AuditEvent.payload)
        .where(AuditEvent.seq.is_(None))
        .order_by(AuditEvent.id)
        .limit(CHAIN_BATCH)
    ).all()
    if not waiting:
        return 0
    last_seq, last_hash = head
    places = []
    for entry_id, payload in waiting:
        document = json.loads(payload)
        last_seq += 1
        document["seq"] = last_seq
        chained_payload = canonical_json(document)
        entry_hash = chain_hash(last_hash, chained_payload)
        places.append(
            {
                "entry_id": entry_id,
                "new_seq": last_seq,
                "new_payload": chained_payload,
                "new_prev": last_hash,
                "new_hash": entry_hash,
            }
        )
        last_hash = entry_hash
    connection.execute(
        update(AuditEvent)
        .where(AuditEvent.id == bindparam("entry_id"))
        .values(
            seq=bindparam("new_seq"),
            payload=bindparam("new_payload"),
            prev_hash=bindparam("new_prev"),
            entry_hash=bindparam("new_hash"),
        ),
        places,
    )
    connection.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_seq=last_seq, last_hash=last_hash)
    )
    return len(waiting)


def _any_unchained(connection: Connection) -> bool:
    found = connection.scalar(select(AuditEvent.id).where(AuditEvent.seq.is_(None)).limit(1))
    connection.rollback()
    return found is not None


def unchained_count(session: Session) -> int:
    """Entries committed but not yet in the chain (a tamper check cannot see them yet)."""
    return session.scalar(select(func.count()).where(AuditEvent.seq.is_(None))) or 0


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
    """Walk the chain in order: sequence without gaps, links, hashes, columns, and the head.

    Entries not chained yet are not part of it; `unchained_count` tells how many wait.
    """
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    rows = session.execute(
        select(AuditEvent)
        .where(AuditEvent.seq.is_not(None))
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=batch_size)
    )
    try:
        for event in rows.scalars():
            problem = _check_event(event, expected_seq, prev_hash)
            if problem:
                return VerifyResult(False, checked, expected_seq - 1, prev_hash, event.seq, problem)
            prev_hash, expected_seq, checked = event.entry_hash or "", expected_seq + 1, checked + 1
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
