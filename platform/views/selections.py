"""Selection (评选) pages: calls, nominations, screening, the expert pool, panel, votes, 公示."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers.response import Response
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from skillbridge.models import (
    Enterprise,
    NominationStatus,
    ObjectionOutcome,
    Person,
    Role,
    RoundStatus,
)
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.document_store import get_document_store
from skillbridge.platform.forms import (
    ActionForm,
    BoundedDateField,
    ColumnIntegerField,
    invalid_form,
)
from skillbridge.platform.policy import SKILL_LEVEL_LABELS
from skillbridge.platform.policy.document_kinds import document_kind
from skillbridge.platform.services.documents.uploads import Upload
from skillbridge.platform.services.errors import DomainError, InvalidInput
from skillbridge.platform.services.policies import (
    can_raise_objection,
    can_run_selections,
    can_see_selections,
)
from skillbridge.platform.services.selections import decisions, nominations, panels, publicity
from skillbridge.platform.services.selections import rounds as calls

bp = Blueprint("selections", __name__, url_prefix="/selections")
NAV = [(("bureau", "enterprise", "worker"), "selections.index", _l("评选"))]

ROUND_STATUS = {
    RoundStatus.OPEN: _l("申报中"),
    RoundStatus.REVIEW: _l("资格审查与专家评审"),
    RoundStatus.PUBLICITY: _l("公示中"),
    RoundStatus.DECIDED: _l("已认定"),
}
NOMINATION_STATUS = {
    NominationStatus.SUBMITTED: _l("已申报"),
    NominationStatus.SCREENED_IN: _l("资格审查通过"),
    NominationStatus.SCREENED_OUT: _l("资格审查未通过"),
    NominationStatus.PROPOSED: _l("拟认定（公示）"),
    NominationStatus.NOT_PROPOSED: _l("未获多数票"),
    NominationStatus.STRUCK: _l("因异议取消"),
    NominationStatus.SELECTED: _l("已认定"),
}
OUTCOMES = {ObjectionOutcome.UPHELD: _l("异议成立"), ObjectionOutcome.DISMISSED: _l("异议不成立")}
EVIDENCE_FIELD = "evidence"
#: Room for the form's own fields beside the evidence files.
FORM_FIELDS_BYTES = 1024 * 1024
#: How many evidence files one nomination carries at most.
EVIDENCE_FILES = 5


class RoundForm(FlaskForm):
    policy_id = SelectField(_l("评选项目（奖励政策）"), coerce=int)
    year = ColumnIntegerField(
        _l("评选年度"), validators=[DataRequired(), NumberRange(min=2000, max=2100)]
    )
    nominations_close_on = BoundedDateField(_l("申报截止日期"), validators=[DataRequired()])
    panel_size = ColumnIntegerField(
        _l("评审专家人数"), validators=[DataRequired(), NumberRange(min=3, max=25)]
    )
    publicity_working_days = ColumnIntegerField(
        _l("公示工作日数（政策文件未规定时填写）"), validators=[Optional(), NumberRange(1, 30)]
    )
    submit = SubmitField(_l("发布评选通知"))


class NominationForm(FlaskForm):
    person_id = SelectField(_l("被推荐人（本单位职工）"), coerce=int, validate_choice=False)
    criterion = StringField(_l("所依据的评选条件（如“(2)”，可不填）"), validators=[Length(max=10)])
    statement = TextAreaField(
        _l("推荐理由（主要事迹）"), validators=[DataRequired(), Length(max=2000)]
    )
    submit = SubmitField(_l("提交申报"))


class ExpertForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=60)])
    field = StringField(_l("专业领域"), validators=[DataRequired(), Length(max=120)])
    enterprise_id = SelectField(_l("工作单位（用于回避）"), coerce=int)
    submit = SubmitField(_l("加入专家库"))


class PanelForm(FlaskForm):
    seed = ColumnIntegerField(_l("随机种子（可不填，系统随机生成并记录）"), validators=[Optional()])
    submit = SubmitField(_l("抽取评审组"))


class BallotForm(FlaskForm):
    """The CSRF token and the expert; the sheet's scores and votes are per candidate."""

    expert_id = ColumnIntegerField(_l("专家"), validators=[DataRequired()])
    submit = SubmitField(_l("登记评分和投票"))


class ObjectionForm(FlaskForm):
    reason = TextAreaField(_l("异议内容"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("提出异议"))


class HandlingForm(FlaskForm):
    outcome = SelectField(
        _l("处理结果"), choices=[SelectChoice(k.value, v) for k, v in OUTCOMES.items()]
    )
    note = TextAreaField(_l("处理意见"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("登记处理结果"))


def _page(name: str = "page") -> int:
    return request.args.get(name, 1, type=int)


def _refused(error: DomainError) -> None:
    get_session().rollback()
    flash(error.message, "danger")
    for detail in error.details:
        flash(detail, "danger")


def _back(round_id: int) -> Response:
    return redirect(url_for("selections.round_", round_id=round_id))


@bp.get("/")
@login_required
@role_required(Role.BUREAU, Role.ENTERPRISE, Role.WORKER)
def index() -> ResponseReturnValue:
    db, user = get_session(), actor()
    region_id = calls.actor_region(db, user)
    bureau = user.role == Role.BUREAU
    return render_template(
        "selections/index.html",
        rounds=calls.list_rounds(db, region_id, _page(), open_only=not bureau),
        mine=nominations.my_nominations(db, user, _page("mine")),
        may_open=region_id is not None and can_run_selections(user, region_id),
        status_labels=ROUND_STATUS,
        nomination_labels=NOMINATION_STATUS,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@role_required(Role.BUREAU)
def new_round() -> ResponseReturnValue:
    db, user = get_session(), actor()
    form = RoundForm()
    form.policy_id.choices = [SelectChoice(p.id, p.name) for p in calls.award_policies(db, user)]
    if request.method == "POST":
        if not form.validate_on_submit():
            _refused(invalid_form(form))
            return render_template("selections/new.html", form=form), 400
        try:
            row = calls.open_round(
                db,
                user,
                calls.RoundRequest(
                    policy_id=form.policy_id.data,
                    year=form.year.data or 0,
                    nominations_close_on=form.nominations_close_on.data,
                    panel_size=form.panel_size.data or 0,
                    publicity_working_days=form.publicity_working_days.data,
                ),
            )
        except DomainError as error:
            _refused(error)
            return render_template("selections/new.html", form=form), error.status
        db.commit()
        flash(_("评选通知已发布"), "success")
        return _back(row.id)
    return render_template("selections/new.html", form=form)


@bp.get("/<int:round_id>")
@login_required
@role_required(Role.BUREAU, Role.ENTERPRISE, Role.WORKER)
def round_(round_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    row = calls.visible_round(db, user, round_id)
    region_id = row.region_id
    policy = calls.round_policy(db, row)
    bureau = can_see_selections(user, row.region_id)
    runs = can_run_selections(user, row.region_id)
    listed = nominations.round_nominations(db, user, row, _page())
    panel = panels.panel_of(db, row) if bureau else []
    proposed = publicity.proposed_names(db, row, _page("listed"))
    return render_template(
        "selections/round.html",
        row=row,
        policy=policy,
        conditions=calls.call_conditions(db, row),
        nominations=listed,
        tallies=panels.tallies(db, row) if bureau else {},
        panel=panel,
        candidates=panels.candidates(db, row) if runs else [],
        pool_size=len(panels.eligible_pool(db, row)) if runs else 0,
        objections=publicity.objections_of(db, row, _page("objections")) if bureau else None,
        proposed=proposed,
        bureau=bureau,
        runs=runs,
        may_nominate=row.status == RoundStatus.OPEN
        and user.role != Role.BUREAU
        and not (user.role == Role.WORKER and calls.for_organisations(db, row)),
        may_object=row.status == RoundStatus.PUBLICITY
        and can_raise_objection(user, row.region_id, region_id),
        action=ActionForm(),
        panel_form=PanelForm(),
        ballot_form=BallotForm(),
        objection_form=ObjectionForm(),
        handling_form=HandlingForm(),
        status_labels=ROUND_STATUS,
        nomination_labels=NOMINATION_STATUS,
        outcome_labels=OUTCOMES,
    )


def _action(round_id: int, step: str) -> ResponseReturnValue:
    db, user = get_session(), actor()
    if not ActionForm().validate_on_submit():
        _refused(invalid_form(ActionForm()))
        return _back(round_id), 400
    try:
        if step == "close":
            nominations.close_nominations(db, user, round_id)
            message = _("申报已截止，资格审查已完成")
        elif step == "publicity":
            publicity.start_publicity(db, user, round_id)
            message = _("拟认定名单已进入公示")
        else:
            decisions.close_round(db, user, round_id)
            message = _("本期评选已结束")
    except DomainError as error:
        _refused(error)
        return _back(round_id), error.status
    db.commit()
    flash(message, "success")
    return _back(round_id)


@bp.post("/<int:round_id>/close")
@login_required
@role_required(Role.BUREAU)
def close_nominations(round_id: int) -> ResponseReturnValue:
    return _action(round_id, "close")


@bp.post("/<int:round_id>/publicity")
@login_required
@role_required(Role.BUREAU)
def start_publicity(round_id: int) -> ResponseReturnValue:
    return _action(round_id, "publicity")


@bp.post("/<int:round_id>/finish")
@login_required
@role_required(Role.BUREAU)
def close_round(round_id: int) -> ResponseReturnValue:
    return _action(round_id, "finish")


@bp.post("/<int:round_id>/panel")
@login_required
@role_required(Role.BUREAU)
def draw_panel(round_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    form = PanelForm()
    if not form.validate_on_submit():
        _refused(invalid_form(form))
        return _back(round_id), 400
    try:
        panels.draw_panel(db, user, round_id, form.seed.data)
    except DomainError as error:
        _refused(error)
        return _back(round_id), error.status
    db.commit()
    flash(_("评审组已抽取，随机种子已记录"), "success")
    return _back(round_id)


def _sheet() -> tuple[dict[int, int], dict[int, bool], list[str]]:
    """The sheet's `score-<id>` and `vote-<id>` fields; problems name the field."""
    scores: dict[int, int] = {}
    votes: dict[int, bool] = {}
    problems = []
    for name, value in request.form.items():
        kind, _dash, raw_id = name.partition("-")
        if kind not in ("score", "vote") or not raw_id.isdigit() or len(raw_id) > 9:
            continue
        if kind == "score":
            if not value.strip().isdigit() or len(value.strip()) > 3:
                problems.append(_("申报#%(id)s 评分：应为0至100之间的整数", id=raw_id))
                continue
            scores[int(raw_id)] = int(value.strip())
        elif value in ("yes", "no"):
            votes[int(raw_id)] = value == "yes"
    return scores, votes, problems


@bp.post("/<int:round_id>/ballot")
@login_required
@role_required(Role.BUREAU)
def ballot(round_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    form = BallotForm()
    if not form.validate_on_submit():
        _refused(invalid_form(form))
        return _back(round_id), 400
    scores, votes, problems = _sheet()
    try:
        if problems:
            raise InvalidInput(_("评分表不完整"), details=problems)
        panels.record_ballot(db, user, round_id, form.expert_id.data or 0, scores, votes)
    except DomainError as error:
        _refused(error)
        return _back(round_id), error.status
    db.commit()
    flash(_("该专家的评分和投票已登记"), "success")
    return _back(round_id)


def _evidence() -> list[Upload]:
    return [
        Upload(nominations.EVIDENCE_KIND, file.filename or "", file.stream)
        for file in request.files.getlist(EVIDENCE_FIELD)
        if file.filename
    ]


@bp.route("/<int:round_id>/nominate", methods=["GET", "POST"])
@login_required
@role_required(Role.ENTERPRISE, Role.WORKER)
def nominate(round_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    kind = document_kind(nominations.EVIDENCE_KIND)
    request.max_content_length = FORM_FIELDS_BYTES + EVIDENCE_FILES * kind.max_bytes
    row = calls.visible_round(db, user, round_id)
    form = NominationForm()
    employees = nominations.nominable_employees(db, user)
    form.person_id.choices = [SelectChoice(p.id, f"{p.name}（{e.post}）") for p, e in employees]
    organisations = calls.for_organisations(db, row)
    context = {
        "form": form,
        "row": row,
        "policy": calls.round_policy(db, row),
        "kind": kind,
        "organisations": organisations,
        "applicant": db.get(Enterprise, user.enterprise_id) if user.enterprise_id else None,
    }
    if request.method == "GET":
        return render_template("selections/nominate.html", **context)
    if not form.validate_on_submit():
        _refused(invalid_form(form))
        return render_template("selections/nominate.html", **context), 400
    try:
        nomination = nominations.nominate(
            db,
            get_document_store(),
            user,
            nominations.NominationRequest(
                round_id=row.id,
                statement=form.statement.data or "",
                person_id=form.person_id.data
                if user.role == Role.ENTERPRISE and not organisations
                else None,
                criterion=form.criterion.data,
                evidence=_evidence(),
            ),
        )
    except DomainError as error:
        _refused(error)
        return render_template("selections/nominate.html", **context), error.status
    db.commit()
    flash(_("申报已提交，已完成自动资格审查"), "success")
    return redirect(url_for("selections.nomination", nomination_id=nomination.id))


@bp.get("/nominations/<int:nomination_id>")
@login_required
@role_required(Role.BUREAU, Role.ENTERPRISE, Role.WORKER)
def nomination(nomination_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    found = nominations.get_nomination(db, user, nomination_id)
    row = calls.get_round(db, found.round_id)
    level = found.screening.get("level")
    return render_template(
        "selections/nomination.html",
        nomination=found,
        row=row,
        policy=calls.round_policy(db, row),
        person=db.get(Person, found.person_id) if found.person_id is not None else None,
        employer=db.get_one(Enterprise, found.employer_id),
        level_label=_(SKILL_LEVEL_LABELS[level]) if level in SKILL_LEVEL_LABELS else "",
        tally=panels.tallies(db, row).get(found.id)
        if can_see_selections(user, row.region_id)
        else None,
        status_labels=NOMINATION_STATUS,
        source_labels={
            "database": _("平台记录"),
            "declared": _("申报人声明"),
            "derived": _("推算"),
        },
        action=ActionForm(),
        runs=can_run_selections(user, row.region_id),
    )


@bp.post("/nominations/<int:nomination_id>/objections")
@login_required
@role_required(Role.BUREAU, Role.ENTERPRISE)
def raise_objection(nomination_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    form = ObjectionForm()
    round_id = publicity.round_of(db, nomination_id)
    if not form.validate_on_submit():
        _refused(invalid_form(form))
        return _back(round_id), 400
    try:
        publicity.raise_objection(db, user, nomination_id, form.reason.data or "")
    except DomainError as error:
        _refused(error)
        return _back(round_id), error.status
    db.commit()
    flash(_("异议已提交，人社局将核实处理"), "success")
    return _back(round_id)


@bp.post("/objections/<int:objection_id>")
@login_required
@role_required(Role.BUREAU)
def handle_objection(objection_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    form = HandlingForm()
    round_id = publicity.round_of_objection(db, objection_id)
    if not form.validate_on_submit():
        _refused(invalid_form(form))
        return _back(round_id), 400
    try:
        publicity.handle_objection(
            db, user, objection_id, ObjectionOutcome(form.outcome.data), form.note.data or ""
        )
    except DomainError as error:
        _refused(error)
        return _back(round_id), error.status
    db.commit()
    flash(_("异议处理结果已登记"), "success")
    return _back(round_id)


@bp.post("/nominations/<int:nomination_id>/decide")
@login_required
@role_required(Role.BUREAU)
def decide(nomination_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    round_id = publicity.round_of(db, nomination_id)
    if not ActionForm().validate_on_submit():
        _refused(invalid_form(ActionForm()))
        return _back(round_id), 400
    try:
        award, claim = decisions.decide_nomination(db, user, nomination_id)
    except DomainError as error:
        _refused(error)
        return _back(round_id), error.status
    db.commit()
    if claim is not None:
        flash(_("已认定，补贴申领已自动发起"), "success")
    else:
        flash(_("已认定；未发起补贴申领：%(note)s", note=award.claim_note or ""), "warning")
    return _back(round_id)


@bp.route("/experts", methods=["GET", "POST"])
@login_required
@role_required(Role.BUREAU)
def experts() -> ResponseReturnValue:
    db, user = get_session(), actor()
    form = ExpertForm()
    form.enterprise_id.choices = [SelectChoice(0, _("（无，非企业人员）"))] + [
        SelectChoice(e.id, e.name)
        for e in db.scalars(
            select(Enterprise).where(Enterprise.region_id == user.region_id).order_by(Enterprise.id)
        )
    ]
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            _refused(invalid_form(form))
            status = 400
        else:
            try:
                panels.add_expert(
                    db,
                    user,
                    form.name.data or "",
                    form.field.data or "",
                    form.enterprise_id.data or None,
                )
            except DomainError as error:
                _refused(error)
                status = error.status
            else:
                db.commit()
                flash(_("专家已加入专家库"), "success")
                return redirect(url_for("selections.experts"))
    names = dict(
        db.execute(
            select(Enterprise.id, Enterprise.name).where(Enterprise.region_id == user.region_id)
        ).all()
    )
    return render_template(
        "selections/experts.html",
        form=form,
        experts=panels.list_experts(db, user, _page()),
        names=names,
        action=ActionForm(),
        runs=user.region_id is not None and can_run_selections(user, user.region_id),
    ), status


@bp.post("/experts/<int:expert_id>/active")
@login_required
@role_required(Role.BUREAU)
def expert_active(expert_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    if not ActionForm().validate_on_submit():
        _refused(invalid_form(ActionForm()))
        return redirect(url_for("selections.experts")), 400
    try:
        expert = panels.get_expert(db, user, expert_id)
        panels.set_expert_active(db, user, expert_id, not expert.active)
    except DomainError as error:
        _refused(error)
        return redirect(url_for("selections.experts")), error.status
    db.commit()
    flash(_("专家库已更新"), "success")
    return redirect(url_for("selections.experts"))
