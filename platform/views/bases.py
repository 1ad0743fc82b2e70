"""Training base and studio pages: the list, the host's application and record, the review."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from skillbridge.models import BaseStatus, Enterprise, Person, Region, Role, School, TrainingBase
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import ActionForm, invalid_form
from skillbridge.platform.keys import id_keys
from skillbridge.platform.policy.bases import base_kinds, kinds_of
from skillbridge.platform.services import listing
from skillbridge.platform.services.bases import recognition, records, reviews
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.packs import region_pack
from skillbridge.platform.services.policies import (
    can_manage_base,
    can_record_base,
    can_review_bases,
)
from skillbridge.platform.views.subsidies import STATUS_LABELS as CLAIM_LABELS

bp = Blueprint("bases", __name__, url_prefix="/bases")
NAV = [(("enterprise", "school", "bureau"), "bases.index", _l("基地与工作室"))]

STATUS_LABELS = {BaseStatus.APPLIED: _l("已申报"), BaseStatus.RECOGNISED: _l("已认定")}
HOSTS_AND_BUREAU = role_required(Role.ENTERPRISE, Role.SCHOOL, Role.BUREAU)
HOSTS = role_required(Role.ENTERPRISE, Role.SCHOOL)
BUREAU = role_required(Role.BUREAU)
FINDING = "finding-"


@bp.before_request
@login_required
def _authenticated() -> None:
    """Nothing here is public."""


def _english() -> bool:
    return str(get_locale()) == "en"


def _kind_names() -> dict[str, str]:
    en = _english()
    return {code: e.name_en if en else e.name_zh for code, e in base_kinds().items()}


@bp.context_processor
def _labels() -> dict[str, Any]:
    """Kinds are policy data with both names: the page's language picks one."""
    return {
        "status_labels": STATUS_LABELS,
        "claim_labels": CLAIM_LABELS,
        "kind_names": _kind_names(),
        "english": _english(),
    }


def _figure(label: Any) -> IntegerField:
    return IntegerField(
        label, validators=[DataRequired(), NumberRange(min=0, max=records.FIGURE_MAX)]
    )


# Created before the record's fields, so that the application form lists it first.
_KIND = SelectField(_l("类别"))


class BaseForm(FlaskForm):
    """The record's figures and leader, as the host keeps them."""

    name = StringField(_l("名称"), validators=[DataRequired(), Length(max=records.NAME_MAX)])
    leader_name = StringField(_l("领办人姓名"), validators=[DataRequired(), Length(max=60)])
    leader_national_id = StringField(
        _l("领办人身份证号"), validators=[DataRequired(), Length(max=30)]
    )
    occupation_count = _figure(_l("可开设职业工种数"))
    site_m2 = _figure(_l("场地面积（平方米）"))
    capacity = _figure(_l("一次性培训规模（人）"))
    yearly_intake = _figure(_l("年培训人次"))
    submit = SubmitField(_l("保存"))

    def data_input(self, kind: str = "") -> records.BaseInput:
        return records.BaseInput(
            kind=kind,
            name=self.name.data or "",
            leader_name=self.leader_name.data or "",
            leader_national_id=self.leader_national_id.data or "",
            occupation_count=self.occupation_count.data,
            site_m2=self.site_m2.data,
            capacity=self.capacity.data,
            yearly_intake=self.yearly_intake.data,
        )


class ApplicationForm(BaseForm):
    """The application also chooses the kind, once (the region's kinds only)."""

    kind = _KIND


class ReviewForm(FlaskForm):
    """The judged thresholds arrive as `finding-<code>` checkboxes beside this form's fields."""

    note = TextAreaField(_l("评审意见"), validators=[Optional(), Length(max=reviews.NOTE_MAX)])
    submit = SubmitField(_l("记录本年度评审"))


def _region_pack() -> str:
    """The pack of the host's region: it decides which kinds the host may apply for."""
    db, user = get_session(), actor()
    if user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        region_id = db.get_one(Enterprise, user.enterprise_id).region_id
    else:
        assert user.school_id is not None  # HOSTS: an enterprise's or a school's user
        region_id = db.get_one(School, user.school_id).region_id
    return region_pack(db.get_one(Region, region_id)).region


def _application_form() -> ApplicationForm:
    form = ApplicationForm()
    names = _kind_names()
    form.kind.choices = [SelectChoice(code, names[code]) for code in kinds_of(_region_pack())]
    return form


def _page() -> int:
    return request.args.get("page", 1, type=int)


def _refused(error: DomainError) -> None:
    get_session().rollback()
    flash(error.message, "danger")


def _to_detail(base_id: int, message: str) -> ResponseReturnValue:
    get_session().commit()
    flash(message, "success")
    return redirect(url_for("bases.detail", base_id=base_id))


@bp.get("/")
@HOSTS_AND_BUREAU
def index() -> ResponseReturnValue:
    db, user = get_session(), actor()
    query = listing.ListQuery.parse(request.args, records.BASE_LIST)
    listed = records.list_bases(db, user, _page(), query)
    return render_template(
        "bases/index.html",
        bases=listed,
        spec=records.BASE_LIST,
        query=query,
        hosts={b.id: records.host_name(db, b) for b in listed.items},
        leaders={b.id: db.get_one(Person, b.leader_person_id).name for b in listed.items},
        latest={b.id: next(iter(reviews.reviews_of(db, b)), None) for b in listed.items},
        may_apply=can_record_base(user),
    )


@bp.route("/new", methods=["GET", "POST"])
@HOSTS
def new() -> ResponseReturnValue:
    form = _application_form()
    if form.validate_on_submit():
        db = get_session()
        try:
            base = records.create_base(
                db, actor(), id_keys(), form.data_input(form.kind.data or "")
            )
        except DomainError as error:
            _refused(error)
            return render_template("bases/form.html", form=form, error=error), error.status
        return _to_detail(base.id, _("已申报，等待人社局年度评审"))
    if request.method == "POST":
        invalid = invalid_form(form)
        _refused(invalid)
        return render_template("bases/form.html", form=form, error=invalid), 400
    return render_template("bases/form.html", form=form, error=None)


@bp.route("/<int:base_id>/edit", methods=["GET", "POST"])
@HOSTS
def edit(base_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    base = records.managed_base(db, user, base_id)
    form = BaseForm()
    if request.method == "GET":
        form.process(obj=base)
        form.leader_name.data = db.get_one(Person, base.leader_person_id).name
    if form.validate_on_submit():
        try:
            records.update_base(db, user, id_keys(), base_id, form.data_input())
        except DomainError as error:
            _refused(error)
            return render_template(
                "bases/form.html", form=form, error=error, base=base
            ), error.status
        return _to_detail(base_id, _("基地信息已保存"))
    if request.method == "POST":
        invalid = invalid_form(form)
        _refused(invalid)
        return render_template("bases/form.html", form=form, error=invalid, base=base), 400
    return render_template("bases/form.html", form=form, error=None, base=base)


@bp.get("/<int:base_id>")
@HOSTS_AND_BUREAU
def detail(base_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    base = records.get_base(db, user, base_id)
    return _detail_page(base)


def _detail_page(base: TrainingBase) -> str:
    db, user = get_session(), actor()
    return render_template(
        "bases/detail.html",
        base=base,
        host=records.host_name(db, base),
        leader=db.get_one(Person, base.leader_person_id),
        reviews=reviews.reviews_of(db, base),
        thresholds=reviews.base_thresholds(db, base),
        claims=records.base_claims(db, base),
        manages=can_manage_base(user, base),
        reviews_bases=can_review_bases(user, base.region_id),
        this_year=date.today().year,
        reviewed_this_year=reviews.review_in(db, base, date.today().year),
        action_form=ActionForm(),
    )


@bp.route("/<int:base_id>/review", methods=["GET", "POST"])
@BUREAU
def review(base_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    base = reviews.reviewable_base(db, user, base_id)
    form = ReviewForm()
    thresholds = reviews.base_thresholds(db, base)

    def page(error: DomainError | None = None) -> str:
        return render_template(
            "bases/review.html",
            base=base,
            host=records.host_name(db, base),
            thresholds=thresholds,
            preview=reviews.judge(thresholds, base, {}),
            year=date.today().year,
            done=reviews.review_in(db, base, date.today().year),
            form=form,
            error=error,
        )

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        invalid = invalid_form(form)
        _refused(invalid)
        return page(invalid), 400
    findings = {
        name.removeprefix(FINDING): True for name in request.form if name.startswith(FINDING)
    }
    try:
        done = reviews.review_base(
            db, user, base_id, date.today().year, findings, form.note.data or ""
        )
    except DomainError as error:
        _refused(error)
        base = reviews.reviewable_base(db, user, base_id)
        return page(error), error.status
    return _to_detail(
        base_id, _("本年度评审已记录：通过") if done.passed else _("本年度评审已记录：未通过")
    )


@bp.post("/<int:base_id>/recognise")
@BUREAU
def recognise(base_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        flash(_("表单已过期，请重试"), "danger")
        return redirect(url_for("bases.detail", base_id=base_id))
    db = get_session()
    base = recognition.recognise_base(db, actor(), base_id, date.today())
    message = (
        _("已认定") if base.claim_note is None else _("已认定（%(note)s）", note=_(base.claim_note))
    )
    return _to_detail(base_id, message)
