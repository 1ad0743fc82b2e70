"""Apprenticeship programme pages: file, accept, decide, enrol, progress, assess, sign (R5)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from skillbridge.models import (
    Certificate,
    EnrolmentStatus,
    Enterprise,
    FinalAssessment,
    Occupation,
    Person,
    ProgrammeKind,
    ProgrammeModule,
    ProgrammeStatus,
    ProgressRecord,
    Role,
    School,
    User,
)
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import (
    ActionForm,
    BoundedDateField,
    ColumnIntegerField,
    DecisionForm,
    invalid_form,
)
from skillbridge.platform.policy import SKILL_LEVEL_LABELS, SKILL_LEVELS
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.programmes import access, agreements, assessment, enrolments
from skillbridge.platform.services.programmes import filing as programmes

bp = Blueprint("programmes", __name__, url_prefix="/programmes")
NAV = [
    (("school", "enterprise", "bureau", "worker", "student"), "programmes.index", _l("学徒培养")),
]

KIND_LABELS = {
    ProgrammeKind.EMPLOYEE: _l("企业新型学徒制"),
    ProgrammeKind.STUDENT: _l("学生学徒"),
    ProgrammeKind.DUAL: _l("校企双制"),
}
STATUS_LABELS = {
    ProgrammeStatus.DRAFT: _l("草稿"),
    ProgrammeStatus.FILED: _l("待备案"),
    ProgrammeStatus.APPROVED: _l("已备案"),
    ProgrammeStatus.REJECTED: _l("备案未通过"),
}
ENROLMENT_LABELS = {"active": _l("培养中"), "passed": _l("考核合格"), "failed": _l("考核不合格")}
PARTY_LABELS = {"enterprise": _l("企业"), "school": _l("学校"), "student": _l("学生（监护人）")}


def _level_choices() -> list[SelectChoice]:
    return [SelectChoice(i, _(SKILL_LEVEL_LABELS[name])) for i, name in enumerate(SKILL_LEVELS)]


class ProgrammeForm(FlaskForm):
    kind = SelectField(
        _l("学徒制类型"), choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()]
    )
    title = StringField(_l("项目名称"), validators=[DataRequired(), Length(max=120)])
    school_id = SelectField(_l("培训院校"), coerce=int)
    occupation_id = SelectField(_l("职业（工种）"), coerce=int)
    target_level = SelectField(_l("目标等级"), coerce=int)
    start_date = BoundedDateField(_l("培养开始日期"), validators=[DataRequired()])
    end_date = BoundedDateField(_l("培养结束日期（12至24个月）"), validators=[DataRequired()])
    total_hours = ColumnIntegerField(
        _l("总学时"), validators=[DataRequired(), NumberRange(min=1, max=10_000)]
    )
    modules = TextAreaField(
        _l("培训模块（每行一个：模块名称,学时）"), validators=[DataRequired(), Length(max=4000)]
    )
    assessment_body = StringField(
        _l("评价机构（人社局认可的考核评价机构）"), validators=[DataRequired(), Length(max=120)]
    )
    submit = SubmitField(_l("保存草稿"))


class EnrolForm(FlaskForm):
    employment_id = SelectField(_l("员工"), coerce=int)
    student_id = SelectField(_l("学生"), coerce=int)
    labour_contract_ref = StringField(
        _l("劳动合同编号（员工学徒必填）"), validators=[Length(max=60)]
    )
    mentor_user_id = SelectField(_l("企业导师（师傅）"), coerce=int)
    teacher_user_id = SelectField(_l("学校导师（指导教师）"), coerce=int)
    submit = SubmitField(_l("招收学徒"))


class ProgressForm(FlaskForm):
    module_id = SelectField(_l("培训模块"), coerce=int)
    hours = ColumnIntegerField(_l("学时"), validators=[DataRequired(), NumberRange(min=1)])
    completed = BooleanField(_l("该模块已完成"))
    recorded_on = BoundedDateField(_l("日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记进度"))


class AssessmentForm(FlaskForm):
    result = SelectField(
        _l("考核结果"),
        choices=[SelectChoice("passed", _l("合格")), SelectChoice("failed", _l("不合格"))],
    )
    assessed_on = BoundedDateField(_l("考核日期"), validators=[DataRequired()])
    assessor = StringField(_l("考核人"), validators=[DataRequired(), Length(max=60)])
    level_reached = SelectField(_l("达到等级"), coerce=int)
    certificate_number = StringField(_l("证书编号（合格时必填）"), validators=[Length(max=40)])
    submit = SubmitField(_l("登记考核结果"))


class SignForm(FlaskForm):
    guardian_name = StringField(
        _l("监护人姓名（未满18周岁的学生签署时必填）"), validators=[Optional(), Length(max=60)]
    )
    submit = SubmitField(_l("签署协议"))


def _programme_form() -> ProgrammeForm:
    db, user = get_session(), actor()
    form = ProgrammeForm()
    form.school_id.choices = [
        SelectChoice(s.id, s.name) for s in programmes.school_choices(db, user)
    ]
    form.occupation_id.choices = [
        SelectChoice(o.id, f"{o.code} {o.name}")
        for o in db.scalars(select(Occupation).order_by(Occupation.code))
    ]
    form.target_level.choices = _level_choices()
    return form


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    db, user = get_session(), actor()
    page = request.args.get("page", 1, type=int)
    if user.staff_role in access.ORGANISATION_STAFF.get(user.role, ()) or user.role == Role.BUREAU:
        listed = programmes.list_programmes(db, user, page)
        names = _names(
            db, {p.enterprise_id for p in listed.items}, {p.school_id for p in listed.items}
        )
        return render_template(
            "programmes/index.html",
            programmes=listed,
            names=names,
            kind_labels=KIND_LABELS,
            status_labels=STATUS_LABELS,
        )
    return render_template(
        "programmes/mine.html",
        enrolments=enrolments.my_enrolments(db, user, page),
        kind_labels=KIND_LABELS,
        enrolment_labels=ENROLMENT_LABELS,
    )


def _names(
    db: Session, enterprise_ids: set[int], school_ids: set[int]
) -> dict[str, dict[int, str]]:
    return {
        "enterprise": {
            i: n
            for i, n in db.execute(
                select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(enterprise_ids))
            )
        },
        "school": {
            i: n
            for i, n in db.execute(select(School.id, School.name).where(School.id.in_(school_ids)))
        },
    }


def _refused(error: DomainError) -> None:
    get_session().rollback()
    flash(error.message, "danger")
    for detail in error.details:
        flash(detail, "danger")


@bp.route("/new", methods=["GET", "POST"])
@login_required
@role_required(Role.ENTERPRISE)
def new() -> ResponseReturnValue:
    form = _programme_form()
    if form.validate_on_submit():
        db = get_session()
        try:
            data = programmes.ProgrammeInput(
                kind=ProgrammeKind(form.kind.data),
                title=form.title.data or "",
                school_id=form.school_id.data,
                occupation_id=form.occupation_id.data,
                target_level=form.target_level.data,
                start_date=form.start_date.data,
                end_date=form.end_date.data,
                total_hours=form.total_hours.data or 0,
                assessment_body=form.assessment_body.data or "",
                modules=programmes.parse_modules(form.modules.data or ""),
            )
            programme = programmes.create_programme(db, actor(), data)
        except DomainError as error:
            _refused(error)
            return render_template("programmes/new.html", form=form), error.status
        db.commit()
        flash(_("学徒培养项目已保存，等待培训院校确认"), "success")
        return redirect(url_for("programmes.detail", programme_id=programme.id))
    if request.method == "POST":
        _refused(invalid_form(form))
        return render_template("programmes/new.html", form=form), 400
    return render_template("programmes/new.html", form=form)


def _enrol_form(db: Session, user: User, programme_id: int) -> EnrolForm:
    programme = programmes.get_programme(db, user, programme_id)
    choices = enrolments.enrolment_choices(db, user, programme)
    form = EnrolForm()
    none = SelectChoice(0, _("（不选）"))
    form.employment_id.choices = [none] + [
        SelectChoice(e.id, f"{p.name}（{e.post}）") for e, p in choices.employees
    ]
    form.student_id.choices = [none] + [SelectChoice(s.id, s.name) for s in choices.students]
    form.mentor_user_id.choices = [SelectChoice(u.id, u.display_name) for u in choices.mentors]
    form.teacher_user_id.choices = [SelectChoice(u.id, u.display_name) for u in choices.teachers]
    return form


@bp.get("/<int:programme_id>")
@login_required
def detail(programme_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    programme = programmes.get_programme(db, user, programme_id)
    region_id = programmes.enterprise_region(db, programme)
    manages = access.manages_programme(user, programme)
    return render_template(
        "programmes/detail.html",
        programme=programme,
        enterprise=db.get_one(Enterprise, programme.enterprise_id),
        school=db.get_one(School, programme.school_id),
        occupation=db.get_one(Occupation, programme.occupation_id),
        level_label=_(SKILL_LEVEL_LABELS[SKILL_LEVELS[programme.target_level]]),
        enrolments=enrolments.list_enrolments(
            db, user, programme.id, request.args.get("page", 1, type=int)
        ),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        enrolment_labels=ENROLMENT_LABELS,
        may_accept=access.trains_programme(user, programme),
        may_file=manages,
        may_decide=access.can_decide_filing(user, region_id),
        enrol_form=_enrol_form(db, user, programme.id) if manages else None,
        action_form=ActionForm(),
        decision_form=DecisionForm(),
    )


def _back(programme_id: int, message: str) -> ResponseReturnValue:
    get_session().commit()
    flash(message, "success")
    return redirect(url_for("programmes.detail", programme_id=programme_id))


def _expired(programme_id: int) -> ResponseReturnValue:
    flash(_("表单已过期，请重试"), "danger")
    return redirect(url_for("programmes.detail", programme_id=programme_id))


@bp.post("/<int:programme_id>/accept")
@login_required
@role_required(Role.SCHOOL)
def accept(programme_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return _expired(programme_id)
    programmes.accept_training(get_session(), actor(), programme_id)
    return _back(programme_id, _("已确认承担培养任务"))


@bp.post("/<int:programme_id>/file")
@login_required
@role_required(Role.ENTERPRISE)
def file(programme_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return _expired(programme_id)
    programmes.file_programme(get_session(), actor(), programme_id)
    return _back(programme_id, _("已报人社局备案"))


@bp.post("/<int:programme_id>/decide")
@login_required
@role_required(Role.BUREAU)
def decide(programme_id: int) -> ResponseReturnValue:
    form = DecisionForm()
    if not form.validate_on_submit():
        return _expired(programme_id)
    approve = bool(form.approve.data)
    programmes.decide_filing(get_session(), actor(), programme_id, approve, form.reason.data or "")
    return _back(programme_id, _("备案已通过") if approve else _("备案未通过"))


@bp.post("/<int:programme_id>/enrolments")
@login_required
@role_required(Role.ENTERPRISE)
def enrol(programme_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    form = _enrol_form(db, user, programme_id)
    if not form.validate_on_submit():
        raise invalid_form(form)
    data = enrolments.EnrolmentInput(
        employment_id=form.employment_id.data or None,
        student_id=form.student_id.data or None,
        mentor_user_id=form.mentor_user_id.data,
        teacher_user_id=form.teacher_user_id.data,
        labour_contract_ref=form.labour_contract_ref.data or "",
    )
    enrolment = enrolments.enrol_apprentice(db, user, programme_id, data)
    db.commit()
    flash(_("学徒已招收"), "success")
    return redirect(url_for("programmes.enrolment", enrolment_id=enrolment.id))


def _progress_form(modules: list[ProgrammeModule]) -> ProgressForm:
    form = ProgressForm()
    form.module_id.choices = [SelectChoice(m.id, f"{m.name}（{m.hours}）") for m in modules]
    return form


def _assessment_form() -> AssessmentForm:
    form = AssessmentForm()
    form.level_reached.choices = _level_choices()
    return form


@bp.get("/enrolments/<int:enrolment_id>")
@login_required
def enrolment(enrolment_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    row, programme = enrolments.get_enrolment(db, user, enrolment_id)
    agreement = agreements.agreement_of(db, row)
    final = db.scalar(select(FinalAssessment).where(FinalAssessment.enrolment_id == row.id))
    party = agreements.party_of(user, programme, row)
    signed = {s.party for s in agreement.signatures} if agreement else set()
    return render_template(
        "programmes/enrolment.html",
        enrolment=row,
        programme=programme,
        person=db.get_one(Person, row.person_id),
        mentor=db.get_one(User, row.mentor_user_id),
        teacher=db.get_one(User, row.teacher_user_id),
        hours=assessment.hours_by_module(db, row.id),
        progress=db.scalars(
            select(ProgressRecord)
            .where(ProgressRecord.enrolment_id == row.id)
            .order_by(ProgressRecord.recorded_on, ProgressRecord.id)
        ).all(),
        final=final,
        certificate=db.get(Certificate, final.certificate_id)
        if final and final.certificate_id
        else None,
        level_labels={i: _(SKILL_LEVEL_LABELS[n]) for i, n in enumerate(SKILL_LEVELS)},
        agreement=agreement,
        missing=agreements.missing_parties(agreement) if agreement else [],
        party_labels=PARTY_LABELS,
        enrolment_labels=ENROLMENT_LABELS,
        kind_labels=KIND_LABELS,
        may_progress=row.status == EnrolmentStatus.ACTIVE
        and access.can_record_progress(user, programme, row),
        may_assess=row.status == EnrolmentStatus.ACTIVE
        and access.manages_programme(user, programme),
        may_sign=agreement is not None and party is not None and party not in signed,
        progress_form=_progress_form(programme.modules),
        assessment_form=_assessment_form(),
        sign_form=SignForm(),
    )


def _to_enrolment(enrolment_id: int, message: str) -> ResponseReturnValue:
    get_session().commit()
    flash(message, "success")
    return redirect(url_for("programmes.enrolment", enrolment_id=enrolment_id))


@bp.post("/enrolments/<int:enrolment_id>/progress")
@login_required
@role_required(Role.ENTERPRISE, Role.SCHOOL)
def progress(enrolment_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    _row, programme = enrolments.get_enrolment(db, user, enrolment_id)
    form = _progress_form(programme.modules)
    if not form.validate_on_submit():
        raise invalid_form(form)
    data = assessment.ProgressInput(
        form.module_id.data, form.hours.data or 0, bool(form.completed.data), form.recorded_on.data
    )
    assessment.record_progress(db, user, enrolment_id, data)
    return _to_enrolment(enrolment_id, _("培训进度已登记"))


@bp.post("/enrolments/<int:enrolment_id>/assessment")
@login_required
@role_required(Role.ENTERPRISE)
def assess(enrolment_id: int) -> ResponseReturnValue:
    form = _assessment_form()
    if not form.validate_on_submit():
        raise invalid_form(form)
    passed = form.result.data == "passed"
    data = assessment.AssessmentInput(
        passed=passed,
        assessed_on=form.assessed_on.data,
        assessor=form.assessor.data or "",
        level_reached=form.level_reached.data if passed else None,
        certificate_number=form.certificate_number.data or "",
    )
    result = assessment.record_assessment(get_session(), actor(), enrolment_id, data)
    message = _("考核结果已登记")
    if result.claims:
        message = _(
            "考核结果已登记，证书已记录，系统已自动发起%(n)d项补贴申领", n=len(result.claims)
        )
    return _to_enrolment(enrolment_id, message)


@bp.post("/enrolments/<int:enrolment_id>/sign")
@login_required
@role_required(Role.ENTERPRISE, Role.SCHOOL, Role.STUDENT)
def sign(enrolment_id: int) -> ResponseReturnValue:
    form = SignForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    agreements.sign_training_agreement(
        get_session(), actor(), enrolment_id, form.guardian_name.data or ""
    )
    return _to_enrolment(enrolment_id, _("已签署学生学徒培养协议"))
