"""Every kind of notification the services send renders, and its link opens a page (200)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session
from support import LoginAs, World

from skillbridge.models import Notification, Placement, Role, Student, User
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services import notifications
from skillbridge.platform.services.placements import agreements as placement_agreements
from skillbridge.platform.services.placements import offers
from skillbridge.platform.services.subsidies import claims

from .conftest import CLAIM_DAY

TODAY = date.today()
START = date(2026, 7, 1)
# Every kind the services send; a new kind fails the test until it is added here and followed.
EVERY_KIND = {
    notifications.OFFER_RECEIVED,
    notifications.AGREEMENT_TO_SIGN,
    notifications.PLAN_FILED,
    notifications.PLAN_APPROVED,
    notifications.PLAN_REJECTED,
    claims.CLAIM_TO_REVIEW,
    claims.CLAIM_DECIDED,
}


def _placement_with_a_filed_plan(
    session: Session,
    world: World,
    factories: Factories,
    make_student: Callable[..., Student],
    make_user: Callable[..., User],
) -> int:
    """A new student's offer, published, accepted, insured and with its plan filed."""
    student = make_student(world.school)
    student_user = make_user(Role.STUDENT, student_id=student.id)
    slot = factories.slot(world.enterprise, seats=2, location="苏州市吴江区")
    placement = factories.placement(student, slot)
    school = world.users["school"]
    offers.publish_offers(session, school, [placement], TODAY + timedelta(days=7), TODAY)
    offers.accept_offer(session, student_user, placement.id, TODAY)
    insurance = placement_agreements.Insurance("中国人保", "PICC-1", START, date(2027, 1, 31))
    placement_agreements.record_insurance(session, school, placement.id, insurance)
    placement_agreements.file_internship_plan(
        session, school, placement.id, "安全培训；数控车床操作。"
    )
    return placement.id


def test_every_notification_kind_renders_and_its_link_opens(
    app: Flask,
    session: Session,
    youth_case: World,
    factories: Factories,
    make_student: Callable[..., Student],
    make_user: Callable[..., User],
    login_as: LoginAs,
) -> None:
    world, bureau = youth_case, youth_case.users["bureau"]
    approved = _placement_with_a_filed_plan(session, world, factories, make_student, make_user)
    rejected = _placement_with_a_filed_plan(session, world, factories, make_student, make_user)
    placement_agreements.decide_internship_plan(session, bureau, approved, True)
    placement_agreements.decide_internship_plan(session, bureau, rejected, False, "计划不完整")
    placement = session.scalar(select(Placement).where(Placement.student_id == world.student.id))
    claim = claims.on_placement_months_reached(session, placement, CLAIM_DAY)[0]
    claims.approve_claim(session, bureau, claim.id)
    session.commit()

    followed = set()
    for note in session.scalars(select(Notification).order_by(Notification.id)).all():
        client = login_as(session.get(User, note.user_id))
        listing = client.get("/notifications/")
        assert listing.status_code == 200 and note.body in listing.get_data(as_text=True)
        assert note.endpoint is not None, note.kind
        opened = client.post(f"/notifications/{note.id}/read")
        assert opened.status_code == 302, note.kind
        target = opened.headers["Location"]
        assert target.startswith("/") and target != "/notifications/", (note.kind, target)
        assert client.get(target).status_code == 200, (note.kind, note.endpoint, target)
        followed.add(note.kind)
    assert followed == EVERY_KIND


def test_a_link_names_an_endpoint_with_plain_arguments() -> None:
    link = notifications.Link("placements.detail", {"placement_id": 7})
    assert (link.endpoint, dict(link.args)) == ("placements.detail", {"placement_id": 7})
    for endpoint, args in (
        ("/placements/7", {}),
        ("placements", {}),
        ("https://evil.example/x", {}),
        ("placements.detail", {"placement_id": 7.5}),
        ("placements.detail", {"placement_id": True}),
    ):
        with pytest.raises(ValueError):
            notifications.Link(endpoint, args)
