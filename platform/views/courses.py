"""Training course pages: the list (with the bureau's person-times), the record, roster, 结业."""

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
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange

from skillbridge.models import CourseStatus, Occupation, Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import ActionForm, BoundedDateField, invalid_form
from skillbridge.platform.keys import id_keys
from skillbridge.platform.policy import SKILL_LEVEL_LABELS
from skillbridge.platform.policy.courses import course_kinds
from skillbridge.platform.services import listing
from skillbridge.platform.services.courses import records, roster
from skillbridge.platform.services.errors import Conflict, DomainError, InvalidInput
from skillbridge.platform.services.policies import can_manage_course, can_organise_course
from skillbridge.platform.views.subsidies import STATUS_LABELS as CLAIM_LABELS

bp = Blueprint("courses", __name__, url_prefix="/courses")
NAV = [(("enterprise", "school", "bureau"), "courses.index", _l("培训项目"))]

STATUS_LABELS = {CourseStatus.OPEN: _l("进行中"), CourseStatus.CLOSED: _l("已结束")}
READERS = role_required(Role.ENTERPRISE, Role.SCHOOL, Role.BUREAU)
ORGANISERS = role_required(Role.ENTERPRISE, Role.SCHOOL)


@bp.before_request
@login_required
def _authenticated() -> None:
    """Nothing here is public."""


def _english() -> bool:
    return str(get_locale()) == "en"


@bp.context_processor
def _labels() -> dict[str, Any]:
    """Kinds are catalogue data with both names: the page's language picks one."""
    en = _english()
    return {
        "status_labels": STATUS_LABELS,
        "claim_labels": CLAIM_LABELS,
        "kind_names": {
            code: kind.name_en if en else kind.name_zh for code, kind in course_kinds().items()
        },
        "level_labels": SKILL_LEVEL_LABELS,
    }


class CourseForm(FlaskForm):
    title = StringField(_l("项目名称"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("项目类别"))
    occupation_id = SelectField(_l("职业（工种）"), coerce=int)
    level = SelectField(_l("培训等级"))
    starts_on = BoundedDateField(_l("开班日期"), validators=[DataRequired()])
    ends_on = BoundedDateField(_l("结业日期"), validators=[DataRequired()])
    planned_places = IntegerField(
        _l("计划人数"), validators=[DataRequired(), NumberRange(min=1, max=records.PLACES_MAX)]
    )
    submit = SubmitField(_l("保存"))

    def data_input(self) -> records.CourseInput:
        return records.CourseInput(
            title=self.title.data or "",
            kind=self.kind.data or "",
            occupation_id=self.occupation_id.data or 0,
            level=self.level.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            planned_places=self.planned_places.data,
        )


class TraineeForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=60)])
    national_id = StringField(_l("身份证号"), validators=[DataRequired(), Length(max=30)])
    submit = SubmitField(_l("添加学员"))


class SessionForm(FlaskForm):
    held_on = BoundedDateField(_l("上课日期"), validators=[DataRequired()])
    submit = SubmitField(_l("添加课次"))


def _course_form() -> CourseForm:
    form = CourseForm()
    en = _english()
    form.kind.choices = [
        SelectChoice(code, kind.name_en if en else kind.name_zh)
        for code, kind in course_kinds().items()
    ]
    form.occupation_id.choices = [
        SelectChoice(o.id, f"{o.code} {o.name}")
        for o in get_session().scalars(select(Occupation).order_by(Occupation.code))
    ]
    form.level.choices = [
        SelectChoice(code, _(label)) for code, label in SKILL_LEVEL_LABELS.items()
    ]
    return form


def _page(name: str = "page") -> int:
    return request.args.get(name, 1, type=int)


def _refused(error: DomainError) -> None:
    get_session().rollback()
    flash(error.message, "danger")
    for detail in error.details:
        flash(detail, "danger")


def _to_detail(course_id: int, message: str) -> ResponseReturnValue:
    get_session().commit()
    flash(message, "success")
    return redirect(url_for("courses.detail", course_id=course_id))


def _expired(course_id: int) -> ResponseReturnValue:
    flash(_("表单已过期，请重试"), "danger")
    return redirect(url_for("courses.detail", course_id=course_id))


@bp.get("/")
@READERS
def index() -> ResponseReturnValue:
    db, user = get_session(), actor()
    query = listing.ListQuery.parse(request.args, records.COURSE_LIST)
    listed = records.list_courses(db, user, _page(), query)
    occupations = {
        i: n
        for i, n in db.execute(
            select(Occupation.id, Occupation.name).where(
                Occupation.id.in_({c.occupation_id for c in listed.items})
            )
        )
    }
    return render_template(
        "courses/index.html",
        courses=listed,
        spec=records.COURSE_LIST,
        query=query,
        organisers={c.id: records.organiser_name(db, c) for c in listed.items},
        occupations=occupations,
        may_create=can_organise_course(user),
        person_times=records.person_times(db, user) if user.role == Role.BUREAU else [],
    )


@bp.route("/new", methods=["GET", "POST"])
@ORGANISERS
def new() -> ResponseReturnValue:
    form = _course_form()
    if form.validate_on_submit():
        try:
            course = records.create_course(get_session(), actor(), form.data_input())
        except DomainError as error:
            _refused(error)
            return render_template("courses/form.html", form=form, error=error), error.status
        return _to_detail(course.id, _("培训项目已登记，请添加学员"))
    if request.method == "POST":
        invalid = invalid_form(form)
        get_session().rollback()
        return render_template("courses/form.html", form=form, error=invalid), 400
    return render_template("courses/form.html", form=form, error=None)


@bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
@ORGANISERS
def edit(course_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    course = records.managed_course(db, user, course_id)
    form = _course_form()
    if request.method == "GET":
        form.process(obj=course)
    if form.validate_on_submit():
        try:
            records.update_course(db, user, course_id, form.data_input())
        except DomainError as error:
            _refused(error)
            return render_template(
                "courses/form.html", form=form, error=error, course=course
            ), error.status
        return _to_detail(course_id, _("培训项目信息已保存"))
    if request.method == "POST":
        invalid = invalid_form(form)
        db.rollback()
        return render_template("courses/form.html", form=form, error=invalid, course=course), 400
    return render_template("courses/form.html", form=form, error=None, course=course)


@bp.get("/<int:course_id>")
@READERS
def detail(course_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    course = records.get_course(db, user, course_id)
    return render_template(
        "courses/detail.html",
        course=course,
        organiser=records.organiser_name(db, course),
        occupation=db.get_one(Occupation, course.occupation_id),
        trainees=roster.list_trainees(db, course, _page()),
        trainee_count=roster.trainee_count(db, course.id),
        completed=records.course_completed(db, course),
        sessions=roster.sessions_of(db, course),
        claims=records.course_claims(db, course),
        manages=can_manage_course(user, course),
        is_open=course.status == CourseStatus.OPEN,
        trainee_form=TraineeForm(),
        session_form=SessionForm(),
        action_form=ActionForm(),
    )


@bp.post("/<int:course_id>/trainees")
@ORGANISERS
def add_trainee(course_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    form = TraineeForm()
    if not form.validate_on_submit():
        records.managed_course(db, user, course_id)
        _refused(invalid_form(form))
        return redirect(url_for("courses.detail", course_id=course_id))
    try:
        roster.add_trainee(
            db, user, course_id, form.name.data or "", form.national_id.data or "", id_keys()
        )
    except (InvalidInput, Conflict) as error:
        # The form sits on the record's page: back there with what was wrong.
        _refused(error)
        return redirect(url_for("courses.detail", course_id=course_id))
    return _to_detail(course_id, _("已添加学员"))


@bp.post("/<int:course_id>/trainees/<int:trainee_id>/remove")
@ORGANISERS
def remove_trainee(course_id: int, trainee_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return _expired(course_id)
    roster.remove_trainee(get_session(), actor(), course_id, trainee_id)
    return _to_detail(course_id, _("已移出学员名单"))


@bp.post("/<int:course_id>/sessions")
@ORGANISERS
def add_session(course_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    form = SessionForm()
    if not form.validate_on_submit():
        records.managed_course(db, user, course_id)
        _refused(invalid_form(form))
        return redirect(url_for("courses.detail", course_id=course_id))
    try:
        row = roster.add_session(db, user, course_id, form.held_on.data)
    except (InvalidInput, Conflict) as error:
        _refused(error)
        return redirect(url_for("courses.detail", course_id=course_id))
    db.commit()
    flash(_("课次已添加，请登记考勤"), "success")
    return redirect(url_for("courses.attendance", course_id=course_id, session_id=row.id))


def _posted_marks(prefix: str, ids: list[int]) -> dict[int, bool]:
    """A checkbox per trainee shown on the page: `<prefix><trainee id>` present means yes."""
    return {i: f"{prefix}{i}" in request.form for i in ids}


def _shown_ids() -> list[int]:
    return [int(v) for v in request.form.getlist("trainee") if v.isdigit()]


@bp.route("/<int:course_id>/sessions/<int:session_id>", methods=["GET", "POST"])
@ORGANISERS
def attendance(course_id: int, session_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    course = records.managed_course(db, user, course_id)
    row = roster.session_of(db, course, session_id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _expired(course_id)
        try:
            roster.record_attendance(
                db, user, course_id, session_id, _posted_marks("attended-", _shown_ids())
            )
        except DomainError as error:
            _refused(error)
            return redirect(url_for("courses.attendance", course_id=course_id, session_id=row.id))
        db.commit()
        flash(_("考勤已保存"), "success")
        return redirect(
            url_for("courses.attendance", course_id=course_id, session_id=row.id, page=_page())
        )
    return render_template(
        "courses/attendance.html",
        course=course,
        course_session=row,
        trainees=roster.list_trainees(db, course, _page()),
        marks=roster.attendance_of(db, row),
        form=form,
        is_open=course.status == CourseStatus.OPEN,
    )


@bp.post("/<int:course_id>/completion")
@ORGANISERS
def completion(course_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    if not ActionForm().validate_on_submit():
        return _expired(course_id)
    try:
        roster.record_completion(db, user, course_id, _posted_marks("completed-", _shown_ids()))
    except (InvalidInput, Conflict) as error:
        _refused(error)
        return redirect(url_for("courses.detail", course_id=course_id))
    return _to_detail(course_id, _("结业名单已保存"))


@bp.post("/<int:course_id>/close")
@ORGANISERS
def close(course_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return _expired(course_id)
    _course, raised = records.close_course(get_session(), actor(), course_id, date.today())
    return _to_detail(course_id, _("培训项目已结束，已发起 %(n)d 项补贴申领", n=len(raised)))
