"""Wujiang (吴政规字〔2012〕13号): boundary cases taken from the seed's wording."""

from dataclasses import replace
from datetime import date

import pytest

from skillbridge.platform.policy import (
    AwardSelection,
    Certificate,
    CompetitionFacts,
    CourseFacts,
    EnterpriseFacts,
    Facts,
    PersonFacts,
    ProgrammeFacts,
    SchoolFacts,
    evaluate,
    load_pack,
    policies_triggered_by,
)

PACK = load_pack("wujiang")
OCC = "6-18-01-01"
EMPLOYER = EnterpriseFacts("91320509MA1XXXXXX1", in_district=True, key_industry=True)


def _facts(person=None, certificate=None, **kw):
    return Facts(
        person=person,
        employer=kw.pop("employer", EMPLOYER),
        certificate=certificate,
        shortage_occupations=frozenset({OCC}),
        designated_occupations=frozenset({OCC}),
        **kw,
    )


# --- 二(二)2 school–enterprise youth reward: 40周岁以下, 上岗半年后 ---------------------

YOUTH = PACK.policy("wujiang.youth_school_enterprise_reward")
CLAIM = date(2024, 9, 1)
YOUTH_CERT = Certificate(OCC, "senior", date(2023, 12, 20), route="school_enterprise")
YOUTH_PERSON = PersonFacts(
    "p-youth",
    birth_date=date(1990, 5, 5),
    certificates=(YOUTH_CERT,),
    contract_insured_since=date(2024, 3, 1),
    on_post_since=date(2024, 3, 1),
)


@pytest.mark.parametrize(
    ("change", "failed"),
    [
        ({}, set()),
        # 二(二)2 "凡40周岁以下": 40 included, and N周岁 is reached the day after the Nth birthday
        # (Civil Code art. 201: the day the period starts is not counted).
        ({"birth_date": date(1984, 9, 1)}, set()),  # the 40th birthday: still 39
        ({"birth_date": date(1983, 9, 2)}, set()),  # the day before the 41st birthday: 40
        ({"birth_date": date(1983, 9, 1)}, set()),  # the 41st birthday: still 40
        ({"birth_date": date(1983, 8, 31)}, {"age_max"}),  # the day after the 41st birthday: 41
        ({"on_post_since": date(2024, 3, 1)}, set()),  # exactly 6 months on the post
        ({"on_post_since": date(2024, 3, 2)}, {"trigger.placed_months_on_post"}),  # a day short
        ({"on_post_since": None}, {"trigger.placed_months_on_post"}),
        ({"contract_insured_since": None}, {"contract_and_insurance"}),
        ({"credit_record_active": True}, {"no_credit_record"}),  # R6
    ],
)
def test_youth_reward_boundaries(change, failed):
    result = evaluate(YOUTH, _facts(replace(YOUTH_PERSON, **change), YOUTH_CERT), CLAIM)
    assert {c.code for c in result.failed} == failed
    assert result.eligible is (not failed)
    assert result.amount == (None if failed else 2000)
    assert result.once_only_key == (
        None if failed else "wujiang.youth_school_enterprise_reward:p-youth"
    )
    assert result.budget_id == "wujiang.special_fund"


@pytest.mark.parametrize(
    ("certificate", "failed"),
    [
        (replace(YOUTH_CERT, route="social_appraisal"), {"certificate_route"}),
        (replace(YOUTH_CERT, level="intermediate"), {"certificate_level_in"}),
        (replace(YOUTH_CERT, occupation_code="4-01-01"), {"designated_occupation"}),
    ],
)
def test_youth_reward_needs_school_enterprise_high_skill_designated_certificate(
    certificate, failed
):
    result = evaluate(YOUTH, _facts(YOUTH_PERSON, certificate), CLAIM)
    assert {c.code for c in result.failed} == failed


def test_youth_reward_outcome_renders_with_evidence_and_citation():
    result = evaluate(YOUTH, _facts(YOUTH_PERSON, YOUTH_CERT), CLAIM)
    age = next(c for c in result.conditions if c.code == "age_max")
    assert (
        age.display_zh() == "✔ 年龄 申报日2024-09-01 34周岁 ≤ 40周岁 (吴政规字〔2012〕13号 二(二)2)"
    )
    r6 = next(c for c in result.conditions if c.code == "no_credit_record")
    assert r6.citation.endswith("(十三)")


# --- 二(一)1 introduction reward, settling and housing subsidies -------------------------------

INTRO = PACK.policy("wujiang.introduction_reward")
INTRO_CERT = Certificate(OCC, "technician", date(2020, 6, 1))
INTRO_PERSON = PersonFacts(
    "p-intro",
    birth_date=date(1980, 1, 1),
    certificates=(INTRO_CERT,),
    contract_insured_since=date(2024, 1, 31),
    first_job_in_district=True,
    newly_introduced=True,
    introduced_on=date(2024, 3, 1),
)


@pytest.mark.parametrize(
    ("on", "change", "employer", "failed"),
    [
        (date(2024, 7, 31), {}, EMPLOYER, set()),  # "连续6个月以上": exactly 6 months
        (date(2024, 7, 30), {}, EMPLOYER, {"trigger.talent_introduced"}),
        (date(2024, 7, 31), {"first_job_in_district": False}, EMPLOYER, {"first_job_in_district"}),
        (date(2024, 7, 31), {"credit_record_active": True}, EMPLOYER, set()),  # not the payee
        (
            date(2024, 7, 31),
            {},
            replace(EMPLOYER, credit_record_active=True),
            {"no_credit_record"},
        ),
    ],
)
def test_introduction_reward_is_the_enterprises(on, change, employer, failed):
    facts = _facts(replace(INTRO_PERSON, **change), INTRO_CERT, employer=employer)
    result = evaluate(INTRO, facts, on)
    assert {c.code for c in result.failed} == failed
    if not failed:
        assert result.amount == 2000
        assert (
            result.once_only_key == f"wujiang.introduction_reward:{EMPLOYER.enterprise_id}:p-intro"
        )


@pytest.mark.parametrize(
    ("policy_id", "level", "birth", "failed"),
    [
        # Introduced on 2024-03-01; the 51st / 36th birthday itself still counts as 50 / 35.
        ("wujiang.settling_subsidy", "senior_technician", date(1973, 3, 1), set()),  # 50
        ("wujiang.settling_subsidy", "senior_technician", date(1973, 2, 28), {"age_max"}),
        ("wujiang.settling_subsidy", "technician", date(1980, 3, 1), {"certificate_level_in"}),
        ("wujiang.housing_subsidy", "technician", date(1988, 3, 1), set()),  # 35
        ("wujiang.housing_subsidy", "technician", date(1988, 2, 29), {"age_max"}),  # 36
    ],
)
def test_settling_and_housing_age_bounds_include_the_number(policy_id, level, birth, failed):
    cert = Certificate(OCC, level, date(2020, 1, 1))
    person = replace(INTRO_PERSON, birth_date=birth, certificates=(cert,))
    result = evaluate(PACK.policy(policy_id), _facts(person, cert), date(2024, 3, 1))
    assert {c.code for c in result.failed} == failed
    expected = {"wujiang.settling_subsidy": 150000, "wujiang.housing_subsidy": 60000}[policy_id]
    assert result.amount == (None if failed else expected)


@pytest.mark.parametrize(
    ("policy_id", "level", "birth", "claimed", "failed"),
    [
        # Introduced 2024-03-01 at 50 (born 1973-03-02: the 51st birthday is 2024-03-02),
        # 51 by the claim in 2025: "新引进年龄在50周岁以下" is the age at introduction.
        ("wujiang.settling_subsidy", "senior_technician", date(1973, 3, 2), date(2025, 6, 1),
         set()),
        # The control: 51 already on the introduction day is refused, whenever the claim.
        ("wujiang.settling_subsidy", "senior_technician", date(1973, 2, 28), date(2024, 3, 1),
         {"age_max"}),
        # "新引进的35周岁以下": 35 at introduction, 36 at the claim.
        ("wujiang.housing_subsidy", "technician", date(1988, 3, 2), date(2025, 6, 1), set()),
        ("wujiang.housing_subsidy", "technician", date(1988, 2, 28), date(2025, 6, 1),
         {"age_max"}),
    ],
)  # fmt: skip
def test_introduction_age_is_taken_on_the_introduction_day(
    policy_id, level, birth, claimed, failed
):
    cert = Certificate(OCC, level, date(2020, 1, 1))
    person = replace(INTRO_PERSON, birth_date=birth, certificates=(cert,))
    result = evaluate(PACK.policy(policy_id), _facts(person, cert), claimed)
    assert {c.code for c in result.failed} == failed
    age = next(c for c in result.conditions if c.code == "age_max")
    assert age.evidence.startswith("引进日2024-03-01 ")


def test_introduction_age_without_an_introduction_day_is_refused():
    cert = Certificate(OCC, "senior_technician", date(2020, 1, 1))
    person = replace(INTRO_PERSON, certificates=(cert,), introduced_on=None)
    result = evaluate(PACK.policy("wujiang.settling_subsidy"), _facts(person, cert), CLAIM)
    [age] = [c for c in result.failed if c.code == "age_max"]
    assert age.evidence == "无引进日期"


def test_the_youth_reward_age_stays_on_the_claim_date():
    """二(二)2 "凡40周岁以下…上岗半年后每人一次性奖励" names no other day: the claim date."""
    policy = PACK.policy("wujiang.youth_school_enterprise_reward")
    [age] = [c for c in policy.conditions if c.code == "age_max"]
    assert age.params["age_on"] == "claim"


def test_settling_subsidy_needs_a_key_industry_enterprise():
    cert = Certificate(OCC, "senior_technician", date(2020, 1, 1))
    facts = _facts(INTRO_PERSON, cert, employer=replace(EMPLOYER, key_industry=False))
    result = evaluate(PACK.policy("wujiang.settling_subsidy"), facts, date(2024, 3, 1))
    assert {c.code for c in result.failed} == {"key_industry_employer"}


# --- 二(一)2 training grant and 二(一)3 in-house subsidy: per-level amounts ----------------------

GRANT = PACK.policy("wujiang.training_grant")


@pytest.mark.parametrize(
    ("level", "amount"), [("senior", 1000), ("technician", 1500), ("senior_technician", 2000)]
)
def test_training_grant_per_level(level, amount):
    cert = Certificate(OCC, level, date(2024, 11, 2), "designated_training", date(2024, 10, 30))
    person = PersonFacts("p-grant", hukou_local=True, certificates=(cert,))
    result = evaluate(GRANT, _facts(person, cert), date(2024, 12, 1))
    assert (result.eligible, result.amount) == (True, amount)
    assert result.once_only_key == f"wujiang.training_grant:p-grant:{level}"


@pytest.mark.parametrize(
    ("hukou_local", "insured_since", "training_ended", "failed"),
    [
        (False, date(2021, 12, 1), date(2024, 10, 30), set()),  # 36 months: "三年以上"
        (False, date(2021, 12, 2), date(2024, 10, 30), {"local_hukou_or_insured_months"}),
        (True, None, date(2024, 10, 30), set()),
        (True, None, date(2023, 12, 31), {"certificate_in_training_year"}),  # "当年取得"
    ],
)
def test_training_grant_residency_and_same_year(hukou_local, insured_since, training_ended, failed):
    cert = Certificate(OCC, "senior", date(2024, 11, 2), "designated_training", training_ended)
    person = PersonFacts("p", hukou_local=hukou_local, contract_insured_since=insured_since)
    result = evaluate(GRANT, _facts(person, cert), date(2024, 12, 1))
    assert {c.code for c in result.failed} == failed


def test_training_grant_refuses_a_level_below_senior():
    cert = Certificate(
        OCC, "intermediate", date(2024, 11, 2), "designated_training", date(2024, 11, 1)
    )
    person = PersonFacts("p", hukou_local=True)
    result = evaluate(GRANT, _facts(person, cert), date(2024, 12, 1))
    assert {c.code for c in result.failed} == {"trigger.certificate_obtained", "amount_basis"}


@pytest.mark.parametrize(
    ("level", "amount"), [("senior", 500), ("technician", 750), ("senior_technician", 1000)]
)
def test_in_house_subsidy_per_level(level, amount):
    cert = Certificate(OCC, level, date(2024, 5, 1), "in_house_evaluation")
    facts = _facts(PersonFacts("emp-1"), cert)
    result = evaluate(PACK.policy("wujiang.in_house_training_subsidy"), facts, date(2024, 6, 1))
    assert result.amount == amount
    assert result.once_only_key.endswith(f":emp-1:{level}")


# --- 二(三)1 outstanding-contribution pay: per year for five years -----------------------------

PAY = PACK.policy("wujiang.outstanding_contribution_pay")


@pytest.mark.parametrize(
    ("claim_year", "eligible"),
    [(2023, False), (2024, True), (2028, True), (2029, False)],
)
def test_outstanding_pay_runs_five_years_from_selection(claim_year, eligible):
    selection = AwardSelection(PAY.id, 2024, level="technician")
    facts = _facts(PersonFacts("p-star"), selection=selection)
    result = evaluate(PAY, facts, date(claim_year, 6, 30))
    assert result.eligible is eligible
    if eligible:
        assert result.amount == 10000
        assert result.once_only_key == f"{PAY.id}:p-star:2024:{claim_year}"


def test_outstanding_pay_needs_a_selection_for_this_policy():
    other = AwardSelection("wujiang.technical_expert_award", 2024, level="senior")
    result = evaluate(PAY, _facts(PersonFacts("p"), selection=other), date(2024, 6, 30))
    assert "trigger.award_selected" in {c.code for c in result.failed}


# --- 三(三) competition subsidy and 二(二)2 technician-class matching fund ----------------------

COMPETITION = PACK.policy("wujiang.competition_subsidy")


@pytest.mark.parametrize(
    ("participants", "claim", "failed"),
    [
        (50, date(2024, 12, 31), set()),  # "规模在50人以上" includes 50
        (49, date(2024, 12, 31), {"trigger.competition_held"}),
        (50, date(2025, 1, 1), {"claim_in_competition_year"}),  # "当年给予"
        (50, date(2024, 10, 2), {"trigger.competition_held"}),  # not yet ended
        (50, date(2024, 10, 3), set()),  # the day it ended
    ],
)
def test_competition_subsidy(participants, claim, failed):
    competition = CompetitionFacts(
        "competition-1", OCC, date(2024, 10, 1), date(2024, 10, 3), participants
    )
    result = evaluate(COMPETITION, _facts(competition=competition), claim)
    assert {c.code for c in result.failed} == failed
    assert result.amount == (None if failed else 20000)
    if not failed:
        assert result.once_only_key == f"{COMPETITION.id}:competition-1"


def test_competition_over_new_year_is_of_the_year_it_ended():
    """ "当年给予" (002 三(三)): held means ended, so a competition over New Year is of its end's
    year — its start year could never be claimed, since a claim waits for the end."""
    competition = CompetitionFacts("competition-2", OCC, date(2024, 12, 30), date(2025, 1, 2), 60)
    assert evaluate(COMPETITION, _facts(competition=competition), date(2025, 3, 1)).eligible
    late = evaluate(COMPETITION, _facts(competition=competition), date(2026, 1, 1))
    assert {c.code for c in late.failed} == {"claim_in_competition_year"}


def test_competition_subsidy_reads_no_programme_facts():
    """A programme's declared size is no competition record: the trigger needs the record."""
    programme = ProgrammeFacts("cmp-1", OCC, date(2024, 10, 1), 80)
    result = evaluate(COMPETITION, _facts(programme=programme), date(2024, 12, 1))
    assert "trigger.competition_held" in {c.code for c in result.failed}


def test_matching_fund_is_set_by_the_bureau_at_least_100000():
    policy = PACK.policy("wujiang.technician_class_matching_fund")
    facts = Facts(
        school=SchoolFacts("school-1"),
        course=CourseFacts("class-1", OCC, date(2024, 9, 1), 30),
        shortage_occupations=frozenset({OCC}),
    )
    nobody = replace(facts, course=CourseFacts("class-1", OCC, date(2024, 9, 1), 0))
    assert {c.code for c in evaluate(policy, nobody, date(2024, 9, 2)).failed} == {
        "trigger.programme_held"
    }
    pending = evaluate(policy, facts, date(2024, 9, 2))
    assert (pending.eligible, pending.amount, pending.amount_pending) == (True, None, True)
    paid = evaluate(policy, facts, date(2024, 9, 2), amount_override=100000)
    assert (paid.amount, paid.amount_pending) == (100000, False)
    with pytest.raises(ValueError, match="amount 99999 is below 100000"):
        evaluate(policy, facts, date(2024, 9, 2), amount_override=99999)


def test_every_wujiang_policy_draws_on_the_special_fund():
    assert {p.budget_id for p in PACK.policies} == {"wujiang.special_fund"}
    assert PACK.budget("wujiang.special_fund").total_yuan == 30_000_000


def test_events_select_the_relevant_policies():
    assert {p.id for p in policies_triggered_by(PACK, "certificate_recorded")} == {
        "wujiang.training_grant",
        "wujiang.in_house_training_subsidy",
        "wujiang.technician_class_subsidy",
    }
    assert [p.id for p in policies_triggered_by(PACK, "placement_months_reached")] == [YOUTH.id]
    with pytest.raises(ValueError, match="unknown event kind 'graduated'"):
        policies_triggered_by(PACK, "graduated")
