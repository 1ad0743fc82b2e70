"""Enterprise slot pages (list, create, edit, open, close) and the open-slot browser."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from skillbridge.models import Enterprise, Occupation, Role, Slot, SlotKind, SlotStatus, Specialty
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import ActionForm, BoundedDateField, ColumnIntegerField
from skillbridge.platform.i18n import resolved
from skillbridge.platform.routing import id_url
from skillbridge.platform.services import bounds
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.listing import ListQuery
from skillbridge.platform.services.policies import can_manage_slot
from skillbridge.platform.services.slots import postings as slots
from skillbridge.platform.services.slots.eligibility import SKILL_LEVEL_NAMES

bp = Blueprint("slots", __name__, url_prefix="/slots")
NAV = [
    (("enterprise",), "slots.mine", _l("岗位管理")),
    (("school", "student", "bureau"), "slots.browse", _l("岗位浏览")),
]

SLOT_KIND_LABELS = {
    SlotKind.POST_INTERNSHIP: _l("岗位实习"),
    SlotKind.SHADOW_INTERNSHIP: _l("跟岗实习"),
    SlotKind.APPRENTICESHIP: _l("学徒"),
    SlotKind.ORDER_CLASS: _l("订单班"),
}
SLOT_STATUS_LABELS = {
    SlotStatus.DRAFT: _l("草稿"),
    SlotStatus.OPEN: _l("开放中"),
    SlotStatus.CLOSED: _l("已关闭"),
}


@bp.app_context_processor
def _slot_labels() -> dict[str, object]:
    """Slot kinds, statuses and skill levels in words, for every template that shows a slot."""
    return {
        "slot_kind_labels": SLOT_KIND_LABELS,
        "slot_status_labels": SLOT_STATUS_LABELS,
        "skill_level_names": SKILL_LEVEL_NAMES,
        "slot_end": slots.slot_end,
    }


def row_labels(durations: Iterable[int]) -> dict[str, object]:
    """What each row of a list of slots shows in words, resolved once for the page rather than
    per row (a lazy label is looked up again at each use): the kinds, the periods of the
    `durations` shown, the stipend's format, and the slot pages' address before the id (one
    url_for, not one a row)."""
    return {
        "slot_kind_labels": {kind: str(label) for kind, label in SLOT_KIND_LABELS.items()},
        "month_labels": {n: ngettext("%(num)d 个月", "%(num)d 个月", n) for n in set(durations)},
        "stipend_format": _("%(n)d 元/月"),
        "slot_url": url_for("slots.detail", slot_id=0).removesuffix("0"),
    }


class SlotForm(FlaskForm):
    kind = SelectField(
        _l("岗位类型"), choices=[SelectChoice(k.value, v) for k, v in SLOT_KIND_LABELS.items()]
    )
    title = StringField(_l("岗位名称"), validators=[DataRequired(), Length(max=120)])
    occupation_id = SelectField(_l("职业（工种）"), coerce=int)
    specialty_ids = SelectMultipleField(_l("接收专业（可多选）"), coerce=int)
    min_level = SelectField(
        _l("最低技能等级"),
        coerce=int,
        choices=[SelectChoice(i, name) for i, name in enumerate(SKILL_LEVEL_NAMES)],
    )
    certificate_required = BooleanField(_l("须持本职业技能等级证书"))
    start_date = BoundedDateField(_l("开始日期"), validators=[DataRequired()])
    duration_months = ColumnIntegerField(
        _l("期限（月）"), validators=[DataRequired(), NumberRange(min=1, max=60)]
    )
    seats = ColumnIntegerField(
        _l("席位数"), validators=[DataRequired(), NumberRange(min=1, max=10000)]
    )
    stipend_yuan = ColumnIntegerField(
        _l("实习报酬（元/月）"), validators=[InputRequired(), NumberRange(min=0, max=1_000_000)]
    )
    post_wage_yuan = ColumnIntegerField(
        _l("同岗位职工工资（元/月，可选）"),
        validators=[Optional(), NumberRange(min=1, max=1_000_000)],
    )
    post_headcount = ColumnIntegerField(
        _l("同类岗位在岗职工人数（岗位实习必填）"),
        validators=[Optional(), NumberRange(min=1, max=10_000_000)],
    )
    location = StringField(_l("工作地点"), validators=[Length(max=120)])
    submit = SubmitField(_l("保存草稿"))


def _form_with_choices(**kwargs: Any) -> SlotForm:
    db = get_session()
    form = SlotForm(**kwargs)
    form.occupation_id.choices = [
        SelectChoice(o.id, f"{o.code} {o.name}")
        for o in db.scalars(select(Occupation).order_by(Occupation.code))
    ]
    form.specialty_ids.choices = [
        SelectChoice(s.id, f"{s.code} {s.name}")
        for s in db.scalars(select(Specialty).order_by(Specialty.code))
    ]
    return form


def _input(form: SlotForm) -> slots.SlotInput:
    return slots.SlotInput(
        kind=SlotKind(form.kind.data),
        title=form.title.data or "",
        occupation_id=form.occupation_id.data,
        specialty_ids=tuple(form.specialty_ids.data or ()),
        min_level=form.min_level.data,
        certificate_required=bool(form.certificate_required.data),
        start_date=form.start_date.data,
        duration_months=form.duration_months.data,
        seats=form.seats.data,
        stipend_yuan=form.stipend_yuan.data,
        post_wage_yuan=form.post_wage_yuan.data,
        post_headcount=form.post_headcount.data,
        location=form.location.data or "",
    )


def _save(
    form: SlotForm,
    template: str,
    submit: Callable[[Session, slots.SlotInput], Slot],
    **context: Any,
) -> ResponseReturnValue:
    """Validate, call the service, commit; a rule violation re-renders the form with its reasons."""
    if form.validate_on_submit():
        db = get_session()
        try:
            slot = submit(db, _input(form))
        except DomainError as error:
            db.rollback()
            flash(error.message, "danger")
            for detail in error.details:
                flash(detail, "danger")
            return render_template(template, form=form, **context), error.status
        db.commit()
        flash(_("岗位已保存为草稿"), "success")
        return redirect(url_for("slots.detail", slot_id=slot.id))
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


@bp.get("/mine")
@login_required
@role_required(Role.ENTERPRISE)
def mine() -> ResponseReturnValue:
    query = ListQuery.parse(request.args, slots.OWN_SLOT_LIST)
    own = slots.list_own_slots(get_session(), actor(), bounds.page_arg(request.args), query)
    return render_template(
        "slots/mine.html",
        slots=own,
        action_form=ActionForm(),
        spec=slots.OWN_SLOT_LIST,
        query=query,
        **row_labels(slot.duration_months for slot in own.items),
        slot_status_labels=resolved(SLOT_STATUS_LABELS),
        # Each row's actions, its id put into their URLs (one url_for each, not one a row).
        action_urls={
            action: id_url(endpoint, "slot_id")
            for action, endpoint in (
                ("edit", "slots.edit"),
                ("open", "slots.open_"),
                ("close", "slots.close"),
                ("candidates", "preferences.candidates"),
            )
        },
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@role_required(Role.ENTERPRISE)
def create() -> ResponseReturnValue:
    user = actor()
    return _save(
        _form_with_choices(),
        "slots/form.html",
        lambda db, data: slots.create_slot(db, user, data),
        slot=None,
    )


@bp.route("/<int:slot_id>/edit", methods=["GET", "POST"])
@login_required
@role_required(Role.ENTERPRISE)
def edit(slot_id: int) -> ResponseReturnValue:
    user, db = actor(), get_session()
    slot = slots.get_own_slot(db, user, slot_id)
    current = asdict(slots.slot_input(slot))
    current.update(kind=slot.kind.value, specialty_ids=list(current["specialty_ids"]))
    form = _form_with_choices(data=current if request.method == "GET" else None)
    return _save(
        form,
        "slots/form.html",
        lambda session, data: slots.update_slot(session, user, slot_id, data),
        slot=slot,
    )


def _act(
    service: Callable[[Session, int], object], slot_id: int, message: str
) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        flash(_("表单已过期，请重试"), "danger")
        return redirect(url_for("slots.mine"))
    db = get_session()
    service(db, slot_id)
    db.commit()
    flash(message, "success")
    return redirect(url_for("slots.detail", slot_id=slot_id))


@bp.post("/<int:slot_id>/open")
@login_required
@role_required(Role.ENTERPRISE)
def open_(slot_id: int) -> ResponseReturnValue:
    user = actor()
    return _act(
        lambda db, sid: slots.open_slot(db, user, sid, date.today()), slot_id, _("岗位已开放")
    )


@bp.post("/<int:slot_id>/close")
@login_required
@role_required(Role.ENTERPRISE)
def close(slot_id: int) -> ResponseReturnValue:
    user = actor()
    return _act(lambda db, sid: slots.close_slot(db, user, sid), slot_id, _("岗位已关闭"))


@bp.get("/")
@login_required
@role_required(Role.SCHOOL, Role.STUDENT, Role.BUREAU)
def browse() -> ResponseReturnValue:
    query = ListQuery.parse(request.args, slots.OPEN_SLOT_LIST)
    rows = slots.list_open_slots(get_session(), actor(), bounds.page_arg(request.args), query)
    return render_template(
        "slots/browse.html",
        rows=rows,
        spec=slots.OPEN_SLOT_LIST,
        query=query,
        **row_labels(slot.duration_months for slot in rows.items),
    )


@bp.get("/<int:slot_id>")
@login_required
def detail(slot_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    slot = slots.get_slot(db, user, slot_id)
    return render_template(
        "slots/detail.html",
        slot=slot,
        enterprise=db.get(Enterprise, slot.enterprise_id),
        occupation=db.get(Occupation, slot.occupation_id),
        can_manage=can_manage_slot(user, slot),
        action_form=ActionForm(),
    )
