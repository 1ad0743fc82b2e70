"""The audit chain: appends link up, `audit verify` catches edits, deletions and truncation."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import OperationalError

from skillbridge.models import AuditChainHead, AuditEvent
from skillbridge.platform.database import Database
from skillbridge.platform.db import get_database
from skillbridge.platform.services import audit


def _append(session, count: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    for i in range(start, start + count):
        audit.record(session, None, "test.event", "thing", i, {"n": i, "名称": "测试"})
    session.commit()


def test_a_clean_chain_verifies(session):
    _append(session, 5)
    result = audit.verify_chain(session)
    assert result.ok and result.checked == 5 and result.last_seq == 5


def test_cli_verify_passes_then_fails_naming_the_edited_entry(session, runner):
    _append(session, 4)
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "4 entries" in ok.output
    session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(object_id="999"))
    session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "#2" in broken.output


def test_editing_the_payload_breaks_the_hash(session):
    _append(session, 3)
    payload = session.scalar(select(AuditEvent.payload).where(AuditEvent.seq == 2))
    session.execute(
        update(AuditEvent)
        .where(AuditEvent.seq == 2)
        .values(payload=payload.replace('"n":1', '"n":7'))
    )
    session.commit()
    result = audit.verify_chain(session)
    assert not result.ok and result.first_bad_seq == 2 and "altered" in result.reason


def test_deleting_a_middle_entry_is_detected(session):
    _append(session, 4)
    session.execute(delete(AuditEvent).where(AuditEvent.seq == 3))
    session.commit()
    result = audit.verify_chain(session)
    assert not result.ok and result.first_bad_seq == 4 and "#3 is missing" in result.reason


def test_truncating_the_tail_is_detected_against_the_head(session):
    _append(session, 4)
    session.execute(delete(AuditEvent).where(AuditEvent.seq == 4))
    session.commit()
    result = audit.verify_chain(session)
    assert not result.ok and "tail" in result.reason


def test_concurrent_appends_neither_fork_nor_lose_events(app, db_engine):
    """16 threads append 10 events each, each in its own transaction."""
    threads, per_thread = 16, 10
    database = get_database(app)
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with database.session_scope() as session:
                    audit.record(session, None, "test.concurrent", "thread", index, {"i": i})
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []
    with database.session_scope() as session:
        assert session.scalar(select(func.count(AuditEvent.seq))) == threads * per_thread
        assert session.get(AuditChainHead, audit.HEAD_ID).last_seq == threads * per_thread
        result = audit.verify_chain(session)
    assert result.ok, result.reason


def test_columns_must_agree_with_the_hashed_payload(session):
    _append(session, 2)
    session.execute(update(AuditEvent).where(AuditEvent.seq == 1).values(action="user.deleted"))
    session.commit()
    result = audit.verify_chain(session)
    assert not result.ok and result.first_bad_seq == 1


def _checkpoint(runner, tmp_path, session) -> tuple:  # type: ignore[no-untyped-def]
    key = tmp_path / "bureau.key"
    key.write_text("k" * 48)
    out = tmp_path / "checkpoint.json"
    result = runner.invoke(args=["audit", "checkpoint", "--key-file", str(key), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return key, out


def _verify(runner, key, out):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["audit", "verify", "--checkpoint", str(out), "--key-file", str(key)])


def test_checkpoint_verifies_on_an_untouched_chain(session, runner, tmp_path):
    _append(session, 3)
    key, out = _checkpoint(runner, tmp_path, session)
    _append(session, 2, start=3)  # growth after the checkpoint is fine
    assert _verify(runner, key, out).exit_code == 0


def test_checkpoint_catches_tail_truncation_with_a_consistent_head(session, runner, tmp_path):
    _append(session, 5)
    key, out = _checkpoint(runner, tmp_path, session)
    # The attacker removes the last two entries and rewinds the head to keep the chain consistent.
    last_kept = session.scalar(select(AuditEvent).where(AuditEvent.seq == 3))
    session.execute(delete(AuditEvent).where(AuditEvent.seq > 3))
    session.execute(update(AuditChainHead).values(last_seq=3, last_hash=last_kept.entry_hash))
    session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # invisible without it
    result = _verify(runner, key, out)
    assert result.exit_code == 1 and "truncated" in result.output


def test_checkpoint_catches_rewritten_history(session, runner, tmp_path):
    _append(session, 3)
    key, out = _checkpoint(runner, tmp_path, session)
    # Rebuild the whole chain with different content: internally valid, but not what was signed.
    session.execute(delete(AuditEvent))
    session.execute(update(AuditChainHead).values(last_seq=0, last_hash="0" * 64))
    session.commit()
    for i in range(3):
        audit.record(session, None, "test.forged", "thing", i, {"n": i})
    session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    result = _verify(runner, key, out)
    assert result.exit_code == 1 and "rewritten" in result.output


def test_a_tampered_checkpoint_file_is_refused(session, runner, tmp_path):
    _append(session, 2)
    key, out = _checkpoint(runner, tmp_path, session)
    out.write_text(out.read_text().replace('"seq": 2', '"seq": 1'))
    result = _verify(runner, key, out)
    assert result.exit_code == 1 and "签名无效" in result.output


@pytest.fixture
def checkpoint_dir(app, tmp_path):  # type: ignore[no-untyped-def]
    """A configured checkpoint folder and key file, outside the database (finding 11)."""
    key = tmp_path / "keys" / "checkpoint.key"
    key.parent.mkdir()
    key.write_text("k" * 48)
    folder = tmp_path / "checkpoints"
    app.config.update(CHECKPOINT_DIR=str(folder), CHECKPOINT_KEY_FILE=str(key))
    return folder


def test_daily_writes_a_signed_checkpoint_and_verify_uses_the_newest(
    session, runner, checkpoint_dir
):  # type: ignore[no-untyped-def]
    _append(session, 3)
    first = runner.invoke(args=["daily", "--today", "2026-09-01"])
    assert first.exit_code == 0, first.output
    _append(session, 2, start=3)
    second = runner.invoke(args=["daily", "--today", "2026-09-02"])
    assert second.exit_code == 0, second.output
    written = sorted(checkpoint_dir.glob("checkpoint-*.json"))
    assert len(written) == 2
    newest = json.loads(written[-1].read_text())
    assert newest["seq"] == session.scalar(select(func.max(AuditEvent.seq))) and newest["hmac"]
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and written[-1].name in result.output


def test_default_verify_catches_a_cut_tail_with_a_rewritten_head(session, runner, checkpoint_dir):  # type: ignore[no-untyped-def]
    _append(session, 5)
    assert runner.invoke(args=["daily", "--today", "2026-09-01"]).exit_code == 0
    head = session.get(AuditChainHead, audit.HEAD_ID)
    # Delete the last two entries and rewind the head onto the new last one: consistent inside.
    keep = head.last_seq - 2
    last_kept = session.scalar(select(AuditEvent).where(AuditEvent.seq == keep))
    session.execute(delete(AuditEvent).where(AuditEvent.seq > keep))
    session.execute(update(AuditChainHead).values(last_seq=keep, last_hash=last_kept.entry_hash))
    session.commit()
    assert audit.verify_chain(session).ok  # invisible to the chain alone
    result = runner.invoke(args=["audit", "verify"])  # no --checkpoint: the configured folder
    assert result.exit_code == 1 and "truncated" in result.output


def test_daily_refuses_a_checkpoint_folder_without_a_key(app, runner, tmp_path):  # type: ignore[no-untyped-def]
    app.config.update(CHECKPOINT_DIR=str(tmp_path / "c"), CHECKPOINT_KEY_FILE=None)
    result = runner.invoke(args=["daily", "--today", "2026-09-01"])
    assert result.exit_code != 0 and "CHECKPOINT_KEY_FILE" in result.output
    assert not (tmp_path / "c").exists()


def test_an_entry_gets_its_place_in_the_chain_when_its_transaction_commits(session):
    entry = audit.record(session, None, "test.event", "thing", 1, {"n": 1})
    assert entry.seq is None and '"seq"' not in entry.payload
    assert audit.unchained_count(session) == 1
    session.commit()
    session.refresh(entry)
    assert entry.seq == 1 and json.loads(entry.payload)["seq"] == 1
    assert entry.prev_hash == "0" * 64 and entry.entry_hash
    assert audit.unchained_count(session) == 0 and audit.verify_chain(session).ok


def test_a_rolled_back_append_leaves_no_gap(session):
    audit.record(session, None, "test.undone", "thing", 1)
    session.rollback()
    _append(session, 1)
    result = audit.verify_chain(session)
    assert result.ok and result.checked == 1 and result.last_seq == 1


def test_entries_left_by_a_failed_chaining_are_chained_by_the_next_commit_and_by_verify(
    session, runner, monkeypatch
):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(audit, "chain", _fail)  # test-only: the chaining connection fails
    _append(session, 2)  # both commits succeed; their entries wait
    monkeypatch.undo()
    assert audit.unchained_count(session) == 2 and audit.verify_chain(session).checked == 0
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "2 entries" in result.output, result.output
    session.rollback()  # a fresh snapshot: the command chained them in its own transaction
    assert audit.unchained_count(session) == 0


def _fail(_engine: object) -> int:
    raise OperationalError("SELECT", {}, Exception("the server went away"))


@pytest.mark.postgres
def test_appends_commit_while_the_chain_head_is_held(app, db_engine):  # type: ignore[no-untyped-def]
    """Writers never queue behind the chain: with the head locked, an append still commits."""
    if db_engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises every writer anyway")
    database = get_database(app)
    done = threading.Event()

    def append() -> None:
        with database.session_scope() as session:
            audit.record(session, None, "test.unblocked", "thing", 1)
        done.set()

    with db_engine.connect() as holder:
        holder.execute(select(AuditChainHead).with_for_update())  # another chainer's lock
        writer = threading.Thread(target=append)
        writer.start()
        writer.join(timeout=10)
        assert done.is_set(), "the append waited for the chain head"
        with database.sessions() as session:
            assert audit.unchained_count(session) == 1  # left to the chainer holding the head
        holder.rollback()
    assert audit.chain(db_engine) == 1  # the positive control: with the head free, it chains
    with database.sessions() as session:
        result = audit.verify_chain(session)
    assert result.ok and result.checked == 1


def _append_from_threads(databases: list[Database], threads: int, per_thread: int) -> None:
    """`threads` threads per database append `per_thread` entries each, one per transaction."""
    barrier = threading.Barrier(threads * len(databases))
    errors: list[BaseException] = []

    def worker(database: Database, index: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with database.session_scope() as session:
                    audit.record(session, None, "test.background", "thread", index, {"i": i})
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    pool = [
        threading.Thread(target=worker, args=(database, n))
        for database in databases
        for n in range(threads)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    assert errors == []


def test_a_background_chainer_chains_every_commit_in_order(app, database_url):  # type: ignore[no-untyped-def]
    """Two processes' chainers (two engines, as two gunicorn workers have) under concurrent
    appends: once both are idle every entry is in one chain, without gap or fork."""
    databases = [get_database(app), Database(database_url)]
    chainers = [audit.chain_in_background(database, 0.005) for database in databases]
    try:
        _append_from_threads(databases, threads=6, per_thread=10)
        for chainer in chainers:
            assert chainer.wait_idle(timeout_s=30)
        with databases[0].sessions() as session:
            assert audit.unchained_count(session) == 0
            assert session.get(AuditChainHead, audit.HEAD_ID).last_seq == 2 * 6 * 10
            seqs = session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
            assert seqs == list(range(1, 2 * 6 * 10 + 1))
            result = audit.verify_chain(session)
        assert result.ok and result.checked == 2 * 6 * 10, result.reason
    finally:
        for chainer in chainers:
            chainer.close()
        databases[1].engine.dispose()


def test_with_a_background_chainer_a_commit_leaves_the_chaining_to_it(app):  # type: ignore[no-untyped-def]
    """The committing thread only appends; the chainer's round, woken by the commit, chains."""
    database = get_database(app)
    chainer = audit.chain_in_background(database, 2.0)
    try:
        with database.session_scope() as session:
            audit.record(session, None, "test.deferred", "thing", 1)
        with database.sessions() as session:
            assert audit.unchained_count(session) == 1  # still lingering: nothing chained yet
        assert chainer.wait_idle(timeout_s=30)
        with database.sessions() as session:
            assert audit.unchained_count(session) == 0
            result = audit.verify_chain(session)
        assert result.ok and result.checked == 1
    finally:
        chainer.close()


def test_closing_a_chainer_chains_what_is_left(app, db_engine):  # type: ignore[no-untyped-def]
    database = get_database(app)
    chainer = audit.chain_in_background(database, 60)  # its own round would come far too late
    with database.session_scope() as session:
        audit.record(session, None, "test.at_exit", "thing", 1)
    chainer.close()  # what a worker's exit runs
    with database.sessions() as session:
        assert audit.unchained_count(session) == 0 and audit.verify_chain(session).checked == 1
