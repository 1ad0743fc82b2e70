"""Placement agreements: signing, insurance, guardian consent, plan filing and the start checks."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from support import sign_as

from skillbridge.models import (
    FilingStatus,
    Notification,
    Party,
    PlacementStatus,
    Role,
    Signature,
    SlotKind,
    User,
)
from skillbridge.platform.services.errors import (
    Conflict,
    InvalidInput,
    PermissionDenied,
)
from skillbridge.platform.services.placements import agreements as placement_agreements
from skillbridge.platform.services.placements import lifecycle as placements_lifecycle
from skillbridge.platform.services.placements import offers
from skillbridge.platform.services.placements.agreements import Insurance

TODAY = date.today()
COVER = Insurance("中国人寿财产保险", "PICC-2026-0001", date(2026, 6, 30), date(2027, 1, 31))


def _complete(session, world, placement_id: int, guardian: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Every party signs, insurance is recorded, the plan is filed and approved."""
    for role in ("student", "school", "enterprise"):
        sign_as(session, world.users[role], placement_id)
    placement_agreements.record_insurance(session, world.users["enterprise"], placement_id, COVER)
    if guardian:
        placement_agreements.record_guardian_consent(
            session, world.users["school"], placement_id, "王芳"
        )
    placement_agreements.file_internship_plan(
        session, world.users["school"], placement_id, "第1-2月：安全与工艺培训；第3-6月：跟班生产。"
    )
    placement_agreements.decide_internship_plan(
        session, world.users["bureau"], placement_id, approve=True
    )
    session.commit()


def test_each_party_signs_once_and_who_and_when_are_kept(session, world, accepted) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    sign_as(session, world.users["school"], pid)
    session.commit()
    with pytest.raises(Conflict):
        sign_as(session, world.users["school"], pid)
    session.rollback()
    with pytest.raises(PermissionDenied):
        sign_as(session, world.users["bureau"], pid)
    session.rollback()
    signature = session.scalar(select(Signature))
    assert signature.party == Party.SCHOOL
    assert signature.signer_id == world.users["school"].id
    assert signature.content_sha256 == signature.document_version.content_sha256
    assert (signature.ip_address, signature.user_agent) == ("192.0.2.1", "pytest")
    assert signature.signed_at is not None


def test_start_waits_for_every_check(session, world, accepted, facts) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    with pytest.raises(Conflict) as refused:
        placements_lifecycle.start_placement(session, world.users["enterprise"], pid, TODAY)
    session.rollback()
    assert {d.split()[0] for d in refused.value.details} == {"N5", "R4/N6", "R2"}
    _complete(session, world, pid)
    with pytest.raises(PermissionDenied):
        placements_lifecycle.start_placement(session, world.users["student"], pid, TODAY)
    session.rollback()
    placements_lifecycle.start_placement(session, world.users["enterprise"], pid, TODAY)
    session.commit()
    assert facts.status(pid) == PlacementStatus.ACTIVE


def test_under_18_needs_guardian_consent(
    session, world, make_slot, make_offer, make_student, make_user
) -> None:  # type: ignore[no-untyped-def]
    minor = make_student(world.school, birth=date(2009, 9, 1))  # 16 on 2026-07-01
    minor_user = make_user(Role.STUDENT, student_id=minor.id)
    world.users["student"] = minor_user
    placement = make_offer(minor, make_slot(world.enterprise))
    offers.accept_offer(session, minor_user, placement.id, TODAY)
    session.commit()
    _complete(session, world, placement.id)
    with pytest.raises(Conflict) as refused:
        placements_lifecycle.start_placement(session, world.users["school"], placement.id, TODAY)
    session.rollback()
    assert [d.split()[0] for d in refused.value.details] == ["N5"]
    placement_agreements.record_guardian_consent(
        session, world.users["school"], placement.id, "王芳"
    )
    placements_lifecycle.start_placement(session, world.users["school"], placement.id, TODAY)
    session.commit()


def test_guardian_consent_is_refused_for_adults(session, world, accepted) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict):
        placement_agreements.record_guardian_consent(
            session, world.users["school"], accepted.placement.id, "王芳"
        )
    session.rollback()


def test_insurance_must_cover_the_whole_placement(session, world, accepted) -> None:  # type: ignore[no-untyped-def]
    short = Insurance("保险公司", "P-1", date(2026, 7, 1), date(2026, 12, 1))
    with pytest.raises(InvalidInput):
        placement_agreements.record_insurance(
            session, world.users["school"], accepted.placement.id, short
        )
    session.rollback()
    with pytest.raises(PermissionDenied):
        placement_agreements.record_insurance(
            session, world.users["student"], accepted.placement.id, COVER
        )
    session.rollback()


def test_plan_filing_rejection_with_reason_and_refiling(session, world, accepted) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    placement_agreements.file_internship_plan(session, world.users["school"], pid, "计划")
    session.commit()
    filed = session.scalars(select(Notification).where(Notification.kind == "plan.filed")).all()
    assert [n.user_id for n in filed] == [world.users["bureau"].id]
    assert [
        c.placement.id
        for c in placement_agreements.plans_to_review(session, world.users["bureau"]).items
    ] == [pid]
    with pytest.raises(InvalidInput):
        placement_agreements.decide_internship_plan(session, world.users["bureau"], pid, False, " ")
    session.rollback()
    agreement = placement_agreements.decide_internship_plan(
        session, world.users["bureau"], pid, False, "缺少安全培训安排"
    )
    session.commit()
    assert agreement.plan_status == FilingStatus.REJECTED
    assert agreement.plan_decision_reason == "缺少安全培训安排"
    rejected = session.scalars(
        select(User)
        .join(Notification, Notification.user_id == User.id)
        .where(Notification.kind == "plan.rejected")
    ).all()
    assert world.users["school"] in rejected
    assert {(u.role, u.school_id) for u in rejected} == {(Role.SCHOOL, world.school.id)}
    placement_agreements.file_internship_plan(session, world.users["school"], pid, "计划（修订）")
    session.commit()
    assert agreement.plan_status == FilingStatus.FILED


def test_only_the_bureau_of_the_school_region_reviews(session, world, accepted, make_user) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    placement_agreements.file_internship_plan(session, world.users["school"], pid, "计划")
    session.commit()
    outsider = make_user(Role.BUREAU, region_id=world.other_region.id)
    session.commit()
    with pytest.raises(PermissionDenied):
        placement_agreements.decide_internship_plan(session, outsider, pid, True)
    session.rollback()
    with pytest.raises(PermissionDenied):
        placement_agreements.decide_internship_plan(session, world.users["school"], pid, True)
    session.rollback()


def test_apprentice_agreement_needs_enterprise_and_apprentice_only(
    session, world, make_slot, make_offer
) -> None:  # type: ignore[no-untyped-def]
    placement = make_offer(world.student, make_slot(world.enterprise, kind=SlotKind.APPRENTICESHIP))
    offers.accept_offer(session, world.users["student"], placement.id, TODAY)
    session.commit()
    with pytest.raises(PermissionDenied):
        sign_as(session, world.users["school"], placement.id)
    session.rollback()
    sign_as(session, world.users["student"], placement.id)
    sign_as(session, world.users["enterprise"], placement.id)
    placements_lifecycle.start_placement(session, world.users["enterprise"], placement.id, TODAY)
    session.commit()


def test_agreements_to_sign_lists_what_waits_for_each_side(session, world, accepted) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    for role in ("student", "school", "enterprise"):
        waiting = placement_agreements.agreements_to_sign(session, world.users[role])
        assert [c.placement_id for c in waiting] == [pid]
    sign_as(session, world.users["enterprise"], pid)
    session.commit()
    assert placement_agreements.agreements_to_sign(session, world.users["enterprise"]) == []
    assert len(placement_agreements.agreements_to_sign(session, world.users["school"])) == 1


def test_stipend_below_the_pack_ratio_blocks_the_start(
    session, world, make_slot, make_offer
) -> None:  # type: ignore[no-untyped-def]
    slot = make_slot(world.enterprise, stipend=2799, wage=3500)  # 80% of 3500 is 2800 (N4)
    placement = make_offer(world.student, slot)
    offers.accept_offer(session, world.users["student"], placement.id, TODAY)
    session.commit()
    _complete(session, world, placement.id)
    with pytest.raises(Conflict) as refused:
        placements_lifecycle.start_placement(session, world.users["school"], placement.id, TODAY)
    session.rollback()
    assert [d.split()[0] for d in refused.value.details] == ["N4"]
    slot.stipend_yuan = 2800
    session.commit()
    placements_lifecycle.start_placement(session, world.users["school"], placement.id, TODAY)
    session.commit()


def test_a_started_placement_no_longer_takes_signatures(session, world, accepted) -> None:  # type: ignore[no-untyped-def]
    _complete(session, world, accepted.placement.id)
    placements_lifecycle.start_placement(
        session, world.users["school"], accepted.placement.id, TODAY
    )
    session.commit()
    with pytest.raises(Conflict):
        placement_agreements.file_internship_plan(
            session, world.users["school"], accepted.placement.id, "x"
        )
    session.rollback()


def test_a_placement_starts_on_its_start_date_not_before(session, world, accepted) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id  # starts 2026-07-01
    _complete(session, world, pid)
    eve = date(2026, 6, 30)
    page = placement_agreements.describe_placement(session, world.users["school"], pid, eve)
    assert [(c.label, c.passed, c.detail) for c in page.checks if not c.passed] == [
        ("已到实习开始日期", False, "2026-07-01")
    ]
    with pytest.raises(Conflict) as refused:
        placements_lifecycle.start_placement(session, world.users["school"], pid, eve)
    session.rollback()
    assert refused.value.details == ["已到实习开始日期"]
    placements_lifecycle.start_placement(session, world.users["school"], pid, date(2026, 7, 1))
    session.commit()


def test_a_shadowing_internship_under_the_minimum_age_does_not_start(
    session, world, make_slot, make_offer, make_student, make_user
) -> None:  # type: ignore[no-untyped-def]
    """N1 covers 跟岗实习 (教职成〔2021〕4号 第二条, 第十六条(二) "未满16周岁"). Accepted as 16 (born
    2010-06-30, the slot starts 2026-07-01), the birth date is then corrected to 2010-07-01: the
    start day is the 16th birthday, still 15周岁 (Civil Code art. 201), and the start is refused
    on N1 alone; put back, the same start succeeds (the control)."""
    student = make_student(world.school, birth=date(2010, 6, 30))
    user = make_user(Role.STUDENT, student_id=student.id)
    world.users["student"] = user
    placement = make_offer(student, make_slot(world.enterprise, kind=SlotKind.SHADOW_INTERNSHIP))
    offers.accept_offer(session, user, placement.id, TODAY)
    session.commit()
    for role in ("student", "school", "enterprise"):
        sign_as(session, world.users[role], placement.id)
    placement_agreements.record_insurance(session, world.users["enterprise"], placement.id, COVER)
    placement_agreements.record_guardian_consent(
        session, world.users["school"], placement.id, "王芳"
    )
    student.birth_date = date(2010, 7, 1)
    session.commit()
    with pytest.raises(Conflict) as refused:
        placements_lifecycle.start_placement(session, world.users["school"], placement.id, TODAY)
    session.rollback()
    assert [d.split()[0] for d in refused.value.details] == ["N1"]
    student.birth_date = date(2010, 6, 30)
    session.commit()
    placements_lifecycle.start_placement(session, world.users["school"], placement.id, TODAY)
    session.commit()
