"""Facts built from the database, with what was declared and what was derived kept apart."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from skillbridge.models import ClaimStatus, SubsidyClaim
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.services.subsidies.facts import build_facts, parse_declared

from .conftest import CLAIM_DAY, YOUTH, occupation_of, policy_named


def test_person_facts_come_from_roster_certificates_placement_and_cooperation(youth_case, session):
    world = youth_case
    policy = policy_named(session, world.region.id, YOUTH)
    built = build_facts(session, policy, CLAIM_DAY, student=world.student)
    person, facts = built.facts.person, built.facts
    assert person.birth_date == world.student.birth_date and person.hukou_local
    assert [c.level for c in person.certificates] == ["senior"]
    assert person.on_post_since == date(2025, 3, 1)
    assert person.contract_insured_since == date(2025, 3, 1)  # apprenticeship: derived
    assert facts.certificate.route == "school_enterprise"  # approved cooperation agreement
    assert facts.employer.in_district and not facts.employer.credit_record_active
    assert facts.designated_occupations == {occupation_of(session, world.student).code}
    sources = {row.label_zh: row.source for row in built.rows}
    assert sources["年龄"] == "database" and sources["校企合作培养"] == "derived"
    assert "出生日期" not in sources  # beneficiaries read this: the age, never the birth date


def test_declared_facts_override_and_are_marked(youth_case, session):
    world = youth_case
    policy = policy_named(session, world.region.id, YOUTH)
    declared = parse_declared(
        {"contract_insured_since": "2025-04-01", "certificate_route": "social_appraisal"}
    )
    built = build_facts(session, policy, CLAIM_DAY, student=world.student, declared=declared)
    assert built.facts.person.contract_insured_since == date(2025, 4, 1)
    assert built.facts.certificate.route == "social_appraisal"
    assert built.declared_conditions(["contract_and_insurance", "age_max"]) == {
        "contract_and_insurance"
    }
    assert {r.source for r in built.rows if "取证途径" in r.label_zh} == {"declared"}


@pytest.mark.parametrize(
    "raw",
    [
        {"contract_insured_since": "2025-13-01"},
        {"front_line": "yes"},
        {"salary": 1},
        {"certificate_route": "x"},
    ],
)
def test_bad_declarations_are_refused(raw):
    with pytest.raises(InvalidInput):
        parse_declared(raw)


def test_database_refuses_an_approved_claim_without_amount_or_decider(youth_case, session):
    policy = policy_named(session, youth_case.region.id, YOUTH)
    session.add(
        SubsidyClaim(
            policy_id=policy.id,
            student_id=youth_case.student.id,
            on_date=CLAIM_DAY,
            once_only_key="k-1",
            status=ClaimStatus.APPROVED,
            evaluation={},
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_a_declared_certificate_is_marked_declared_until_the_bureau_verifies_it(
    youth_case, session
):
    from skillbridge.models import Certificate, CertificateStatus

    world = youth_case
    policy = policy_named(session, world.region.id, YOUTH)
    certificate = session.scalars(
        select(Certificate).where(Certificate.person_id == world.student.person_id)
    ).one()
    certificate.status = CertificateStatus.DECLARED
    rows = build_facts(session, policy, CLAIM_DAY, student=world.student).rows
    declared = [r for r in rows if r.label_zh == "证书"]
    assert [r.source for r in declared] == ["declared"] and "自报未核验" in declared[0].value
    # Positive control: verified, the same certificate is the bureau's record.
    certificate.status = CertificateStatus.VERIFIED
    rows = build_facts(session, policy, CLAIM_DAY, student=world.student).rows
    assert [r.source for r in rows if r.label_zh == "证书"] == ["database"]
    # Rejected, it is no fact at all.
    certificate.status = CertificateStatus.REJECTED
    built = build_facts(session, policy, CLAIM_DAY, student=world.student)
    assert built.facts.person.certificates == ()
