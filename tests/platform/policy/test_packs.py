"""Pack loading: the bundled packs, their seed quotations, and precise validation errors."""

import re
from datetime import date
from pathlib import Path

import pytest

from skillbridge.platform.policy import (
    REGION_CODES,
    PackError,
    load_all_packs,
    load_pack,
    load_pack_file,
)

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


def test_every_region_has_a_pack_with_policies_and_placement_rules():
    packs = load_all_packs()
    assert tuple(packs) == REGION_CODES
    for code, pack in packs.items():
        assert pack.region == code
        assert pack.policies, code
        assert pack.placement_rules.post_internship_max_months.value == 12
        assert pack.placement_rules.post_internship_generic_months.value == 6


def test_policy_ids_are_unique_across_packs_and_budgets_resolve():
    ids = [p.id for pack in load_all_packs().values() for p in pack.policies]
    assert len(ids) == len(set(ids))
    for pack in load_all_packs().values():
        for policy in pack.policies:
            if policy.budget_id is not None:
                assert pack.budget(policy.budget_id).citation


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
@pytest.mark.parametrize("region", REGION_CODES)
def test_every_quotation_is_verbatim_from_the_seed(region):
    pack = load_pack(region)
    text = (SEEDS / pack.source.seed).read_text(encoding="utf-8")
    for policy in pack.policies:
        assert policy.source.quote in text, policy.id


# Every figure of DOMAIN.md's subsidy table, with the pack field that must hold it.
DOMAIN_FIGURES = [
    ("zhongkai.training_appraisal_subsidy", "amount.levels.senior", 500, "000 第六条(一)2"),
    ("zhongkai.training_appraisal_subsidy", "amount.levels.technician", 1000, "000 第六条(一)2"),
    (
        "zhongkai.training_appraisal_subsidy",
        "amount.levels.senior_technician",
        1500,
        "000 第六条(一)2",
    ),
    ("zhongkai.chief_technician_grant", "amount.yuan", 20000, "000 第五条"),
    ("zhongkai.chief_technician_grant", "quota.count", 50, "000 第五条"),
    ("zhongkai.excellent_technician_grant", "amount.yuan", 5000, "000 第五条"),
    ("zhongkai.excellent_technician_grant", "quota.count", 200, "000 第五条"),
    ("zhongkai.paid_training_leave", "amount.quantity", 15, "000 第六条(一)2"),
    ("zhongkai.paid_training_leave", "trigger.params.years", 3, "000 第六条(一)2"),
    ("wujiang.introduction_reward", "amount.yuan", 2000, "002 二(一)1"),
    ("wujiang.introduction_reward", "trigger.params.months", 6, "002 二(一)1"),
    ("wujiang.settling_subsidy", "amount.yuan", 150000, "002 二(一)1"),
    ("wujiang.housing_subsidy", "amount.yuan", 60000, "002 二(一)1"),
    ("wujiang.training_grant", "amount.levels.senior", 1000, "002 二(一)2"),
    ("wujiang.training_grant", "amount.levels.technician", 1500, "002 二(一)2"),
    ("wujiang.training_grant", "amount.levels.senior_technician", 2000, "002 二(一)2"),
    ("wujiang.in_house_training_subsidy", "amount.levels.senior", 500, "002 二(一)3"),
    ("wujiang.in_house_training_subsidy", "amount.levels.technician", 750, "002 二(一)3"),
    ("wujiang.in_house_training_subsidy", "amount.levels.senior_technician", 1000, "002 二(一)3"),
    ("wujiang.youth_school_enterprise_reward", "amount.yuan", 2000, "002 二(二)2"),
    ("wujiang.youth_school_enterprise_reward", "trigger.params.months", 6, "002 二(二)2"),
    ("wujiang.technician_class_subsidy", "amount.yuan", 2000, "002 二(二)2"),
    ("wujiang.technician_class_matching_fund", "amount.min_yuan", 100000, "002 二(二)2"),
    ("wujiang.outstanding_contribution_pay", "amount.levels.senior", 5000, "002 二(三)1"),
    ("wujiang.outstanding_contribution_pay", "amount.levels.technician", 10000, "002 二(三)1"),
    (
        "wujiang.outstanding_contribution_pay",
        "amount.levels.senior_technician",
        15000,
        "002 二(三)1",
    ),
    ("wujiang.outstanding_contribution_pay", "trigger.params.pay_years", 5, "002 二(三)1"),
    ("wujiang.competition_subsidy", "amount.yuan", 20000, "002 三(三)"),
    ("wujiang.competition_subsidy", "trigger.params.min_participants", 50, "002 三(三)"),
    ("dalian.transport_subsidy", "amount.local_yuan", 300, "003 二(二)"),
    ("dalian.transport_subsidy", "amount.non_local_yuan", 500, "003 二(二)"),
    ("dalian.outstanding_contribution_award", "amount.yuan", 10000, "003 四(一)"),
    ("dalian.outstanding_contribution_award", "quota.count", 10, "003 四(一)"),
    ("dalian.outstanding_contribution_award", "quota.period_years", 2, "003 四(一)"),
    ("dalian.technical_expert_award", "amount.yuan", 5000, "003 四(一)"),
    ("dalian.technical_expert_award", "quota.count", 30, "003 四(一)"),
    ("dalian.technical_expert_award", "quota.period_years", 2, "003 四(一)"),
    ("zhanjiang.subsidised_vocational_training", "quota.count", 13000, "001 (六)"),
    ("zhanjiang.subsidised_vocational_training", "quota.year", 2024, "001 (六)"),
]  # fmt: skip

DOMAIN_CONDITION_FIGURES = [
    ("zhongkai.excellent_technician_grant", "age_max", "years", 55, "000 第五条"),
    ("zhongkai.excellent_technician_grant", "min_district_service_years", "years", 3, "000 第五条"),
    ("wujiang.settling_subsidy", "age_max", "years", 50, "002 二(一)1"),
    ("wujiang.housing_subsidy", "age_max", "years", 35, "002 二(一)1"),
    ("wujiang.training_grant", "local_hukou_or_insured_months", "months", 36, "002 二(一)2"),
    ("wujiang.youth_school_enterprise_reward", "age_max", "years", 40, "002 二(二)2"),
]  # fmt: skip


def _resolve(obj, path):
    for part in path.split("."):
        obj = obj[part] if isinstance(obj, dict) or hasattr(obj, "keys") else getattr(obj, part)
    return obj


@pytest.mark.parametrize(("policy_id", "path", "value", "source"), DOMAIN_FIGURES)
def test_domain_figure_is_in_its_pack(policy_id, path, value, source):
    policy = load_pack(policy_id.split(".")[0]).policy(policy_id)
    assert _resolve(policy, path) == value
    assert policy.source.ref.split(" ")[0] == source.split(" ")[0]


def _condition_params(conditions):
    for ref in conditions:
        yield ref
        if ref.code == "any_of":
            for option in ref.params["options"]:
                yield from _condition_params(option)


@pytest.mark.parametrize(
    ("policy_id", "code", "param", "value", "source"), DOMAIN_CONDITION_FIGURES
)
def test_domain_condition_figure_is_in_its_pack(policy_id, code, param, value, source):
    refs = _condition_params(load_pack(policy_id.split(".")[0]).policy(policy_id).conditions)
    assert value in [r.params[param] for r in refs if r.code == code]


def test_domain_budget_and_education_fund_figures():
    assert load_pack("wujiang").budget("wujiang.special_fund").total_yuan == 30_000_000
    wujiang = load_pack("wujiang")
    assert {p.budget_id for p in wujiang.policies} == {"wujiang.special_fund"}
    for region in ("zhongkai", "zhanjiang"):
        assert load_pack(region).placement_rules.education_fund_front_line_min_share.value == 60
    rules = load_pack("inner_mongolia").placement_rules
    assert (rules.education_fund_payroll_rate.value, rules.education_fund_payroll_rate.printed) == (
        150,
        "15%",
    )
    assert str(rules.education_fund_payroll_rate.ratio) == "0.015"
    assert str(rules.education_fund_payroll_rate_training_heavy.ratio) == "0.025"
    assert rules.education_fund_payroll_rate_training_heavy.printed == "25%"
    assert rules.education_fund_skilled_workers_min_share.value == 50
    assert rules.education_fund_high_skill_min_share.value == 60


@pytest.mark.parametrize("region", REGION_CODES)
def test_national_placement_figures_are_in_every_pack(region):
    rules = load_pack(region).placement_rules
    assert rules.post_internship_min_age.value == 16
    assert str(rules.max_intern_share_of_enterprise_staff.ratio) == "0.1"
    assert str(rules.max_intern_share_of_post_staff.ratio) == "0.2"
    assert str(rules.min_stipend_ratio.ratio) == "0.8"
    assert rules.min_partner_enterprises_per_specialty.value == 3
    assert rules.post_internship_max_months.citation == "大政发[2011]46号 二(三)"


def test_ratio_of_a_count_is_refused():
    with pytest.raises(ValueError, match="'months' is not a ratio"):
        _ = load_pack("dalian").placement_rules.post_internship_max_months.ratio


def test_unknown_region_is_refused():
    with pytest.raises(KeyError, match="unknown region 'shenzhen'"):
        load_pack("shenzhen")


# --- validation errors on small hand-written packs ------------------------------------------

_FIGURES = {
    "post_internship_max_months": (12, "months"),
    "post_internship_generic_months": (6, "months"),
    "post_internship_min_age": (16, "years"),
    "max_intern_share_of_enterprise_staff": (10, "percent"),
    "max_intern_share_of_post_staff": (20, "percent"),
    "min_stipend_ratio": (80, "percent"),
    "min_partner_enterprises_per_specialty": (3, "enterprises"),
}

# N1's figure names the slot kinds it limits (岗位实习 and the former 跟岗实习).
_SCOPES = {"post_internship_min_age": ', slot_kinds = ["post_internship", "shadow_internship"]'}

_POLICY = """
[[policies]]
id = "zhongkai.test_subsidy"
name_zh = "测试补贴"
name_en = "Test subsidy"
beneficiary = "person"
source = { article = "第六条(一)2", quote = "分别给予一次性500元" }
trigger = { kind = "certificate_obtained", levels = ["senior"] }
amount = { kind = "fixed", per = "once", yuan = 500 }
once_only_key = "{policy}:{person}"
budget = "zhongkai.fund"
documents = ["id_card_copy", "skill_certificate_copy"]

[[policies.conditions]]
code = "age_max"
years = 40
"""


def _pack_text(policy=_POLICY, figures=None):
    lines = [
        'region = "zhongkai"',
        'name_zh = "测试"',
        'name_en = "Test"',
        "[source]",
        'seed = "000_test.txt"',
        'document = "测试文件"',
        'title_zh = "测试文件"',
        "year = 2014",
        "[placement_rules]",
    ]
    for name, (value, unit) in (figures or _FIGURES).items():
        scope = _SCOPES.get(name, "")
        lines.append(
            f'{name} = {{ value = {value}, unit = "{unit}", citation = "测试 一"{scope} }}'
        )
    lines.append("[compliance]")
    lines += [f'R{n} = {{ basis = "not_applied", note = "无" }}' for n in range(1, 10)]
    lines += [
        f'N{n} = {{ basis = "national", citation = "教职成〔2021〕4号" }}' for n in range(1, 11)
    ]
    lines += ["[[budgets]]", 'id = "zhongkai.fund"', 'name_zh = "基金"', 'citation = "测试 七"']
    return "\n".join(lines) + "\n" + policy


def _load(tmp_path, text, name="zhongkai.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_pack_file(path)


def test_minimal_pack_loads(tmp_path):
    pack = _load(tmp_path, _pack_text())
    assert pack.policy("zhongkai.test_subsidy").conditions[0].params["years"] == 40
    assert pack.policy("zhongkai.test_subsidy").documents == (
        "id_card_copy",
        "skill_certificate_copy",
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'documents = ["id_card_copy", "skill_certificate_copy"]\n',
            "",
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'documents': "
            "is missing: every policy lists the materials a claim needs",
        ),
        (
            '"skill_certificate_copy"]',
            '"diploma"]',
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'documents': "
            "unknown document kind 'diploma'",
        ),
        (
            '"skill_certificate_copy"]',
            '"id_card_copy"]',
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'documents': "
            "lists a document kind twice",
        ),
        (
            "yuan = 500 }",
            'yuan = 500, currency = "CNY" }',
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'amount.currency': unknown field",
        ),
        (
            'code = "age_max"',
            'code = "age_below"',
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'conditions[0].code': "
            "unknown condition 'age_below'",
        ),
        (
            'source = { article = "第六条(一)2", quote = "分别给予一次性500元" }\n',
            "",
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'source': "
            "is missing: every policy cites its seed article",
        ),
        (
            'article = "第六条(一)2", ',
            "",
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'source.article': is missing",
        ),
        (
            "yuan = 500 }",
            "yuan = 500.0 }",
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'amount.yuan': "
            "floats are not allowed for money or ratios, got 500.0",
        ),
        (
            "years = 40",
            'years = "40"',
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'conditions[0].years': "
            "must be a non-negative integer, got '40'",
        ),
        (
            "years = 40",
            "years = 40\nmonths = 6",
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'conditions[0].months': "
            "not a parameter of condition 'age_max'",
        ),
        (
            'budget = "zhongkai.fund"',
            'budget = "zhongkai.other"',
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'budget': "
            "unknown budget 'zhongkai.other'",
        ),
        (
            '"{policy}:{person}"',
            '"{policy}:{student_no}"',
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'once_only_key': "
            "unknown placeholder {student_no}",
        ),
        (
            'kind = "certificate_obtained"',
            'kind = "certificate_issued"',
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'trigger.kind': "
            "unknown trigger 'certificate_issued'",
        ),
        (
            'levels = ["senior"]',
            'levels = ["master"]',
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'trigger.levels': "
            "unknown values ['master']",
        ),
        (
            'amount = { kind = "fixed", per = "once", yuan = 500 }',
            'amount = { kind = "per_level", per = "once", level_of = "certificate", '
            "levels = { senior = 500, technician = 1000 } }",
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'amount.levels': "
            "levels ['senior', 'technician'] differ from trigger levels ['senior']",
        ),
        (
            'id = "zhongkai.test_subsidy"',
            'id = "wujiang.test_subsidy"',
            "zhongkai.toml: policy 'wujiang.test_subsidy': field 'id': must start with 'zhongkai.'",
        ),
    ],
)
def test_policy_validation_errors_are_precise(tmp_path, old, new, message):
    text = _pack_text()
    assert old in text
    with pytest.raises(PackError, match="^" + re.escape(message)):
        _load(tmp_path, text.replace(old, new, 1))


def test_any_of_options_are_validated_recursively(tmp_path):
    policy = _POLICY.replace(
        'code = "age_max"\nyears = 40',
        'code = "any_of"\noptions = [[{ code = "age_max", years = 40 }], [{ code = "nope" }]]',
    )
    with pytest.raises(PackError) as info:
        _load(tmp_path, _pack_text(policy))
    assert info.value.field == "conditions[0].options[1][0].code"
    assert info.value.policy_id == "zhongkai.test_subsidy"
    assert "unknown condition 'nope'" in info.value.reason


def test_minimum_age_without_its_slot_kinds_is_refused(tmp_path):
    """N1 names the placements it limits; a pack that leaves them out would limit none."""
    text = _pack_text().replace(_SCOPES["post_internship_min_age"], "")
    with pytest.raises(PackError, match=re.escape(
        "zhongkai.toml: field 'placement_rules.post_internship_min_age.slot_kinds': is missing"
    )):  # fmt: skip
        _load(tmp_path, text)


def test_minimum_age_with_an_unknown_slot_kind_is_refused(tmp_path):
    text = _pack_text().replace('"shadow_internship"', '"跟岗"')
    with pytest.raises(PackError, match=re.escape(
        "field 'placement_rules.post_internship_min_age.slot_kinds': must list slot kinds of"
    )):  # fmt: skip
        _load(tmp_path, text)


@pytest.mark.parametrize("region", REGION_CODES)
def test_minimum_age_limits_post_and_shadowing_internships_in_every_pack(region):
    """教职成〔2021〕4号 第十六条(二) "不得…安排、接收未满16周岁的学生进行岗位实习", and its 第二条
    folds the former 跟岗实习 ("辅助…参与实际工作") into 岗位实习: N1 limits both slot kinds."""
    minimum = load_pack(region).placement_rules.post_internship_min_age
    assert minimum.limits("post_internship") and minimum.limits("shadow_internship")
    assert not minimum.limits("apprenticeship") and not minimum.limits("order_class")


def test_age_bound_defaults_to_the_claim_date_and_refuses_an_unknown_day(tmp_path):
    pack = _load(tmp_path, _pack_text())
    assert pack.policy("zhongkai.test_subsidy").conditions[0].params["age_on"] == "claim"
    text = _pack_text().replace("years = 40", 'years = 40\nage_on = "hired"')
    with pytest.raises(PackError, match=re.escape(
        "field 'conditions[0].age_on': must be one of ('claim', 'introduced'), got 'hired'"
    )):  # fmt: skip
        _load(tmp_path, text)


_VALIDITY = """
[validity]
effective_from = 2014-05-09
term_years = 2
citation = "测试文件 第十条"
quote = "本办法自2014年5月9日起施行，有效期2年"
"""


def test_validity_and_its_extensions_load(tmp_path):
    text = (
        _pack_text()
        + _VALIDITY
        + (
            '[[validity.extensions]]\nuntil = 2018-05-08\nreference = "测试〔2016〕1号"\n'
            'decided_by = "区人才工作领导小组"\n'
        )
    )
    pack = _load(tmp_path, text)
    assert pack.validity is not None and pack.validity.term_ends_on == date(2016, 5, 8)
    assert pack.validity.ends_on == date(2018, 5, 8)
    assert pack.policy("zhongkai.test_subsidy").validity == pack.validity


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            '[[validity.extensions]]\nuntil = 2018-05-08\ndecided_by = "区人才工作领导小组"\n',
            "field 'validity.extensions[0].reference': is missing",
        ),
        (
            '[[validity.extensions]]\nuntil = 2016-05-08\nreference = "测试〔2016〕1号"\n'
            'decided_by = "区人才工作领导小组"\n',
            "field 'validity.extensions[0].until': 2016-05-08 does not extend the term",
        ),
        (
            '[[validity.extensions]]\nuntil = "2018-05-08"\nreference = "测试〔2016〕1号"\n'
            'decided_by = "区人才工作领导小组"\n',
            "field 'validity.extensions[0].until': must be a TOML date",
        ),
    ],
)
def test_an_extension_without_its_decision_or_date_is_refused(tmp_path, extra, message):
    with pytest.raises(PackError, match=re.escape(message)):
        _load(tmp_path, _pack_text() + _VALIDITY + extra)


def test_zhongkai_pack_records_its_term_and_no_extension():
    """Seed 000 第十条 "自2014年5月9日起施行，有效期2年"; no other seed names a term."""
    validity = load_pack("zhongkai").validity
    assert validity is not None
    assert (validity.effective_from, validity.term_ends_on) == (date(2014, 5, 9), date(2016, 5, 8))
    assert validity.extensions == ()
    assert all(load_pack(r).validity is None for r in REGION_CODES if r != "zhongkai")


_CONTESTED = """
[[policies.conditions]]
code = "contested"
issue_zh = "第五条与(3)(4)不一致"
readings = [
  { id = "a", label_zh = "读法一", conditions = [{ code = "holds_level_at_least", level = "technician" }] },
  { id = "b", label_zh = "读法二", conditions = [{ code = "holds_level_at_least", level = "elementary" }] },
]
"""


def test_a_contested_provision_loads_with_or_without_a_ruling(tmp_path):
    pack = _load(tmp_path, _pack_text(_POLICY + _CONTESTED))
    assert pack.policy("zhongkai.test_subsidy").conditions[1].params["ruling"] is None
    ruled = (
        _CONTESTED
        + 'ruling = { reading = "b", decided_by = "区社会事务局", reference = "文〔2024〕1号" }\n'
    )
    pack = _load(tmp_path, _pack_text(_POLICY + ruled))
    assert pack.policy("zhongkai.test_subsidy").conditions[1].params["ruling"].reading == "b"


@pytest.mark.parametrize(
    ("ruling", "message"),
    [
        ('ruling = { reading = "c", decided_by = "局", reference = "文〔2024〕1号" }',
         "field 'conditions[1].ruling.reading': names no reading: 'c'"),
        ('ruling = { reading = "b", decided_by = "局" }',
         "field 'conditions[1].ruling': must be a table of ['decided_by', 'reading', 'reference']"),
    ],
)  # fmt: skip
def test_a_ruling_without_its_decision_or_reading_is_refused(tmp_path, ruling, message):
    with pytest.raises(PackError, match=re.escape(message)):
        _load(tmp_path, _pack_text(_POLICY + _CONTESTED + ruling + "\n"))


def test_a_contested_provision_needs_two_readings(tmp_path):
    one = _CONTESTED.replace(
        '  { id = "b", label_zh = "读法二", conditions = [{ code = "holds_level_at_least", level = "elementary" }] },\n',
        "",
    )
    with pytest.raises(PackError, match=re.escape("field 'conditions[1].readings': must list")):
        _load(tmp_path, _pack_text(_POLICY + one))


@pytest.mark.parametrize("region", REGION_CODES)
def test_every_compliance_rule_cites_national_own_or_an_adoption(region):
    """Each region cites the rules in force there: the national rules (教职成〔2021〕4号), its own
    seed, or another region's text its bureau adopted by a recorded decision; anything else is
    not applied there (and cites nothing)."""
    pack = load_pack(region)
    assert set(pack.compliance) == {f"R{n}" for n in range(1, 10)} | {f"N{n}" for n in range(1, 11)}
    for rule, basis in pack.compliance.items():
        if basis.basis == "national":
            assert basis.citation.startswith("教职成〔2021〕4号"), rule
        elif basis.basis == "own":
            assert basis.citation.startswith(pack.source.document), rule
        elif basis.basis == "adopted":
            assert basis.adopted_by and basis.reference, rule
            assert not basis.citation.startswith(pack.source.document), rule
        else:
            assert basis.basis == "not_applied" and basis.citation is None and basis.note, rule
    assert all(pack.compliance[f"N{n}"].basis == "national" for n in range(1, 11))


def test_wujiang_applies_no_other_regions_rule_and_dalian_its_own():
    """Wujiang's audit cited 大政发[2011]46号 (Dalian), the Zhanjiang draft and Zhongkai's text;
    none of them is in force in Wujiang and no adoption is recorded, so R1–R9 are not applied."""
    wujiang, dalian = load_pack("wujiang").compliance, load_pack("dalian").compliance
    assert [r for r in wujiang if r.startswith("R") and wujiang[r].applies] == []
    assert dalian["R1"].basis == "own" and dalian["R1"].citation == "大政发[2011]46号 二(三)"


def _with_compliance(text: str, rule: str, entry: str) -> str:
    """The minimal pack with one compliance line replaced by `entry`."""
    lines = text.split("\n")
    return "\n".join(entry if line.startswith(f"{rule} = ") else line for line in lines)


def test_an_adopted_rule_needs_its_decision(tmp_path):
    adopted = 'R1 = { basis = "adopted", citation = "大政发[2011]46号 二(三)", adopted_by = "区人社局", reference = "测人社〔2024〕1号" }'
    pack = _load(tmp_path, _with_compliance(_pack_text(), "R1", adopted))
    assert pack.compliance["R1"].reference == "测人社〔2024〕1号" and pack.compliance["R1"].applies
    missing = (
        'R1 = { basis = "adopted", citation = "大政发[2011]46号 二(三)", adopted_by = "区人社局" }'
    )
    with pytest.raises(PackError, match=re.escape("field 'compliance.R1.reference': is missing")):
        _load(tmp_path, _with_compliance(_pack_text(), "R1", missing))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('R1 = { basis = "own", citation = "大政发[2011]46号 二(三)" }',
         "field 'compliance.R1.citation': an own basis cites 测试文件"),
        ('N1 = { basis = "national", citation = "大政发[2011]46号 二(三)" }',
         "field 'compliance.N1.citation': a national basis cites 教职成〔2021〕4号"),
        ('R1 = { basis = "not_applied", note = "无", citation = "大政发[2011]46号 二(三)" }',
         "field 'compliance.R1.basis': a rule not applied cites nothing"),
    ],
)  # fmt: skip
def test_a_rule_citing_another_regions_text_without_adoption_is_refused(tmp_path, entry, message):
    rule = entry.split(" ")[0]
    with pytest.raises(PackError, match=re.escape(message)):
        _load(tmp_path, _with_compliance(_pack_text(), rule, entry))


def test_placement_figure_without_citation_is_refused(tmp_path):
    text = _pack_text().replace(
        'post_internship_min_age = { value = 16, unit = "years", citation = "测试 一",',
        'post_internship_min_age = { value = 16, unit = "years",',
    )
    with pytest.raises(PackError, match=re.escape(
        "zhongkai.toml: field 'placement_rules.post_internship_min_age.citation': is missing"
    )):  # fmt: skip
        _load(tmp_path, text)


def test_missing_placement_figure_is_refused(tmp_path):
    figures = {k: v for k, v in _FIGURES.items() if k != "min_stipend_ratio"}
    with pytest.raises(
        PackError, match="field 'placement_rules.min_stipend_ratio': must be a table"
    ):
        _load(tmp_path, _pack_text(figures=figures))


def test_duplicate_policy_id_is_refused(tmp_path):
    with pytest.raises(PackError, match="policy 'zhongkai.test_subsidy': field 'id': duplicate"):
        _load(tmp_path, _pack_text(_POLICY + _POLICY))


def test_region_must_match_file_name(tmp_path):
    with pytest.raises(PackError, match=re.escape("dalian.toml: field 'region': 'zhongkai'")):
        _load(tmp_path, _pack_text(), name="dalian.toml")


def test_invalid_toml_names_the_file(tmp_path):
    with pytest.raises(PackError, match=r"^zhongkai\.toml: invalid TOML"):
        _load(tmp_path, _pack_text() + "\n[[policies]\n")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'code = "age_max"',
            'code = ["age_max"]',
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'conditions[0].code': "
            "unknown condition ['age_max']",
        ),
        (
            'kind = "certificate_obtained"',
            'kind = ["certificate_obtained"]',
            "zhongkai.toml: policy 'zhongkai.test_subsidy': field 'trigger.kind': "
            "unknown trigger ['certificate_obtained']",
        ),
    ],
)
def test_a_value_of_the_wrong_shape_is_a_pack_error(tmp_path, old, new, message):
    """An array or a number where a name or table belongs names the field, not a TypeError."""
    text = _pack_text()
    assert old in text
    with pytest.raises(PackError, match="^" + re.escape(message)):
        _load(tmp_path, text.replace(old, new, 1))


_BUDGETS = '[[budgets]]\nid = "zhongkai.fund"\nname_zh = "基金"\ncitation = "测试 七"'


@pytest.mark.parametrize(
    ("budgets", "message"),
    [
        ("budgets = 3", "zhongkai.toml: field 'budgets': must be an array of tables, got 3"),
        (
            'budgets = ["zhongkai.fund"]',
            "zhongkai.toml: field 'budgets[0]': must be a table, got 'zhongkai.fund'",
        ),
    ],
)
def test_budgets_that_are_not_tables_are_a_pack_error(tmp_path, budgets, message):
    text = _pack_text()
    assert _BUDGETS in text
    # A top-level key goes before the first table header.
    text = budgets + "\n" + text.replace(_BUDGETS, "")
    with pytest.raises(PackError, match="^" + re.escape(message)):
        _load(tmp_path, text)


def test_a_pack_without_the_legal_basis_of_its_rules_is_refused(tmp_path):
    text = _pack_text()
    start = text.index("[compliance]")
    text = text[:start] + text[text.index("[[budgets]]") :]
    with pytest.raises(PackError, match=re.escape("zhongkai.toml: field 'compliance': must be")):
        _load(tmp_path, text)


def test_wujiang_fund_lists_its_non_claim_lines_as_earmarks():
    """002 四 "用于…师资队伍建设、职业标准建设、题库建设、实训基地建设等项目": lines no claim pays,
    held back from claims once their amounts are recorded (the seed names no shares)."""
    [fund] = load_pack("wujiang").budgets
    assert fund.total_yuan == 30_000_000
    names = [e.name_zh for e in fund.earmarks]
    assert names == ["师资队伍建设", "职业标准建设", "题库建设", "实训基地建设"]
    assert all(e.citation == "吴政规字〔2012〕13号 四" for e in fund.earmarks)
    assert fund.earmarked_yuan == 0  # no amount is recorded yet


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ('yuan = 1000', "field 'budgets[0].earmarks[0].reference': an amount set aside comes with"),
        ('yuan = 1000\nreference = "文〔2013〕1号"\n[[budgets.earmarks]]\nid = "zhongkai.fund.b"\n'
         'name_zh = "题库建设"\ncitation = "测试 七"\nyuan = 9\nreference = "文〔2013〕2号"',
         "field 'budgets[0].earmarks': hold 1009 yuan, more than the total 1000"),
    ],
)  # fmt: skip
def test_an_earmark_without_its_decision_or_beyond_the_fund_is_refused(tmp_path, lines, message):
    text = _pack_text().replace(
        'citation = "测试 七"',
        'citation = "测试 七"\ntotal_yuan = 1000\n[[budgets.earmarks]]\nid = "zhongkai.fund.a"\n'
        f'name_zh = "师资队伍建设"\ncitation = "测试 七"\n{lines}',
        1,
    )
    with pytest.raises(PackError, match=re.escape(message)):
        _load(tmp_path, text)
