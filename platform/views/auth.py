"""Login, logout, registration, student activation, password change and language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from skillbridge.models import Region, SchoolType
from skillbridge.platform.auth import actor
from skillbridge.platform.db import get_session
from skillbridge.platform.extensions import limiter
from skillbridge.platform.forms import (
    ActivationForm,
    EnterpriseRegistrationForm,
    LoginForm,
    PasswordChangeForm,
    SchoolRegistrationForm,
)
from skillbridge.platform.i18n import LOCALE_SESSION_KEY
from skillbridge.platform.redirects import safe_next
from skillbridge.platform.services.accounts import registration as accounts
from skillbridge.platform.services.errors import DomainError

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login or a language switch (no open redirect)."""
    return safe_next(target, url_for("home.dashboard"))


def _clear_session_keeping_locale() -> None:
    """Start a fresh session (no fixation) but keep the chosen language: a preference, not a secret."""
    locale = session.get(LOCALE_SESSION_KEY)
    session.clear()
    if locale:
        session[LOCALE_SESSION_KEY] = locale


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():  # type: ignore[no-untyped-def]
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = accounts.authenticate(db, form.email.data, form.password.data)
        if user is None:
            db.rollback()
            flash(_("邮箱或密码不正确"), "danger")
            return render_template("auth/login.html", form=form), 401
        db.commit()
        _clear_session_keeping_locale()
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    db = get_session()
    accounts.end_sessions(db, actor())
    db.commit()
    logout_user()
    _clear_session_keeping_locale()
    flash(_("已退出登录"), "info")
    return redirect(url_for("auth.login"))


def _region_choices() -> list[SelectChoice]:
    regions = get_session().scalars(select(Region).order_by(Region.id))
    return [SelectChoice(r.id, r.name) for r in regions]


def _register(form, template: str, submit):  # type: ignore[no-untyped-def]
    """Shared POST handling of both registration forms: service call, commit, login."""
    form.region_id.choices = _region_choices()
    if form.validate_on_submit():
        db = get_session()
        try:
            user = submit(db, form)
        except DomainError as error:
            db.rollback()
            flash(error.message, "danger")
            return render_template(template, form=form), error.status
        db.commit()
        _clear_session_keeping_locale()
        login_user(user)
        flash(_("注册成功，等待人社局审核"), "success")
        return redirect(url_for("home.dashboard"))
    return render_template(template, form=form), 400 if request.method == "POST" else 200


@bp.route("/register/school", methods=["GET", "POST"])
def register_school():  # type: ignore[no-untyped-def]
    def submit(db, form):  # type: ignore[no-untyped-def]
        return accounts.register_school(
            db,
            accounts.SchoolRegistration(
                name=form.name.data,
                code=form.code.data.strip(),
                school_type=SchoolType(form.school_type.data),
                region_id=form.region_id.data,
                contact_name=form.contact_name.data,
                contact_phone=form.contact_phone.data,
                email=form.email.data,
                password=form.password.data,
            ),
        )

    return _register(SchoolRegistrationForm(), "auth/register_school.html", submit)


@bp.route("/register/enterprise", methods=["GET", "POST"])
def register_enterprise():  # type: ignore[no-untyped-def]
    def submit(db, form):  # type: ignore[no-untyped-def]
        return accounts.register_enterprise(
            db,
            accounts.EnterpriseRegistration(
                name=form.name.data,
                uscc=form.uscc.data,
                industry=form.industry.data,
                staff_headcount=form.staff_headcount.data,
                region_id=form.region_id.data,
                contact_name=form.contact_name.data,
                contact_phone=form.contact_phone.data,
                email=form.email.data,
                password=form.password.data,
            ),
        )

    return _register(EnterpriseRegistrationForm(), "auth/register_enterprise.html", submit)


@bp.route("/activate", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def activate():  # type: ignore[no-untyped-def]
    form = ActivationForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            user = accounts.activate_student(
                db,
                form.invitation_code.data,
                form.id_last4.data,
                form.email.data,
                form.password.data,
            )
        except DomainError as error:
            db.rollback()
            flash(error.message, "danger")
            return render_template("auth/activate.html", form=form), error.status
        db.commit()
        _clear_session_keeping_locale()
        login_user(user)
        return redirect(url_for("home.dashboard"))
    return render_template("auth/activate.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():  # type: ignore[no-untyped-def]
    form = PasswordChangeForm()
    if form.validate_on_submit():
        db = get_session()
        user = actor()
        try:
            accounts.change_password(db, user, form.current.data, form.new.data)
        except DomainError as error:
            db.rollback()
            flash(error.message, "danger")
            return render_template("auth/password.html", form=form), error.status
        db.commit()
        # This browser keeps working under the new token; every other session is now dead.
        login_user(user)
        flash(_("密码已修改，其他设备上的登录已失效"), "success")
        return redirect(url_for("home.dashboard"))
    return render_template("auth/password.html", form=form)


@bp.get("/lang/<code>")
def switch_language(code: str):  # type: ignore[no-untyped-def]
    if code in current_app.config["LANGUAGES"]:
        session[LOCALE_SESSION_KEY] = code
    return redirect(_safe_next(request.args.get("next")))
