"""Workers and the enterprise's employee register: sign-up, confirmation, import, departures."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from skillbridge.models import EmploymentStatus, Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.downloads import import_template
from skillbridge.platform.extensions import limiter
from skillbridge.platform.forms import (
    EmploymentConfirmForm,
    EmploymentEndForm,
    ReasonForm,
    RosterImportForm,
    WorkerRegistrationForm,
)
from skillbridge.platform.keys import id_keys
from skillbridge.platform.policy.competitions import competition_prizes
from skillbridge.platform.services import tables
from skillbridge.platform.services.competitions.results import results_of_person
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.people import employees, employments, registration, workers

bp = Blueprint("people", __name__)
NAV = [
    (("enterprise",), "people.employees", _l("职工名册")),
    (("worker",), "people.me", _l("我的雇佣记录")),
]
STATUS_LABELS = {
    EmploymentStatus.PENDING: _l("待企业确认"),
    EmploymentStatus.CONFIRMED: _l("已确认"),
    EmploymentStatus.REJECTED: _l("未确认"),
    EmploymentStatus.ENDED: _l("已离职"),
}

enterprise_only = role_required(Role.ENTERPRISE)
worker_only = role_required(Role.WORKER)


def _failed(error: DomainError, template: str, **context: Any) -> ResponseReturnValue:
    """Re-render a form with the service's message and every detail it gave."""
    get_session().rollback()
    flash(error.message, "danger")
    return render_template(template, error=error, labels=STATUS_LABELS, **context), error.status


def _page(name: str = "page") -> int:
    return request.args.get(name, 1, type=int)


@bp.route("/register/worker", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTRATION_RATE_LIMIT"], methods=["POST"])
def register() -> ResponseReturnValue:
    """A new account and a login that already has one get the same answer (see registration)."""
    form = WorkerRegistrationForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            registration.register_worker(
                db,
                id_keys(),
                registration.WorkerRegistration(
                    name=form.name.data or "",
                    national_id=form.national_id.data or "",
                    phone=form.phone.data or "",
                    email=form.email.data or "",
                    password=form.password.data or "",
                    employer_uscc=form.employer_uscc.data or "",
                    post=form.post.data or "",
                    hire_date=form.hire_date.data,
                ),
                date.today(),
            )
        except DomainError as error:
            return _failed(error, "people/register.html", form=form)
        db.commit()
        flash(_("注册申请已提交：请用手机号或邮箱登录，查看企业的确认进度"), "success")
        return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("people/register.html", form=form), status


# --- the worker's own pages ---------------------------------------------------------------


@bp.get("/me")
@login_required
@worker_only
def me() -> ResponseReturnValue:
    db, user = get_session(), actor()
    home = workers.worker_home(db, user, _page(), _page("enrolment_page"))
    # Results are shown once an employment is confirmed, as the rest of the person's history.
    results = (
        results_of_person(db, home.person.id, _page("competition_page")) if home.confirmed else None
    )
    return render_template(
        "people/me.html",
        home=home,
        labels=STATUS_LABELS,
        results=results,
        prizes=competition_prizes(),
        results_endpoint="people.me",
        results_args={},
    )


@bp.get("/me/employments/<int:employment_id>")
@login_required
@worker_only
def my_employment(employment_id: int) -> ResponseReturnValue:
    line = workers.my_employment(get_session(), actor(), employment_id)
    return render_template("people/my_employment.html", line=line, labels=STATUS_LABELS)


# --- the enterprise's register -------------------------------------------------------------


@bp.get("/employees", endpoint="employees")
@login_required
@enterprise_only
def employee_list() -> ResponseReturnValue:
    query = request.args.get("q", "")
    raw_status = request.args.get("status", "")
    status = EmploymentStatus(raw_status) if raw_status in set(EmploymentStatus) else None
    rows = employments.list_employees(get_session(), actor(), query, status, _page())
    return render_template(
        "people/employees.html",
        rows=rows,
        q=query,
        status=status.value if status else "",
        labels=STATUS_LABELS,
    )


@bp.get("/employees/pending")
@login_required
@enterprise_only
def pending() -> ResponseReturnValue:
    rows = employments.list_employees(get_session(), actor(), page=_page(), awaiting=True)
    return render_template("people/pending.html", rows=rows, labels=STATUS_LABELS)


@bp.get("/employees/<int:employment_id>")
@login_required
@enterprise_only
def employment(employment_id: int) -> ResponseReturnValue:
    db = get_session()
    row = employments.get_employee(db, actor(), employment_id)
    # The employer reads a confirmed employee's competition results (awards, promotions).
    confirmed = row.employment.status == EmploymentStatus.CONFIRMED
    return render_template(
        "people/employment.html",
        employment=row.employment,
        employee=row,
        end_form=EmploymentEndForm(),
        labels=STATUS_LABELS,
        results=(
            results_of_person(db, row.employment.person_id, _page("competition_page"))
            if confirmed
            else None
        ),
        prizes=competition_prizes(),
        results_endpoint="people.employment",
        results_args={"employment_id": employment_id},
    )


@bp.route("/employees/<int:employment_id>/confirm", methods=["GET", "POST"])
@login_required
@enterprise_only
def confirm(employment_id: int) -> ResponseReturnValue:
    db, user = get_session(), actor()
    row = employments.get_employee(db, user, employment_id)
    form = EmploymentConfirmForm(obj=row.employment if request.method == "GET" else None)
    context = {
        "form": form,
        "employment": row.employment,
        "employee": row,
        "reject_form": ReasonForm(),
    }
    if form.validate_on_submit():
        facts = employments.EmploymentFacts(
            post=form.post.data or "",
            hire_date=form.hire_date.data,
            contract_start=form.contract_start.data,
            contract_end=form.contract_end.data,
            social_insurance_since=form.social_insurance_since.data,
            is_front_line=form.is_front_line.data,
            is_primary=form.is_primary.data,
        )
        try:
            employments.confirm_employment(db, user, employment_id, facts, date.today())
        except DomainError as error:
            return _failed(error, "people/confirm.html", **context)
        db.commit()
        flash(_("已确认雇佣关系"), "success")
        return redirect(url_for("people.employment", employment_id=employment_id))
    status = 400 if request.method == "POST" else 200
    return render_template("people/confirm.html", labels=STATUS_LABELS, **context), status


@bp.post("/employees/<int:employment_id>/reject")
@login_required
@enterprise_only
def reject(employment_id: int) -> ResponseReturnValue:
    db, user, form = get_session(), actor(), ReasonForm()
    row = employments.get_employee(db, user, employment_id)  # 404 before the form's 400
    context = {
        "form": EmploymentConfirmForm(obj=row.employment),
        "employment": row.employment,
        "employee": row,
        "reject_form": form,
    }
    if not form.validate_on_submit():
        return render_template("people/confirm.html", labels=STATUS_LABELS, **context), 400
    try:
        employments.reject_employment(db, user, employment_id, form.reason.data or "")
    except DomainError as error:
        return _failed(error, "people/confirm.html", **context)
    db.commit()
    flash(_("已驳回该雇佣关系"), "info")
    return redirect(url_for("people.pending"))


@bp.post("/employees/<int:employment_id>/end")
@login_required
@enterprise_only
def end(employment_id: int) -> ResponseReturnValue:
    db, user, form = get_session(), actor(), EmploymentEndForm()
    row = employments.get_employee(db, user, employment_id)
    context = {"employment": row.employment, "employee": row, "end_form": form}
    if not form.validate_on_submit():
        return render_template("people/employment.html", labels=STATUS_LABELS, **context), 400
    try:
        employments.end_employment(
            db, user, employment_id, form.ended_on.data, form.reason.data or ""
        )
    except DomainError as error:
        return _failed(error, "people/employment.html", **context)
    db.commit()
    flash(_("已办理离职"), "success")
    return redirect(url_for("people.employment", employment_id=employment_id))


@bp.route("/employees/import", methods=["GET", "POST"])
@login_required
@enterprise_only
def import_employees() -> ResponseReturnValue:
    form = RosterImportForm()
    try:
        return _import_employees(form)
    finally:
        # A large upload is spooled to a temporary file: close it now, not at garbage collection.
        for upload in request.files.values():
            upload.close()


def _import_employees(form: RosterImportForm) -> ResponseReturnValue:
    if form.validate_on_submit():
        db, upload = get_session(), form.file.data
        try:
            imported = employees.import_employees(
                db,
                actor(),
                upload.filename or "",
                upload.read(tables.MAX_FILE_BYTES + 1),
                id_keys(),
                date.today(),
            )
        except DomainError as error:
            return _failed(error, "people/import.html", form=form)
        db.commit()
        flash(_("已导入 %(n)d 名职工", n=len(imported)), "success")
        return redirect(url_for("people.employees"))
    status = 400 if request.method == "POST" else 200
    return render_template("people/import.html", form=form), status


@bp.get("/employees/template.<fmt>")
@login_required
@enterprise_only
def employee_template(fmt: str) -> ResponseReturnValue:
    return import_template(
        fmt, employees.template_csv, employees.template_xlsx, "employee-template"
    )
