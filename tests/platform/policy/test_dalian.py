"""Dalian (大政发[2011]46号): certificate-year claims (R8), student subsidies and awards."""

from dataclasses import replace
from datetime import date

import pytest

from skillbridge.platform.policy import (
    AwardSelection,
    Certificate,
    EnterpriseFacts,
    Facts,
    PersonFacts,
    StudentFacts,
    evaluate,
    load_pack,
)

PACK = load_pack("dalian")
OCC = "6-05-02-01"
EMPLOYER = EnterpriseFacts("91210200MA0XXXXXX2", extracts_education_fund=True)
SUBSIDY = PACK.policy("dalian.enterprise_training_subsidy")
CERT = Certificate(OCC, "senior", date(2024, 3, 5), route="promotion_training")


def _enterprise_facts(certificate=CERT, employer=EMPLOYER):
    return Facts(
        person=PersonFacts("worker-1"),
        employer=employer,
        certificate=certificate,
        shortage_occupations=frozenset({OCC}),
    )


@pytest.mark.parametrize(
    ("claim", "failed"),
    [
        (date(2024, 3, 5), set()),
        (date(2024, 12, 31), set()),  # last day of the certificate year
        (date(2025, 1, 1), {"certificate_in_claim_year"}),  # first day of the next
    ],
)
def test_enterprise_subsidy_is_claimed_in_the_certificate_year(claim, failed):
    result = evaluate(SUBSIDY, _enterprise_facts(), claim, amount_override=600)
    assert {c.code for c in result.failed} == failed
    assert result.amount == (None if failed else 600)


def test_enterprise_subsidy_amount_follows_the_local_schedule():
    pending = evaluate(SUBSIDY, _enterprise_facts(), date(2024, 6, 1))
    assert (pending.eligible, pending.amount, pending.amount_pending) == (True, None, True)
    assert pending.once_only_key == f"{SUBSIDY.id}:{EMPLOYER.enterprise_id}:worker-1:senior"
    assert SUBSIDY.amount.schedule_zh


@pytest.mark.parametrize(
    ("certificate", "employer", "failed"),
    [
        (replace(CERT, level="intermediate"), EMPLOYER, {"trigger.certificate_obtained"}),
        (replace(CERT, occupation_code="X"), EMPLOYER, {"shortage_occupation"}),
        (replace(CERT, route="social_appraisal"), EMPLOYER, {"certificate_route"}),
        (
            CERT,
            replace(EMPLOYER, extracts_education_fund=False),
            {"employer_extracts_education_fund"},
        ),
        (CERT, replace(EMPLOYER, credit_record_active=True), {"no_credit_record"}),
    ],
)
def test_enterprise_subsidy_conditions(certificate, employer, failed):
    result = evaluate(SUBSIDY, _enterprise_facts(certificate, employer), date(2024, 6, 1))
    assert {c.code for c in result.failed} == failed


@pytest.mark.parametrize("bad", [0, -5, 1.5, True, "300"])
def test_bureau_amount_must_be_positive_integer_yuan(bad):
    with pytest.raises(ValueError, match="amount must be"):
        evaluate(SUBSIDY, _enterprise_facts(), date(2024, 6, 1), amount_override=bad)


def test_fixed_amount_refuses_an_override():
    policy = PACK.policy("dalian.technical_expert_award")
    with pytest.raises(ValueError, match="only a policy with a local schedule"):
        evaluate(policy, Facts(), date(2024, 6, 1), amount_override=5000)


STUDENT = StudentFacts(
    full_time=True,
    track_level="senior",
    specialty_occupations=(OCC,),
    designated_school=True,
    in_education_base=True,
)


def _student_facts(hukou_local=True, **change):
    person = PersonFacts("stu-1", hukou_local=hukou_local, student=replace(STUDENT, **change))
    return Facts(person=person, shortage_occupations=frozenset({OCC}))


@pytest.mark.parametrize(("hukou_local", "amount"), [(True, 300), (False, 500)])
def test_transport_subsidy_by_hukou(hukou_local, amount):
    result = evaluate(
        PACK.policy("dalian.transport_subsidy"), _student_facts(hukou_local), date(2024, 9, 1)
    )
    assert (result.eligible, result.amount) == (True, amount)
    assert result.once_only_key == "dalian.transport_subsidy:stu-1:2024"


@pytest.mark.parametrize(
    ("change", "tuition_failed", "transport_failed"),
    [
        ({}, set(), set()),
        ({"track_level": "intermediate"}, {"student_track_at_least"}, {"student_track_at_least"}),
        ({"full_time": False}, {"student_full_time"}, {"student_full_time"}),
        (
            {"specialty_occupations": ("Y",)},
            {"specialty_on_shortage_list"},
            {"specialty_on_shortage_list"},
        ),
        # A key school outside the vocational-education base: tuition yes, transport no.
        ({"in_education_base": False}, set(), {"school_in_education_base"}),
        ({"designated_school": False}, {"designated_school"}, set()),
    ],
)
def test_student_subsidies_population(change, tuition_failed, transport_failed):
    facts = _student_facts(**change)
    tuition = evaluate(PACK.policy("dalian.tuition_subsidy"), facts, date(2024, 9, 1))
    transport = evaluate(PACK.policy("dalian.transport_subsidy"), facts, date(2024, 9, 1))
    assert {c.code for c in tuition.failed} == tuition_failed
    assert {c.code for c in transport.failed} == transport_failed
    assert tuition.amount is None
    assert tuition.amount_pending is (not tuition_failed)


@pytest.mark.parametrize(
    ("policy_id", "amount", "count"),
    [
        ("dalian.outstanding_contribution_award", 10000, 10),
        ("dalian.technical_expert_award", 5000, 30),
    ],
)
def test_biennial_awards(policy_id, amount, count):
    policy = PACK.policy(policy_id)
    assert (policy.quota.count, policy.quota.period_years, policy.quota.kind) == (count, 2, "cap")
    facts = Facts(person=PersonFacts("p"), selection=AwardSelection(policy_id, 2023))
    assert evaluate(policy, facts, date(2023, 12, 1)).amount == amount
    assert not evaluate(policy, facts, date(2024, 1, 1)).eligible
