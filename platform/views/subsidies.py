"""Training subsidies: beneficiaries' claims, the bureau's review queue, funds, exports, credit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from skillbridge.models import ClaimStatus, Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.document_store import get_document_store
from skillbridge.platform.downloads import csv_download, xlsx_download
from skillbridge.platform.forms import BoundedDateField, ColumnIntegerField, invalid_form
from skillbridge.platform.policy import SKILL_LEVEL_LABELS, SKILL_LEVELS, TRAINING_ROUTES
from skillbridge.platform.services import bounds
from skillbridge.platform.services import credit as subsidy_credit
from skillbridge.platform.services.documents.uploads import Upload
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.subsidies import budgets as subsidy_budgets
from skillbridge.platform.services.subsidies import claims as subsidy_claims
from skillbridge.platform.services.subsidies import exports as subsidy_exports
from skillbridge.platform.services.subsidies.facts import DECLARABLE

bp = Blueprint("subsidies", __name__, url_prefix="/subsidies")
NAV = [
    (("student", "enterprise", "school"), "subsidies.my_claims", _l("补贴申领")),
    (("bureau",), "subsidies.review", _l("补贴审核")),
    (("bureau",), "subsidies.budgets", _l("补贴资金")),
    (("bureau",), "subsidies.credit_records", _l("诚信档案")),
]

STATUS_LABELS = {
    ClaimStatus.SUBMITTED: _l("待审核"),
    ClaimStatus.APPROVED: _l("已批准"),
    ClaimStatus.REJECTED: _l("已驳回"),
    ClaimStatus.PAID: _l("已支付"),
}
SOURCE_LABELS = {
    "database": _l("系统记录"),
    "derived": _l("系统推定"),
    "declared": _l("申报人声明"),
}
SUBJECT_LABELS = {"student": _l("学生"), "enterprise": _l("企业"), "school": _l("学校")}

_BUREAU = role_required(Role.BUREAU)


@bp.before_request
@login_required
def _authenticated() -> None:
    """Nothing here is public."""


@bp.context_processor
def _labels() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "source_labels": SOURCE_LABELS,
        "subject_labels": {**SUBJECT_LABELS, "worker": _l("职工")},
    }


# --- forms --------------------------------------------------------------------------------------


class ClaimForm(FlaskForm):
    policy_id = SelectField(_l("补贴政策"), coerce=int, validators=[DataRequired()])
    student_id = SelectField(_l("申报员工（企业申领时选择）"), coerce=int, default=0)
    certificate_id = SelectField(_l("申报证书"), coerce=int, default=0)
    competition_id = SelectField(_l("举办的竞赛（竞赛经费补贴时选择）"), coerce=int, default=0)
    # Facts the database cannot supply yet (see services/subsidy_facts.py): declared here.
    contract_insured_since = BoundedDateField(
        _l("劳动合同和社会保险连续缴纳起始日"), validators=[Optional()]
    )
    employer_since = BoundedDateField(_l("本单位连续工作起始日"), validators=[Optional()])
    district_work_since = BoundedDateField(_l("在本区企业连续工作起始日"), validators=[Optional()])
    certificate_route = SelectField(_l("取证途径"), default="")
    training_ended_on = BoundedDateField(_l("培训结业日期"), validators=[Optional()])
    first_job_in_district = BooleanField(_l("首次在本区就业"))
    newly_introduced = BooleanField(_l("新引进人才"))
    front_line = BooleanField(_l("在企业一线岗位工作"))
    designated_school = BooleanField(_l("就读院校为指定院校"))
    in_education_base = BooleanField(_l("院校在职业教育基地内"))
    extracts_education_fund = BooleanField(_l("企业按规定提取使用职工教育经费"))
    preview = SubmitField(_l("试算"))
    submit = SubmitField(_l("提交申领"))

    def declared(self) -> dict:
        """Declared facts: dates and routes when filled in, yes/no facts when ticked."""
        values = {}
        for name in DECLARABLE:
            value = getattr(self, name).data
            if value not in (None, "", False):
                values[name] = value
        return values


class ActionForm(FlaskForm):
    submit = SubmitField(_l("确认"))


class RejectForm(FlaskForm):
    reason = StringField(_l("驳回理由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("驳回"))


class PolicySettingsForm(FlaskForm):
    amount_yuan = ColumnIntegerField(
        _l("补贴标准（元）"), validators=[Optional(), NumberRange(min=1)]
    )
    designated = StringField(_l("指定职业（工种）代码，逗号分隔"), validators=[Length(max=2000)])
    submit = SubmitField(_l("保存"))


class AllocationForm(FlaskForm):
    allocated_yuan = ColumnIntegerField(
        _l("资金总额（元）"), validators=[Optional(), NumberRange(min=0, max=bounds.INTEGER_MAX)]
    )
    submit = SubmitField(_l("保存"))


class CreditForm(FlaskForm):
    subject_kind = SelectField(
        _l("失信主体类型"), choices=[SelectChoice(k, v) for k, v in SUBJECT_LABELS.items()]
    )
    subject_id = ColumnIntegerField(_l("主体编号"), validators=[DataRequired()])
    rule = StringField(_l("依据"), default="R6", validators=[Length(max=20)])
    reason = TextAreaField(_l("失信事由"), validators=[DataRequired(), Length(max=2000)])
    starts_on = BoundedDateField(_l("起始日期"), validators=[DataRequired()])
    ends_on = BoundedDateField(_l("截止日期"), validators=[DataRequired()])
    submit = SubmitField(_l("记录"))


class RevokeForm(FlaskForm):
    reason = StringField(_l("撤销理由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("撤销"))


def _expired() -> None:
    flash(_("表单已过期或填写有误，请重试"), "danger")


# --- beneficiaries ------------------------------------------------------------------------------


@bp.get("/claims")
@role_required(Role.STUDENT, Role.ENTERPRISE, Role.SCHOOL)
def my_claims() -> ResponseReturnValue:
    rows = subsidy_claims.list_my_claims(
        get_session(), actor(), request.args.get("page", 1, type=int)
    )
    return render_template("subsidies/my_claims.html", rows=rows)


def _claim_form(options: subsidy_claims.ClaimOptions) -> ClaimForm:
    form = ClaimForm()
    form.policy_id.choices = [(p.id, p.name) for p in options.policies]
    form.student_id.choices = [(0, _("（不涉及员工）"))] + [
        (s.id, s.name) for s in options.students
    ]
    form.certificate_id.choices = [(0, _("（最高等级证书）"))] + [
        (c.id, f"{s.name} {_(SKILL_LEVEL_LABELS[SKILL_LEVELS[c.level]])} {c.issued_on} #{c.number}")
        for c, s in options.certificates
    ]
    form.competition_id.choices = [(0, _("（不涉及竞赛）"))] + [
        (c.id, f"{c.title}（{c.ends_on.isoformat()}）") for c in options.competitions
    ]
    form.certificate_route.choices = [("", _("（未声明）"))] + [
        (route, _(label)) for route, label in TRAINING_ROUTES.items()
    ]
    return form


MATERIAL_FIELD = "material-"
#: Room for the form's own fields beside the materials.
FORM_FIELDS_BYTES = 1024 * 1024


def _materials() -> list[Upload]:
    """The uploaded materials, one file input per document kind (`material-<kind>`)."""
    return [
        Upload(name.removeprefix(MATERIAL_FIELD), file.filename or "", file.stream)
        for name, file in request.files.items()
        if name.startswith(MATERIAL_FIELD) and file.filename
    ]


@bp.route("/claims/new", methods=["GET", "POST"])
@role_required(Role.STUDENT, Role.ENTERPRISE)
def new_claim() -> ResponseReturnValue:
    db, user = get_session(), actor()
    options = subsidy_claims.claim_options(db, user)
    # A claim carries its materials in one request: at most every kind its policy lists, each
    # within its own limit (checked again per file). Set before the form reads the body.
    request.max_content_length = FORM_FIELDS_BYTES + max(
        (sum(k.max_bytes for k in kinds) for kinds in options.materials.values()), default=0
    )
    form = _claim_form(options)

    def page(**context: object) -> str:
        chosen = form.policy_id.data or (options.policies[0].id if options.policies else 0)
        materials = options.materials.get(chosen, ())
        return render_template(
            "subsidies/new_claim.html", form=form, materials=materials, **context
        )

    if request.method == "GET":
        # A competition's page links here with its policy and itself chosen.
        for field in (form.policy_id, form.competition_id):
            chosen = request.args.get(field.name, type=int)
            if chosen is not None and chosen in {value for value, _label in field.choices}:
                field.data = chosen
        return page(assessment=None)
    if not form.validate_on_submit():
        _expired()
        return page(assessment=None), 400
    claim_request = subsidy_claims.ClaimRequest(
        policy_id=form.policy_id.data,
        student_id=form.student_id.data or None,
        certificate_id=form.certificate_id.data or None,
        competition_id=form.competition_id.data or None,
        declared=form.declared(),
        materials=_materials(),
    )
    try:
        if form.preview.data:
            assessment = subsidy_claims.preview_claim(db, user, claim_request)
            db.rollback()
            return page(assessment=assessment)
        claim = subsidy_claims.submit_claim(db, get_document_store(), user, claim_request)
    except DomainError as error:
        db.rollback()
        flash(error.message, "danger")
        return page(assessment=None, details=error.details), error.status
    db.commit()
    flash(_("申领已提交，等待人社局审核"), "success")
    return redirect(url_for("subsidies.claim", claim_id=claim.id))


@bp.get("/claims/<int:claim_id>")
def claim(claim_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    found = subsidy_claims.get_claim(db, user, claim_id)
    return render_template(
        "subsidies/claim.html",
        claim=found,
        is_bureau=user.role == Role.BUREAU,
        action_form=ActionForm(),
        reject_form=RejectForm(),
    )


# --- the bureau's decisions -----------------------------------------------------------------


def _decide(
    claim_id: int, form: FlaskForm, decide: Callable[[Session], object]
) -> ResponseReturnValue:
    if not form.validate_on_submit():
        _expired()
        return redirect(url_for("subsidies.claim", claim_id=claim_id))
    db = get_session()
    decide(db)
    db.commit()
    flash(_("已保存"), "success")
    return redirect(url_for("subsidies.claim", claim_id=claim_id))


@bp.post("/claims/<int:claim_id>/approve")
@_BUREAU
def approve(claim_id: int) -> ResponseReturnValue:
    return _decide(
        claim_id,
        ActionForm(),
        lambda db: subsidy_claims.approve_claim(
            db, actor(), claim_id, current_app.config["PAYMENT_FOUR_EYES_ABOVE_YUAN"]
        ),
    )


@bp.post("/claims/<int:claim_id>/reject")
@_BUREAU
def reject(claim_id: int) -> ResponseReturnValue:
    form = RejectForm()
    return _decide(
        claim_id,
        form,
        lambda db: subsidy_claims.reject_claim(db, actor(), claim_id, form.reason.data),
    )


@bp.post("/claims/<int:claim_id>/pay")
@_BUREAU
def pay(claim_id: int) -> ResponseReturnValue:
    return _decide(
        claim_id, ActionForm(), lambda db: subsidy_claims.pay_claim(db, actor(), claim_id)
    )


@bp.get("/review")
@_BUREAU
def review() -> ResponseReturnValue:
    db, user = get_session(), actor()
    status = request.args.get("status", "")
    filters = subsidy_claims.QueueFilter(
        policy_id=bounds.int_arg(request.args, "policy_id"),
        status=ClaimStatus(status) if status in set(ClaimStatus) else None,
        organisation=request.args.get("organisation") or None,
    )
    return render_template(
        "subsidies/review.html",
        rows=subsidy_claims.review_queue(db, user, filters, request.args.get("page", 1, type=int)),
        filters=filters,
        policies=subsidy_budgets.list_policies(db, user),
        organisations=subsidy_claims.region_organisations(db, user),
    )


# --- funds and policies -------------------------------------------------------------------------


@bp.get("/budgets")
@_BUREAU
def budgets() -> ResponseReturnValue:
    return render_template(
        "subsidies/budgets.html",
        budgets=subsidy_budgets.list_budgets(
            get_session(), actor(), request.args.get("page", 1, type=int)
        ),
    )


@bp.get("/budgets/<int:budget_id>")
@_BUREAU
def budget(budget_id: int) -> ResponseReturnValue:
    page = request.args.get("page", 1, type=int)
    overview = subsidy_budgets.budget_overview(get_session(), actor(), budget_id, page)
    form = AllocationForm(allocated_yuan=overview.budget.allocated_yuan)
    return render_template("subsidies/budget.html", overview=overview, form=form)


@bp.post("/budgets/<int:budget_id>/allocation")
@_BUREAU
def allocate(budget_id: int) -> ResponseReturnValue:
    form = AllocationForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    db = get_session()
    subsidy_budgets.set_budget_allocation(db, actor(), budget_id, form.allocated_yuan.data or 0)
    db.commit()
    flash(_("资金总额已保存"), "success")
    return redirect(url_for("subsidies.budget", budget_id=budget_id))


@bp.get("/policies")
@_BUREAU
def policies() -> ResponseReturnValue:
    db, user = get_session(), actor()
    rows = subsidy_budgets.list_policies(db, user)
    term = subsidy_budgets.region_policy_term(db, user, date.today())
    forms = {
        p.id: PolicySettingsForm(
            formdata=None, amount_yuan=p.amount_yuan, designated=", ".join(p.designated_occupations)
        )
        for p in rows
    }
    return render_template("subsidies/policies.html", policies=rows, forms=forms, term=term)


@bp.post("/policies/<int:policy_id>")
@_BUREAU
def update_policy(policy_id: int) -> ResponseReturnValue:
    form = PolicySettingsForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    db = get_session()
    codes = (form.designated.data or "").replace("，", ",").split(",")
    subsidy_budgets.update_policy_settings(db, actor(), policy_id, form.amount_yuan.data, codes)
    db.commit()
    flash(_("政策设置已保存"), "success")
    return redirect(url_for("subsidies.policies"))


# --- exports --------------------------------------------------------------------------------


def _export_name(extension: str) -> str:
    return f"paid-claims-{date.today().isoformat()}.{extension}"


@bp.get("/exports/paid.csv")
@_BUREAU
def export_csv() -> ResponseReturnValue:
    user = actor()
    return csv_download(
        _export_name("csv"),
        subsidy_exports.HEADERS,
        lambda session: subsidy_exports.paid_claim_rows(session, user),
    )


@bp.get("/exports/paid.xlsx")
@_BUREAU
def export_xlsx() -> ResponseReturnValue:
    user = actor()
    return xlsx_download(
        _export_name("xlsx"),
        subsidy_exports.HEADERS,
        lambda session: subsidy_exports.paid_claim_rows(session, user),
        "已支付补贴",
    )


# --- credit records -------------------------------------------------------------------------


@bp.route("/credit", methods=["GET", "POST"])
@_BUREAU
def credit_records() -> ResponseReturnValue:
    db, user = get_session(), actor()
    form = CreditForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            data = subsidy_credit.CreditInput(
                subject_kind=form.subject_kind.data,
                subject_id=form.subject_id.data,
                reason=form.reason.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                rule=form.rule.data or "",
            )
            subsidy_credit.record_credit(db, user, data)
            db.commit()
            flash(_("失信记录已保存"), "success")
            return redirect(url_for("subsidies.credit_records"))
        _expired()
        status = 400
    rows = subsidy_credit.list_credit_records(db, user, request.args.get("page", 1, type=int))
    return render_template(
        "subsidies/credit.html",
        rows=rows,
        form=form,
        revoke_form=RevokeForm(formdata=None),
        today=date.today(),
    ), status


@bp.post("/credit/<int:credit_record_id>/revoke")
@_BUREAU
def revoke_credit(credit_record_id: int) -> ResponseReturnValue:
    form = RevokeForm()
    if not form.validate_on_submit():
        _expired()
        return redirect(url_for("subsidies.credit_records"))
    db = get_session()
    subsidy_credit.revoke_credit(db, actor(), credit_record_id, form.reason.data)
    db.commit()
    flash(_("失信记录已撤销"), "success")
    return redirect(url_for("subsidies.credit_records"))
