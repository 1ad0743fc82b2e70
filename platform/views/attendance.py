"""Attendance pages: the student's check-in and check-out, the supervisors' lists of days, a day's
confirmation or correction, leave and its decisions, the school's filed N7 exceptions."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from skillbridge.models import AttendanceDay, LeaveKind, Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import BoundedDateField, DecisionForm, invalid_form
from skillbridge.platform.services.attendance import access, days, exceptions, leave
from skillbridge.platform.services.attendance.calendar import china_now
from skillbridge.platform.services.attendance.hours import BREACH_LABELS, day_breaches
from skillbridge.platform.services.mentoring.months import label, parse_month
from skillbridge.platform.services.policies import can_see_attendance_location

bp = Blueprint("attendance", __name__, url_prefix="/attendance")
NAV = [(("student", "school", "enterprise"), "attendance.index", _l("考勤"))]


class CheckInForm(FlaskForm):
    # The browser fills the hidden fields (static/geolocation.js) only once this is ticked.
    consent = BooleanField(_l("同意记录本次签到的大致位置（约1公里，仅学校可见）"))
    latitude = HiddenField()
    longitude = HiddenField()
    submit = SubmitField(_l("签到"))


class CheckOutForm(FlaskForm):
    submit = SubmitField(_l("签退"))


class CorrectionForm(FlaskForm):
    check_in = TimeField(_l("签到时间"), validators=[InputRequired()])
    check_out = TimeField(_l("签退时间（早于签到即次日）"), validators=[InputRequired()])
    reason = StringField(_l("更正原因"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("更正"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("确认考勤"))


class LeaveForm(FlaskForm):
    start_day = BoundedDateField(_l("开始日期"), validators=[DataRequired()])
    end_day = BoundedDateField(_l("结束日期"), validators=[DataRequired()])
    kind = SelectField(
        _l("请假类别"), choices=[SelectChoice(k.value, _l(v)) for k, v in leave.LEAVE_KINDS.items()]
    )
    reason = StringField(_l("请假事由"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("提交请假"))


class ExceptionForm(FlaskForm):
    start_day = BoundedDateField(_l("开始日期"), validators=[DataRequired()])
    end_day = BoundedDateField(_l("结束日期"), validators=[DataRequired()])
    reason = StringField(_l("备案事由"), validators=[DataRequired(), Length(max=500)])
    reference_no = StringField(_l("备案文号"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("登记备案"))


@bp.before_request
@login_required
@role_required(Role.STUDENT, Role.SCHOOL, Role.ENTERPRISE)
def _parties_only() -> None:
    """Attendance is the student's, its school's and its host's; the bureau reads N7 findings."""


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"day_statuses": days.DAY_STATUSES}


def _page() -> int:
    return request.args.get("page", 1, type=int)


def _month() -> date:
    raw = request.args.get("month")
    today = china_now().date()
    return parse_month(raw, "month") if raw else today.replace(day=1)


def _back(placement_id: int) -> ResponseReturnValue:
    return redirect(url_for("attendance.placement", placement_id=placement_id))


@bp.get("/")
def index() -> ResponseReturnValue:
    db, user = get_session(), actor()
    today = china_now().date()
    if user.role == Role.STUDENT:
        return render_template(
            "attendance/student.html",
            cards=days.student_today(db, user, today),
            check_in=CheckInForm(),
            check_out=CheckOutForm(),
        )
    to_confirm = request.args.get("to_confirm") == "1"
    return render_template(
        "attendance/index.html",
        rows=days.list_days(db, user, _page(), to_confirm),
        to_confirm=to_confirm,
        leave_rows=leave.leave_to_decide(db, user, request.args.get("leave_page", 1, type=int)),
    )


@bp.get("/placements/<int:placement_id>")
def placement(placement_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    found, student = access.placement_for(db, user, placement_id)
    month = _month()
    following = (month + timedelta(days=31)).replace(day=1)
    month_days = days.month_days(db, user, placement_id, month)
    manager = access.may_file_exception(user, student, found)
    return render_template(
        "attendance/placement.html",
        placement=found,
        student=student,
        month=month,
        month_label=label(month),
        previous=label((month - timedelta(days=1)).replace(day=1)),
        next=label(following),
        days=[(day, _day_breaches(day)) for day in month_days],
        presence=leave.presence(
            db, found, month, following - timedelta(days=1), china_now().date()
        ),
        leave_requests=leave.placement_leave(db, user, placement_id),
        exceptions=exceptions.placement_exceptions(db, user, placement_id),
        located=can_see_attendance_location(user, student, found),
        leave_form=LeaveForm() if access.may_record(user, student, found) else None,
        exception_form=ExceptionForm() if manager else None,
        decision_form=DecisionForm(),
        may_decide=access.may_decide_leave(user, student, found),
        kinds=leave.LEAVE_KINDS,
        statuses=leave.LEAVE_STATUSES,
    )


def _day_breaches(day: AttendanceDay) -> list[str]:
    return [BREACH_LABELS[name] for name in day_breaches(day)]


@bp.post("/placements/<int:placement_id>/check-in")
def check_in(placement_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    access.placement_for(db, user, placement_id, access.may_record)
    form = CheckInForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    location = days.coarse_location(
        form.consent.data, form.latitude.data or "", form.longitude.data or ""
    )
    days.check_in(db, user, placement_id, china_now(), location)
    db.commit()
    flash(_("已签到"), "success")
    return redirect(url_for("attendance.index"))


@bp.post("/placements/<int:placement_id>/check-out")
def check_out(placement_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    access.placement_for(db, user, placement_id, access.may_record)
    form = CheckOutForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    days.check_out(db, user, placement_id, china_now())
    db.commit()
    flash(_("已签退"), "success")
    return redirect(url_for("attendance.index"))


@bp.get("/days/<int:day_id>")
def day(day_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    found, placement, student = access.day_for(db, user, day_id)
    mentor = access.may_confirm(user, student, placement)
    correction = CorrectionForm(
        check_in=found.check_in_at.time(),
        check_out=found.check_out_at.time() if found.check_out_at else None,
    )
    return render_template(
        "attendance/day.html",
        day=found,
        placement=placement,
        student=student,
        breaches=_day_breaches(found),
        located=can_see_attendance_location(user, student, placement),
        confirm_form=ConfirmForm() if mentor else None,
        correction_form=correction if mentor else None,
    )


@bp.post("/days/<int:day_id>/confirm")
def confirm(day_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    access.day_for(db, user, day_id, access.may_confirm)
    form = ConfirmForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    days.confirm_day(db, user, day_id)
    db.commit()
    flash(_("考勤已确认"), "success")
    return redirect(url_for("attendance.index", to_confirm=1))


@bp.post("/days/<int:day_id>/correct")
def correct(day_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    access.day_for(db, user, day_id, access.may_confirm)
    form = CorrectionForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    days.correct_day(db, user, day_id, form.check_in.data, form.check_out.data, form.reason.data)
    db.commit()
    flash(_("考勤已更正"), "success")
    return redirect(url_for("attendance.day", day_id=day_id))


@bp.post("/placements/<int:placement_id>/leave")
def request_leave(placement_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    access.placement_for(db, user, placement_id, access.may_record)
    form = LeaveForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    data = leave.LeaveInput(
        form.start_day.data, form.end_day.data, LeaveKind(form.kind.data), form.reason.data
    )
    threshold = int(current_app.config["LEAVE_TEACHER_ABOVE_DAYS"])
    leave.request_leave(db, user, placement_id, data, threshold)
    db.commit()
    flash(_("请假申请已提交"), "success")
    return _back(placement_id)


@bp.post("/leave/<int:leave_id>/decide")
def decide_leave(leave_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    found, _placement, _student = access.leave_for(db, user, leave_id, access.may_decide_leave)
    form = DecisionForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    leave.decide_leave(db, user, leave_id, bool(form.approve.data), form.reason.data or "")
    db.commit()
    flash(_("请假申请已审批"), "success")
    return _back(found.placement_id)


@bp.post("/placements/<int:placement_id>/exceptions")
def file_exception(placement_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    access.placement_for(db, user, placement_id, access.may_file_exception)
    form = ExceptionForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    data = exceptions.ExceptionInput(
        form.start_day.data, form.end_day.data, form.reason.data, form.reference_no.data
    )
    exceptions.file_exception(db, user, placement_id, data)
    db.commit()
    flash(_("备案例外已登记"), "success")
    return _back(placement_id)
