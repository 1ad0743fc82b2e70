"""Changes to a running placement: pause, resume, termination, transfer — months kept equal."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from skillbridge.models import (
    EndReason,
    Notification,
    Placement,
    PlacementAgreement,
    PlacementStatus,
    Role,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.placements import changes, ledger, months
from skillbridge.platform.services.placements.changes import Transfer


@pytest.fixture
def running(session, world, accepted, start_running):  # type: ignore[no-untyped-def]
    """The world's student's 2026-07-01 → 2026-12-31 post internship, started on its first day."""
    return start_running(accepted.placement.id, accepted.student_user)


def _kinds(session, user_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(Notification.title).where(Notification.user_id == user_id)))


def test_pause_and_resume_stop_and_restart_the_months(session, world, running, facts) -> None:  # type: ignore[no-untyped-def]
    enterprise = world.users["enterprise"]
    with pytest.raises(InvalidInput):  # a reason is required
        changes.pause_placement(
            session, enterprise, running, date(2026, 8, 1), " ", date(2026, 8, 1)
        )
    session.rollback()
    with pytest.raises(Conflict):
        changes.resume_placement(session, enterprise, running, date(2026, 8, 1), date(2026, 8, 1))
    session.rollback()
    changes.pause_placement(
        session, enterprise, running, date(2026, 8, 1), "设备检修停产", date(2026, 8, 1)
    )
    session.commit()
    with pytest.raises(Conflict):  # already paused
        changes.pause_placement(
            session, enterprise, running, date(2026, 8, 2), "再次", date(2026, 8, 2)
        )
    session.rollback()
    assert "实习已暂停" in _kinds(session, world.users["school"].id)  # the other side is told
    assert "实习已暂停" in _kinds(session, world.users["student"].id)
    with pytest.raises(InvalidInput):  # not before the pause began
        changes.resume_placement(session, enterprise, running, date(2026, 7, 31), date(2026, 9, 1))
    session.rollback()
    changes.resume_placement(
        session, world.users["school"], running, date(2026, 9, 1), date(2026, 9, 1)
    )
    session.commit()
    # 31 days paused: 2026-07-01 → 2026-11-30 worked is 5 months; the planned end stays.
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id) == 5
    placement = session.get(Placement, running)
    assert placement.end_date == date(2026, 12, 31)
    worked = ledger.months_of(session, placement, date(2026, 9, 1))
    assert (worked.planned, worked.actual, worked.counted) == (6, 1, 5)
    entries = changes.history_page(session, world.users["student"], running).items
    assert [e.action for e in entries][:3] == [
        "placement.resumed", "placement.paused", "placement.started",
    ]  # fmt: skip


def test_only_the_running_sides_pause(session, world, running) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        changes.pause_placement(
            session, world.users["student"], running, date(2026, 8, 1), "想休息", date(2026, 8, 1)
        )
    session.rollback()
    with pytest.raises(PermissionDenied):
        changes.pause_placement(
            session, world.users["bureau"], running, date(2026, 8, 1), "检查", date(2026, 8, 1)
        )
    session.rollback()
    changes.pause_placement(  # positive control through the same path
        session, world.users["school"], running, date(2026, 8, 1), "学校安排", date(2026, 8, 1)
    )
    session.commit()


def test_termination_needs_a_reason_code(session, world, running, facts) -> None:  # type: ignore[no-untyped-def]
    enterprise = world.users["enterprise"]
    on = date(2026, 10, 15)
    with pytest.raises(InvalidInput):  # `other` needs a text
        changes.terminate_placement(session, enterprise, running, on, EndReason.OTHER, "", on)
    session.rollback()
    with pytest.raises(InvalidInput):  # a transfer is not a termination reason
        changes.terminate_placement(session, enterprise, running, on, EndReason.TRANSFER, "", on)
    session.rollback()
    with pytest.raises(PermissionDenied):
        changes.terminate_placement(
            session, world.users["student"], running, on, EndReason.HEALTH, "", on
        )
    session.rollback()
    changes.terminate_placement(session, enterprise, running, on, EndReason.HEALTH, "住院治疗", on)
    session.commit()
    placement = session.get(Placement, running)
    assert placement.status == PlacementStatus.ENDED
    assert (placement.end_reason, placement.end_note) == (EndReason.HEALTH, "住院治疗")
    assert (placement.end_date, placement.planned_end_date) == (on, date(2026, 12, 31))
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id) == 4
    assert ledger.months_of(session, placement, on).planned == 6
    with pytest.raises(Conflict):  # ended: no more changes
        changes.pause_placement(session, enterprise, running, on, "x", on)
    session.rollback()


def test_termination_closes_an_open_pause(session, world, running, facts) -> None:  # type: ignore[no-untyped-def]
    school = world.users["school"]
    changes.pause_placement(
        session, school, running, date(2026, 9, 1), "安全隐患", date(2026, 9, 1)
    )
    session.commit()
    on = date(2026, 10, 1)
    changes.terminate_placement(session, school, running, on, EndReason.SAFETY, "", on)
    session.commit()
    assert changes.open_pause(session, running) is None
    # Worked 2026-07-01 → 2026-09-01 (the pause ran to the termination): 2 months.
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id) == 2


def test_transfer_continues_the_ledger_on_another_host(
    session, world, running, make_slot, make_enterprise, facts
) -> None:  # type: ignore[no-untyped-def]
    other_host = make_slot(make_enterprise(world.region))
    same_host = make_slot(world.enterprise)
    session.commit()
    last_day = date(2026, 9, 30)
    move = Transfer(other_host.id, last_day, "原企业停产")
    with pytest.raises(PermissionDenied):  # the school arranges transfers, not the host
        changes.transfer_placement(session, world.users["enterprise"], running, move, last_day)
    session.rollback()
    with pytest.raises(InvalidInput):
        changes.transfer_placement(
            session, world.users["school"], running, Transfer(same_host.id, last_day, ""), last_day
        )
    session.rollback()
    new = changes.transfer_placement(session, world.users["school"], running, move, last_day)
    session.commit()
    old = session.get(Placement, running)
    assert (old.status, old.end_reason, old.end_date) == (
        PlacementStatus.ENDED, EndReason.TRANSFER, last_day,
    )  # fmt: skip
    assert (new.status, new.transferred_from_id) == (PlacementStatus.ACCEPTED, running)
    assert (new.start_date, new.end_date) == (date(2026, 10, 1), date(2026, 12, 31))
    assert session.scalar(
        select(PlacementAgreement.id).where(PlacementAgreement.placement_id == new.id)
    )  # the new host's agreement waits for signatures
    # 3 months worked at the first host + 3 planned at the second.
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id) == 6
    assert facts.seats_taken(other_host.id) == 1


def test_a_transfer_cannot_pass_the_cap(
    session, world, running, make_slot, make_enterprise, facts
) -> None:  # type: ignore[no-untyped-def]
    other_host = make_slot(make_enterprise(world.region))
    session.commit()
    student = world.student
    session.refresh(student)
    filler = student.month_cap - student.months_used  # every month left is used elsewhere
    months.change_months(
        session, months.lock_student(session, student.id), filler, student.month_cap
    )
    session.commit()
    # 2026-07-01 → 07-15 is 1 month, 07-16 → 12-31 rounds up to 6: one more than planned.
    last_day = date(2026, 7, 15)
    with pytest.raises(Conflict):
        changes.transfer_placement(
            session, world.users["school"], running, Transfer(other_host.id, last_day, ""), last_day
        )
    session.rollback()
    assert facts.status(running) == PlacementStatus.ACTIVE


def test_other_schools_get_not_found_or_refused(session, world, running, make_user) -> None:  # type: ignore[no-untyped-def]
    stranger = make_user(Role.SCHOOL, school_id=world.other_school.id)
    session.commit()
    with pytest.raises((NotFound, PermissionDenied)):
        changes.authorise_change(session, stranger, running, transfer=True)
    changes.authorise_change(session, world.users["school"], running, transfer=True)
    with pytest.raises(PermissionDenied):
        changes.authorise_change(session, world.users["enterprise"], running, transfer=True)
    changes.authorise_change(session, world.users["enterprise"], running, transfer=False)
