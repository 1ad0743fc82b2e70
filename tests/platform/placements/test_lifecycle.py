"""After acceptance: end early, extend, amend and cancel, with months kept equal to the rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from support import sign_as

from skillbridge.models import FilingStatus, Party, PlacementStatus, Role, Signature
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.placements import agreements as placement_agreements
from skillbridge.platform.services.placements import lifecycle as placements_lifecycle
from skillbridge.platform.services.placements import offers
from skillbridge.platform.services.placements.agreements import Insurance

TODAY = date.today()
COVER = Insurance("中国人寿财产保险", "PICC-2026-0001", date(2026, 6, 30), date(2027, 3, 31))


def _start(session, world, placement_id: int) -> None:  # type: ignore[no-untyped-def]
    for role in ("student", "school", "enterprise"):
        sign_as(session, world.users[role], placement_id)
    placement_agreements.record_insurance(session, world.users["school"], placement_id, COVER)
    placement_agreements.file_internship_plan(session, world.users["school"], placement_id, "计划")
    placement_agreements.decide_internship_plan(session, world.users["bureau"], placement_id, True)
    placements_lifecycle.start_placement(session, world.users["school"], placement_id, TODAY)
    session.commit()


def test_ending_early_gives_months_back(session, world, accepted, facts) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    _start(session, world, pid)
    with pytest.raises(InvalidInput):
        placements_lifecycle.end_placement(
            session, world.users["enterprise"], pid, date(2027, 2, 1)
        )
    session.rollback()
    placements_lifecycle.end_placement(session, world.users["enterprise"], pid, date(2026, 9, 1))
    session.commit()
    assert facts.status(pid) == PlacementStatus.ENDED
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id) == 2


def test_extension_is_held_to_the_cap_and_the_insurance(session, world, accepted, facts) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    _start(session, world, pid)
    with pytest.raises(PermissionDenied):
        placements_lifecycle.extend_placement(
            session, world.users["enterprise"], pid, date(2027, 3, 1)
        )
    session.rollback()
    with pytest.raises(Conflict):  # the insurance ends on 2027-03-31
        placements_lifecycle.extend_placement(session, world.users["school"], pid, date(2027, 5, 1))
    session.rollback()
    placements_lifecycle.extend_placement(session, world.users["school"], pid, date(2027, 3, 1))
    session.commit()
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id) == 8
    longer = Insurance("中国人寿财产保险", "PICC-2026-0002", date(2026, 6, 30), date(2027, 12, 31))
    placement_agreements.record_insurance(session, world.users["enterprise"], pid, longer)
    session.commit()
    with pytest.raises(Conflict):  # 2026-07-01 → 2027-07-02 is 13 months, over the cap of 12
        placements_lifecycle.extend_placement(session, world.users["school"], pid, date(2027, 7, 2))
    session.rollback()
    placements_lifecycle.extend_placement(session, world.users["school"], pid, date(2027, 7, 1))
    session.commit()
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id) == 12


def test_amendment_rebooks_months_and_makes_a_new_version_to_sign(
    session, world, accepted, facts
) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    sign_as(session, world.users["student"], pid)
    placement_agreements.file_internship_plan(session, world.users["school"], pid, "计划")
    session.commit()
    placements_lifecycle.amend_placement(
        session, world.users["school"], pid, date(2026, 8, 1), date(2027, 4, 1)
    )
    session.commit()
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id) == 8
    # The student's signature stays on version 1, now superseded; version 2 has none yet.
    (kept,) = session.scalars(select(Signature)).all()
    assert kept.version == 1 and kept.document_version.superseded_at is not None
    agreement = placement_agreements.describe_placement(session, world.users["school"], pid, TODAY)
    assert agreement.context.agreement.signatures == []
    assert Party.STUDENT in agreement.missing  # signed version 1, signs version 2 again
    assert agreement.context.agreement.plan_status == FilingStatus.NOT_FILED
    with pytest.raises(Conflict):
        placements_lifecycle.amend_placement(
            session, world.users["school"], pid, date(2026, 8, 1), date(2027, 9, 1)
        )
    session.rollback()
    assert facts.months_used(world.student.id) == 8


def test_cancelling_frees_the_seat_and_the_months(
    session, world, make_slot, make_offer, make_student, make_user, facts
) -> None:  # type: ignore[no-untyped-def]
    slot = make_slot(world.enterprise, seats=1)
    first = make_offer(world.student, slot)
    other = make_student(world.school)
    other_user = make_user(Role.STUDENT, student_id=other.id)
    second = make_offer(other, slot)
    offers.accept_offer(session, world.users["student"], first.id, TODAY)
    session.commit()
    placements_lifecycle.cancel_placement(session, world.users["student"], first.id)
    session.commit()
    assert facts.status(first.id) == PlacementStatus.CANCELLED
    assert facts.months_used(world.student.id) == 0
    assert facts.seats_taken(slot.id) == facts.seat_rows(slot.id) == 0
    offers.accept_offer(session, other_user, second.id, TODAY)
    session.commit()
    assert facts.seats_taken(slot.id) == facts.seat_rows(slot.id) == 1


def test_months_add_up_across_enterprises_and_the_cap_refuses_the_excess(
    session, world, make_slot, make_offer, make_enterprise, facts
) -> None:  # type: ignore[no-untyped-def]
    first = make_offer(world.student, make_slot(world.enterprise), end=date(2027, 1, 1))  # 6
    second = make_offer(
        world.student,
        make_slot(make_enterprise(world.region)),
        start=date(2027, 1, 2),
        end=date(2027, 6, 2),
    )  # 5
    third = make_offer(
        world.student,
        make_slot(make_enterprise(world.region)),
        start=date(2027, 6, 3),
        end=date(2027, 8, 3),
    )  # 2
    for placement in (first, second):
        offers.accept_offer(session, world.users["student"], placement.id, TODAY)
        session.commit()
    assert facts.months_used(world.student.id) == 11
    with pytest.raises(Conflict) as refused:
        offers.accept_offer(session, world.users["student"], third.id, TODAY)
    session.rollback()
    assert "已用 11 个月" in refused.value.details[0]
    assert facts.status(third.id) == PlacementStatus.OFFERED
    assert facts.seat_rows(third.slot_id) == 0
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id) == 11


def test_a_student_holds_one_placement_at_a_time(
    session, world, make_slot, make_offer, make_enterprise, facts
) -> None:  # type: ignore[no-untyped-def]
    first = make_offer(world.student, make_slot(world.enterprise), end=date(2026, 12, 31))
    overlapping = make_offer(
        world.student,
        make_slot(make_enterprise(world.region)),
        start=date(2026, 12, 31),
        end=date(2027, 3, 31),
    )
    next_day = make_offer(
        world.student,
        make_slot(make_enterprise(world.region)),
        start=date(2027, 1, 1),
        end=date(2027, 3, 31),
    )
    offers.accept_offer(session, world.users["student"], first.id, TODAY)
    session.commit()
    with pytest.raises(Conflict) as refused:
        offers.accept_offer(session, world.users["student"], overlapping.id, TODAY)
    session.rollback()
    assert refused.value.details == ["2026-07-01 – 2026-12-31"]
    assert facts.status(overlapping.id) == PlacementStatus.OFFERED
    assert facts.seat_rows(overlapping.slot_id) == 0
    # The day after the first ends is free: periods are inclusive on both ends.
    offers.accept_offer(session, world.users["student"], next_day.id, TODAY)
    session.commit()
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id) == 9


def test_extending_or_amending_into_another_placement_is_refused(
    session, world, make_slot, make_offer, make_enterprise, facts
) -> None:  # type: ignore[no-untyped-def]
    first = make_offer(world.student, make_slot(world.enterprise), end=date(2026, 12, 31))
    later = make_offer(
        world.student,
        make_slot(make_enterprise(world.region)),
        start=date(2027, 2, 1),
        end=date(2027, 4, 30),
    )
    for placement in (first, later):
        offers.accept_offer(session, world.users["student"], placement.id, TODAY)
        session.commit()
    with pytest.raises(Conflict) as refused:
        placements_lifecycle.amend_placement(
            session, world.users["school"], later.id, date(2026, 12, 1), date(2027, 2, 28)
        )
    session.rollback()
    assert refused.value.details == ["2026-07-01 – 2026-12-31"]
    _start(session, world, first.id)
    with pytest.raises(Conflict):
        placements_lifecycle.extend_placement(
            session, world.users["school"], first.id, date(2027, 2, 1)
        )
    session.rollback()
    placements_lifecycle.extend_placement(
        session, world.users["school"], first.id, date(2027, 1, 31)
    )
    session.commit()
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id) == 10
