"""Incident pages: the list, the report form, an incident with its timeline and its next steps."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, StopValidation

from skillbridge.models import IncidentSeverity, IncidentStatus, Role, utcnow
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import BoundedDateField, ColumnIntegerField, invalid_form
from skillbridge.platform.services import bounds
from skillbridge.platform.services.incidents import labels, records, reports, steps
from skillbridge.platform.services.incidents.insurance import insurance_cover
from skillbridge.platform.services.incidents.times import to_local
from skillbridge.platform.services.placements.records import list_placements

bp = Blueprint("incidents", __name__, url_prefix="/incidents")
NAV = [(("school", "enterprise", "student", "bureau"), "incidents.index", _l("安全事故"))]
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class BoundedDateTimeField(DateTimeLocalField):
    """A local date and time within the calendar the platform deals with."""

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data is not None and not bounds.date_in_range(self.data.date()):
            raise StopValidation(_("日期超出允许范围"))


class ReportForm(FlaskForm):
    kind = SelectField(
        _l("事故类别"),
        choices=[SelectChoice(k.value, _l(v)) for k, v in labels.KIND_LABELS.items()],
    )
    severity = SelectField(_l("严重程度"))  # choices with their definitions: _report_form()
    occurred_at = BoundedDateTimeField(
        _l("发生时间（北京时间）"), format=LOCAL_INPUT, validators=[DataRequired()]
    )
    location = StringField(_l("发生地点"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("事故经过"), validators=[DataRequired(), Length(max=5000)])
    immediate_measures = TextAreaField(
        _l("已采取的处置措施"), validators=[DataRequired(), Length(max=5000)]
    )
    submit = SubmitField(_l("提交报告"))


class GuardianForm(FlaskForm):
    informed_at = BoundedDateTimeField(
        _l("告知时间（北京时间）"), format=LOCAL_INPUT, validators=[DataRequired()]
    )
    informed_by = StringField(_l("告知人"), validators=[DataRequired(), Length(max=60)])
    submit = SubmitField(_l("登记已告知监护人"))


class FileClaimForm(FlaskForm):
    claim_number = StringField(_l("保险公司报案号"), validators=[DataRequired(), Length(max=60)])
    filed_on = BoundedDateField(_l("报案日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记报案"))


class AcceptClaimForm(FlaskForm):
    submit = SubmitField(_l("登记保险公司已受理"))


class PayClaimForm(FlaskForm):
    amount_yuan = ColumnIntegerField(
        _l("赔付金额（元）"), validators=[DataRequired(), NumberRange(min=1)]
    )
    submit = SubmitField(_l("登记赔付"))


class RejectClaimForm(FlaskForm):
    reason = TextAreaField(_l("拒赔原因"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("登记拒赔"))


class CloseForm(FlaskForm):
    resolution = TextAreaField(_l("处理结果"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("结案"))


@bp.before_request
@login_required
@role_required(Role.SCHOOL, Role.ENTERPRISE, Role.STUDENT, Role.BUREAU)
def _parties_only() -> None:
    """Incidents are the placement's parties' and the bureau's; each service checks the object."""


def _choice(enum_cls: type[IncidentStatus] | type[IncidentSeverity], name: str) -> str | None:
    """A filter from the query string; anything else shows every value."""
    value = request.args.get(name, "")
    return value if value in {member.value for member in enum_cls} else None


@bp.get("/")
def index() -> ResponseReturnValue:
    db, user = get_session(), actor()
    status, severity = _choice(IncidentStatus, "status"), _choice(IncidentSeverity, "severity")
    filters = records.ListFilter(
        IncidentStatus(status) if status else None,
        IncidentSeverity(severity) if severity else None,
    )
    own = list_placements(db, user, reports.REPORTABLE) if user.role == Role.STUDENT else []
    return render_template(
        "incidents/index.html",
        rows=records.list_incidents(db, user, filters, bounds.page_arg(request.args)),
        args={k: v for k, v in (("status", status), ("severity", severity)) if v},
        status=status,
        severity=severity,
        own_placements=own,
        labels=labels,
        to_local=to_local,
    )


def _report_form() -> ReportForm:
    form = ReportForm()
    form.severity.choices = [
        SelectChoice(k.value, f"{_(v)}：{_(labels.SEVERITY_DEFINITIONS[k])}")
        for k, v in labels.SEVERITY_LABELS.items()
    ]
    return form


@bp.route("/report/<int:placement_id>", methods=["GET", "POST"])
def report(placement_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    context = reports.placement_to_report_on(db, user, placement_id)  # who, before what was sent
    form = _report_form()
    if request.method == "POST":
        if not form.validate_on_submit():
            raise invalid_form(form)
        incident = reports.report_incident(
            db,
            user,
            placement_id,
            reports.ReportInput(
                kind=form.kind.data,
                severity=form.severity.data,
                occurred_at=form.occurred_at.data,
                location=form.location.data,
                description=form.description.data,
                immediate_measures=form.immediate_measures.data,
            ),
            utcnow(),
        )
        incident_id = incident.id
        db.commit()
        flash(_("事故报告已提交，学校和人社局已收到通知"), "success")
        return redirect(url_for("incidents.detail", incident_id=incident_id))
    return render_template(
        "incidents/report.html",
        form=form,
        context=context,
        cover=insurance_cover(context.agreement, date.today()),
        labels=labels,
    )


@bp.get("/<int:incident_id>")
def detail(incident_id: int) -> ResponseReturnValue:
    page = records.describe_incident(get_session(), actor(), incident_id)
    today = date.today()
    return render_template(
        "incidents/detail.html",
        page=page,
        incident=page.found.incident,
        context=page.found.context,
        cover=page.found.cover,
        closing=steps.closing_checks(page.found.incident),
        labels=labels,
        to_local=to_local,
        guardian_form=GuardianForm(formdata=None),
        file_form=FileClaimForm(formdata=None, filed_on=today),
        accept_form=AcceptClaimForm(formdata=None),
        pay_form=PayClaimForm(formdata=None),
        reject_form=RejectClaimForm(formdata=None),
        close_form=CloseForm(formdata=None),
    )


def _checked(incident_id: int, step: steps.Step, form: FlaskForm) -> None:
    """Who may act is settled first (404/403), then what was sent (400)."""
    steps.authorize(get_session(), actor(), incident_id, step)
    if not form.validate_on_submit():
        raise invalid_form(form)


def _done(incident_id: int, message: str) -> ResponseReturnValue:
    get_session().commit()
    flash(message, "success")
    return redirect(url_for("incidents.detail", incident_id=incident_id))


@bp.post("/<int:incident_id>/guardian")
def guardian(incident_id: int) -> ResponseReturnValue:
    form = GuardianForm()
    _checked(incident_id, steps.Step.FOLLOW_UP, form)
    steps.record_guardian_informed(
        get_session(), actor(), incident_id, form.informed_at.data, form.informed_by.data, utcnow()
    )
    return _done(incident_id, _("已登记告知监护人"))


@bp.post("/<int:incident_id>/claim")
def file_claim(incident_id: int) -> ResponseReturnValue:
    form = FileClaimForm()
    _checked(incident_id, steps.Step.FOLLOW_UP, form)
    steps.file_claim(
        get_session(), actor(), incident_id, form.claim_number.data, form.filed_on.data, utcnow()
    )
    return _done(incident_id, _("已登记向保险公司报案"))


@bp.post("/<int:incident_id>/claim/accept")
def accept_claim(incident_id: int) -> ResponseReturnValue:
    _checked(incident_id, steps.Step.FOLLOW_UP, AcceptClaimForm())
    steps.accept_claim(get_session(), actor(), incident_id, utcnow())
    return _done(incident_id, _("已登记保险公司受理"))


@bp.post("/<int:incident_id>/claim/pay")
def pay_claim(incident_id: int) -> ResponseReturnValue:
    form = PayClaimForm()
    _checked(incident_id, steps.Step.FOLLOW_UP, form)
    steps.pay_claim(get_session(), actor(), incident_id, form.amount_yuan.data, utcnow())
    return _done(incident_id, _("已登记保险赔付"))


@bp.post("/<int:incident_id>/claim/reject")
def reject_claim(incident_id: int) -> ResponseReturnValue:
    form = RejectClaimForm()
    _checked(incident_id, steps.Step.FOLLOW_UP, form)
    steps.reject_claim(get_session(), actor(), incident_id, form.reason.data, utcnow())
    return _done(incident_id, _("已登记保险拒赔"))


@bp.post("/<int:incident_id>/close")
def close(incident_id: int) -> ResponseReturnValue:
    form = CloseForm()
    _checked(incident_id, steps.Step.CLOSE, form)
    steps.close_incident(get_session(), actor(), incident_id, form.resolution.data, utcnow())
    return _done(incident_id, _("事故已结案"))
