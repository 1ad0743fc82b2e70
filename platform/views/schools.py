"""The school's placement office: specialties, cohorts (届/班) and roster import."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from skillbridge.models import EducationLevel, Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.downloads import import_template
from skillbridge.platform.forms import CohortForm, RosterImportForm, SpecialtyForm
from skillbridge.platform.keys import id_keys
from skillbridge.platform.routing import url_prefix
from skillbridge.platform.services import tables
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.schools import cohorts, roster

bp = Blueprint("schools", __name__, url_prefix="/school")
NAV = [
    (("school",), "schools.cohorts", _l("届/班与名册")),
    (("school",), "schools.specialties", _l("专业")),
]


@bp.before_request
@login_required
@role_required(Role.SCHOOL)
def _school_only() -> None:
    """Every page here is the school's own."""


def _failed(error: DomainError, template: str, **context: Any) -> ResponseReturnValue:
    """Re-render a form with the service's message and every detail it gave."""
    get_session().rollback()
    flash(error.message, "danger")
    return render_template(template, error=error, **context), error.status


@bp.route("/specialties", methods=["GET", "POST"])
def specialties() -> ResponseReturnValue:
    db, user = get_session(), actor()
    form = SpecialtyForm()
    form.occupation_ids.choices = [
        SelectChoice(o.id, f"{o.code} {o.name}") for o in cohorts.list_occupations(db)
    ]
    school = cohorts.own_school(db, user, acting=False)
    context = {"form": form, "school": school}
    if form.validate_on_submit():
        try:
            specialty = cohorts.add_specialty(
                db,
                user,
                cohorts.SpecialtyInput(
                    form.code.data, form.name.data or "", tuple(form.occupation_ids.data or ())
                ),
            )
        except DomainError as error:
            return _failed(error, "schools/specialties.html", **context)
        db.commit()
        flash(
            _("已开设专业 %(code)s %(name)s", code=specialty.code, name=specialty.name), "success"
        )
        return redirect(url_for("schools.specialties"))
    status = 400 if request.method == "POST" else 200
    return render_template("schools/specialties.html", **context), status


@bp.route("/cohorts", methods=["GET", "POST"], endpoint="cohorts")
def cohort_list() -> ResponseReturnValue:
    db, user = get_session(), actor()
    school = cohorts.own_school(db, user, acting=False)
    form = CohortForm()
    form.specialty_id.choices = [
        SelectChoice(s.id, f"{s.code} {s.name}") for s in school.specialties
    ]
    context = {
        "form": form,
        "rows": cohorts.list_cohorts(db, user, request.args.get("page", 1, type=int)),
        "cohort_prefix": url_prefix("schools.cohort", "cohort_id"),
        "school": school,
    }
    if form.validate_on_submit():
        try:
            cohort = cohorts.create_cohort(
                db,
                user,
                cohorts.CohortInput(
                    specialty_id=form.specialty_id.data,
                    name=form.name.data,
                    intake_year=form.intake_year.data,
                    graduation_year=form.graduation_year.data,
                    level=EducationLevel(form.level.data),
                    window_start=form.window_start.data,
                    window_end=form.window_end.data,
                ),
            )
        except DomainError as error:
            return _failed(error, "schools/cohorts.html", **context)
        db.commit()
        flash(_("已创建届/班 %(name)s", name=cohort.name), "success")
        return redirect(url_for("schools.cohort", cohort_id=cohort.id))
    status = 400 if request.method == "POST" else 200
    return render_template("schools/cohorts.html", **context), status


@bp.get("/cohorts/<int:cohort_id>")
def cohort(cohort_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    return render_template(
        "schools/cohort.html",
        cohort=cohorts.get_cohort(db, user, cohort_id),
        students=cohorts.roster_page(db, user, cohort_id, request.args.get("page", 1, type=int)),
    )


@bp.get("/cohorts/<int:cohort_id>/invitations.csv")
def invitations(cohort_id: int) -> ResponseReturnValue:
    students = cohorts.cohort_students(get_session(), actor(), cohort_id)
    return (
        roster.invitations_csv(students),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f"attachment; filename=invitations-{cohort_id}.csv",
            "Cache-Control": "no-store",
        },
    )


@bp.route("/roster/import", methods=["GET", "POST"])
def import_roster() -> ResponseReturnValue:
    form = RosterImportForm()
    try:
        return _import_roster(form)
    finally:
        # A large upload is spooled to a temporary file: close it now, not at garbage collection.
        for upload in request.files.values():
            upload.close()


def _import_roster(form: RosterImportForm) -> ResponseReturnValue:
    if form.validate_on_submit():
        db, upload = get_session(), form.file.data
        try:
            imported = roster.import_roster(
                db,
                actor(),
                upload.filename or "",
                upload.read(tables.MAX_FILE_BYTES + 1),
                id_keys(),
            )
        except DomainError as error:
            return _failed(error, "schools/import.html", form=form)
        db.commit()
        flash(_("已导入 %(n)d 名学生，请把邀请码发给学生激活账号", n=len(imported)), "success")
        return render_template("schools/import.html", form=RosterImportForm(), imported=imported)
    status = 400 if request.method == "POST" else 200
    return render_template("schools/import.html", form=form), status


@bp.get("/roster/template.<fmt>")
def roster_template(fmt: str) -> ResponseReturnValue:
    return import_template(fmt, roster.template_csv, roster.template_xlsx, "roster-template")
