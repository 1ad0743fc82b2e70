"""名师带徒 pages: an enterprise's agreements, each one's allowance ledger, its fund returns."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from skillbridge.models import Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import BoundedDateField, ColumnIntegerField, invalid_form
from skillbridge.platform.policy import SKILL_LEVEL_LABELS
from skillbridge.platform.services.mentoring import agreements, fund_returns, ledger
from skillbridge.platform.services.mentoring.months import parse_month

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")
NAV = [(("enterprise",), "mentoring.index", _l("名师带徒"))]


class AgreementForm(FlaskForm):
    mentor = SelectField(_l("师傅（本企业职工）"), coerce=int)
    apprentice = SelectField(_l("徒弟（本企业职工）"), coerce=int)
    mentor_level = SelectField(
        _l("师傅等级"),
        choices=[SelectChoice(k, _l(SKILL_LEVEL_LABELS[k])) for k in agreements.MENTOR_LEVELS],
    )
    start_month = StringField(_l("开始月份（YYYY-MM）"), validators=[DataRequired()])
    end_month = StringField(_l("结束月份（YYYY-MM）"), validators=[DataRequired()])
    monthly_allowance_yuan = ColumnIntegerField(
        _l("每月带徒津贴（元，由企业确定）"), validators=[DataRequired(), NumberRange(1)]
    )
    agreement_ref = StringField(_l("协议书编号"), validators=[DataRequired(), Length(max=60)])
    submit = SubmitField(_l("登记协议"))


class AllowanceForm(FlaskForm):
    month = StringField(_l("所属月份（YYYY-MM）"), validators=[DataRequired()])
    amount_yuan = ColumnIntegerField(_l("金额（元）"), validators=[DataRequired(), NumberRange(1)])
    paid_on = BoundedDateField(_l("发放日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记发放"))


class FundReturnForm(FlaskForm):
    year = ColumnIntegerField(_l("年度"), validators=[DataRequired()])
    payroll_yuan = ColumnIntegerField(_l("职工工资总额（元）"), validators=[DataRequired()])
    extracted_yuan = ColumnIntegerField(_l("提取的职工教育经费（元）"), validators=[NumberRange(0)])
    spent_yuan = ColumnIntegerField(_l("实际使用（元）"), validators=[NumberRange(0)])
    front_line_yuan = ColumnIntegerField(_l("其中用于一线职工（元）"), validators=[NumberRange(0)])
    mentoring_yuan = ColumnIntegerField(_l("其中带徒津贴（元）"), validators=[NumberRange(0)])
    school_enterprise_yuan = ColumnIntegerField(
        _l("其中校企合作培训（元）"), validators=[NumberRange(0)]
    )
    submit = SubmitField(_l("申报"))


@bp.before_request
@login_required
@role_required(Role.ENTERPRISE)
def _enterprise_only() -> None:
    """名师带徒 and the education fund are the enterprise's."""


def _page() -> int:
    return request.args.get("page", 1, type=int)


def _agreement_form() -> AgreementForm:
    form = AgreementForm()
    choices = agreements.employee_choices(get_session(), actor())
    form.mentor.choices = choices
    form.apprentice.choices = choices
    return form


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template(
        "mentoring/index.html", rows=agreements.list_agreements(get_session(), actor(), _page())
    )


@bp.route("/agreements/new", methods=["GET", "POST"])
def new_agreement() -> ResponseReturnValue:
    form = _agreement_form()
    if request.method == "GET":
        return render_template("mentoring/new.html", form=form)
    if not form.validate_on_submit():
        raise invalid_form(form)
    db = get_session()
    agreement = agreements.record_agreement(
        db,
        actor(),
        agreements.AgreementInput(
            mentor_employment_id=form.mentor.data,
            apprentice_employment_id=form.apprentice.data,
            mentor_level=form.mentor_level.data,
            start_month=parse_month(form.start_month.data, str(form.start_month.label.text)),
            end_month=parse_month(form.end_month.data, str(form.end_month.label.text)),
            monthly_allowance_yuan=form.monthly_allowance_yuan.data,
            agreement_ref=form.agreement_ref.data,
        ),
    )
    db.commit()
    flash(_("名师带徒协议已登记"), "success")
    return redirect(url_for("mentoring.agreement", mentorship_id=agreement.id))


@bp.get("/agreements/<int:mentorship_id>")
def agreement(mentorship_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    found = agreements.get_agreement(db, user, mentorship_id)
    return render_template(
        "mentoring/agreement.html",
        row=agreements.agreement_row(db, found),
        entries=ledger.list_entries(db, user, mentorship_id, _page()),
        months_paid=ledger.months_paid(db, found),
        form=AllowanceForm(amount_yuan=found.monthly_allowance_yuan, paid_on=date.today()),
    )


@bp.post("/agreements/<int:mentorship_id>/allowances")
def record_allowance(mentorship_id: int) -> ResponseReturnValue:
    form = AllowanceForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    db = get_session()
    ledger.record_allowance(
        db,
        actor(),
        mentorship_id,
        ledger.EntryInput(
            month=parse_month(form.month.data, str(form.month.label.text)),
            amount_yuan=form.amount_yuan.data,
            paid_on=form.paid_on.data,
        ),
    )
    db.commit()
    flash(_("带徒津贴发放已登记"), "success")
    return redirect(url_for("mentoring.agreement", mentorship_id=mentorship_id))


@bp.route("/fund-returns", methods=["GET", "POST"])
def fund_return_list() -> ResponseReturnValue:
    form = FundReturnForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            raise invalid_form(form)
        db = get_session()
        fund_returns.file_return(
            db,
            actor(),
            fund_returns.ReturnInput(
                year=form.year.data,
                payroll_yuan=form.payroll_yuan.data,
                extracted_yuan=form.extracted_yuan.data or 0,
                spent_yuan=form.spent_yuan.data or 0,
                front_line_yuan=form.front_line_yuan.data or 0,
                mentoring_yuan=form.mentoring_yuan.data or 0,
                school_enterprise_yuan=form.school_enterprise_yuan.data or 0,
            ),
            date.today(),
        )
        db.commit()
        flash(_("职工教育经费已申报"), "success")
        return redirect(url_for("mentoring.fund_return_list"))
    if not form.year.data:
        form.year.data = date.today().year - 1
    return render_template(
        "mentoring/fund_returns.html",
        form=form,
        rows=fund_returns.list_returns(get_session(), actor(), _page()),
    )
