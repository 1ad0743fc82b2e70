"""Profile pages of schools, enterprises and students, shown to whoever may see them."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from skillbridge.models import Occupation, School
from skillbridge.platform.auth import actor
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import ActionForm, BoundedDateField
from skillbridge.platform.keys import id_keys
from skillbridge.platform.policy import TRAINING_ROUTES, age_in_years
from skillbridge.platform.services import directory
from skillbridge.platform.services.accounts.registration import MAX_ACTIVATION_FAILURES
from skillbridge.platform.services.placements.ledger import student_months
from skillbridge.platform.services.placements.months import months_left
from skillbridge.platform.services.policies import student_disclosure
from skillbridge.platform.services.schools import certificates, students
from skillbridge.platform.services.slots.eligibility import SKILL_LEVEL_NAMES

bp = Blueprint("orgs", __name__)


@bp.before_request
@login_required
def _authenticated() -> None:
    """Profiles are never public."""


@bp.get("/schools/<int:school_id>")
def school(school_id: int) -> ResponseReturnValue:
    return render_template(
        "orgs/school.html", school=directory.get_school(get_session(), actor(), school_id)
    )


@bp.get("/enterprises/<int:enterprise_id>")
def enterprise(enterprise_id: int) -> ResponseReturnValue:
    return render_template(
        "orgs/enterprise.html",
        enterprise=directory.get_enterprise(get_session(), actor(), enterprise_id),
    )


class CertificateForm(FlaskForm):
    occupation_id = SelectField(_l("职业（工种）"), coerce=int)
    level = SelectField(_l("等级"), coerce=int)
    issued_on = BoundedDateField(_l("发证日期"), validators=[DataRequired()])
    number = StringField(_l("证书编号"), validators=[DataRequired(), Length(max=40)])
    route = SelectField(_l("取证途径"))
    submit = SubmitField(_l("登记证书"))


def _certificate_form() -> CertificateForm:
    form = CertificateForm()
    occupations = get_session().scalars(select(Occupation).order_by(Occupation.code))
    form.occupation_id.choices = [SelectChoice(o.id, f"{o.code} {o.name}") for o in occupations]
    form.level.choices = [SelectChoice(i, _(name)) for i, name in enumerate(SKILL_LEVEL_NAMES)]
    form.route.choices = [SelectChoice(key, _(label)) for key, label in TRAINING_ROUTES.items()]
    return form


def _student_page(
    student_id: int, form: CertificateForm, status: int = 200, revealed_id: str | None = None
) -> ResponseReturnValue:
    db, user = get_session(), actor()
    student = directory.get_student(db, user, student_id)
    school = db.get_one(School, student.school_id)
    return render_template(
        "orgs/student.html",
        student=student,
        shown=student_disclosure(user, student),
        age=age_in_years(student.birth_date, date.today()),
        revealed_id=revealed_id,
        locked=student.invitation_failures >= MAX_ACTIVATION_FAILURES,
        action_form=ActionForm(),
        months_left=months_left(student),
        worked=student_months(db, student.id, date.today()),
        certificates=certificates.student_certificates(db, student.id),
        level_names=SKILL_LEVEL_NAMES,
        form=form if certificates.may_record(user, school) else None,
    ), status


@bp.get("/students/<int:student_id>")
def student(student_id: int) -> ResponseReturnValue:
    return _student_page(student_id, _certificate_form())


@bp.post("/students/<int:student_id>/certificates")
def record_certificate(student_id: int) -> ResponseReturnValue:
    form = _certificate_form()
    if not form.validate_on_submit():
        return _student_page(student_id, form, 400)
    db = get_session()
    _certificate, claims = certificates.record_certificate(
        db,
        actor(),
        student_id,
        certificates.CertificateInput(
            form.occupation_id.data,
            form.level.data,
            form.issued_on.data,
            form.number.data,
            form.route.data,
        ),
        date.today(),
    )
    db.commit()
    flash(_("证书已登记"), "success")
    if claims:
        flash(_("已自动发起 %(n)s 项补贴申领", n=len(claims)), "info")
    return redirect(url_for("orgs.student", student_id=student_id))


@bp.post("/students/<int:student_id>/national-id")
def reveal_national_id(student_id: int) -> ResponseReturnValue:
    """The school sees one full ID, once: audited, in this answer only, never cached."""
    if not ActionForm().validate_on_submit():
        return _student_page(student_id, _certificate_form(), 400)
    db = get_session()
    national_id = students.reveal_national_id(db, actor(), student_id, id_keys())
    db.commit()
    response = make_response(
        _student_page(student_id, _certificate_form(), revealed_id=national_id)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/students/<int:student_id>/invitation")
def reissue_invitation(student_id: int) -> ResponseReturnValue:
    """The school gives a student a new invitation code (after a lock, or a lost handout)."""
    if not ActionForm().validate_on_submit():
        return _student_page(student_id, _certificate_form(), 400)
    db = get_session()
    student = students.reissue_invitation(db, actor(), student_id)
    db.commit()
    flash(_("已重新发放邀请码 %(code)s，旧邀请码已作废", code=student.invitation_code), "success")
    return redirect(url_for("orgs.student", student_id=student_id))
