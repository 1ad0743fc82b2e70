"""On-site inspections: the bureau draws a seeded sample of placements and records each visit."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
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
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from skillbridge.models import InspectionOutcome, Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.downloads import csv_download, xlsx_download
from skillbridge.platform.forms import BoundedDateField, ColumnIntegerField, invalid_form
from skillbridge.platform.services.oversight import inspections

bp = Blueprint("inspections", __name__, url_prefix="/bureau/inspections")
NAV = [(("bureau",), "inspections.index", _l("现场抽查"))]


class DrawForm(FlaskForm):
    size = ColumnIntegerField(
        _l("抽查数量"),
        default=20,
        validators=[DataRequired(), NumberRange(1, inspections.MAX_SIZE)],
    )
    seed = ColumnIntegerField(
        _l("随机种子（留空则自动生成）"), validators=[Optional(), NumberRange(0)]
    )
    as_of = BoundedDateField(_l("基准日期"), validators=[DataRequired()])
    submit = SubmitField(_l("抽取样本"))


class OutcomeForm(FlaskForm):
    outcome = SelectField(
        _l("检查结果"),
        choices=[
            SelectChoice(o.value, _l(label))
            for o, label in inspections.OUTCOME_LABELS.items()
            if o != InspectionOutcome.PENDING
        ],
    )
    inspector_name = StringField(_l("检查人"), validators=[DataRequired(), Length(max=60)])
    inspected_on = BoundedDateField(_l("检查日期"), validators=[DataRequired()])
    notes = TextAreaField(_l("检查记录"), validators=[Length(max=5000)])
    submit = SubmitField(_l("保存结果"))


@bp.before_request
@login_required
@role_required(Role.BUREAU)
def _bureau_only() -> None:
    """Inspections are the bureau's."""


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template(
        "inspections/index.html",
        samples=inspections.list_samples(
            get_session(), actor(), request.args.get("page", 1, type=int)
        ),
        form=DrawForm(as_of=date.today()),
        labels=inspections.OUTCOME_LABELS,
    )


@bp.post("/")
def draw() -> ResponseReturnValue:
    form = DrawForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    db = get_session()
    sample = inspections.draw_sample(db, actor(), form.size.data, form.as_of.data, form.seed.data)
    db.commit()
    flash(
        _("已抽取 %(n)s 个实习安排（随机种子 %(seed)s）", n=sample.size, seed=sample.seed),
        "success",
    )
    return redirect(url_for("inspections.sample", sample_id=sample.id))


@bp.get("/<int:sample_id>")
def sample(sample_id: int) -> ResponseReturnValue:
    drawn, visits = inspections.get_sample(get_session(), actor(), sample_id)
    return render_template(
        "inspections/sample.html",
        sample=drawn,
        visits=visits,
        form=OutcomeForm(inspected_on=date.today()),
        labels=inspections.OUTCOME_LABELS,
    )


@bp.post("/visits/<int:inspection_id>")
def record(inspection_id: int) -> ResponseReturnValue:
    form = OutcomeForm()
    db = get_session()
    if not form.validate_on_submit():
        flash(_("表单有误，请填写检查结果、检查人和日期"), "danger")
        visit = inspections.get_visit(db, actor(), inspection_id)
        return redirect(url_for("inspections.sample", sample_id=visit.sample_id))
    visit = inspections.record_outcome(
        db,
        actor(),
        inspection_id,
        inspections.Outcome(
            InspectionOutcome(form.outcome.data),
            form.inspector_name.data,
            form.inspected_on.data,
            form.notes.data or "",
        ),
        date.today(),
    )
    db.commit()
    flash(_("检查结果已保存"), "success")
    return redirect(url_for("inspections.sample", sample_id=visit.sample_id))


def _filename(sample_id: int, extension: str) -> str:
    return f"inspection-sample-{sample_id}.{extension}"


@bp.get("/<int:sample_id>.csv")
def export_csv(sample_id: int) -> ResponseReturnValue:
    rows = inspections.visit_rows(get_session(), actor(), sample_id)
    return csv_download(_filename(sample_id, "csv"), inspections.VISIT_HEADERS, lambda _s: rows)


@bp.get("/<int:sample_id>.xlsx")
def export_xlsx(sample_id: int) -> ResponseReturnValue:
    rows = inspections.visit_rows(get_session(), actor(), sample_id)
    return xlsx_download(
        _filename(sample_id, "xlsx"), inspections.VISIT_HEADERS, lambda _s: rows, _("现场抽查")
    )
