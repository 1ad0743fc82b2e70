"""Revision 0020 keys the audit log by append order and keeps the existing chain intact."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from skillbridge.models import GENESIS_HASH
from skillbridge.platform.database import make_engine
from skillbridge.platform.migrate import alembic_config, check_migrations
from skillbridge.platform.services import audit


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.db'}"
        return
    server = make_url(request.getfixturevalue("postgres_server_url"))
    name = f"skillbridge_audit_migration_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _old_entries(url: str, count: int) -> None:
    """Entries as revision 0019 wrote them: chained at once, `seq` the key."""
    engine = create_engine(url)
    prev = GENESIS_HASH
    with engine.begin() as connection:
        for seq in range(1, count + 1):
            payload = audit.canonical_json(
                {
                    "seq": seq,
                    "occurred_at": "2026-11-30T08:00:00+00:00",
                    "actor_id": None,
                    "action": "test.old",
                    "object_type": "thing",
                    "object_id": str(seq),
                    "data": {"n": seq},
                }
            )
            entry = audit.chain_hash(prev, payload)
            connection.execute(
                text(
                    "INSERT INTO audit_event (seq, occurred_at, action, object_type, object_id,"
                    " payload, prev_hash, entry_hash) VALUES (:seq, '2026-11-30 08:00:00+00:00',"
                    " 'test.old', 'thing', :oid, :payload, :prev, :entry)"
                ),
                {"seq": seq, "oid": str(seq), "payload": payload, "prev": prev, "entry": entry},
            )
            prev = entry
        connection.execute(
            text("UPDATE audit_chain_head SET last_seq = :seq, last_hash = :hash"),
            {"seq": count, "hash": prev},
        )
    engine.dispose()


def _refuse_chaining(_engine: object) -> int:
    raise OperationalError("SELECT", {}, Exception("the server went away"))


def test_the_old_chain_verifies_after_the_upgrade_and_new_entries_continue_it(
    empty_url, monkeypatch
):  # type: ignore[no-untyped-def]
    config = alembic_config(empty_url)
    command.upgrade(config, "0019")
    _old_entries(empty_url, 3)
    command.upgrade(config, "head")
    check_migrations(empty_url)
    engine = make_engine(empty_url)
    try:
        with Session(engine) as session:
            assert audit.verify_chain(session).checked == 3
            audit.record(session, None, "test.new", "thing", 4, {"n": 4})
            session.commit()
            result = audit.verify_chain(session)
            assert result.ok and result.checked == 4 and result.last_seq == 4, result.reason
            keys = session.execute(text("SELECT id, seq FROM audit_event ORDER BY id")).all()
            assert [tuple(k) for k in keys] == [(1, 1), (2, 2), (3, 3), (4, 4)]
            # An entry not chained yet stops the way back; chained, the way back is open.
            monkeypatch.setattr(audit, "chain", _refuse_chaining)  # test-only: chaining fails
            audit.record(session, None, "test.waiting", "thing", 5)
            session.commit()
            monkeypatch.undo()
            assert audit.unchained_count(session) == 1
        with pytest.raises(RuntimeError, match="not chained yet"):
            command.downgrade(config, "0019")
        assert audit.chain(engine) == 1
    finally:
        engine.dispose()
    command.downgrade(config, "0019")
    engine = create_engine(empty_url)
    try:
        with engine.connect() as connection:
            seqs = connection.scalars(text("SELECT seq FROM audit_event ORDER BY seq")).all()
    finally:
        engine.dispose()
    assert seqs == [1, 2, 3, 4, 5]
