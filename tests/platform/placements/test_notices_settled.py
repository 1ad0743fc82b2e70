"""A placement notice leaves the unread count once the step it asks for is done."""

from __future__ import annotations

from sqlalchemy import select
from support import PASSWORD

from skillbridge.models import Notification, utcnow
from skillbridge.platform.services import notifications
from skillbridge.platform.services.placements import agreements as placement_agreements
from skillbridge.platform.services.placements import offers
from skillbridge.platform.services.signatures.signing import Origin

ORIGIN = Origin("198.51.100.7", "test-agent")


def _unread(session, user, kind: str) -> list[Notification]:  # type: ignore[no-untyped-def]
    session.expire_all()
    statement = select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind, Notification.read_at.is_(None)
    )
    return list(session.scalars(statement))


def _sign(session, user, pid: int) -> None:  # type: ignore[no-untyped-def]
    page = placement_agreements.signing_page(session, user, pid, utcnow().date())
    assert page.version is not None
    sha, now = page.version.content_sha256, utcnow()
    proof = placement_agreements.reauthenticate_to_sign(session, user, pid, PASSWORD, sha, now)
    request = placement_agreements.SignRequest(sha, proof, ORIGIN)
    placement_agreements.sign_agreement(session, user, pid, request, now)
    session.commit()


def test_signing_settles_the_signers_notice_and_only_theirs(session, world, accepted):
    school, enterprise = world.users["school"], world.users["enterprise"]
    kind = notifications.AGREEMENT_TO_SIGN
    assert len(_unread(session, school, kind)) == 1
    assert len(_unread(session, enterprise, kind)) == 1
    _sign(session, school, accepted.placement.id)
    assert _unread(session, school, kind) == []
    # The enterprise has not signed yet: its notice still asks it to.
    assert len(_unread(session, enterprise, kind)) == 1
    _sign(session, enterprise, accepted.placement.id)
    assert _unread(session, enterprise, kind) == []


def test_an_offer_notice_stays_until_the_last_open_offer_is_answered(
    session, world, make_slot, make_offer
):  # type: ignore[no-untyped-def]
    student = world.users["student"]
    first = make_offer(world.student, make_slot(world.enterprise, seats=1))
    second = make_offer(world.student, make_slot(world.enterprise, seats=1))
    assert len(_unread(session, student, notifications.OFFER_RECEIVED)) == 2
    offers.decline_offer(session, student, first.id, utcnow().date())
    session.commit()
    assert len(_unread(session, student, notifications.OFFER_RECEIVED)) == 2
    offers.decline_offer(session, student, second.id, utcnow().date())
    session.commit()
    assert _unread(session, student, notifications.OFFER_RECEIVED) == []
