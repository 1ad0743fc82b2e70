"""N2, N3, N4 (host enterprises and posts) and R3 (partners per specialty), at their boundaries."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_CEILING

from skillbridge.models import AgreementStatus, PlacementStatus, SlotStatus

from .conftest import figures


def _interns(kit, make_student, world, slot, count, status=PlacementStatus.ACTIVE):  # type: ignore[no-untyped-def]
    for _ in range(count):
        kit.placement(make_student(world.school), slot, status)


def test_n2_enterprise_interns_above_the_share_of_its_staff(
    kit, check, make_student, world
) -> None:  # type: ignore[no-untyped-def]
    share = figures(world.region).max_intern_share_of_enterprise_staff
    world.enterprise.staff_headcount = 20
    limit = int(share.ratio * 20)
    slot = kit.slot(post_headcount=1000)
    _interns(kit, make_student, world, slot, limit)
    _interns(kit, make_student, world, slot, 2, PlacementStatus.ACCEPTED)  # not on the post yet
    assert check("N2") == []
    _interns(kit, make_student, world, kit.slot(post_headcount=1000), 1)
    [violation] = check("N2")
    assert violation.subject_key == f"enterprise:{world.enterprise.id}"
    assert violation.evidence["interns_on_post"] == limit + 1
    assert violation.evidence["staff_headcount"] == 20
    assert violation.evidence["max_share"]["value"] == share.value


def test_n3_post_interns_above_the_share_of_the_posts_staff(
    kit, check, make_student, world
) -> None:  # type: ignore[no-untyped-def]
    share = figures(world.region).max_intern_share_of_post_staff
    world.enterprise.staff_headcount = 10000
    headcount = 10
    limit = int(share.ratio * headcount)
    within, over = kit.slot(post_headcount=headcount), kit.slot(post_headcount=headcount)
    _interns(kit, make_student, world, within, limit)
    _interns(kit, make_student, world, over, limit + 1)
    [violation] = check("N3")
    assert violation.object_type == "slot" and violation.object_id == over.id
    assert violation.evidence["interns_on_post"] == limit + 1
    assert violation.evidence["post_headcount"] == headcount


def test_n3_interns_on_a_post_without_a_recorded_headcount(kit, check, make_student, world) -> None:  # type: ignore[no-untyped-def]
    unknown = kit.slot(post_headcount=None)
    kit.slot(post_headcount=None)  # no interns on it: nothing to check
    _interns(kit, make_student, world, unknown, 1)
    [violation] = check("N3")
    assert violation.object_id == unknown.id
    assert violation.evidence["post_headcount"] is None


def test_n4_stipend_below_the_share_of_the_post_wage(kit, check, make_student, world) -> None:  # type: ignore[no-untyped-def]
    ratio = figures(world.region).min_stipend_ratio.ratio
    wage = 3333
    floor = int((ratio * wage).to_integral_value(rounding=ROUND_CEILING))
    kit.slot(stipend=floor, wage=wage)
    low = kit.slot(stipend=floor - 1, wage=wage)
    kit.slot(stipend=0, wage=wage, status=SlotStatus.DRAFT)  # a draft nobody holds
    [violation] = check("N4")
    assert violation.object_id == low.id
    assert violation.evidence["stipend_yuan"] == floor - 1
    assert violation.evidence["post_wage_yuan"] == wage


def test_n4_interns_on_a_slot_without_a_post_wage(kit, check, make_student, world) -> None:  # type: ignore[no-untyped-def]
    kit.slot(wage=None)  # open, no interns yet: nothing to compare
    unknown = kit.slot(wage=None, status=SlotStatus.CLOSED)
    _interns(kit, make_student, world, unknown, 1, PlacementStatus.ACCEPTED)
    [violation] = check("N4")
    assert violation.object_id == unknown.id
    assert violation.evidence["has_interns"] is True


def test_r3_specialty_with_too_few_partner_enterprises(kit, check, make_enterprise, world) -> None:  # type: ignore[no-untyped-def]
    required = figures(world.region).min_partner_enterprises_per_specialty.value
    partners = [make_enterprise(world.region) for _ in range(required)]
    for enterprise in partners[:-1]:
        kit.cooperation(enterprise=enterprise)
    kit.cooperation(enterprise=partners[0])  # a second agreement with the same partner
    kit.cooperation(enterprise=partners[-1], status=AgreementStatus.PROPOSED)
    kit.cooperation(enterprise=partners[-1], valid_to=date(2026, 2, 28))  # expired by TODAY
    [violation] = check("R3")
    assert violation.subject_key.startswith(f"school:{world.school.id}:specialty:")
    assert violation.evidence["partner_enterprises"] == required - 1
    assert violation.evidence["partner_enterprise_ids"] == sorted(e.id for e in partners[:-1])
    kit.cooperation(enterprise=partners[-1])
    assert check("R3") == []


def test_r3_a_specialty_with_no_agreement_at_all(check, world) -> None:  # type: ignore[no-untyped-def]
    [violation] = check("R3")
    assert violation.object_id == world.school.id
    assert violation.evidence["partner_enterprises"] == 0
    assert violation.evidence["partner_enterprise_ids"] == []
