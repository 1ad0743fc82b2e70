"""Skill competition pages: the list, the record, participants (one or imported), results."""

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
from sqlalchemy import select
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from skillbridge.models import CompetitionStatus, Occupation, Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.downloads import import_template
from skillbridge.platform.forms import ActionForm, BoundedDateField, RosterImportForm, invalid_form
from skillbridge.platform.keys import id_keys
from skillbridge.platform.policy.competitions import competition_levels, competition_prizes
from skillbridge.platform.services import listing, tables
from skillbridge.platform.services.competitions import participants as entries
from skillbridge.platform.services.competitions import records, results
from skillbridge.platform.services.errors import Conflict, DomainError, InvalidInput
from skillbridge.platform.services.policies import can_manage_competition, can_organise_competition
from skillbridge.platform.services.subsidies import claims as subsidy_claims
from skillbridge.platform.views.subsidies import STATUS_LABELS as CLAIM_LABELS

bp = Blueprint("competitions", __name__, url_prefix="/competitions")
NAV = [(("enterprise", "school", "bureau"), "competitions.index", _l("技能竞赛"))]

STATUS_LABELS = {CompetitionStatus.OPEN: _l("进行中"), CompetitionStatus.CLOSED: _l("已结束")}
ORGANISERS = role_required(Role.ENTERPRISE, Role.SCHOOL, Role.BUREAU)


@bp.before_request
@login_required
def _authenticated() -> None:
    """Nothing here is public."""


def _english() -> bool:
    return str(get_locale()) == "en"


@bp.context_processor
def _labels() -> dict[str, Any]:
    """Levels and prizes are catalogue data with both names: the page's language picks one."""
    en = _english()
    return {
        "status_labels": STATUS_LABELS,
        "claim_labels": CLAIM_LABELS,
        "level_names": {
            code: entry.name_en if en else entry.name_zh
            for code, entry in competition_levels().items()
        },
        "prize_names": {
            code: entry.name_en if en else entry.name_zh
            for code, entry in competition_prizes().items()
        },
    }


class CompetitionForm(FlaskForm):
    title = StringField(_l("竞赛名称"), validators=[DataRequired(), Length(max=120)])
    occupation_id = SelectField(_l("职业（工种）"), coerce=int)
    level = SelectField(_l("竞赛级别"))
    starts_on = BoundedDateField(_l("开始日期"), validators=[DataRequired()])
    ends_on = BoundedDateField(_l("结束日期"), validators=[DataRequired()])
    venue = StringField(_l("举办地点"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("保存"))

    def data_input(self) -> records.CompetitionInput:
        return records.CompetitionInput(
            title=self.title.data or "",
            occupation_id=self.occupation_id.data or 0,
            level=self.level.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            venue=self.venue.data or "",
        )


class ParticipantForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=60)])
    national_id = StringField(_l("身份证号"), validators=[DataRequired(), Length(max=30)])
    submit = SubmitField(_l("添加参赛人员"))


class ParticipantImportForm(RosterImportForm):
    """The roster import's file field: a CSV or XLSX of 姓名 and 身份证号."""


def _competition_form() -> CompetitionForm:
    form = CompetitionForm()
    form.occupation_id.choices = [
        SelectChoice(o.id, f"{o.code} {o.name}")
        for o in get_session().scalars(select(Occupation).order_by(Occupation.code))
    ]
    en = _english()
    form.level.choices = [
        SelectChoice(code, entry.name_en if en else entry.name_zh)
        for code, entry in competition_levels().items()
    ]
    return form


def _page(name: str = "page") -> int:
    return request.args.get(name, 1, type=int)


def _refused(error: DomainError) -> None:
    get_session().rollback()
    flash(error.message, "danger")


def _to_detail(competition_id: int, message: str) -> ResponseReturnValue:
    get_session().commit()
    flash(message, "success")
    return redirect(url_for("competitions.detail", competition_id=competition_id))


def _expired(competition_id: int) -> ResponseReturnValue:
    flash(_("表单已过期，请重试"), "danger")
    return redirect(url_for("competitions.detail", competition_id=competition_id))


@bp.get("/")
@ORGANISERS
def index() -> ResponseReturnValue:
    db, user = get_session(), actor()
    query = listing.ListQuery.parse(request.args, records.COMPETITION_LIST)
    listed = records.list_competitions(db, user, _page(), query)
    return render_template(
        "competitions/index.html",
        competitions=listed,
        spec=records.COMPETITION_LIST,
        query=query,
        organisers={c.id: records.organiser_name(db, c) for c in listed.items},
        occupations=_occupation_names(c.occupation_id for c in listed.items),
        may_create=can_organise_competition(user),
    )


def _occupation_names(ids: Any) -> dict[int, str]:
    wanted = set(ids)
    return {
        i: n
        for i, n in get_session().execute(
            select(Occupation.id, Occupation.name).where(Occupation.id.in_(wanted))
        )
    }


@bp.route("/new", methods=["GET", "POST"])
@ORGANISERS
def new() -> ResponseReturnValue:
    form = _competition_form()
    if form.validate_on_submit():
        db = get_session()
        try:
            competition = records.create_competition(db, actor(), form.data_input())
        except DomainError as error:
            _refused(error)
            return render_template("competitions/form.html", form=form, error=error), error.status
        return _to_detail(competition.id, _("竞赛已登记，请添加参赛人员"))
    if request.method == "POST":
        invalid = invalid_form(form)
        _refused(invalid)
        return render_template("competitions/form.html", form=form, error=invalid), 400
    return render_template("competitions/form.html", form=form, error=None)


@bp.route("/<int:competition_id>/edit", methods=["GET", "POST"])
@ORGANISERS
def edit(competition_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    competition = records.managed_competition(db, user, competition_id)
    form = _competition_form()
    if request.method == "GET":
        form.process(obj=competition)
        form.venue.data = competition.venue or ""
    if form.validate_on_submit():
        try:
            records.update_competition(db, user, competition_id, form.data_input())
        except DomainError as error:
            _refused(error)
            return render_template(
                "competitions/form.html", form=form, error=error, competition=competition
            ), error.status
        return _to_detail(competition_id, _("竞赛信息已保存"))
    if request.method == "POST":
        invalid = invalid_form(form)
        _refused(invalid)
        return render_template(
            "competitions/form.html", form=form, error=invalid, competition=competition
        ), 400
    return render_template("competitions/form.html", form=form, error=None, competition=competition)


@bp.get("/<int:competition_id>")
@ORGANISERS
def detail(competition_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    competition = records.get_competition(db, user, competition_id)
    manages = can_manage_competition(user, competition)
    closed = competition.status == CompetitionStatus.CLOSED
    claimable = (
        subsidy_claims.competition_policies(db, user)
        if manages and closed and competition.enterprise_id is not None
        else []
    )
    return render_template(
        "competitions/detail.html",
        competition=competition,
        organiser=records.organiser_name(db, competition),
        occupation=db.get_one(Occupation, competition.occupation_id),
        count=records.participant_count(db, competition.id),
        participants=entries.list_participants(db, competition, _page()),
        claims=records.competition_claims(db, competition),
        claimable=claimable,
        manages=manages,
        is_open=not closed,
        participant_form=ParticipantForm(),
        action_form=ActionForm(),
    )


@bp.post("/<int:competition_id>/participants")
@ORGANISERS
def add_participant(competition_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    form = ParticipantForm()
    if not form.validate_on_submit():
        records.managed_competition(db, user, competition_id)
        error = invalid_form(form)
        flash(error.message, "danger")
        for detail in error.details:
            flash(detail, "danger")
        return redirect(url_for("competitions.detail", competition_id=competition_id))
    try:
        entries.add_participant(
            db, user, competition_id, form.name.data or "", form.national_id.data or "", id_keys()
        )
    except (InvalidInput, Conflict) as error:
        # The form sits on the record's page: back there with what was wrong.
        _refused(error)
        return redirect(url_for("competitions.detail", competition_id=competition_id))
    return _to_detail(competition_id, _("已添加参赛人员"))


@bp.post("/<int:competition_id>/participants/<int:participant_id>/remove")
@ORGANISERS
def remove_participant(competition_id: int, participant_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return _expired(competition_id)
    entries.remove_participant(get_session(), actor(), competition_id, participant_id)
    return _to_detail(competition_id, _("已移出参赛名单"))


@bp.route("/<int:competition_id>/participants/import", methods=["GET", "POST"])
@ORGANISERS
def import_participants(competition_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    competition = records.managed_competition(db, user, competition_id)
    form = ParticipantImportForm()
    try:
        if form.validate_on_submit():
            upload = form.file.data
            try:
                imported = entries.import_participants(
                    db,
                    user,
                    competition_id,
                    upload.filename or "",
                    upload.read(tables.MAX_FILE_BYTES + 1),
                    id_keys(),
                )
            except DomainError as error:
                _refused(error)
                return render_template(
                    "competitions/import.html", form=form, competition=competition, error=error
                ), error.status
            return _to_detail(competition_id, _("已导入 %(n)d 名参赛人员", n=len(imported)))
        status = 400 if request.method == "POST" else 200
        return render_template(
            "competitions/import.html", form=form, competition=competition, error=None
        ), status
    finally:
        # A large upload is spooled to a temporary file: close it now, not at garbage collection.
        for spooled in request.files.values():
            spooled.close()


@bp.get("/participants/template.<fmt>")
@ORGANISERS
def participant_template(fmt: str) -> ResponseReturnValue:
    return import_template(
        fmt, entries.template_csv, entries.template_xlsx, "competition-participants"
    )


RANK_FIELD, PRIZE_FIELD = "rank-", "prize-"


def _posted_results() -> dict[int, results.Result]:
    """The results form's rows: `rank-<participant id>` and `prize-<participant id>`."""
    ids = {
        int(name.split("-", 1)[1])
        for name in request.form
        if name.startswith((RANK_FIELD, PRIZE_FIELD)) and name.split("-", 1)[1].isdigit()
    }
    posted, problems = {}, []
    for participant_id in sorted(ids):
        raw_rank = request.form.get(f"{RANK_FIELD}{participant_id}", "").strip()
        prize = request.form.get(f"{PRIZE_FIELD}{participant_id}", "").strip() or None
        rank = None
        if raw_rank:
            if not raw_rank.isdigit() or len(raw_rank) > 6:
                problems.append(_("参赛人员 #%(id)d：名次应为正整数", id=participant_id))
                continue
            rank = int(raw_rank)
        posted[participant_id] = results.Result(rank, prize)
    if problems:
        raise InvalidInput(_("成绩有误，未保存任何成绩"), details=problems)
    return posted


@bp.route("/<int:competition_id>/results", methods=["GET", "POST"])
@ORGANISERS
def results_form(competition_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    competition = records.managed_competition(db, user, competition_id)
    form = ActionForm()

    def page(error: DomainError | None = None) -> str:
        return render_template(
            "competitions/results.html",
            competition=competition,
            participants=entries.list_participants(db, competition, _page()),
            form=form,
            error=error,
            is_open=competition.status == CompetitionStatus.OPEN,
        )

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return _expired(competition_id)
    try:
        results.record_results(db, user, competition_id, _posted_results(), date.today())
    except DomainError as error:
        _refused(error)
        competition = records.managed_competition(db, user, competition_id)
        return page(error), error.status
    db.commit()
    flash(_("成绩已保存"), "success")
    return redirect(
        url_for("competitions.results_form", competition_id=competition_id, page=_page())
    )


@bp.post("/<int:competition_id>/close")
@ORGANISERS
def close(competition_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return _expired(competition_id)
    records.close_competition(get_session(), actor(), competition_id, date.today())
    return _to_detail(competition_id, _("竞赛已结束，成绩已记入参赛人员的档案"))
