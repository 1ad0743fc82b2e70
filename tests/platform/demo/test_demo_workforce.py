"""The demo workforce: confirmed employees, 名师带徒 agreements that obey their rules, a return."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    TRUSTED_CERTIFICATE,
    AllowanceEntry,
    Certificate,
    EducationFundReturn,
    Employment,
    EmploymentStatus,
    MentorshipAgreement,
    User,
)
from skillbridge.platform.demo.region import DEMO_LOGINS, REFERENCE_DATE, seed_demo_region
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.mentoring.ledger import enterprise_total


@pytest.fixture
def seeded(app, session: Session) -> Session:  # type: ignore[no-untyped-def]
    seed_demo_region(session, 7, keys=id_keys(app), scale=0.1)
    session.commit()
    return session


def test_the_demo_enterprise_has_confirmed_employees_and_mentors(seeded: Session) -> None:
    login = seeded.scalars(select(User).where(User.email == DEMO_LOGINS["enterprise"])).one()
    jobs = seeded.scalars(
        select(Employment).where(Employment.enterprise_id == login.enterprise_id)
    ).all()
    assert len(jobs) >= 10 and {j.status for j in jobs} == {EmploymentStatus.CONFIRMED}
    agreements = seeded.scalars(
        select(MentorshipAgreement).where(MentorshipAgreement.enterprise_id == login.enterprise_id)
    ).all()
    assert len(agreements) == 4
    employed = {j.id: j.person_id for j in jobs}
    for agreement in agreements:
        assert employed[agreement.mentor_employment_id] == agreement.mentor_person_id
        assert employed[agreement.apprentice_employment_id] == agreement.apprentice_person_id
        certificate = seeded.get(Certificate, agreement.level_certificate_id)
        assert certificate.status in TRUSTED_CERTIFICATE
        assert certificate.level >= agreement.mentor_level >= 3
        months = seeded.scalars(
            select(AllowanceEntry.month).where(AllowanceEntry.agreement_id == agreement.id)
        ).all()
        assert len(months) == 12
        assert all(agreement.start_month <= m <= agreement.end_month for m in months)
        assert max(months) < REFERENCE_DATE


def test_each_employer_filed_last_years_return_matching_its_ledger(seeded: Session) -> None:
    returns = seeded.scalars(select(EducationFundReturn)).all()
    assert len(returns) >= 2
    for fund in returns:
        assert fund.year == REFERENCE_DATE.year - 1
        assert fund.mentoring_yuan == enterprise_total(seeded, fund.enterprise_id, fund.year)
        assert fund.mentoring_yuan + fund.school_enterprise_yuan <= fund.front_line_yuan
        assert fund.front_line_yuan <= fund.spent_yuan
    assert any(fund.mentoring_yuan > 0 for fund in returns)
