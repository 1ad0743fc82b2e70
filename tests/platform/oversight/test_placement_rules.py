"""R1, R2, R4, R5, R7, N1, N5, N6, N9: one violating and one compliant case each, with evidence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from skillbridge.models import (
    AgreementStatus,
    Certificate,
    Cohort,
    FilingStatus,
    Party,
    PlacementAgreementKind,
    PlacementStatus,
    SlotKind,
)

from .conftest import END, START, figures


def _placement_ids(violations) -> set[int]:  # type: ignore[no-untyped-def]
    return {v.object_id for v in violations if v.object_type == "placement"}


def test_compliant_post_internship_breaks_no_placement_rule(kit, check) -> None:  # type: ignore[no-untyped-def]
    kit.compliant_post()
    for rule_id in ("R1", "R2", "R4", "R5", "R7", "N1", "N5", "N6", "N9"):
        assert check(rule_id) == [], rule_id


def test_r1_student_over_the_cap_across_placements(kit, check, world) -> None:  # type: ignore[no-untyped-def]
    cap = figures(world.region).post_internship_max_months.value
    first = kit.placement(world.student, kit.slot(), PlacementStatus.ENDED, months=cap - 2)
    kit.placement(world.student, kit.slot(), PlacementStatus.ACCEPTED, months=2)
    assert check("R1") == []  # exactly at the cap
    kit.placement(world.student, kit.slot(), PlacementStatus.ACTIVE, months=1)
    [violation] = check("R1")
    assert violation.subject_key == f"student:{world.student.id}"
    assert violation.evidence["total_months"] == cap + 1
    assert violation.evidence["cap"]["value"] == cap
    assert first.id in [p["placement_id"] for p in violation.evidence["placements"]]


def test_r1_ignores_cancelled_and_non_post_placements(kit, check, world) -> None:  # type: ignore[no-untyped-def]
    cap = figures(world.region).post_internship_max_months.value
    kit.placement(world.student, kit.slot(), PlacementStatus.ACTIVE, months=cap)
    kit.placement(world.student, kit.slot(), PlacementStatus.CANCELLED, months=3)
    kit.placement(world.student, kit.slot(kind=SlotKind.SHADOW_INTERNSHIP), months=3)
    assert check("R1") == []


def test_r2_post_internship_without_approved_plan(kit, check) -> None:  # type: ignore[no-untyped-def]
    placement = kit.placement(kit.world.student, kit.slot())
    kit.agreement(placement, plan=FilingStatus.FILED)
    kit.cooperation()
    [violation] = check("R2")
    assert violation.object_id == placement.id
    assert violation.evidence["plan_status"] == "filed"
    assert violation.evidence["cooperation_agreement_id"] is not None
    assert "审定备案" in violation.summary_zh


def test_r2_post_internship_without_cooperation_agreement_at_start(kit, check) -> None:  # type: ignore[no-untyped-def]
    placement = kit.placement(kit.world.student, kit.slot())
    kit.agreement(placement)
    kit.cooperation(valid_from=date(2025, 10, 1))  # begins after the placement started
    [violation] = check("R2")
    assert violation.evidence["cooperation_agreement_id"] is None
    assert violation.evidence["plan_status"] == "approved"


def test_r2_an_expired_agreement_still_covers_a_placement_begun_inside_it(kit, check) -> None:  # type: ignore[no-untyped-def]
    placement = kit.placement(kit.world.student, kit.slot(), PlacementStatus.ENDED)
    kit.agreement(placement)
    kit.cooperation(status=AgreementStatus.EXPIRED, valid_to=date(2025, 12, 31))
    assert check("R2") == []


def test_r4_started_post_internship_without_insurance(kit, check) -> None:  # type: ignore[no-untyped-def]
    placement = kit.placement(kit.world.student, kit.slot())
    kit.agreement(placement, insured=None)
    [violation] = check("R4")
    assert violation.object_id == placement.id
    assert violation.evidence["insurer"] is None
    # Not started yet: the start checks still stand between it and the post.
    accepted = kit.placement(kit.world.other_student, kit.slot(), PlacementStatus.ACCEPTED)
    kit.agreement(accepted, insured=None)
    assert accepted.id not in _placement_ids(check("R4"))


def test_n6_insurance_that_ends_before_the_internship(kit, check) -> None:  # type: ignore[no-untyped-def]
    placement = kit.placement(kit.world.student, kit.slot(kind=SlotKind.SHADOW_INTERNSHIP))
    kit.agreement(placement, insured=(START, date(2026, 1, 31)))
    [violation] = check("N6")
    assert violation.object_id == placement.id
    assert violation.evidence["insurance_end"] == "2026-01-31"
    assert check("R4") == []  # R4 is about post internships with no insurance at all


def test_n6_insurance_over_the_whole_term_and_apprentices_are_exempt(kit, check) -> None:  # type: ignore[no-untyped-def]
    shadow = kit.placement(kit.world.student, kit.slot(kind=SlotKind.SHADOW_INTERNSHIP))
    kit.agreement(shadow, insured=(START, END))
    apprentice = kit.placement(kit.world.student, kit.slot(kind=SlotKind.APPRENTICESHIP))
    kit.agreement(apprentice, PlacementAgreementKind.APPRENTICE_TRAINING, insured=None)
    assert check("N6") == []


def test_n5_started_without_the_students_signature(kit, check) -> None:  # type: ignore[no-untyped-def]
    placement = kit.placement(kit.world.student, kit.slot())
    kit.agreement(placement, parties=(Party.SCHOOL, Party.ENTERPRISE))
    [violation] = check("N5")
    assert violation.evidence["missing_parties"] == ["student"]
    assert violation.evidence["signed_parties"] == ["enterprise", "school"]


def test_n5_minor_without_guardian_consent(kit, check, make_student, world) -> None:  # type: ignore[no-untyped-def]
    minor = make_student(world.school, birth=date(2008, 3, 1))  # 17 at the start
    placement = kit.placement(minor, kit.slot(kind=SlotKind.SHADOW_INTERNSHIP))
    agreement = kit.agreement(placement)
    [violation] = check("N5")
    assert violation.evidence["under_18_at_start"] is True
    assert violation.evidence["missing_parties"] == []
    agreement.guardian_consent = True
    assert check("N5") == []


def test_r5_apprenticeship_without_the_apprentice_agreement(kit, check) -> None:  # type: ignore[no-untyped-def]
    unsigned = kit.placement(kit.world.student, kit.slot(kind=SlotKind.APPRENTICESHIP))
    kit.agreement(unsigned, PlacementAgreementKind.APPRENTICE_TRAINING, parties=(Party.ENTERPRISE,))
    missing = kit.placement(kit.world.other_student, kit.slot(kind=SlotKind.APPRENTICESHIP))
    signed = kit.placement(kit.world.student, kit.slot(kind=SlotKind.APPRENTICESHIP))
    kit.agreement(
        signed,
        PlacementAgreementKind.APPRENTICE_TRAINING,
        parties=(Party.ENTERPRISE, Party.STUDENT),
    )
    violations = {v.object_id: v for v in check("R5")}
    assert set(violations) == {unsigned.id}  # the other student is another region's
    assert violations[unsigned.id].evidence["missing_parties"] == ["student"]
    assert missing.id not in violations


def test_r5_apprenticeship_with_no_agreement_at_all(kit, check, make_student, world) -> None:  # type: ignore[no-untyped-def]
    placement = kit.placement(make_student(world.school), kit.slot(kind=SlotKind.APPRENTICESHIP))
    [violation] = check("R5")
    assert violation.object_id == placement.id
    assert violation.evidence["agreement_id"] is None


def test_n1_under_the_minimum_age_at_the_start(kit, check, make_student, world) -> None:  # type: ignore[no-untyped-def]
    """教职成〔2021〕4号 第十六条(二) "未满16周岁"; 16周岁 is reached the day after the 16th
    birthday (Civil Code art. 201), so a start on the birthday itself is under age."""
    minimum = figures(world.region).post_internship_min_age.value
    birthday = date(START.year - minimum, START.month, START.day)
    young = make_student(world.school, birth=date(birthday.year, birthday.month, 2))
    on_birthday = make_student(world.school, birth=birthday)  # the birthday: still minimum - 1
    of_age = make_student(world.school, birth=birthday - timedelta(days=1))  # the day after it
    too_young = kit.placement(young, kit.slot())
    starts_on_birthday = kit.placement(on_birthday, kit.slot())
    allowed = kit.placement(of_age, kit.slot())
    violations = {v.object_id: v for v in check("N1")}
    assert set(violations) == {too_young.id, starts_on_birthday.id}
    assert allowed.id not in violations
    assert violations[starts_on_birthday.id].evidence["age_at_start"] == minimum - 1
    violation = violations[too_young.id]
    assert violation.evidence["age_at_start"] == minimum - 1
    assert "birth_date" not in violation.evidence  # the bureau gets the age (README table)
    assert violation.evidence["first_school_year"] is False


def test_n1_covers_shadowing_internships(kit, check, make_student, world) -> None:  # type: ignore[no-untyped-def]
    """N1 applies to 跟岗实习 too: the 2021 text (第二条) merged it into 岗位实习 ("辅助…参与实际
    工作"), whose 第十六条(二) bars students "未满16周岁"; the of-age student is the control."""
    minimum = figures(world.region).post_internship_min_age.value
    birthday = date(START.year - minimum, START.month, START.day)
    young = make_student(world.school, birth=birthday)
    of_age = make_student(world.school, birth=birthday - timedelta(days=1))
    shadow = kit.placement(young, kit.slot(kind=SlotKind.SHADOW_INTERNSHIP))
    allowed = kit.placement(of_age, kit.slot(kind=SlotKind.SHADOW_INTERNSHIP))
    kit.placement(young, kit.slot(kind=SlotKind.APPRENTICESHIP))  # no N1 scope: not flagged
    [violation] = check("N1")
    assert violation.object_id == shadow.id != allowed.id
    assert violation.evidence["slot_kind"] == "shadow_internship"
    assert "跟岗实习" in violation.summary_zh


def test_n1_first_year_student_on_a_post_internship(
    kit, check, make_student, world, session
) -> None:  # type: ignore[no-untyped-def]
    student = make_student(world.school)
    session.get(Cohort, student.cohort_id).intake_year = START.year  # began school this September
    placement = kit.placement(student, kit.slot())
    kit.placement(student, kit.slot(kind=SlotKind.SHADOW_INTERNSHIP))  # shadowing is allowed
    [violation] = check("N1")
    assert violation.object_id == placement.id
    assert violation.evidence["first_school_year"] is True


@pytest.mark.parametrize(("month", "day", "flagged"), [(2, 28, True), (3, 1, False)])
def test_n1_29_february_birthday_is_of_age_on_1_march(  # type: ignore[no-untyped-def]
    kit, check, make_student, world, session, month, day, flagged
) -> None:
    """Born 29 February: the 16th year ends on 28 February of a common year or on 29 February of
    a leap year (Civil Code art. 202); 16周岁 is reached on 1 March either way (art. 201)."""
    minimum = figures(world.region).post_internship_min_age.value
    leap_birth = next(date(y, 2, 29) for y in range(2012 - minimum, 1990, -1) if y % 4 == 0)
    start = date(leap_birth.year + minimum, month, day)
    student = make_student(world.school, birth=leap_birth)
    # Past the first school year, so the age alone decides.
    session.get(Cohort, student.cohort_id).intake_year = start.year - 2
    placement = kit.placement(student, kit.slot(), start=start, end=date(start.year, 8, 1))
    assert (placement.id in _placement_ids(check("N1"))) is flagged


def test_r7_certificate_only_occupation(kit, check, session, world) -> None:  # type: ignore[no-untyped-def]
    occupation = kit.occupation(requires_certificate=True)
    placement = kit.placement(world.student, kit.slot(occupation=occupation))
    [violation] = check("R7")
    assert violation.object_id == placement.id
    assert violation.evidence["occupation_code"] == occupation.code
    session.add(
        Certificate(
            person_id=world.student.person_id,
            occupation_id=occupation.id,
            level=2,
            issued_on=date(2025, 6, 1),
            number="CERT-R7-1",
        )
    )
    assert check("R7") == []


def test_n9_longer_than_the_generic_months(kit, check, world) -> None:  # type: ignore[no-untyped-def]
    generic = figures(world.region).post_internship_generic_months.value
    kit.placement(world.student, kit.slot(), months=generic)
    longer = kit.placement(world.student, kit.slot(), months=generic + 1)
    [violation] = check("N9")
    assert violation.object_id == longer.id
    assert violation.evidence["generic_months"]["value"] == generic
