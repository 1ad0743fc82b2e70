"""Zhongkai (仲恺高新区技能人才百千万工程实施办法): per-level subsidy, awards, paid leave."""

from dataclasses import replace
from datetime import date
from types import MappingProxyType

import pytest

from skillbridge.platform.policy import (
    AwardSelection,
    Certificate,
    EnterpriseFacts,
    Facts,
    PersonFacts,
    ValidityExtension,
    evaluate,
    load_pack,
)
from skillbridge.platform.policy.conditions import Ruling

BUNDLED = load_pack("zhongkai")
# 第十条 "有效期2年" ended on 2016-05-08 and the bundled pack records no extension; the cases
# below, dated 2024, read the pack as if the district had extended it (its validity is tested
# at the end of this file on the bundled pack).
EXTENSION = ValidityExtension(date(2030, 12, 31), "测试延期〔2016〕1号", "区人才工作领导小组")
assert BUNDLED.validity is not None
_EXTENDED = replace(BUNDLED.validity, extensions=(EXTENSION,))
PACK = replace(BUNDLED, policies=tuple(replace(p, validity=_EXTENDED) for p in BUNDLED.policies))
EMPLOYER = EnterpriseFacts("91441300MA4XXXXXX3", in_district=True)
SUBSIDY = PACK.policy("zhongkai.training_appraisal_subsidy")


@pytest.mark.parametrize(
    ("level", "route", "in_district", "amount", "failed"),
    [
        ("senior", "district_programme", True, 500, set()),
        ("technician", "city_programme", True, 1000, set()),
        ("senior_technician", "district_programme", True, 1500, set()),
        ("senior", "social_appraisal", True, None, {"certificate_route"}),
        ("senior", "district_programme", False, None, {"employer_in_district"}),
        (
            "intermediate",
            "district_programme",
            True,
            None,
            {"trigger.certificate_obtained", "amount_basis"},
        ),
    ],
)
def test_training_appraisal_subsidy(level, route, in_district, amount, failed):
    cert = Certificate("6-20-01", level, date(2024, 4, 1), route=route)
    facts = Facts(
        person=PersonFacts("p-1"),
        employer=replace(EMPLOYER, in_district=in_district),
        certificate=cert,
    )
    result = evaluate(SUBSIDY, facts, date(2024, 5, 1))
    assert {c.code for c in result.failed} == failed
    assert result.amount == amount
    if not failed:
        assert result.once_only_key == f"{SUBSIDY.id}:p-1:{level}"


def test_certificate_issued_after_the_claim_date_does_not_trigger():
    cert = Certificate("6-20-01", "senior", date(2024, 6, 1), route="district_programme")
    facts = Facts(person=PersonFacts("p-1"), employer=EMPLOYER, certificate=cert)
    result = evaluate(SUBSIDY, facts, date(2024, 5, 31))
    assert {c.code for c in result.failed} == {"trigger.certificate_obtained"}


EXCELLENT = PACK.policy("zhongkai.excellent_technician_grant")
TECH = Certificate("6-20-01", "technician", date(2015, 1, 1))
WORKER = PersonFacts(
    "p-2",
    birth_date=date(1969, 6, 1),
    certificates=(TECH,),
    district_work_since=date(2021, 6, 1),
    front_line=True,
)


@pytest.mark.parametrize(
    ("change", "criterion", "failed"),
    [
        # 第五条(一)2(1) "年龄在55周岁以下": 55 included; the 55th birthday is still 54周岁 and
        # the 56th still 55 (Civil Code art. 201), 56 from the day after.
        ({}, "(1)", set()),  # the 55th birthday, 3 years on the day: both bounds hold
        ({"birth_date": date(1968, 6, 1)}, "(1)", set()),  # the 56th birthday: still 55
        ({"birth_date": date(1968, 5, 31)}, "(1)", {"any_of"}),  # the day after it: 56
        ({"district_work_since": date(2021, 6, 2)}, "(1)", {"any_of"}),  # one day short of 3 years
        (
            {"birth_date": date(1960, 1, 1)},
            "(2)",
            set(),
        ),  # 市技术能手: the age bound does not apply
        ({"front_line": False}, "(1)", {"front_line_post"}),
        ({"certificates": ()}, "(1)", {"contested"}),  # no level under either reading
    ],
)
def test_excellent_technician_grant(change, criterion, failed):
    selection = AwardSelection(EXCELLENT.id, 2024, criterion=criterion)
    facts = Facts(person=replace(WORKER, **change), employer=EMPLOYER, selection=selection)
    result = evaluate(EXCELLENT, facts, date(2024, 6, 1))
    assert {c.code for c in result.failed} == failed
    assert result.amount == (None if failed else 5000)


def test_any_of_evidence_shows_each_alternative():
    selection = AwardSelection(EXCELLENT.id, 2024, criterion="(1)")
    facts = Facts(person=WORKER, employer=EMPLOYER, selection=selection)
    outcome = next(
        c for c in evaluate(EXCELLENT, facts, date(2024, 6, 1)).conditions if c.code == "any_of"
    )
    assert "54周岁 ≤ 55周岁" in outcome.evidence  # the 55th birthday: 54 until its end
    assert "在本区企业工作3年 ≥ 3年" in outcome.evidence
    assert outcome.citation == "仲恺高新区技能人才百千万工程实施办法 第五条(一)2"


def test_chief_technician_grant_and_quotas():
    chief = PACK.policy("zhongkai.chief_technician_grant")
    facts = Facts(person=WORKER, employer=EMPLOYER, selection=AwardSelection(chief.id, 2024))
    result = evaluate(chief, facts, date(2024, 7, 1))
    assert (result.amount, result.once_only_key) == (20000, f"{chief.id}:p-2:2024")
    assert (chief.quota.count, EXCELLENT.quota.count) == (50, 200)
    assert chief.budget_id == EXCELLENT.budget_id == "zhongkai.talent_fund"


LEAVE = PACK.policy("zhongkai.paid_training_leave")


@pytest.mark.parametrize(("on", "eligible"), [(date(2024, 5, 31), False), (date(2024, 6, 1), True)])
def test_paid_leave_is_fifteen_working_days_after_three_years(on, eligible):
    facts = Facts(person=PersonFacts("p-3", employer_since=date(2021, 6, 1)), employer=EMPLOYER)
    result = evaluate(LEAVE, facts, on)
    assert result.eligible is eligible
    assert result.amount is None
    assert result.amount_pending is False
    if eligible:
        assert (result.entitlement.quantity, result.entitlement.unit) == (15, "working_days")
        assert result.once_only_key == f"{LEAVE.id}:p-3:2024"
    else:
        assert result.entitlement is None


# --- 第十条: validity -----------------------------------------------------------------------------

SUBSIDY_AS_BUNDLED = BUNDLED.policy("zhongkai.training_appraisal_subsidy")


def _subsidy_facts(issued: date) -> Facts:
    cert = Certificate("6-20-01", "senior", issued, route="district_programme")
    return Facts(person=PersonFacts("p-1"), employer=EMPLOYER, certificate=cert)


@pytest.mark.parametrize(
    ("on", "in_force"),
    [
        (date(2014, 5, 8), False),  # the day before "自2014年5月9日起施行"
        (date(2014, 5, 9), True),
        (date(2016, 5, 8), True),  # "有效期2年": the last day of the term
        (date(2016, 5, 9), False),  # expired
        (date(2024, 5, 1), False),
    ],
)
def test_policy_is_payable_only_while_its_document_is_in_force(on, in_force):
    """第十条 "本办法自2014年5月9日起施行，有效期2年": the bundled pack records no extension."""
    result = evaluate(SUBSIDY_AS_BUNDLED, _subsidy_facts(date(on.year, 1, 2)), on)
    assert result.eligible is in_force
    assert result.amount == (500 if in_force else None)
    outcome = next(c for c in result.conditions if c.code == "policy_in_force")
    assert outcome.citation == "仲恺高新区技能人才百千万工程实施办法 第十条"
    assert outcome.passed is in_force


def test_expired_policy_says_which_policy_and_on_which_day():
    result = evaluate(SUBSIDY_AS_BUNDLED, _subsidy_facts(date(2024, 4, 1)), date(2024, 5, 1))
    [failed] = result.failed
    assert failed.display_zh() == (
        "✘ 政策有效期 培训和鉴定费用补贴（仲恺高新区技能人才百千万工程实施办法）"
        "有效期2014-05-09至2016-05-08，已于2016-05-08届满，无延期记录"
        " (仲恺高新区技能人才百千万工程实施办法 第十条)"
    )


def test_a_recorded_extension_makes_the_policy_payable_until_it_ends():
    extended = PACK.policy("zhongkai.training_appraisal_subsidy")
    result = evaluate(extended, _subsidy_facts(date(2024, 4, 1)), date(2024, 5, 1))
    assert result.eligible and result.amount == 500
    outcome = next(c for c in result.conditions if c.code == "policy_in_force")
    assert "经区人才工作领导小组测试延期〔2016〕1号延期至2030-12-31" in outcome.evidence
    late = evaluate(extended, _subsidy_facts(date(2031, 1, 1)), date(2031, 1, 1))
    assert [c.code for c in late.failed] == ["policy_in_force"]
    assert "已于2030-12-31届满" in late.failed[0].evidence


# --- 第五条: the level a 优秀技师 needs is contested ---------------------------------------------

ELEMENTARY = Certificate("6-20-01", "elementary", date(2015, 1, 1))


def _with_ruling(reading: str | None):  # type: ignore[no-untyped-def]
    conditions = []
    for ref in EXCELLENT.conditions:
        if ref.code == "contested":
            ruling = None if reading is None else Ruling(reading, "区社会事务局", "测试〔2024〕1号")
            ref = replace(ref, params=MappingProxyType({**ref.params, "ruling": ruling}))
        conditions.append(ref)
    return replace(EXCELLENT, conditions=tuple(conditions))


def _excellent(policy, certificate):  # type: ignore[no-untyped-def]
    """A 市技术能手 (criterion (3) accepts "已取得初级工以上国家职业资格") holding `certificate`."""
    selection = AwardSelection(EXCELLENT.id, 2024, criterion="(3)")
    person = replace(WORKER, certificates=(certificate,))
    return evaluate(policy, Facts(person=person, employer=EMPLOYER, selection=selection),
                    date(2024, 6, 1))  # fmt: skip


def test_the_pack_flags_the_contradiction_with_both_readings_and_no_ruling():
    """第五条 "每年在企业一线岗位上工作的技师中选拔…200名“优秀技师”" against its criteria (3)(4)
    "已取得初级工以上国家职业资格": both readings are data, and no reading is chosen by the pack."""
    [contested] = [c for c in BUNDLED.policy(EXCELLENT.id).conditions if c.code == "contested"]
    assert contested.citation == "仲恺高新区技能人才百千万工程实施办法 第五条"
    assert [r.id for r in contested.params["readings"]] == ["technician", "elementary"]
    levels = [r.conditions[0].params["level"] for r in contested.params["readings"]]
    assert levels == ["technician", "elementary"]
    assert contested.params["ruling"] is None
    # The grant no longer requires 技师 outside the contested condition (no silent pick).
    assert all(c.code != "holds_level_at_least" for c in BUNDLED.policy(EXCELLENT.id).conditions)


def test_without_a_ruling_an_elementary_holder_waits_and_a_technician_is_decided():
    waiting = _excellent(EXCELLENT, ELEMENTARY)
    assert {c.code for c in waiting.failed} == {"contested"}
    [outcome] = waiting.failed
    assert "读法结果不同，待人社部门裁定适用哪种读法" in outcome.evidence
    assert "〔读法一：须为技师（“技师中选拔”）〕✘" in outcome.evidence
    assert "〔读法二：初级工以上（评选条件(3)(4)）〕✔" in outcome.evidence
    agreed = _excellent(EXCELLENT, TECH)  # the control: both readings hold
    assert agreed.eligible and agreed.amount == 5000
    assert (
        "各种读法结果一致" in next(c for c in agreed.conditions if c.code == "contested").evidence
    )


@pytest.mark.parametrize(("reading", "eligible"), [("elementary", True), ("technician", False)])
def test_the_bureaus_ruling_decides_which_reading_applies(reading, eligible):
    result = _excellent(_with_ruling(reading), ELEMENTARY)
    assert result.eligible is eligible
    outcome = next(c for c in result.conditions if c.code == "contested")
    assert "按区社会事务局测试〔2024〕1号裁定适用" in outcome.evidence
