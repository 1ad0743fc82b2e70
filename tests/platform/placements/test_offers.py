"""Publishing, accepting, declining and expiring offers through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from skillbridge.models import (
    AuditEvent,
    Notification,
    PlacementAgreement,
    PlacementAgreementKind,
    PlacementStatus,
    Role,
    SlotKind,
    SlotStatus,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.placements import offers

TODAY = date.today()
DEADLINE = TODAY + timedelta(days=7)


def test_publish_turns_proposals_into_offers_and_notifies_the_student(
    session, world, make_slot, make_placement, facts
) -> None:  # type: ignore[no-untyped-def]
    slot = make_slot(world.enterprise)
    placement = make_placement(world.student, slot, end=date(2027, 1, 1))
    offers.publish_offers(session, world.users["school"], [placement.id], DEADLINE, TODAY)
    session.commit()
    assert facts.status(placement.id) == PlacementStatus.OFFERED
    session.refresh(placement)
    assert (placement.months, placement.counts_toward_cap) == (6, True)
    assert placement.offer_deadline == DEADLINE
    notes = session.scalars(
        select(Notification).where(Notification.user_id == world.users["student"].id)
    ).all()
    assert [(n.kind, n.endpoint, n.link_args) for n in notes] == [
        ("offer.received", "placements.offers", {})
    ]


def test_publish_is_all_or_nothing_and_tenant_bound(
    session, world, make_slot, make_placement
) -> None:  # type: ignore[no-untyped-def]
    slot = make_slot(world.enterprise, seats=2)
    own = make_placement(world.student, slot)
    foreign = make_placement(world.other_student, slot)
    session.commit()
    with pytest.raises(PermissionDenied):
        offers.publish_offers(session, world.users["school"], [own, foreign], DEADLINE, TODAY)
    session.rollback()
    session.refresh(own)
    assert own.status == PlacementStatus.PROPOSED
    with pytest.raises(InvalidInput):
        offers.publish_offers(session, world.users["school"], [own], TODAY - timedelta(1), TODAY)
    session.rollback()
    offers.publish_offers(session, world.users["bureau"], [own], DEADLINE, TODAY)
    session.commit()
    with pytest.raises(Conflict):
        offers.publish_offers(session, world.users["bureau"], [own], DEADLINE, TODAY)
    session.rollback()


def test_accept_takes_a_seat_and_months_and_creates_the_agreement(
    session, world, make_slot, make_offer, facts
) -> None:  # type: ignore[no-untyped-def]
    slot = make_slot(world.enterprise)
    placement = make_offer(world.student, slot)
    offers.accept_offer(session, world.users["student"], placement.id, TODAY)
    session.commit()
    assert facts.status(placement.id) == PlacementStatus.ACCEPTED
    assert facts.seat_rows(slot.id) == facts.seats_taken(slot.id) == 1
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id) == 6
    agreement = session.scalar(
        select(PlacementAgreement).where(PlacementAgreement.placement_id == placement.id)
    )
    assert agreement.kind == PlacementAgreementKind.TRIPARTITE_INTERNSHIP
    recipients = set(
        session.scalars(
            select(Notification.user_id).where(Notification.kind == "agreement.to_sign")
        )
    )
    assert {world.users[r].id for r in ("school", "enterprise", "student")} <= recipients
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"placement.offered", "placement.accepted", "placement_agreement.created"} <= actions


def test_apprenticeship_gets_an_apprentice_agreement_and_no_months(
    session, world, make_slot, make_offer, facts
) -> None:  # type: ignore[no-untyped-def]
    slot = make_slot(world.enterprise, kind=SlotKind.APPRENTICESHIP)
    placement = make_offer(world.student, slot)
    offers.accept_offer(session, world.users["student"], placement.id, TODAY)
    session.commit()
    agreement = session.scalar(
        select(PlacementAgreement).where(PlacementAgreement.placement_id == placement.id)
    )
    assert agreement.kind == PlacementAgreementKind.APPRENTICE_TRAINING
    assert facts.months_used(world.student.id) == 0


def test_only_the_student_answers_its_offer(
    session, world, make_slot, make_offer, make_user
) -> None:  # type: ignore[no-untyped-def]
    placement = make_offer(world.student, make_slot(world.enterprise))
    other = make_user(Role.STUDENT, student_id=world.other_student.id)
    for user in (world.users["school"], world.users["enterprise"], world.users["bureau"]):
        with pytest.raises(PermissionDenied):
            offers.accept_offer(session, user, placement.id, TODAY)
        session.rollback()
    with pytest.raises(PermissionDenied):
        offers.decline_offer(session, other, placement.id, TODAY)
    session.rollback()
    with pytest.raises(NotFound):
        offers.accept_offer(session, world.users["student"], 999_999, TODAY)
    session.rollback()


def test_a_full_slot_refuses_and_a_decline_leaves_the_seat(
    session, world, make_slot, make_offer, make_student, make_user, facts
) -> None:  # type: ignore[no-untyped-def]
    slot = make_slot(world.enterprise, seats=1)
    second = make_student(world.school)
    second_user = make_user(Role.STUDENT, student_id=second.id)
    third = make_student(world.school)
    third_user = make_user(Role.STUDENT, student_id=third.id)
    first_offer = make_offer(world.student, slot)
    second_offer = make_offer(second, slot)
    third_offer = make_offer(third, slot)
    offers.decline_offer(session, world.users["student"], first_offer.id, TODAY)
    session.commit()
    offers.accept_offer(session, second_user, second_offer.id, TODAY)
    session.commit()
    with pytest.raises(Conflict):
        offers.accept_offer(session, third_user, third_offer.id, TODAY)
    session.rollback()
    assert facts.status(third_offer.id) == PlacementStatus.OFFERED
    assert facts.seat_rows(slot.id) == 1
    with pytest.raises(Conflict):
        offers.accept_offer(session, world.users["student"], first_offer.id, TODAY)
    session.rollback()


def test_deadline_and_closed_slot_refuse(session, world, make_slot, make_offer) -> None:  # type: ignore[no-untyped-def]
    slot = make_slot(world.enterprise, seats=3)
    placement = make_offer(world.student, slot)
    with pytest.raises(Conflict):
        offers.accept_offer(
            session, world.users["student"], placement.id, DEADLINE + timedelta(days=1)
        )
    session.rollback()
    slot.status = SlotStatus.CLOSED
    session.commit()
    with pytest.raises(Conflict):
        offers.accept_offer(session, world.users["student"], placement.id, TODAY)
    session.rollback()


def test_under_minimum_age_cannot_accept_a_post_internship(
    session, world, make_slot, make_offer, make_student, make_user
) -> None:  # type: ignore[no-untyped-def]
    young = make_student(world.school, birth=date(2010, 8, 1))  # 15 on 2026-07-01 (N1)
    user = make_user(Role.STUDENT, student_id=young.id)
    placement = make_offer(young, make_slot(world.enterprise))
    with pytest.raises(Conflict):
        offers.accept_offer(session, user, placement.id, TODAY)
    session.rollback()


@pytest.mark.parametrize(
    ("birth", "refused"),
    [
        (date(2010, 7, 1), True),  # the 16th birthday is the start day: still 15周岁
        (date(2010, 6, 30), False),  # the control: 16周岁 from the day after the birthday
    ],
)
def test_minimum_age_applies_to_a_shadowing_internship(  # type: ignore[no-untyped-def]
    session, world, make_slot, make_offer, make_student, make_user, birth, refused
) -> None:
    """N1 covers 跟岗实习: 教职成〔2021〕4号 第二条 folds it into 岗位实习 ("辅助…参与实际工作"),
    and 第十六条(二) bars "未满16周岁" students; 16周岁 starts the day after the birthday
    (Civil Code art. 201). The slots start on 2026-07-01."""
    student = make_student(world.school, birth=birth)
    user = make_user(Role.STUDENT, student_id=student.id)
    placement = make_offer(student, make_slot(world.enterprise, kind=SlotKind.SHADOW_INTERNSHIP))
    if refused:
        with pytest.raises(Conflict, match="N1"):
            offers.accept_offer(session, user, placement.id, TODAY)
        session.rollback()
        return
    accepted = offers.accept_offer(session, user, placement.id, TODAY)
    assert accepted.status == PlacementStatus.ACCEPTED


def test_expiry_sweep_expires_overdue_offers_only(
    session, world, make_slot, make_offer, make_student, facts
) -> None:  # type: ignore[no-untyped-def]
    slot = make_slot(world.enterprise, seats=2)
    overdue = make_offer(world.student, slot)
    current = make_offer(make_student(world.school), slot)
    current.offer_deadline = DEADLINE + timedelta(days=5)
    session.commit()
    assert offers.expire_offers(session, DEADLINE + timedelta(days=1)) == 1
    session.commit()
    assert facts.status(overdue.id) == PlacementStatus.EXPIRED
    assert facts.status(current.id) == PlacementStatus.OFFERED
    assert offers.expire_offers(session, DEADLINE + timedelta(days=1)) == 0
    session.commit()
    assert facts.seat_rows(slot.id) == 0


def test_the_student_lists_its_own_open_offers_newest_first(
    session, world, make_slot, make_offer
) -> None:  # type: ignore[no-untyped-def]
    first = make_offer(world.student, make_slot(world.enterprise))
    answered = make_offer(world.student, make_slot(world.enterprise))
    latest = make_offer(world.student, make_slot(world.enterprise, stipend=3200))
    make_offer(world.other_student, make_slot(world.enterprise))
    offers.decline_offer(session, world.users["student"], answered.id, TODAY)
    session.commit()
    listed = offers.list_offers(session, world.users["student"])
    assert [row.id for row in listed.items] == [latest.id, first.id] and listed.total == 2
    row = listed.items[0]
    assert (row.enterprise_name, row.slot_title, row.location, row.stipend_yuan) == (
        world.enterprise.name,
        "数控车工实习岗",
        "苏州市吴江区",
        3200,
    )
    assert (row.start_date, row.months, row.offer_deadline) == (latest.start_date, 6, DEADLINE)
    with pytest.raises(PermissionDenied):
        offers.list_offers(session, world.users["school"])
