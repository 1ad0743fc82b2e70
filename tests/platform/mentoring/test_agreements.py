"""名师带徒 agreements: who may record them, the mentor's level, the period and the employees."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from skillbridge.models import (
    CertificateStatus,
    EmploymentStatus,
    MentorshipAgreement,
    Person,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.mentoring.agreements import record_agreement

from .conftest import agreement_input


def _count(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count(MentorshipAgreement.id)))


def test_hr_records_an_agreement_for_two_confirmed_employees(session, shop) -> None:  # type: ignore[no-untyped-def]
    agreement = record_agreement(session, shop.hr, agreement_input(shop))
    session.commit()
    assert (agreement.mentor_level, agreement.monthly_allowance_yuan) == (4, 800)
    assert agreement.mentor_person_id == shop.mentor.person_id
    assert agreement.level_certificate_id is None  # no trusted certificate: the stated level


@pytest.mark.parametrize("level", ["intermediate", "special_technician", "chief", ""])
def test_a_level_outside_the_three_mentor_levels_is_refused(session, shop, level) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match="高级工、技师或高级技师"):
        record_agreement(session, shop.hr, agreement_input(shop, mentor_level=level))
    assert _count(session) == 0
    for allowed in ("senior", "senior_technician"):
        record_agreement(
            session, shop.hr, agreement_input(shop, mentor_level=allowed, agreement_ref=allowed)
        )
    assert _count(session) == 2


def test_the_database_refuses_a_level_below_senior(session, shop) -> None:  # type: ignore[no-untyped-def]
    agreement = record_agreement(session, shop.hr, agreement_input(shop))
    session.commit()
    agreement.mentor_level = 2
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    agreement.mentor_level = 5
    session.flush()  # the positive control: 高级技师 is in range


def test_the_level_is_checked_against_trusted_certificates(session, shop, factories) -> None:  # type: ignore[no-untyped-def]
    mentor = session.get(Person, shop.mentor.person_id)
    factories.certificate(mentor, shop.occupation, 3)  # verified 高级工
    factories.certificate(mentor, shop.occupation, 5, status=CertificateStatus.DECLARED)
    session.commit()
    with pytest.raises(InvalidInput, match="高于其经核验的证书等级") as refused:
        record_agreement(session, shop.hr, agreement_input(shop, mentor_level="technician"))
    assert "高级工 < 技师" in refused.value.details[0]  # a declared 高级技师 does not count
    agreement = record_agreement(session, shop.hr, agreement_input(shop, mentor_level="senior"))
    assert agreement.level_certificate_id is not None


def test_period_allowance_and_reference_are_validated(session, shop) -> None:  # type: ignore[no-untyped-def]
    bad = agreement_input(
        shop,
        end_month=agreement_input(shop).start_month,
        monthly_allowance_yuan=0,
        agreement_ref=" ",
    )
    with pytest.raises(InvalidInput) as refused:
        record_agreement(session, shop.hr, bad)
    assert len(refused.value.details) == 3
    assert _count(session) == 0


def test_both_people_must_be_confirmed_employees_of_the_enterprise(
    session, shop, world, factories
) -> None:  # type: ignore[no-untyped-def]
    shop.apprentice.status = EmploymentStatus.PENDING
    session.commit()
    with pytest.raises(InvalidInput, match="尚未确认"):
        record_agreement(session, shop.hr, agreement_input(shop))
    stranger = factories.employment(factories.person(), world.other_enterprise)
    session.commit()
    with pytest.raises(NotFound):
        record_agreement(
            session, shop.hr, agreement_input(shop, apprentice_employment_id=stranger.id)
        )
    with pytest.raises(InvalidInput, match="同一人"):
        record_agreement(
            session, shop.hr, agreement_input(shop, apprentice_employment_id=shop.mentor.id)
        )
    shop.apprentice.status = EmploymentStatus.CONFIRMED
    session.commit()
    record_agreement(session, shop.hr, agreement_input(shop))
    assert _count(session) == 1


def test_only_admin_or_hr_of_the_enterprise_records(session, shop, world) -> None:  # type: ignore[no-untyped-def]
    for outsider in (shop.mentor_account, world.users["bureau"], world.users["school"]):
        with pytest.raises(PermissionDenied):
            record_agreement(session, outsider, agreement_input(shop))
    with pytest.raises(NotFound):  # another enterprise's HR cannot reach these employees
        record_agreement(session, shop.other_hr, agreement_input(shop))
    record_agreement(session, world.users["enterprise"], agreement_input(shop))  # its admin
    assert _count(session) == 1


def test_one_reference_per_enterprise(session, shop) -> None:  # type: ignore[no-untyped-def]
    record_agreement(session, shop.hr, agreement_input(shop))
    with pytest.raises(Conflict):
        record_agreement(session, shop.hr, agreement_input(shop))
    record_agreement(session, shop.hr, agreement_input(shop, agreement_ref="XY-2025-002"))
    assert _count(session) == 2
