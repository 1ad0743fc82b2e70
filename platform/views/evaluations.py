"""Evaluations and outcome of a placement: rubric scores, host rating, report, grade, certificate."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from skillbridge.models import ContractType, EvaluationStage, OutcomeKind, Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import BoundedDateField, ColumnIntegerField, invalid_form
from skillbridge.platform.services.evaluations import (
    access,
    certificate,
    due,
    outcomes,
    overview,
    ratings,
    reports,
    scores,
)
from skillbridge.platform.services.evaluations.rubrics import Rubric, rubrics

bp = Blueprint("evaluations", __name__)
NAV = [(("school", "enterprise", "student"), "evaluations.index", _l("实习评价"))]
# Loaded at start-up: a malformed rubric file stops the application with the field it names.
rubrics()
EVERYONE = (Role.STUDENT, Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU)
SCORE_CHOICES = [SelectChoice(str(n), str(n)) for n in range(1, 6)]
YES_NO = [SelectChoice("1", _l("是")), SelectChoice("0", _l("否"))]


@bp.before_request
@login_required
def _authenticated() -> None:
    """Evaluations are never public; each route narrows the roles and the services the objects."""


def criterion_name(rubric: Rubric, code: str) -> str:
    """A criterion's name in the page's language (rubrics carry both)."""
    criterion = next(c for c in rubric.criteria if c.code == code)
    return criterion.name_en if str(get_locale()) == "en" else criterion.name_zh


def _evaluation_form(rubric: Rubric, submitted: bool = False) -> FlaskForm:
    """A form with one 1–5 choice per criterion of the school's rubric."""

    class EvaluationForm(FlaskForm):
        comment = TextAreaField(_l("评语"), validators=[Length(max=scores.MAX_COMMENT)])
        submit = SubmitField(_l("提交评价"))

    for criterion in rubric.criteria:
        field = SelectField(
            criterion_name(rubric, criterion.code),
            choices=SCORE_CHOICES,
            coerce=int,
            validators=[InputRequired()],
        )
        setattr(EvaluationForm, f"score_{criterion.code}", field)
    return EvaluationForm() if submitted else EvaluationForm(formdata=None)


class RatingForm(FlaskForm):
    safety = SelectField(_l("安全保障"), choices=SCORE_CHOICES, coerce=int)
    learning = SelectField(_l("学习收获"), choices=SCORE_CHOICES, coerce=int)
    pay_on_time = SelectField(_l("按时足额发放报酬"), choices=SCORE_CHOICES, coerce=int)
    treatment = SelectField(_l("待遇与尊重"), choices=SCORE_CHOICES, coerce=int)
    comment = TextAreaField(_l("意见（选填）"), validators=[Length(max=scores.MAX_COMMENT)])
    submit = SubmitField(_l("提交评价"))


class ReportForm(FlaskForm):
    body = TextAreaField(
        _l("实习报告"),
        validators=[DataRequired(), Length(reports.REPORT_MIN_CHARS, reports.REPORT_MAX_CHARS)],
    )
    submit = SubmitField(_l("提交实习报告"))


class GradeForm(FlaskForm):
    score = ColumnIntegerField(
        _l("成绩（0–100 分：90+ 优秀，80+ 良好，70+ 中等，60+ 及格）"),
        validators=[InputRequired(), NumberRange(reports.SCORE_MIN, reports.SCORE_MAX)],
    )
    submit = SubmitField(_l("评定成绩"))


class OutcomeForm(FlaskForm):
    kind = SelectField(
        _l("就业去向"),
        choices=[SelectChoice(k.value, _l(v)) for k, v in outcomes.OUTCOME_LABELS.items()],
    )
    employer_name = StringField(
        _l("就业单位（在其他单位就业时填写）"), validators=[Length(max=120)]
    )
    started_on = BoundedDateField(_l("入职日期"), validators=[Optional()])
    contract_type = SelectField(
        _l("合同类型"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(k.value, _l(v)) for k, v in outcomes.CONTRACT_LABELS.items()],
    )
    contract_months = ColumnIntegerField(
        _l("合同期限（月，固定期限时填写）"), validators=[Optional(), NumberRange(1, 600)]
    )
    social_insurance = SelectField(_l("缴纳社会保险"), choices=YES_NO)
    submit = SubmitField(_l("登记就业去向"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("确认录用"))


def _back(placement_id: int, message: str) -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for("evaluations.detail", placement_id=placement_id))


@bp.get("/evaluations")
@role_required(Role.SCHOOL, Role.ENTERPRISE, Role.STUDENT)
def index() -> ResponseReturnValue:
    page = due.list_due(get_session(), actor(), date.today(), request.args.get("page", 1, type=int))
    return render_template("evaluations/index.html", rows=page, stage_labels=scores.STAGE_LABELS)


@bp.get("/placements/<int:placement_id>/evaluation")
@role_required(*EVERYONE)
def detail(placement_id: int) -> ResponseReturnValue:
    page = overview.evaluation_page(get_session(), actor(), placement_id, date.today())
    outcome = page.outcome
    return render_template(
        "evaluations/detail.html",
        page=page,
        forms={stage: _evaluation_form(page.rubric) for stage in page.open_stages},
        rating_form=RatingForm(formdata=None),
        report_form=ReportForm(formdata=None, body=page.report.body if page.report else ""),
        grade_form=GradeForm(formdata=None),
        outcome_form=OutcomeForm(
            formdata=None,
            kind=outcome.kind.value if outcome else OutcomeKind.HIRED_BY_HOST.value,
            employer_name=outcome.employer_name if outcome else "",
            started_on=outcome.started_on if outcome else None,
            contract_type=outcome.contract_type.value if outcome and outcome.contract_type else "",
            contract_months=outcome.contract_months if outcome else None,
            social_insurance="1" if outcome and outcome.social_insurance else "0",
        ),
        confirm_form=ConfirmForm(formdata=None),
        criterion_name=criterion_name,
        stage_labels=scores.STAGE_LABELS,
        evaluator_labels=scores.EVALUATOR_LABELS,
        aspects=ratings.ASPECTS,
        grade_labels=reports.GRADE_LABELS,
        outcome_labels=outcomes.OUTCOME_LABELS,
        contract_labels=outcomes.CONTRACT_LABELS,
        min_shown=rubrics().settings.host_rating_min_shown,
    )


@bp.post("/placements/<int:placement_id>/evaluation/<stage>")
@role_required(Role.SCHOOL, Role.ENTERPRISE, Role.STUDENT)
def evaluate(placement_id: int, stage: str) -> ResponseReturnValue:
    db, user = get_session(), actor()
    context, _evaluator = access.evaluator_on(db, user, placement_id)
    if stage not in {s.value for s in EvaluationStage}:
        abort(404)
    rubric = scores.rubric_of(context)
    form = _evaluation_form(rubric, submitted=True)
    if not form.validate_on_submit():
        raise invalid_form(form)
    values = {c.code: form[f"score_{c.code}"].data for c in rubric.criteria}
    scores.submit_evaluation(
        db,
        user,
        placement_id,
        scores.EvaluationInput(EvaluationStage(stage), values, form.comment.data or ""),
        date.today(),
    )
    db.commit()
    return _back(placement_id, _("评价已提交"))


@bp.post("/placements/<int:placement_id>/evaluation/rating")
@role_required(Role.STUDENT)
def rate(placement_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    access.rater_on(db, user, placement_id)
    form = RatingForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    ratings.rate_host(
        db,
        user,
        placement_id,
        ratings.RatingInput(
            {aspect: form[aspect].data for aspect in ratings.ASPECTS}, form.comment.data or ""
        ),
    )
    db.commit()
    return _back(placement_id, _("已评价实习单位"))


@bp.post("/placements/<int:placement_id>/evaluation/report")
@role_required(Role.STUDENT)
def report(placement_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    access.author_on(db, user, placement_id)
    form = ReportForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    reports.submit_report(db, user, placement_id, form.body.data)
    db.commit()
    return _back(placement_id, _("实习报告已提交"))


@bp.post("/placements/<int:placement_id>/evaluation/grade")
@role_required(Role.SCHOOL)
def grade(placement_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    access.grader_on(db, user, placement_id)
    form = GradeForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    reports.grade_report(db, user, placement_id, form.score.data)
    db.commit()
    return _back(placement_id, _("实习成绩已评定"))


@bp.post("/placements/<int:placement_id>/evaluation/outcome")
@role_required(Role.SCHOOL)
def record_outcome(placement_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    access.outcome_recorder_on(db, user, placement_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    outcomes.record_outcome(
        db,
        user,
        placement_id,
        outcomes.OutcomeInput(
            kind=OutcomeKind(form.kind.data),
            employer_name=form.employer_name.data or "",
            started_on=form.started_on.data,
            contract_type=ContractType(form.contract_type.data)
            if form.contract_type.data
            else None,
            contract_months=form.contract_months.data,
            social_insurance=form.social_insurance.data == "1",
        ),
    )
    db.commit()
    return _back(placement_id, _("就业去向已登记"))


@bp.post("/placements/<int:placement_id>/evaluation/outcome/confirm")
@role_required(Role.ENTERPRISE)
def confirm_outcome(placement_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    access.outcome_confirmer_on(db, user, placement_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    outcomes.confirm_outcome(db, user, placement_id)
    db.commit()
    return _back(placement_id, _("已确认录用"))


@bp.get("/placements/<int:placement_id>/evaluation/certificate.pdf")
@role_required(*EVERYONE)
def certificate_pdf(placement_id: int) -> ResponseReturnValue:
    db = get_session()
    pdf = certificate.certificate_pdf(db, actor(), placement_id, date.today())
    db.commit()  # the first request issues the version and keeps its PDF
    response = send_file(
        BytesIO(pdf.data),
        mimetype="application/pdf",
        as_attachment=False,
        download_name=pdf.filename,
        max_age=0,
    )
    response.headers["X-Document-SHA256"] = pdf.sha256
    return response


@bp.get("/placements/<int:placement_id>/evaluation/certificate")
@role_required(*EVERYONE)
def certificate_page(placement_id: int) -> ResponseReturnValue:
    db = get_session()
    view = certificate.certificate_view(db, actor(), placement_id, date.today())
    db.commit()
    return render_template("evaluations/certificate.html", view=view, placement_id=placement_id)
