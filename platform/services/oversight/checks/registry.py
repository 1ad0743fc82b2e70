"""The registry: every rule of DOMAIN.md (R1–R9, N1–N10) in order, automatic or manual."""

from __future__ import annotations

from skillbridge.models import Severity
from skillbridge.platform.services.oversight.checks import (
    agreements,
    cooperation,
    education_fund,
    hosts,
    insurance,
    months,
    students,
    subsidies,
    working_time,
)
from skillbridge.platform.services.oversight.checks.base import NATIONAL_CITATION, Rule
from skillbridge.platform.text import N_

DALIAN = "大政发[2011]46号 二(三)"

RULES: tuple[Rule, ...] = (
    Rule("R1", N_("学生岗位实习累计月数不超过上限"), DALIAN, Severity.HIGH,
         months.student_over_month_cap, figure="post_internship_max_months"),
    Rule("R2", N_("岗位实习须有校企合作协议且实习计划经人社局审定备案"), DALIAN, Severity.HIGH,
         agreements.post_internship_without_agreement_or_plan),
    Rule("R3", N_("每个专业至少与规定数量的企业建立合作关系"), DALIAN, Severity.MEDIUM,
         cooperation.specialty_short_of_partners, figure="min_partner_enterprises_per_specialty"),
    Rule("R4", N_("岗位实习学生须投保意外伤害保险"), DALIAN, Severity.HIGH,
         insurance.post_internship_uninsured),
    Rule("R5", N_("学生学徒须与企业签订学生学徒培养协议"), "湛江高技能人才实施意见（征求意见稿） (六)",
         Severity.MEDIUM, agreements.apprenticeship_started_unsigned),
    Rule("R6", N_("诚信档案限制期内不得享受补贴"), "湛江高技能人才实施意见（征求意见稿） (十三)",
         Severity.HIGH, subsidies.subsidy_to_barred_subject),
    Rule("R7", N_("就业准入职业须持证上岗"), "内党办发〔2007〕4号 (八)", Severity.HIGH,
         students.placed_without_required_certificate),
    Rule("R8", N_("证书类补贴须在取证当年申报"), "大政发[2011]46号 二(一)", Severity.MEDIUM,
         subsidies.certificate_claimed_late),
    Rule("R9", N_("职工教育经费须足额提取，用于一线职工的比例不低于规定"),
         "仲恺高新区技能人才百千万工程实施办法 第六条(二)3", Severity.LOW,
         education_fund.fund_short_of_rules, figure="education_fund_front_line_min_share"),
    Rule("N1", N_("未满最低年龄不得岗位实习（含跟岗实习），一年级在校学生不得岗位实习"), NATIONAL_CITATION, Severity.HIGH,
         students.post_internship_too_young, figure="post_internship_min_age"),
    Rule("N2", N_("实习单位岗位实习学生不超过在岗职工总数的规定比例"), NATIONAL_CITATION,
         Severity.MEDIUM, hosts.enterprise_over_intern_share,
         figure="max_intern_share_of_enterprise_staff"),
    Rule("N3", N_("具体岗位实习学生不超过同类岗位在岗职工的规定比例"), NATIONAL_CITATION,
         Severity.MEDIUM, hosts.post_over_intern_share, figure="max_intern_share_of_post_staff"),
    Rule("N4", N_("岗位实习报酬不低于同岗位职工工资的规定比例"), NATIONAL_CITATION, Severity.MEDIUM,
         hosts.stipend_below_floor, figure="min_stipend_ratio"),
    Rule("N5", N_("实习开始前须签订三方协议，未成年人须有监护人书面同意"), NATIONAL_CITATION,
         Severity.HIGH, agreements.internship_started_unsigned),
    Rule("N6", N_("实习责任保险须覆盖整个实习期"), NATIONAL_CITATION, Severity.HIGH,
         insurance.internship_not_covered),
    Rule("N7", N_("不得安排加班、夜班或法定节假日实习（备案例外）"), NATIONAL_CITATION,
         Severity.MEDIUM, working_time.placement_hours_breached),
    Rule("N8", N_("不得收取费用、押金或扣押证件"), NATIONAL_CITATION, Severity.HIGH,
         manual_reason_zh=N_("平台不经手实习费用、押金和证件，无相关记录可查；须通过学生反映和现场检查人工核查")),
    Rule("N9", N_("岗位实习一般为规定月数"), NATIONAL_CITATION, Severity.LOW,
         months.placement_longer_than_generic, figure="post_internship_generic_months"),
    Rule("N10", N_("新实习单位须先经实地考察并形成书面报告"), NATIONAL_CITATION, Severity.MEDIUM,
         manual_reason_zh=N_(
             "平台未登记接收实习前的实地考察报告（抽查记录是实习开始后的检查，不能代替），"
             "无法自动核对；须查阅学校的考察报告人工核查")),
)  # fmt: skip

_BY_ID = {rule.id: rule for rule in RULES}


def rule_by_id(rule_id: str) -> Rule | None:
    """The registered rule with `rule_id`, or None."""
    return _BY_ID.get(rule_id)
