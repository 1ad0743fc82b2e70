"""Match runs: start one (school or bureau), watch its progress, read the result, publish offers."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

from skillbridge.models import Cohort, Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import ActionForm, ColumnIntegerField
from skillbridge.platform.match_jobs import enqueue_run
from skillbridge.platform.services.matching import runs as match_runs

bp = Blueprint("matching", __name__, url_prefix="/matching")
MAX_OFFER_DAYS = 60  # the longest answer period a run may give its offers
NAV = [(("school", "bureau"), "matching.index", _l("智能匹配"))]
STATUS_LABELS = {
    "queued": _l("排队中"),
    "running": _l("匹配中"),
    "succeeded": _l("已完成，待审阅"),
    "failed": _l("失败"),
    "reviewed": _l("已审阅，待发布"),
    "published": _l("已发布"),
    "superseded": _l("已被其他结果取代"),
}
PART_LABELS = {
    "student_rank": _l("学生志愿"),
    "enterprise_rank": _l("企业排序"),
    "level_fit": _l("等级匹配"),
    "locality": _l("就近"),
    "shortage": _l("紧缺工种"),
    "host_quality": _l("实习单位质量（可选）"),
}
RULE_LABELS = {
    "level": _l("技能等级不足"),
    "certificate": _l("缺少准入证书（R7）"),
    "window": _l("不在实习时间窗口内"),
    "months": _l("超出12个月上限（R1）"),
    "agreement": _l("无有效校企合作协议（R2）"),
    "credit": _l("诚信记录限制（R6）"),
    "age": _l("未满最低年龄（N1）"),
}
OUTCOME_LABELS = {
    "placed": _l("已匹配"),
    "no_candidate": _l("无符合条件的岗位"),
    "outcompeted": _l("竞争未中"),
}


class RunForm(FlaskForm):
    method = SelectField(
        _l("匹配方式"),
        choices=[
            SelectChoice("auto", _l("最优匹配（先最大化安置人数，再最大化总匹配度）")),
            SelectChoice("stable", _l("稳定匹配（学生优先的延迟接受算法）")),
        ],
    )
    cohort_ids = SelectMultipleField(_l("届/班（不选则全部）"), coerce=int)
    offer_days = ColumnIntegerField(
        _l("录用通知答复期限（天）"),
        default=match_runs.DEFAULT_OFFER_DAYS,
        validators=[NumberRange(1, MAX_OFFER_DAYS)],
    )
    submit = SubmitField(_l("开始匹配"))


@bp.before_request
@login_required
@role_required(Role.SCHOOL, Role.BUREAU)
def _schools_and_bureau() -> None:
    """Matching is run by a school for its cohorts or by the bureau for its region."""


def _run_form() -> RunForm:
    form = RunForm()
    user = actor()
    if user.role == Role.SCHOOL:
        cohorts = get_session().scalars(
            select(Cohort).where(Cohort.school_id == user.school_id).order_by(Cohort.name)
        )
        form.cohort_ids.choices = [SelectChoice(c.id, c.name) for c in cohorts]
    else:
        del form.cohort_ids
    return form


@bp.get("/")
def index() -> ResponseReturnValue:
    runs = match_runs.list_runs(get_session(), actor())
    return render_template(
        "matching/index.html", runs=runs, form=_run_form(), status_labels=STATUS_LABELS
    )


@bp.post("/runs")
def start() -> ResponseReturnValue:
    form = _run_form()
    if not form.validate_on_submit():
        flash(_("请检查表单"), "danger")
        return render_template(
            "matching/index.html",
            runs=match_runs.list_runs(get_session(), actor()),
            form=form,
            status_labels=STATUS_LABELS,
        ), 400
    db = get_session()
    cohort_ids = tuple(form.cohort_ids.data or ()) if form.cohort_ids is not None else ()
    run = match_runs.start_run(
        db,
        actor(),
        match_runs.RunRequest(
            method=form.method.data, cohort_ids=cohort_ids, offer_days=form.offer_days.data
        ),
    )
    db.commit()
    # The proxy's target: the worker thread outlives this request's context.
    enqueue_run(current_app._get_current_object(), run.id)  # type: ignore[attr-defined]
    return redirect(url_for("matching.run", run_id=run.id))


@bp.get("/runs/<int:run_id>")
def run(run_id: int) -> ResponseReturnValue:
    db = get_session()
    match_run = match_runs.get_run(db, actor(), run_id)
    outcome = request.args.get("outcome") or None
    rows = match_runs.run_outcomes(db, match_run, outcome) if match_run.stats else []
    return render_template(
        "matching/run.html",
        run=match_run,
        rows=rows,
        example=match_runs.stability_example(db, match_run) if match_run.stats else None,
        outcome=outcome,
        labels=OUTCOME_LABELS,
        status_labels=STATUS_LABELS,
        part_labels=PART_LABELS,
        rule_labels=RULE_LABELS,
        form=ActionForm(),
    )


@bp.get("/runs/<int:run_id>/status")
def status(run_id: int) -> ResponseReturnValue:
    match_run = match_runs.get_run(get_session(), actor(), run_id)
    return {
        "status": match_run.status.value,
        "progress": match_run.progress,
        "error": match_run.error,
    }


@bp.post("/runs/<int:run_id>/review")
def review(run_id: int) -> ResponseReturnValue:
    db = get_session()
    match_runs.review_run(db, actor(), run_id)
    db.commit()
    flash(_("已确认审阅，可以发布录用通知"), "success")
    return redirect(url_for("matching.run", run_id=run_id))


@bp.post("/runs/<int:run_id>/publish")
def publish(run_id: int) -> ResponseReturnValue:
    db = get_session()
    match_runs.publish_run(db, actor(), run_id, date.today())
    db.commit()
    flash(_("录用通知已发送给学生"), "success")
    return redirect(url_for("matching.run", run_id=run_id))
