"""The bureau's reference data: the occupation catalogue, yearly shortage lists, designations."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from skillbridge.models import Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.downloads import import_template
from skillbridge.platform.services import bounds, tables
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.listing import ListQuery
from skillbridge.platform.services.policies import can_keep_reference_data
from skillbridge.platform.services.reference_data import access, designations
from skillbridge.platform.services.reference_data import occupations as catalogue
from skillbridge.platform.services.reference_data import shortage_lists as shortage

bp = Blueprint("reference_data", __name__, url_prefix="/reference")
NAV = [(("bureau",), "reference_data.occupations", _l("基础数据"))]


class OccupationForm(FlaskForm):
    code = StringField(_l("职业编码（如 6-18-01-01）"), validators=[DataRequired(), Length(max=20)])
    name = StringField(_l("职业名称"), validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("英文名称"), validators=[DataRequired(), Length(max=120)])
    requires_certificate = BooleanField(_l("就业准入（须持证上岗）"))
    submit = SubmitField(_l("保存"))

    def data_in(self) -> catalogue.OccupationInput:
        return catalogue.OccupationInput(
            self.code.data or "",
            self.name.data or "",
            self.name_en.data or "",
            bool(self.requires_certificate.data),
        )


class ShortageImportForm(FlaskForm):
    year = IntegerField(_l("年度"), validators=[DataRequired(), NumberRange(2000, 2100)])
    file = FileField(
        _l("目录文件（.csv 或 .xlsx）"),
        validators=[FileRequired(), FileAllowed(["csv", "xlsx"], _l("只接受 .csv 或 .xlsx 文件"))],
    )
    submit = SubmitField(_l("预览变更"))


class ShortageApplyForm(FlaskForm):
    year = HiddenField(validators=[DataRequired()])
    rows = HiddenField()
    fingerprint = HiddenField(validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("确认应用"))


class SchoolDesignationForm(FlaskForm):
    designated = BooleanField(_l("指定院校"))
    education_base = BooleanField(_l("职业教育基地"))
    submit = SubmitField(_l("保存"))


class EnterpriseDesignationForm(FlaskForm):
    key_industry = BooleanField(_l("重点产业企业"))
    submit = SubmitField(_l("保存"))


class ActionForm(FlaskForm):
    submit = SubmitField(_l("确认"))


@bp.before_request
@login_required
@role_required(Role.BUREAU)
def _bureau_only() -> None:
    """Every page here is the bureau's; the services tell its officer from its reviewers."""


def _failed(error: DomainError, template: str, **context: Any) -> ResponseReturnValue:
    """Re-render a form with the service's message and every detail it gave."""
    get_session().rollback()
    flash(error.message, "danger")
    return render_template(template, error=error, **context), error.status


def _year() -> int:
    """The year a page is about: its `year` argument, else this year."""
    year = request.args.get("year", date.today().year, type=int)
    return shortage.check_year(year, date.today().year)


# --- the occupation catalogue ---------------------------------------------------------------


@bp.get("/occupations")
def occupations() -> ResponseReturnValue:
    db, user = get_session(), actor()
    query = ListQuery.parse(request.args, catalogue.OCCUPATION_LIST)
    page = catalogue.list_occupations(db, user, bounds.page_arg(request.args), query)
    return render_template(
        "reference_data/occupations.html",
        page=page,
        spec=catalogue.OCCUPATION_LIST,
        query=query,
        keeps=can_keep_reference_data(user),
        form=ActionForm(),
    )


@bp.route("/occupations/new", methods=["GET", "POST"])
def new_occupation() -> ResponseReturnValue:
    access.keeper_region(actor())
    form = OccupationForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            catalogue.add_occupation(db, actor(), form.data_in())
        except DomainError as error:
            return _failed(error, "reference_data/occupation_form.html", form=form, occupation=None)
        db.commit()
        flash(_("职业已加入目录"), "success")
        return redirect(url_for("reference_data.occupations"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "reference_data/occupation_form.html", form=form, occupation=None
    ), status


@bp.route("/occupations/<int:occupation_id>/edit", methods=["GET", "POST"])
def edit_occupation(occupation_id: int) -> ResponseReturnValue:
    db = get_session()
    access.keeper_region(actor())
    occupation = catalogue.get_occupation(db, actor(), occupation_id)
    form = OccupationForm(obj=occupation)
    # The code is fixed once listed; the form shows it and the service ignores a changed one.
    form.code.data = occupation.code
    form.code.render_kw = {"readonly": True}
    if form.validate_on_submit():
        try:
            catalogue.edit_occupation(db, actor(), occupation_id, form.data_in())
        except DomainError as error:
            return _failed(
                error, "reference_data/occupation_form.html", form=form, occupation=occupation
            )
        db.commit()
        flash(_("职业已更新"), "success")
        return redirect(url_for("reference_data.occupations"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "reference_data/occupation_form.html", form=form, occupation=occupation
    ), status


def _set_retired(occupation_id: int, retired: bool) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        flash(_("表单已过期，请重试"), "danger")
        return redirect(url_for("reference_data.occupations"))
    db = get_session()
    catalogue.set_retired(db, actor(), occupation_id, retired)
    db.commit()
    flash(_("职业已停用") if retired else _("职业已恢复使用"), "success")
    return redirect(url_for("reference_data.occupations"))


@bp.post("/occupations/<int:occupation_id>/retire")
def retire_occupation(occupation_id: int) -> ResponseReturnValue:
    return _set_retired(occupation_id, True)


@bp.post("/occupations/<int:occupation_id>/restore")
def restore_occupation(occupation_id: int) -> ResponseReturnValue:
    return _set_retired(occupation_id, False)


# --- the yearly shortage list --------------------------------------------------------------


def _shortage_page(form: ShortageImportForm, year: int, **context: Any) -> str:
    db, user = get_session(), actor()
    return render_template(
        "reference_data/shortage.html",
        year=year,
        page=shortage.list_page(db, user, year, bounds.page_arg(request.args)),
        years=shortage.listed_years(db, user),
        keeps=can_keep_reference_data(user),
        form=form,
        **context,
    )


def _shortage_refused(
    error: DomainError, form: ShortageImportForm, year: int
) -> ResponseReturnValue:
    """The year's list again with the refusal and every problem it named (a year out of range
    shows this year's)."""
    get_session().rollback()
    flash(error.message, "danger")
    this_year = date.today().year
    shown = year if shortage.in_range(year, this_year) else this_year
    return _shortage_page(form, shown, error=error), error.status


@bp.get("/shortage")
def shortage_list() -> ResponseReturnValue:
    year = _year()
    return _shortage_page(ShortageImportForm(formdata=None, year=year), year)


@bp.post("/shortage/preview")
def preview_shortage() -> ResponseReturnValue:
    form = ShortageImportForm()
    try:
        return _preview_shortage(form)
    finally:
        # A large upload is spooled to a temporary file: close it now, not at garbage collection.
        for upload in request.files.values():
            upload.close()


def _preview_shortage(form: ShortageImportForm) -> ResponseReturnValue:
    access.keeper_region(actor())
    this_year = date.today().year
    if not form.validate_on_submit():
        return _shortage_page(form, this_year), 400
    year, upload = int(form.year.data or this_year), form.file.data
    try:
        diff = shortage.preview_import(
            get_session(),
            actor(),
            year,
            this_year,
            upload.filename or "",
            upload.read(tables.MAX_FILE_BYTES + 1),
        )
    except DomainError as error:
        return _shortage_refused(error, form, year)
    confirm = ShortageApplyForm(
        formdata=None,
        year=str(year),
        rows=shortage.rows_text(diff.rows),
        fingerprint=diff.fingerprint,
    )
    return render_template("reference_data/shortage_preview.html", diff=diff, form=confirm)


@bp.post("/shortage/apply")
def apply_shortage() -> ResponseReturnValue:
    form = ShortageApplyForm()
    if not form.validate_on_submit() or not str(form.year.data).isdigit():
        flash(_("表单已过期，请重新导入"), "danger")
        return redirect(url_for("reference_data.shortage_list"))
    db, year = get_session(), int(form.year.data)
    try:
        change = shortage.apply_import(
            db, actor(), year, date.today().year, form.rows.data or "", form.fingerprint.data
        )
    except DomainError as error:
        return _shortage_refused(error, ShortageImportForm(formdata=None, year=year), year)
    db.commit()
    flash(
        _(
            "%(year)d年紧缺职业目录已更新：新增 %(added)d，移除 %(removed)d，变更 %(changed)d",
            year=year,
            added=len(change.added),
            removed=len(change.removed),
            changed=len(change.changed),
        ),
        "success",
    )
    return redirect(url_for("reference_data.shortage_list", year=year))


@bp.get("/shortage/template.<fmt>")
def shortage_template(fmt: str) -> ResponseReturnValue:
    access.reader_region(actor())
    return import_template(fmt, shortage.template_csv, shortage.template_xlsx, "shortage-template")


# --- designations --------------------------------------------------------------------------


@bp.get("/designations/schools")
def school_designations() -> ResponseReturnValue:
    db, user, year = get_session(), actor(), _year()
    return render_template(
        "reference_data/school_designations.html",
        year=year,
        page=designations.school_page(db, user, year, bounds.page_arg(request.args)),
        keeps=can_keep_reference_data(user),
        form=SchoolDesignationForm(formdata=None),
    )


@bp.post("/designations/schools/<int:school_id>")
def designate_school(school_id: int) -> ResponseReturnValue:
    form, year = SchoolDesignationForm(), _year()
    if not form.validate_on_submit():
        flash(_("表单已过期，请重试"), "danger")
        return redirect(url_for("reference_data.school_designations", year=year))
    db = get_session()
    designations.designate_school(
        db,
        actor(),
        school_id,
        year,
        date.today().year,
        designated=bool(form.designated.data),
        education_base=bool(form.education_base.data),
    )
    db.commit()
    flash(_("已保存%(year)d年的院校认定", year=year), "success")
    return redirect(url_for("reference_data.school_designations", year=year))


@bp.get("/designations/enterprises")
def enterprise_designations() -> ResponseReturnValue:
    db, user, year = get_session(), actor(), _year()
    return render_template(
        "reference_data/enterprise_designations.html",
        year=year,
        page=designations.enterprise_page(db, user, year, bounds.page_arg(request.args)),
        keeps=can_keep_reference_data(user),
        form=EnterpriseDesignationForm(formdata=None),
    )


@bp.post("/designations/enterprises/<int:enterprise_id>")
def designate_enterprise(enterprise_id: int) -> ResponseReturnValue:
    form, year = EnterpriseDesignationForm(), _year()
    if not form.validate_on_submit():
        flash(_("表单已过期，请重试"), "danger")
        return redirect(url_for("reference_data.enterprise_designations", year=year))
    db = get_session()
    designations.designate_enterprise(
        db,
        actor(),
        enterprise_id,
        year,
        date.today().year,
        key_industry=bool(form.key_industry.data),
    )
    db.commit()
    flash(_("已保存%(year)d年的重点产业企业认定", year=year), "success")
    return redirect(url_for("reference_data.enterprise_designations", year=year))
