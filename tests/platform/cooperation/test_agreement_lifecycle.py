"""Agreements: either side proposes, the other accepts, the school files, the bureau decides."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from skillbridge.models import (
    AgreementStatus,
    AuditEvent,
    CooperationAgreement,
    CooperationKind,
    CreditRecord,
    Role,
    User,
)
from skillbridge.platform.db import get_database
from skillbridge.platform.services.cooperation import agreements as cooperation
from skillbridge.platform.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)

TODAY = date(2025, 6, 1)


def _proposal(counterpart_id: int, specialty_id: int, **changes) -> cooperation.AgreementInput:  # type: ignore[no-untyped-def]
    values = dict(
        counterpart_id=counterpart_id,
        kind=CooperationKind.INTERNSHIP_BASE,
        specialty_ids=(specialty_id,),
        valid_from=date(2025, 7, 1),
        valid_to=date(2027, 6, 30),
    )
    values.update(changes)
    return cooperation.AgreementInput(**values)


def _approved_by_flow(session, world, specialty) -> CooperationAgreement:  # type: ignore[no-untyped-def]
    users = world.users
    agreement = cooperation.propose_agreement(
        session, users["school"], _proposal(world.enterprise.id, specialty.id), TODAY
    )
    cooperation.accept_agreement(session, users["enterprise"], agreement.id, TODAY)
    cooperation.file_agreement(session, users["school"], agreement.id)
    cooperation.decide_agreement(session, users["bureau"], agreement.id, True, "", TODAY)
    session.commit()
    return agreement


def test_the_full_path_to_approval_is_audited(session, world, specialty):
    agreement = _approved_by_flow(session, world, specialty)
    assert agreement.status == AgreementStatus.APPROVED
    assert agreement.decided_by_id == world.users["bureau"].id
    assert agreement.filed_at is not None and agreement.accepted_at is not None
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "cooperation_agreement")
        .order_by(AuditEvent.seq)
    )
    assert list(actions) == [
        "agreement.proposed",
        "agreement.accepted",
        "agreement.filed",
        "agreement.approved",
    ]


def test_an_enterprise_proposes_and_the_school_accepts(session, world, specialty):
    agreement = cooperation.propose_agreement(
        session, world.users["enterprise"], _proposal(world.school.id, specialty.id), TODAY
    )
    with pytest.raises(PermissionDenied):
        cooperation.accept_agreement(session, world.users["enterprise"], agreement.id, TODAY)
    cooperation.accept_agreement(session, world.users["school"], agreement.id, TODAY)
    assert agreement.status == AgreementStatus.ACCEPTED


def test_only_the_school_files_and_only_once_accepted(session, world, specialty):
    users = world.users
    agreement = cooperation.propose_agreement(
        session, users["school"], _proposal(world.enterprise.id, specialty.id), TODAY
    )
    with pytest.raises(Conflict):
        cooperation.file_agreement(session, users["school"], agreement.id)
    cooperation.accept_agreement(session, users["enterprise"], agreement.id, TODAY)
    with pytest.raises(PermissionDenied):
        cooperation.file_agreement(session, users["enterprise"], agreement.id)
    cooperation.file_agreement(session, users["school"], agreement.id)
    assert agreement.status == AgreementStatus.FILED


def test_rejection_needs_a_reason_and_keeps_it(session, world, specialty, make_agreement):
    agreement = make_agreement(status=AgreementStatus.FILED)
    with pytest.raises(InvalidInput):
        cooperation.decide_agreement(
            session, world.users["bureau"], agreement.id, False, " ", TODAY
        )
    cooperation.decide_agreement(
        session, world.users["bureau"], agreement.id, False, "缺少实习岗位说明", TODAY
    )
    session.commit()
    assert (agreement.status, agreement.decision_reason) == (
        AgreementStatus.REJECTED,
        "缺少实习岗位说明",
    )


def test_another_regions_bureau_cannot_decide(session, world, make_agreement, make_user):
    agreement = make_agreement(status=AgreementStatus.FILED)
    far_bureau = make_user(Role.BUREAU, region_id=world.other_region.id)
    with pytest.raises(PermissionDenied):
        cooperation.decide_agreement(session, far_bureau, agreement.id, True, "", TODAY)
    with pytest.raises(NotFound):
        cooperation.get_agreement(session, far_bureau, agreement.id + 1000)


def test_strangers_cannot_see_an_agreement(session, world, make_agreement, make_user):
    agreement = make_agreement()
    for user in (
        make_user(Role.SCHOOL, school_id=world.other_school.id),
        make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id),
        world.users["student"],
    ):
        with pytest.raises(PermissionDenied):
            cooperation.get_agreement(session, user, agreement.id)
        with pytest.raises(PermissionDenied):
            cooperation.terminate_agreement(session, user, agreement.id, "理由")


def test_termination_needs_a_reason(session, world, make_agreement):
    agreement = make_agreement()
    with pytest.raises(InvalidInput):
        cooperation.terminate_agreement(session, world.users["enterprise"], agreement.id, "")
    cooperation.terminate_agreement(session, world.users["enterprise"], agreement.id, "企业停产")
    assert agreement.status == AgreementStatus.TERMINATED
    with pytest.raises(Conflict):
        cooperation.terminate_agreement(session, world.users["school"], agreement.id, "再次终止")


def test_specialties_must_be_taught_by_the_school(session, world, make_specialty):
    stranger = make_specialty()
    with pytest.raises(InvalidInput) as excinfo:
        cooperation.propose_agreement(
            session, world.users["school"], _proposal(world.enterprise.id, stranger.id), TODAY
        )
    assert "合作专业须为该学校开设的专业" in excinfo.value.details


def test_an_unverified_counterpart_is_refused(session, world, specialty, make_enterprise):
    pending = make_enterprise(world.region, verified=False)
    with pytest.raises(PermissionDenied):
        cooperation.propose_agreement(
            session, world.users["school"], _proposal(pending.id, specialty.id), TODAY
        )


def test_a_validity_already_over_is_refused(session, world, specialty):
    with pytest.raises(InvalidInput):
        cooperation.propose_agreement(
            session,
            world.users["school"],
            _proposal(
                world.enterprise.id,
                specialty.id,
                valid_from=date(2024, 1, 1),
                valid_to=date(2025, 5, 31),
            ),
            TODAY,
        )


def test_r6_a_credit_record_that_blocks_agreements_bars_proposing(session, world, specialty):
    session.add(
        CreditRecord(
            enterprise_id=world.enterprise.id,
            rule="R6",
            reason="弄虚作假",
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 12, 31),
            blocks_agreements=True,
            recorded_by_id=world.users["bureau"].id,
        )
    )
    session.commit()
    with pytest.raises(PermissionDenied) as excinfo:
        cooperation.propose_agreement(
            session, world.users["school"], _proposal(world.enterprise.id, specialty.id), TODAY
        )
    assert "(十三)" in excinfo.value.message


def test_expiry_marks_only_approved_agreements_past_valid_to(session, world, make_agreement):
    past = make_agreement(valid_to=date(2025, 5, 31))
    current = make_agreement(valid_to=date(2025, 6, 1))
    filed_past = make_agreement(status=AgreementStatus.FILED, valid_to=date(2025, 5, 31))
    assert cooperation.expire_agreements(session, TODAY) == 1
    session.commit()
    assert past.status == AgreementStatus.EXPIRED
    assert current.status == AgreementStatus.APPROVED
    assert filed_past.status == AgreementStatus.FILED
    assert cooperation.expire_agreements(session, TODAY) == 0
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "agreement.expired"))
    assert [e.object_id for e in event] == [str(past.id)]


def test_concurrent_decisions_leave_exactly_one(app, session, world, make_agreement):
    agreement = make_agreement(status=AgreementStatus.FILED)
    database, bureau_id, outcomes = get_database(app), world.users["bureau"].id, []
    barrier = threading.Barrier(10)

    def decide(approve: bool) -> None:
        with database.write_sessions() as own:
            actor = own.get(User, bureau_id)
            own.commit()
            barrier.wait()
            try:
                cooperation.decide_agreement(own, actor, agreement.id, approve, "理由", TODAY)
                own.commit()
                outcomes.append("approved" if approve else "rejected")
            except Conflict:
                own.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(i % 2 == 0,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("conflict") == 9
    session.expire_all()
    final = session.get(CooperationAgreement, agreement.id).status.value
    decisions = session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.action.in_(["agreement.approved", "agreement.rejected"])
        )
    ).all()
    session.commit()
    winner = next(o for o in outcomes if o != "conflict")
    assert final == winner and decisions == [f"agreement.{winner}"]
