"""Amending a running placement: proposed as a new agreement version, signed again by every
party, applied only then — with the cap (R1) checked when it applies."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from support import sign_as

from skillbridge.models import (
    AmendmentStatus,
    AuditEvent,
    DocumentKind,
    Notification,
    Party,
    Placement,
    PlacementAgreement,
    utcnow,
)
from skillbridge.platform.policy import load_pack
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.oversight.checks import CheckContext, rule_by_id
from skillbridge.platform.services.placements import agreements, amendments, changes, months
from skillbridge.platform.services.placements.amendments import Proposal
from skillbridge.platform.services.placements.terms import AGREEMENT_SUBJECT
from skillbridge.platform.services.renditions.versions import content_of, current_version

TODAY = date(2026, 9, 1)
NEW_END = date(2027, 1, 31)  # 2026-07-01 → 2027-01-31: 7 months, one more than planned


@pytest.fixture
def running(session, world, accepted, start_running):  # type: ignore[no-untyped-def]
    """The world's student's 2026-07-01 → 2026-12-31 post internship, started on its first day."""
    return start_running(accepted.placement.id, accepted.student_user)


def _propose(session, user, pid: int, end: date = NEW_END):  # type: ignore[no-untyped-def]
    return amendments.propose_amendment(
        session, user, pid, Proposal(end, "企业订单延长，三方同意延长实习"), utcnow(), TODAY
    )


def _current(session, pid: int):  # type: ignore[no-untyped-def]
    agreement = session.scalars(
        select(PlacementAgreement).where(PlacementAgreement.placement_id == pid)
    ).one()
    return current_version(
        session, DocumentKind.PLACEMENT_AGREEMENT, AGREEMENT_SUBJECT, agreement.id
    )


def _signers(world, accepted):  # type: ignore[no-untyped-def]
    return [accepted.student_user, world.users["school"], world.users["enterprise"]]


def test_an_amendment_applies_only_once_every_party_signed_it(  # type: ignore[no-untyped-def]
    session, world, accepted, running, facts
) -> None:
    before = _current(session, running)
    amendment = _propose(session, world.users["enterprise"], running)
    session.commit()
    version = _current(session, running)
    assert version.id == amendment.version_id and version.version == before.version + 1
    assert "2027-01-31" in str(content_of(version)["sections"])  # the proposed terms are shown
    placement = session.get(Placement, running)
    assert placement.end_date == date(2026, 12, 31), "nothing changes before the signatures"
    page = agreements.describe_placement(session, world.users["school"], running, TODAY)
    assert page.amendment is not None and page.can_sign and not page.can_withdraw
    assert set(page.missing) == {Party.SCHOOL, Party.ENTERPRISE, Party.STUDENT}
    school_told = session.scalar(
        select(Notification.id).where(
            Notification.user_id == world.users["school"].id, Notification.read_at.is_(None)
        )
    )
    assert school_told is not None
    student, school, enterprise = _signers(world, accepted)
    sign_as(session, student, running)
    sign_as(session, school, running)
    session.commit()
    assert session.get(Placement, running).end_date == date(2026, 12, 31)
    assert session.get(Notification, school_told).read_at is not None  # settled by signing
    page = agreements.describe_placement(session, school, running, TODAY)
    assert page.missing == [Party.ENTERPRISE]
    sign_as(session, enterprise, running)
    session.commit()
    session.expire_all()
    assert session.get(Placement, running).end_date == NEW_END
    assert amendment.status == AmendmentStatus.APPLIED
    assert facts.months_used(world.student.id) == 7 == facts.counted_months(world.student.id)
    actions = list(
        session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(running)))
    )
    assert {"placement.amendment_proposed", "placement.amendment_applied"} <= set(actions)
    assert agreements.describe_placement(session, school, running, TODAY).amendment is None


def test_the_cap_refuses_an_amendment_when_it_applies(  # type: ignore[no-untyped-def]
    session, world, accepted, running, facts
) -> None:
    amendment = _propose(session, world.users["school"], running)
    session.commit()
    # Meanwhile another placement takes the student's last months: nothing is left for this one.
    locked = months.lock_student(session, world.student.id)
    months.change_months(session, locked, locked.month_cap - locked.months_used, locked.month_cap)
    session.commit()
    for user in _signers(world, accepted):
        sign_as(session, user, running)
    session.commit()
    session.expire_all()
    assert amendment.status == AmendmentStatus.REFUSED
    assert "R1" in (amendment.refusal or "")
    assert session.get(Placement, running).end_date == date(2026, 12, 31)
    assert _current(session, running).id == amendment.previous_version_id  # the old terms again
    assert facts.months_used(world.student.id) == 12


def test_the_proposer_withdraws_and_the_agreement_in_force_stays(  # type: ignore[no-untyped-def]
    session, world, accepted, running
) -> None:
    amendment = _propose(session, world.users["enterprise"], running)
    session.commit()
    with pytest.raises(PermissionDenied):  # the other side may not withdraw it
        amendments.withdraw_amendment(session, world.users["school"], running, utcnow())
    session.rollback()
    amendments.withdraw_amendment(session, world.users["enterprise"], running, utcnow())
    session.commit()
    session.expire_all()
    assert amendment.status == AmendmentStatus.WITHDRAWN
    assert _current(session, running).id == amendment.previous_version_id
    page = agreements.describe_placement(session, world.users["school"], running, TODAY)
    assert page.amendment is None and not page.missing and not page.can_sign
    with pytest.raises(Conflict):  # nothing is left to sign
        sign_as(session, accepted.student_user, running)
    session.rollback()
    assert _propose(session, world.users["school"], running).status == AmendmentStatus.PENDING


def test_proposals_are_checked_and_one_at_a_time(session, world, running) -> None:  # type: ignore[no-untyped-def]
    school = world.users["school"]
    with pytest.raises(PermissionDenied):
        _propose(session, world.users["student"], running)
    session.rollback()
    with pytest.raises(InvalidInput):
        _propose(session, school, running, date(2026, 12, 31))  # the end in force
    session.rollback()
    with pytest.raises(InvalidInput):
        _propose(session, school, running, TODAY)  # ending now is an end, not an amendment
    session.rollback()
    with pytest.raises(Conflict):  # insurance ends 2027-03-31 (N6)
        _propose(session, school, running, date(2027, 4, 30))
    session.rollback()
    with pytest.raises(Conflict):  # 2026-07 → 2027-08 is 14 months, over the cap of 12 (R1)
        _propose(session, school, running, date(2027, 8, 31))
    session.rollback()
    _propose(session, school, running)
    session.commit()
    with pytest.raises(Conflict):
        _propose(session, world.users["enterprise"], running, date(2027, 2, 28))
    session.rollback()


def test_an_amendment_pending_when_the_placement_ends_is_refused(  # type: ignore[no-untyped-def]
    session, world, running
) -> None:
    amendment = _propose(session, world.users["school"], running)
    session.commit()
    changes.terminate_placement(
        session,
        world.users["enterprise"],
        running,
        date(2026, 9, 1),
        changes.TERMINATION_REASONS[0],
        "",
        TODAY,
    )
    session.commit()
    session.expire_all()
    assert amendment.status == AmendmentStatus.REFUSED
    assert _current(session, running).id == amendment.previous_version_id


def test_a_pending_amendment_is_on_each_signers_list_until_it_signs(  # type: ignore[no-untyped-def]
    session, world, accepted, running
) -> None:
    school = world.users["school"]
    assert agreements.agreements_to_sign(session, school) == []
    _propose(session, world.users["enterprise"], running)
    session.commit()
    assert [c.placement_id for c in agreements.agreements_to_sign(session, school)] == [running]
    sign_as(session, school, running)
    session.commit()
    assert agreements.agreements_to_sign(session, school) == []
    assert len(agreements.agreements_to_sign(session, accepted.student_user)) == 1


def test_a_pending_amendment_leaves_the_agreement_in_force_signed_for_n5(  # type: ignore[no-untyped-def]
    session, world, accepted, running
) -> None:
    def n5() -> list[int]:
        session.flush()
        rules = load_pack(world.region.policy_pack).placement_rules
        context = CheckContext(session, world.region, rules, TODAY)
        return [v.object_id for v in rule_by_id("N5").check(context)]

    _propose(session, world.users["school"], running)
    assert running not in n5(), "the proposal is unsigned, the agreement in force is signed"
