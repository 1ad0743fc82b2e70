"""Posting a slot: verified enterprises only, N2/N3/N4 and the R1 month cap, cited in errors."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from skillbridge.models import AuditEvent, Role, Slot, SlotKind, SlotStatus, VerificationStatus
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.slots import postings as slots

NATIONAL = "教职成〔2021〕4号《职业学校学生实习管理规定》"
TODAY = date(2025, 6, 1)


def _details(excinfo) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(excinfo.value.details)


def test_a_verified_enterprise_drafts_a_slot_with_an_audit_event(session, world, draft):
    slot = draft()
    assert slot.status == SlotStatus.DRAFT
    assert slot.enterprise_id == world.enterprise.id
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(slot.id)))
    assert list(actions) == ["slot.created"]


def test_an_unverified_enterprise_cannot_post(
    session, world, make_enterprise, make_user, slot_input
):
    pending = make_enterprise(world.region, verified=False)
    user = make_user(Role.ENTERPRISE, enterprise_id=pending.id)
    with pytest.raises(PermissionDenied):
        slots.create_slot(session, user, slot_input())


def test_only_enterprises_post(session, world, slot_input):
    with pytest.raises(PermissionDenied):
        slots.create_slot(session, world.users["school"], slot_input())


@pytest.mark.parametrize(("seats", "ok"), [(8, True), (9, False)])
def test_n3_seats_against_post_headcount_boundary(session, world, slot_input, seats, ok):
    data = slot_input(seats=seats, post_headcount=40)  # 20% of 40 is exactly 8
    if ok:
        assert slots.create_slot(session, world.users["enterprise"], data).seats == seats
        return
    with pytest.raises(InvalidInput) as excinfo:
        slots.create_slot(session, world.users["enterprise"], data)
    assert "20%" in _details(excinfo) and NATIONAL in _details(excinfo)
    assert "最多 8 个席位" in _details(excinfo)


def test_n3_needs_the_post_headcount_for_a_post_internship(session, world, slot_input):
    with pytest.raises(InvalidInput) as excinfo:
        slots.create_slot(session, world.users["enterprise"], slot_input(post_headcount=None))
    assert "同类岗位在岗职工人数" in _details(excinfo)


@pytest.mark.parametrize(("stipend", "ok"), [(2666, False), (2667, True)])
def test_n4_stipend_floor_is_exact(session, world, slot_input, stipend, ok):
    # 80% of 3333 is 2666.4: 2666 is below the floor, which a float or integer-division
    # implementation rounding down would miss.
    data = slot_input(stipend_yuan=stipend, post_wage_yuan=3333)
    if ok:
        assert slots.create_slot(session, world.users["enterprise"], data).stipend_yuan == stipend
        return
    with pytest.raises(InvalidInput) as excinfo:
        slots.create_slot(session, world.users["enterprise"], data)
    assert "80%" in _details(excinfo) and NATIONAL in _details(excinfo)
    assert "至少 2667 元/月" in _details(excinfo)


def test_n4_is_not_checked_without_a_post_wage(session, world, slot_input):
    data = slot_input(stipend_yuan=0, post_wage_yuan=None)
    assert slots.create_slot(session, world.users["enterprise"], data).stipend_yuan == 0


def test_a_shadow_internship_has_no_intern_quota_or_stipend_floor(session, world, slot_input):
    data = slot_input(
        kind=SlotKind.SHADOW_INTERNSHIP, seats=50, post_headcount=None, stipend_yuan=0
    )
    assert slots.create_slot(session, world.users["enterprise"], data).seats == 50


def test_r1_a_post_internship_longer_than_the_cap_is_refused(session, world, slot_input):
    with pytest.raises(InvalidInput) as excinfo:
        slots.create_slot(session, world.users["enterprise"], slot_input(duration_months=13))
    assert "12 个月" in _details(excinfo) and "大政发[2011]46号 二(三)" in _details(excinfo)


def test_n2_counts_open_overlapping_post_internships(session, world, draft):
    # 200 staff: at most 20 post-internship seats at a time.
    first = draft(seats=8, post_headcount=40)
    slots.open_slot(session, world.users["enterprise"], first.id, TODAY)
    second = draft(seats=8, post_headcount=40)
    slots.open_slot(session, world.users["enterprise"], second.id, TODAY)
    session.commit()
    with pytest.raises(InvalidInput) as excinfo:
        draft(seats=5, post_headcount=40)
    assert "10%" in _details(excinfo) and "合计 21 个" in _details(excinfo)
    session.rollback()
    assert draft(seats=4, post_headcount=40).seats == 4
    # A period that starts when the open ones end does not overlap them.
    later = draft(seats=8, post_headcount=40, start_date=date(2026, 3, 1))
    assert slots.open_slot(session, world.users["enterprise"], later.id, TODAY).status == "open"


def test_n2_is_checked_again_when_opening(session, world, draft):
    a, b = draft(seats=8), draft(seats=8)
    c = draft(seats=8)
    user = world.users["enterprise"]
    slots.open_slot(session, user, a.id, TODAY)
    slots.open_slot(session, user, b.id, TODAY)
    session.commit()
    with pytest.raises(Conflict) as excinfo:
        slots.open_slot(session, user, c.id, TODAY)
    assert NATIONAL in _details(excinfo)
    session.rollback()
    assert session.get(Slot, c.id).status == SlotStatus.DRAFT


def test_edit_only_while_draft(session, world, draft, slot_input):
    slot = draft()
    user = world.users["enterprise"]
    edited = slots.update_slot(session, user, slot.id, slot_input(title="改名", seats=2))
    assert (edited.title, edited.seats) == ("改名", 2)
    slots.open_slot(session, user, slot.id, TODAY)
    session.commit()
    with pytest.raises(Conflict):
        slots.update_slot(session, user, slot.id, slot_input(seats=3))


def test_lifecycle_draft_open_closed(session, world, draft):
    slot, user = draft(), world.users["enterprise"]
    with pytest.raises(Conflict):
        slots.close_slot(session, user, slot.id)
    slots.open_slot(session, user, slot.id, TODAY)
    with pytest.raises(Conflict):
        slots.open_slot(session, user, slot.id, TODAY)
    slots.close_slot(session, user, slot.id)
    session.commit()
    assert session.get(Slot, slot.id).status == SlotStatus.CLOSED
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_id == str(slot.id))
        .order_by(AuditEvent.seq)
    )
    assert list(actions) == ["slot.created", "slot.opened", "slot.closed"]


def test_a_slot_that_already_started_cannot_open(session, world, draft):
    slot = draft()
    with pytest.raises(Conflict):
        slots.open_slot(session, world.users["enterprise"], slot.id, date(2025, 9, 2))


def test_an_enterprise_that_lost_verification_cannot_open(session, world, draft):
    slot = draft()
    world.enterprise.verification_status = VerificationStatus.REJECTED
    session.commit()
    with pytest.raises(PermissionDenied):
        slots.open_slot(session, world.users["enterprise"], slot.id, TODAY)


def test_another_enterprises_slot_is_forbidden_and_a_missing_one_not_found(
    session, world, draft, make_user
):
    from skillbridge.platform.services.errors import NotFound

    slot = draft()
    stranger = make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id)
    with pytest.raises(PermissionDenied):
        slots.open_slot(session, stranger, slot.id, TODAY)
    with pytest.raises(PermissionDenied):
        slots.get_slot(session, stranger, slot.id)
    with pytest.raises(NotFound):
        slots.get_slot(session, stranger, slot.id + 1000)


def test_students_see_open_slots_only(session, world, draft):
    slot, student = draft(), world.users["student"]
    with pytest.raises(PermissionDenied):
        slots.get_slot(session, student, slot.id)
    assert slots.list_open_slots(session, student).items == []
    slots.open_slot(session, world.users["enterprise"], slot.id, TODAY)
    session.commit()
    assert slots.get_slot(session, student, slot.id).id == slot.id
    assert [row.id for row in slots.list_open_slots(session, student).items] == [slot.id]


def test_the_bureau_browses_its_own_regions_open_slots(session, world, draft, make_user):
    slot = draft()
    slots.open_slot(session, world.users["enterprise"], slot.id, TODAY)
    session.commit()
    assert len(slots.list_open_slots(session, world.users["bureau"]).items) == 1
    far_bureau = make_user(Role.BUREAU, region_id=world.other_region.id)
    assert slots.list_open_slots(session, far_bureau).items == []


def test_the_database_refuses_a_zero_post_wage(session, world, draft):
    slot = draft()
    slot.post_wage_yuan = 0
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    assert session.scalar(select(func.count(Slot.id))) == 1
