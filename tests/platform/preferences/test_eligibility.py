"""Per-(student, slot) eligibility: every failed rule is named, with its reason and citation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from skillbridge.models import (
    AgreementStatus,
    Certificate,
    CreditRecord,
    Occupation,
    SlotKind,
)
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services.slots.eligibility import explain

TODAY = date(2025, 6, 1)
NATIONAL = "教职成〔2021〕4号《职业学校学生实习管理规定》"


def _rules(session, world, slot) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.rule for f in explain(session, world.student, slot, TODAY)]


def _failure(session, world, slot, rule: str):  # type: ignore[no-untyped-def]
    (failure,) = [f for f in explain(session, world.student, slot, TODAY) if f.rule == rule]
    return failure


@pytest.fixture
def other_occupation(session: Session, factories: Factories) -> Occupation:
    occupation = factories.occupation(code="6-20-99-99", name="焊工")
    session.commit()
    return occupation


def test_an_eligible_pair_fails_nothing(session, world, make_slot, make_agreement):
    make_agreement()
    assert explain(session, world.student, make_slot(), TODAY) == []


def test_specialty_must_be_accepted_or_feed_the_occupation(
    session, world, specialty, make_slot, make_agreement, other_occupation
):
    make_agreement()
    elsewhere = make_slot(occupation_id=other_occupation.id)
    assert _rules(session, world, elsewhere) == ["specialty"]
    assert specialty.name in _failure(session, world, elsewhere, "specialty").reason
    accepting = make_slot(occupation_id=other_occupation.id, accepted_specialties=[specialty])
    assert _rules(session, world, accepting) == []


def test_minimum_level(session, world, make_slot, make_agreement):
    make_agreement()
    failure = _failure(session, world, make_slot(min_level=3), "level")
    assert "高级工" in failure.reason and "学徒工" in failure.reason
    world.student.skill_level = 3
    session.commit()
    assert _rules(session, world, make_slot(min_level=3)) == []


def test_r7_needs_a_certificate_of_the_slots_occupation(
    session, world, specialty, make_slot, make_agreement, other_occupation
):
    make_agreement()
    slot = make_slot(certificate_required=True)
    failure = _failure(session, world, slot, "R7")
    assert failure.citation == "内党办发〔2007〕4号 (八)"
    session.add(
        Certificate(
            person_id=world.student.person_id,
            occupation_id=other_occupation.id,
            level=2,
            issued_on=date(2025, 1, 10),
            number="CERT-OTHER-1",
        )
    )
    session.commit()
    assert "R7" in _rules(session, world, slot)
    session.add(
        Certificate(
            person_id=world.student.person_id,
            occupation_id=slot.occupation_id,
            level=2,
            issued_on=date(2025, 1, 10),
            number="CERT-RIGHT-1",
        )
    )
    session.commit()
    assert _rules(session, world, slot) == []


def test_r7_also_follows_the_occupations_access_flag(
    session, world, specialty, make_slot, make_agreement
):
    make_agreement()
    specialty.occupations[0].requires_certificate = True
    session.commit()
    assert _rules(session, world, make_slot()) == ["R7"]


def test_cohort_window_must_contain_the_start(session, world, make_slot, make_agreement):
    make_agreement()
    assert _rules(session, world, make_slot(start_date=date(2026, 6, 30))) == []
    failure = _failure(session, world, make_slot(start_date=date(2026, 7, 1)), "window")
    assert "2025-07-01" in failure.reason and "2026-06-30" in failure.reason


def test_r2_post_internships_need_an_agreement_in_force(
    session, world, make_slot, make_agreement, make_specialty
):
    slot = make_slot()
    failure = _failure(session, world, slot, "R2")
    assert failure.citation == "大政发[2011]46号 二(三)"
    make_agreement(status=AgreementStatus.TERMINATED, termination_reason="停产")
    make_agreement(specialties=[make_specialty()])
    make_agreement(valid_to=date(2025, 5, 31))  # approved but past valid_to, not yet expired
    make_agreement(valid_from=date(2025, 10, 1))  # starts after the slot
    assert "R2" in _rules(session, world, slot)
    shadow = make_slot(kind=SlotKind.SHADOW_INTERNSHIP)
    assert _rules(session, world, shadow) == []


@pytest.mark.parametrize(("used", "ok"), [(6, True), (7, False)])
def test_r1_months_left_under_the_cap(session, world, make_slot, make_agreement, used, ok):
    make_agreement()
    world.student.months_used = used
    session.commit()
    rules = _rules(session, world, make_slot(duration_months=6))
    assert rules == ([] if ok else ["R1"])
    if not ok:
        failure = _failure(session, world, make_slot(duration_months=6), "R1")
        assert failure.citation == "大政发[2011]46号 二(三)" and "剩余 5 个月" in failure.reason
        assert _rules(session, world, make_slot(kind=SlotKind.APPRENTICESHIP)) == []


def test_r6_an_active_credit_record_bars_the_student(session, world, make_slot, make_agreement):
    make_agreement()
    session.add(
        CreditRecord(
            student_id=world.student.id,
            rule="R6",
            reason="证书造假",
            starts_on=date(2025, 1, 1),
            ends_on=date(2026, 1, 1),
            recorded_by_id=world.users["bureau"].id,
        )
    )
    session.commit()
    failure = _failure(session, world, make_slot(), "R6")
    assert "(十三)" in failure.citation and "2026-01-01" in failure.reason


# The slots start on 2025-09-01. 教职成〔2021〕4号 第十六条(二) "未满16周岁": 16周岁 is reached the
# day after the 16th birthday (Civil Code art. 201), so a student born 2009-09-01 is 15 that day.
@pytest.mark.parametrize(
    ("birth", "ok"),
    [(date(2009, 8, 31), True), (date(2009, 9, 1), False), (date(2009, 9, 2), False)],
)
def test_n1_minimum_age_on_the_start_date(session, world, make_slot, make_agreement, birth, ok):
    make_agreement()
    world.student.birth_date = birth
    session.commit()
    slot = make_slot()
    if ok:
        assert _rules(session, world, slot) == []
        assert _rules(session, world, make_slot(kind=SlotKind.SHADOW_INTERNSHIP)) == []
        return
    failure = _failure(session, world, slot, "N1")
    assert failure.citation.startswith(NATIONAL) and "15 周岁" in failure.reason
    assert _rules(session, world, make_slot(kind=SlotKind.ORDER_CLASS)) == []


def test_n1_applies_to_shadowing_slots(session, world, make_slot, make_agreement):
    """跟岗实习 falls under N1: the 2021 text (第二条) merged it into 岗位实习 ("辅助…参与实际工作")."""
    make_agreement()
    world.student.birth_date = date(2010, 3, 1)  # 15 on the 2025-09-01 start
    session.commit()
    failure = _failure(session, world, make_slot(kind=SlotKind.SHADOW_INTERNSHIP), "N1")
    assert "15 周岁" in failure.reason
    assert _rules(session, world, make_slot(kind=SlotKind.APPRENTICESHIP)) == []


def test_every_failure_is_listed_at_once(session, world, make_slot, other_occupation):
    world.student.months_used = 12
    session.commit()
    slot = make_slot(occupation_id=other_occupation.id, min_level=2, start_date=date(2027, 1, 1))
    assert _rules(session, world, slot) == ["specialty", "level", "window", "R2", "R1"]
