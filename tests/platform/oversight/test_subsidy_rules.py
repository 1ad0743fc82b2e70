"""R6 (no subsidy under an active credit record) and R8 (claimed in the certificate's year)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from skillbridge.models import (
    Certificate,
    ClaimStatus,
    Cohort,
    CreditRecord,
    Specialty,
    SubsidyClaim,
    SubsidyPolicy,
)
from skillbridge.platform.services.subsidies.budgets import install_region_policies

PAID_AT = datetime(2025, 10, 10, 2, 0, tzinfo=UTC)


def _policy(session, region, code=None) -> SubsidyPolicy:  # type: ignore[no-untyped-def]
    install_region_policies(session, region)
    statement = select(SubsidyPolicy).where(SubsidyPolicy.region_id == region.id)
    if code:
        statement = statement.where(SubsidyPolicy.code == code)
    return session.scalars(statement.order_by(SubsidyPolicy.id)).first()


def _claim(session, policy, bureau, status=ClaimStatus.PAID, **subject) -> SubsidyClaim:  # type: ignore[no-untyped-def]
    decided = status != ClaimStatus.SUBMITTED
    claim = SubsidyClaim(
        policy_id=policy.id,
        on_date=subject.pop("on_date", date(2025, 9, 1)),
        once_only_key=f"test:{policy.code}:{subject}:{status}",
        status=status,
        amount_yuan=2000 if decided else None,
        decided_by_id=bureau.id if decided else None,
        decided_at=PAID_AT if decided else None,
        paid_at=PAID_AT if status == ClaimStatus.PAID else None,
        paid_by_id=bureau.id if status == ClaimStatus.PAID else None,
        **subject,
    )
    session.add(claim)
    session.flush()
    return claim


def _record(session, bureau, starts_on, ends_on, revoked=False, **subject) -> CreditRecord:  # type: ignore[no-untyped-def]
    record = CreditRecord(
        rule="R6",
        reason="鉴定作弊",
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by_id=bureau.id,
        revoked_at=PAID_AT if revoked else None,
        revoked_by_id=bureau.id if revoked else None,
        **subject,
    )
    session.add(record)
    session.flush()
    return record


def test_r6_paid_to_a_student_under_a_credit_record(session, check, world) -> None:  # type: ignore[no-untyped-def]
    bureau, policy = world.users["bureau"], _policy(session, world.region)
    claim = _claim(session, policy, bureau, student_id=world.student.id)
    record = _record(
        session, bureau, date(2025, 10, 10), date(2026, 10, 9), student_id=world.student.id
    )
    [violation] = check("R6")
    assert violation.subject_key == f"subsidy_claim:{claim.id}"
    assert violation.evidence["credit_record_id"] == record.id
    assert violation.evidence["paid_on"] == "2025-10-10"
    assert violation.evidence["barred_on"] == ["approved_on", "paid_on"]


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "revoked"),
    [
        (date(2025, 10, 11), date(2026, 10, 9), False),  # began the day after the payment
        (date(2024, 10, 1), date(2025, 10, 9), False),  # ended the day before
        (date(2025, 1, 1), date(2026, 12, 31), True),  # revoked
    ],
)
def test_r6_no_record_in_force_when_paid(
    session, check, world, starts_on, ends_on, revoked
) -> None:  # type: ignore[no-untyped-def]
    bureau, policy = world.users["bureau"], _policy(session, world.region)
    _claim(session, policy, bureau, student_id=world.student.id)
    _record(session, bureau, starts_on, ends_on, revoked, student_id=world.student.id)
    assert check("R6") == []


def test_r6_approved_claim_of_an_enterprise_barred_today(session, check, world) -> None:  # type: ignore[no-untyped-def]
    bureau, policy = world.users["bureau"], _policy(session, world.region)
    claim = _claim(session, policy, bureau, ClaimStatus.APPROVED, enterprise_id=world.enterprise.id)
    _record(
        session, bureau, date(2026, 1, 1), date(2026, 12, 31), enterprise_id=world.enterprise.id
    )
    [violation] = check("R6")
    assert violation.object_id == claim.id
    assert violation.evidence["barred_on"] == ["today"]
    assert violation.evidence["beneficiary"] == "enterprise"


def test_r8_certificate_claimed_in_another_year(
    session, check, make_region, make_school, make_enterprise, make_student, world
) -> None:  # type: ignore[no-untyped-def]
    dalian = make_region(pack="dalian")
    student = make_student(make_school(dalian))
    enterprise = make_enterprise(dalian)
    policy = _policy(session, dalian, "dalian.enterprise_training_subsidy")
    certificate = Certificate(
        person_id=student.person_id,
        occupation_id=_occupation_id(session, student),
        level=3,
        issued_on=date(2024, 12, 20),
        number="DL-2024-1",
    )
    session.add(certificate)
    session.flush()
    bureau = world.users["bureau"]
    late = _claim(
        session, policy, bureau, ClaimStatus.SUBMITTED, enterprise_id=enterprise.id,
        certificate_id=certificate.id, on_date=date(2025, 1, 5),
    )  # fmt: skip
    other = _policy(session, dalian, "dalian.tuition_subsidy")  # no claim-year condition
    _claim(
        session, other, bureau, ClaimStatus.SUBMITTED, student_id=student.id,
        certificate_id=certificate.id, on_date=date(2025, 1, 5),
    )  # fmt: skip
    [violation] = check("R8", region=dalian)
    assert violation.object_id == late.id
    assert violation.evidence["certificate_issued_on"] == "2024-12-20"
    assert violation.evidence["claimed_on"] == "2025-01-05"
    late.on_date = date(2024, 12, 31)
    assert check("R8", region=dalian) == []


def _occupation_id(session, student) -> int:  # type: ignore[no-untyped-def]
    cohort = session.get(Cohort, student.cohort_id)
    return session.get(Specialty, cohort.specialty_id).occupations[0].id
