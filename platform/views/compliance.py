"""The bureau's compliance audit: rules with their open findings, findings, evidence, run now."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SubmitField

from skillbridge.models import ComplianceFinding, Role, Severity
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.i18n import resolved, translator
from skillbridge.platform.routing import with_query
from skillbridge.platform.services import bounds
from skillbridge.platform.services.oversight import compliance
from skillbridge.platform.services.oversight.checks import RULES, rule_by_id

bp = Blueprint("compliance", __name__, url_prefix="/bureau/compliance")
NAV = [(("bureau",), "compliance.rules", _l("合规检查"))]

SEVERITY_LABELS = {Severity.HIGH: _l("高"), Severity.MEDIUM: _l("中"), Severity.LOW: _l("低")}
SEVERITY_STYLES = {Severity.HIGH: "danger", Severity.MEDIUM: "warning", Severity.LOW: "secondary"}
STATE_LABELS = {"open": _l("未解决"), "resolved": _l("已解决"), "all": _l("全部")}
UNIT_LABELS = {
    "months": _l("个月"),
    "years": _l("周岁"),
    "percent": "%",
    "basis_points": "‱",
    "enterprises": _l("家"),
}

# Evidence keys that name an object with a page: (endpoint, URL parameter, label).
LINKED_KEYS = {
    "placement_id": ("placements.detail", "placement_id", _l("实习安排")),
    "student_id": ("orgs.student", "student_id", _l("学生")),
    "school_id": ("orgs.school", "school_id", _l("学校")),
    "enterprise_id": ("orgs.enterprise", "enterprise_id", _l("企业")),
    "slot_id": ("slots.detail", "slot_id", _l("岗位")),
    "claim_id": ("subsidies.claim", "claim_id", _l("补贴申领")),
    "cooperation_agreement_id": ("cooperation.detail", "agreement_id", _l("校企合作协议")),
}
# The key of each finding's own object among LINKED_KEYS.
OBJECT_KEYS = {
    "placement": "placement_id",
    "student": "student_id",
    "school": "school_id",
    "enterprise": "enterprise_id",
    "slot": "slot_id",
    "subsidy_claim": "claim_id",
}
EVIDENCE_LABELS = {
    "status": _l("状态"),
    "student_name": _l("学生"),
    "school_name": _l("学校"),
    "enterprise_name": _l("企业"),
    "slot_title": _l("岗位"),
    "slot_kind": _l("岗位类型"),
    "start_date": _l("开始日期"),
    "end_date": _l("结束日期"),
    "months": _l("月数"),
    "total_months": _l("累计月数"),
    "months_used_counter": _l("已登记月数"),
    "placements": _l("相关实习安排"),
    "cap": _l("月数上限"),
    "generic_months": _l("一般期限"),
    "min_age": _l("最低年龄"),
    "age_at_start": _l("开始时年龄"),
    "intake_year": _l("入学年份"),
    "first_school_year": _l("一年级在校生"),
    "plan_status": _l("实习计划备案状态"),
    "plan_filed_at": _l("实习计划报备时间"),
    "agreement_id": _l("实习协议编号"),
    "agreement_kind": _l("协议类型"),
    "signed_parties": _l("已签署方"),
    "missing_parties": _l("未签署方"),
    "under_18_at_start": _l("开始时未满18周岁"),
    "guardian_consent": _l("监护人书面同意"),
    "insurer": _l("保险公司"),
    "insurance_policy_no": _l("保单号"),
    "insurance_start": _l("保险起期"),
    "insurance_end": _l("保险止期"),
    "occupation_code": _l("职业编码"),
    "occupation_name": _l("职业"),
    "certificate_held": _l("持有证书"),
    "interns_on_post": _l("在岗实习学生"),
    "staff_headcount": _l("在岗职工总数"),
    "post_headcount": _l("同类岗位在岗职工"),
    "max_share": _l("比例上限"),
    "stipend_yuan": _l("实习报酬（元/月）"),
    "post_wage_yuan": _l("同岗位工资（元/月）"),
    "has_interns": _l("有在岗或已录用实习生"),
    "min_ratio": _l("报酬比例下限"),
    "specialty_code": _l("专业代码"),
    "specialty_name": _l("专业"),
    "partner_enterprises": _l("有效合作企业数"),
    "partner_enterprise_ids": _l("合作企业编号"),
    "min_partners": _l("合作企业下限"),
    "as_of": _l("核对日期"),
    "policy_code": _l("政策编码"),
    "policy_name": _l("政策"),
    "claim_status": _l("申领状态"),
    "amount_yuan": _l("金额（元）"),
    "beneficiary": _l("受益方类型"),
    "approved_on": _l("批准日期"),
    "paid_on": _l("发放日期"),
    "barred_on": _l("处于限制期的日期"),
    "credit_record_id": _l("诚信档案编号"),
    "credit_rule": _l("诚信档案依据"),
    "credit_reason": _l("诚信档案事由"),
    "credit_starts_on": _l("限制起始"),
    "credit_ends_on": _l("限制截止"),
    "claimed_on": _l("申报日期"),
    "certificate_id": _l("证书编号"),
    "certificate_number": _l("证书号"),
    "certificate_issued_on": _l("取证日期"),
}


class RunForm(FlaskForm):
    """The "run checks now" button; it carries the CSRF token."""

    submit = SubmitField(_l("立即运行检查"))


@bp.before_request
@login_required
@role_required(Role.BUREAU)
def _bureau_only() -> None:
    """Compliance audits are the bureau's."""


@bp.context_processor
def _labels() -> dict[str, object]:
    return {
        "severity_labels": SEVERITY_LABELS,
        "severity_styles": SEVERITY_STYLES,
        "state_labels": STATE_LABELS,
        "unit_labels": UNIT_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
    }


@bp.get("/")
def rules() -> ResponseReturnValue:
    overview = compliance.overview(get_session(), actor())
    findings = url_for("compliance.findings")
    return render_template(
        "compliance/rules.html",
        overview=overview,
        form=RunForm(),
        # The list's twenty rows, each with two links and a few labels: the labels resolved and
        # the catalogue looked up once, the links appended to the findings' address.
        severity_labels=resolved(SEVERITY_LABELS),
        unit_labels=resolved(UNIT_LABELS),
        translate=translator(),
        finding_links={
            row.rule.id: {
                state: with_query(findings, rule=row.rule.id, state=state)
                for state in ("open", "resolved")
            }
            for row in overview.rules
        },
    )


@bp.post("/runs")
def run() -> ResponseReturnValue:
    form = RunForm()
    if not form.validate_on_submit():
        flash(_("表单已过期，请重试"), "danger")
        return redirect(url_for("compliance.rules"))
    db = get_session()
    finished = compliance.run_checks_now(db, actor(), date.today())
    db.commit()
    totals = {
        key: sum(counts[key] for counts in finished.stats.values())
        for key in ("found", "new", "resolved")
    }
    flash(
        _(
            "检查完成：发现 %(found)d 项，其中新增 %(new)d 项，已解决 %(resolved)d 项",
            **totals,
        ),
        "success",
    )
    return redirect(url_for("compliance.rules"))


@bp.get("/findings")
def findings() -> ResponseReturnValue:
    wanted = compliance.FindingFilter(
        rule_id=request.args.get("rule", ""),
        severity=request.args.get("severity", ""),
        state=request.args.get("state", "open"),
        page=bounds.page_arg(request.args),
    )
    page = compliance.list_findings(get_session(), actor(), wanted)
    return render_template(
        "compliance/findings.html", page=page, wanted=wanted, rules=RULES, rule_by_id=rule_by_id
    )


@bp.get("/findings/<int:finding_id>")
def finding(finding_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    found = compliance.get_finding(db, user, finding_id)
    return render_template(
        "compliance/finding.html",
        finding=found,
        rule=rule_by_id(found.rule_id),
        basis=compliance.rule_basis(db, user, found.rule_id),
        links=_links(found),
    )


def _links(finding: ComplianceFinding) -> list[tuple[object, int, str]]:
    """The finding's own object first, then every other object its evidence names."""
    evidence = dict(finding.evidence)
    own = OBJECT_KEYS.get(finding.object_type)
    if own is not None:
        evidence[own] = finding.object_id
    keys = ([own] if own else []) + [key for key in LINKED_KEYS if key != own]
    links = []
    for key in keys:
        value = evidence.get(key)
        if isinstance(value, int):
            endpoint, parameter, label = LINKED_KEYS[key]
            arguments: dict[str, Any] = {parameter: value}
            links.append((label, value, url_for(endpoint, **arguments)))
    return links
