"""Weekly journals (周志): the student's weeks and editor, the mentor's and teacher's queues, a
journal's page with its history, the mentor's decision and the teacher's countersignature."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from skillbridge.models import (
    AWAITING_REVIEW,
    EDITABLE,
    JOURNAL_COMMENT_MAX,
    JOURNAL_FIELD_MAX,
    Role,
    StaffRole,
)
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import invalid_form
from skillbridge.platform.redirects import safe_next
from skillbridge.platform.services import bounds
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.services.journals import countersign, entries, queues, weeks
from skillbridge.platform.services.policies import can_review_journal, can_write_journal

bp = Blueprint("journals", __name__, url_prefix="/journals")
NAV = [(("student",), "journals.mine", _l("周志"))]
LABELS = {
    "week_state_labels": weeks.WEEK_STATE_LABELS,
    "status_labels": entries.STATUS_LABELS,
    "action_labels": entries.ACTION_LABELS,
    "field_max": JOURNAL_FIELD_MAX,
}


class JournalForm(FlaskForm):
    work_done = TextAreaField(_l("本周工作内容"), validators=[Length(max=JOURNAL_FIELD_MAX)])
    learned = TextAreaField(_l("学习收获"), validators=[Length(max=JOURNAL_FIELD_MAX)])
    problems = TextAreaField(_l("遇到的问题"), validators=[Length(max=JOURNAL_FIELD_MAX)])
    save = SubmitField(_l("保存草稿"))
    submit = SubmitField(_l("提交给导师"))


class ReturnForm(FlaskForm):
    comment = TextAreaField(
        _l("退回意见"), validators=[DataRequired(), Length(max=JOURNAL_COMMENT_MAX)]
    )
    submit = SubmitField(_l("退回修改"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("确认周志"))


class CountersignForm(FlaskForm):
    submit = SubmitField(_l("会签本月"))


@bp.before_request
@login_required
def _authenticated() -> None:
    """Who sees which placement's journals is the services' to decide."""


def _page() -> int:
    return bounds.page_arg(request.args)


def _placement_page(placement_id: int, template: str) -> ResponseReturnValue:
    listing = weeks.placement_journals(get_session(), actor(), placement_id, date.today(), _page())
    return render_template(template, listing=listing, countersign_form=CountersignForm(), **LABELS)


@bp.get("/")
@role_required(Role.STUDENT)
def mine() -> ResponseReturnValue:
    placement_id = weeks.students_placement_id(get_session(), actor())
    if placement_id is None:
        return render_template("journals/none.html")
    return _placement_page(placement_id, "journals/placement.html")


@bp.get("/queue")
def queue() -> ResponseReturnValue:
    db, user = get_session(), actor()
    if user.staff_role == StaffRole.TEACHER:
        months = queues.teacher_queue(db, user, date.today(), _page())
        return render_template("journals/teacher_queue.html", months=months, form=CountersignForm())
    return render_template(
        "journals/mentor_queue.html", journals=queues.mentor_queue(db, user, _page())
    )


@bp.get("/placements/<int:placement_id>")
def placement(placement_id: int) -> ResponseReturnValue:
    return _placement_page(placement_id, "journals/placement.html")


@bp.route("/placements/<int:placement_id>/<int:iso_year>/<int:iso_week>", methods=["GET", "POST"])
@role_required(Role.STUDENT)
def edit(placement_id: int, iso_year: int, iso_week: int) -> ResponseReturnValue:
    db, user, today = get_session(), actor(), date.today()
    # Who may write which week is settled before the form is read.
    _context, week = entries.writable_week(db, user, placement_id, iso_year, iso_week, today)
    if request.method == "POST":
        form = JournalForm()
        if not form.validate_on_submit():
            raise invalid_form(form)
        text = entries.JournalText(form.work_done.data, form.learned.data, form.problems.data)
        submit = bool(form.submit.data)
        try:
            saved = entries.save_journal(
                db, user, placement_id, iso_year, iso_week, text, today, submit=submit
            )
        except InvalidInput as error:
            db.rollback()
            journal = entries.journal_of_week(db, placement_id, week)
            page = render_template(
                "journals/edit.html", form=form, week=week, journal=journal, error=error, **LABELS
            )
            return page, 400
        db.commit()
        flash(_("周志已提交，等待导师审阅") if submit else _("草稿已保存"), "success")
        return redirect(url_for("journals.detail", journal_id=saved.id))
    journal = entries.journal_of_week(db, placement_id, week)
    if journal is not None and journal.status not in EDITABLE:
        return redirect(url_for("journals.detail", journal_id=journal.id))
    form = JournalForm(obj=journal)
    return render_template(
        "journals/edit.html", form=form, week=week, journal=journal, error=None, **LABELS
    )


@bp.get("/<int:journal_id>")
def detail(journal_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    context = entries.load_journal(db, user, journal_id)
    placement = context.placement.placement
    reviewer = can_review_journal(user, placement)
    return render_template(
        "journals/detail.html",
        context=context,
        history=entries.journal_history(db, context),
        flagged=entries.sees_flags(user, context),
        similar=entries.similar_journal(db, user, context),
        may_review=reviewer and context.journal.status in AWAITING_REVIEW,
        may_edit=can_write_journal(user, placement) and context.journal.status in EDITABLE,
        confirm_form=ConfirmForm(),
        return_form=ReturnForm(),
        **LABELS,
    )


@bp.post("/<int:journal_id>/confirm")
def confirm(journal_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    entries.reviewable_journal(db, user, journal_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    entries.confirm_journal(db, user, journal_id)
    db.commit()
    flash(_("周志已确认"), "success")
    return redirect(url_for("journals.detail", journal_id=journal_id))


@bp.post("/<int:journal_id>/return")
def return_(journal_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    entries.reviewable_journal(db, user, journal_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    entries.return_journal(db, user, journal_id, form.comment.data)
    db.commit()
    flash(_("周志已退回，学生将收到通知"), "success")
    return redirect(url_for("journals.detail", journal_id=journal_id))


@bp.post("/placements/<int:placement_id>/months/<int:year>/<int:month>/countersign")
def countersign_month(placement_id: int, year: int, month: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    countersign.countersignable(db, user, placement_id)
    form = CountersignForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    countersign.countersign_month(db, user, placement_id, year, month, date.today())
    db.commit()
    flash(_("本月周志已会签"), "success")
    fallback = url_for("journals.placement", placement_id=placement_id)
    return redirect(safe_next(request.form.get("next"), fallback))
