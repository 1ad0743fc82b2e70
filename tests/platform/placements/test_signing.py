"""Signing an agreement version: password re-entry bound to the hash, supersession, the database."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from support import PASSWORD, race

from skillbridge.models import AuditEvent, DocumentVersion, Party, Signature, utcnow
from skillbridge.platform.db import get_database
from skillbridge.platform.services.errors import Conflict, PermissionDenied
from skillbridge.platform.services.placements import agreements as placement_agreements
from skillbridge.platform.services.placements import lifecycle as placements_lifecycle
from skillbridge.platform.services.signatures.reauth import REAUTH_WINDOW, Reauthentication
from skillbridge.platform.services.signatures.signing import Origin

TODAY = date.today()
ORIGIN = Origin("198.51.100.7", "test-agent")


def _version(session, user, pid: int) -> DocumentVersion:  # type: ignore[no-untyped-def]
    version = placement_agreements.signing_page(session, user, pid, TODAY).version
    assert version is not None
    return version


def _sign(session, user, pid: int, sha256: str, proof) -> Signature:  # type: ignore[no-untyped-def]
    request = placement_agreements.SignRequest(sha256, proof, ORIGIN)
    return placement_agreements.sign_agreement(session, user, pid, request, utcnow())


def test_signing_needs_the_password_for_this_hash_within_five_minutes(
    session, world, accepted
) -> None:  # type: ignore[no-untyped-def]
    pid, school = accepted.placement.id, world.users["school"]
    sha = _version(session, school, pid).content_sha256
    now = utcnow()
    refusals = {
        "no re-entry": None,
        "another user's": Reauthentication(world.users["enterprise"].id, sha, now),
        "another hash": Reauthentication(school.id, "f" * 64, now),
        "too old": Reauthentication(school.id, sha, now - REAUTH_WINDOW - timedelta(seconds=1)),
    }
    for case, proof in refusals.items():
        with pytest.raises(PermissionDenied):
            _sign(session, school, pid, sha, proof)
        session.rollback()
        assert session.scalars(select(Signature)).all() == [], case
    with pytest.raises(PermissionDenied):  # a wrong password gives no proof at all
        placement_agreements.reauthenticate_to_sign(session, school, pid, "wrong", sha, now)
    session.rollback()
    proof = placement_agreements.reauthenticate_to_sign(session, school, pid, PASSWORD, sha, now)
    signature = _sign(session, school, pid, sha, proof)
    session.commit()
    assert (signature.party, signature.content_sha256, signature.version) == (Party.SCHOOL, sha, 1)
    assert (signature.ip_address, signature.user_agent) == ("198.51.100.7", "test-agent")
    signed = session.scalars(select(AuditEvent).where(AuditEvent.action == "document.signed")).one()
    assert sha in signed.payload


def test_a_signature_on_a_superseded_version_is_refused(session, world, accepted) -> None:  # type: ignore[no-untyped-def]
    pid, student = accepted.placement.id, world.users["student"]
    old = _version(session, student, pid)
    old_sha, now = old.content_sha256, utcnow()
    session.commit()
    placements_lifecycle.amend_placement(
        session, world.users["school"], pid, date(2026, 8, 1), date(2027, 1, 31)
    )
    session.commit()
    with pytest.raises(Conflict):  # the hash shown before the amendment is no longer current
        _sign(session, student, pid, old_sha, Reauthentication(student.id, old_sha, now))
    session.rollback()
    new_sha = _version(session, student, pid).content_sha256
    assert new_sha != old_sha
    _sign(session, student, pid, new_sha, Reauthentication(student.id, new_sha, now))
    session.commit()
    assert [s.content_sha256 for s in session.scalars(select(Signature))] == [new_sha]


def _signature_row(version: DocumentVersion, party: Party, signer_id: int) -> dict[str, object]:
    return {
        "version_id": version.id,
        "document_kind": version.kind,
        "document_id": version.subject_id,
        "version": version.version,
        "content_sha256": version.content_sha256,
        "party": party,
        "signer_id": signer_id,
        "signed_at": utcnow(),
    }


def test_the_database_refuses_superseded_versions_and_hashes_that_are_not_the_versions(
    session, world, accepted
) -> None:  # type: ignore[no-untyped-def]
    pid, school = accepted.placement.id, world.users["school"]
    old = _version(session, school, pid)
    session.commit()
    placements_lifecycle.amend_placement(session, school, pid, date(2026, 8, 1), date(2027, 1, 31))
    session.commit()
    current = _version(session, school, pid)
    with pytest.raises(IntegrityError):  # the trigger: version 1 is superseded
        session.execute(insert(Signature), [_signature_row(old, Party.SCHOOL, school.id)])
    session.rollback()
    forged = _signature_row(current, Party.SCHOOL, school.id) | {"content_sha256": "0" * 64}
    with pytest.raises(IntegrityError):  # the composite key: the hash must be the version's
        session.execute(insert(Signature), [forged])
    session.rollback()
    # The positive control through the same statement: the current version with its own hash.
    session.execute(insert(Signature), [_signature_row(current, Party.SCHOOL, school.id)])
    session.commit()
    with pytest.raises(IntegrityError):  # and each party once per version
        session.execute(insert(Signature), [_signature_row(current, Party.SCHOOL, school.id)])
    session.rollback()


def test_signing_over_http_reauthenticates_then_signs(session, world, accepted, login_as) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    client = login_as(world.users["enterprise"])
    page = client.get(f"/placements/{pid}/agreement").get_data(as_text=True)
    sha = re.search(r'name="sha256" type="hidden" value="([0-9a-f]{64})"', page).group(1)
    assert sha in page and "确认身份" in page
    refused = client.post(f"/placements/{pid}/sign", data={"sha256": sha})
    assert refused.status_code == 403  # no password re-entered yet
    wrong = client.post(f"/placements/{pid}/reauth", data={"sha256": sha, "password": "nope"})
    assert wrong.status_code == 403
    confirmed = client.post(f"/placements/{pid}/reauth", data={"sha256": sha, "password": PASSWORD})
    assert confirmed.status_code == 302
    assert "签署此版本" in client.get(f"/placements/{pid}/agreement").get_data(as_text=True)
    signed = client.post(f"/placements/{pid}/sign", data={"sha256": sha})
    assert signed.status_code == 302
    assert signed.headers["Location"].endswith(f"/placements/{pid}")
    session.rollback()
    signature = session.scalars(select(Signature)).one()
    assert (signature.party, signature.content_sha256) == (Party.ENTERPRISE, sha)
    assert signature.user_agent.startswith("Werkzeug/") and signature.ip_address == "127.0.0.1"
    # Each side signs a version once, and the proof served that one signature.
    assert client.post(f"/placements/{pid}/sign", data={"sha256": sha}).status_code == 409
    with client.session_transaction() as cookie:
        assert "reauth" not in cookie


def _sign_alone(app, user_id: int, pid: int, sha: str) -> str:  # type: ignore[no-untyped-def]
    from skillbridge.models import User

    with get_database(app).write_sessions() as own:
        user = own.get(User, user_id)
        try:
            _sign(own, user, pid, sha, Reauthentication(user_id, sha, utcnow()))
            own.commit()
            return "signed"
        except Conflict:
            own.rollback()
            return "conflict"


def test_two_signers_at_once_on_one_version_are_both_recorded(
    app, session, world, accepted
) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    sha = _version(session, world.users["school"], pid).content_sha256
    session.commit()
    signers = [world.users["school"].id, world.users["enterprise"].id, world.users["student"].id]
    outcomes = race([lambda u=u: _sign_alone(app, u, pid, sha) for u in signers])
    assert outcomes == ["signed", "signed", "signed"]
    session.rollback()
    rows = session.scalars(select(Signature)).all()
    assert {s.party for s in rows} == {Party.SCHOOL, Party.ENTERPRISE, Party.STUDENT}
    assert {s.content_sha256 for s in rows} == {sha}


def test_a_signature_racing_an_amendment_never_lands_on_a_superseded_version(
    app, session, world, accepted
) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    sha = _version(session, world.users["school"], pid).content_sha256
    session.commit()

    def amend() -> str:
        from skillbridge.models import User

        with get_database(app).write_sessions() as own:
            placements_lifecycle.amend_placement(
                own,
                own.get(User, world.users["school"].id),
                pid,
                date(2026, 8, 1),
                date(2027, 1, 31),
            )
            own.commit()
            return "amended"

    outcomes = race([amend, lambda: _sign_alone(app, world.users["student"].id, pid, sha)])
    assert outcomes[0] == "amended" and outcomes[1] in ("signed", "conflict")
    session.rollback()
    for signature in session.scalars(select(Signature)):
        superseded = signature.document_version.superseded_at
        # Signed while current: either it still is, or it was superseded after the signature.
        assert superseded is None or signature.signed_at <= superseded


def _insert_while_superseding(app, version: DocumentVersion, signer_id: int, commit: bool) -> str:  # type: ignore[no-untyped-def]
    """Hold an uncommitted supersession of `version`, insert a signature on it from another
    connection, then commit (or roll back) the supersession; name the insert's outcome."""
    engine = get_database(app).engine
    outcome: list[str] = []
    with engine.connect() as amending:
        amending.execute(
            update(DocumentVersion)
            .where(DocumentVersion.id == version.id)
            .values(superseded_at=utcnow())
        )

        def sign() -> None:
            with engine.connect() as signing:
                try:
                    signing.execute(
                        insert(Signature), [_signature_row(version, Party.STUDENT, signer_id)]
                    )
                    signing.commit()
                    outcome.append("signed")
                except IntegrityError:
                    outcome.append("refused")

        thread = threading.Thread(target=sign)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive(), "the insert did not wait for the supersession"
        if commit:
            amending.commit()
        else:
            amending.rollback()
        thread.join(timeout=30)
    return outcome[0]


def test_the_trigger_waits_for_a_concurrent_supersession(app, session, world, accepted) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: the trigger's FOR SHARE waits for the row; SQLite: the insert waits for the
    write lock. Either way it then sees the supersession's outcome."""
    pid, student = accepted.placement.id, world.users["student"]
    version = _version(session, student, pid)
    session.commit()
    # The positive control: the supersession is rolled back, and the waiting insert goes in.
    assert _insert_while_superseding(app, version, student.id, commit=False) == "signed"
    session.execute(delete(Signature))
    session.commit()
    assert _insert_while_superseding(app, version, student.id, commit=True) == "refused"
    session.rollback()
    assert session.scalars(select(Signature)).all() == []
