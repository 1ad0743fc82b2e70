"""Login, logout, registration, student activation, password change and language switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from skillbridge.models import Region, SchoolType, User
from skillbridge.platform.auth import actor
from skillbridge.platform.db import get_session
from skillbridge.platform.extensions import limiter
from skillbridge.platform.forms import (
    STAFF_ROLE_LABELS,
    ActivationForm,
    EnterpriseRegistrationForm,
    JoinForm,
    LoginForm,
    PasswordChangeForm,
    SchoolRegistrationForm,
)
from skillbridge.platform.i18n import LOCALE_SESSION_KEY
from skillbridge.platform.redirects import safe_next
from skillbridge.platform.services.accounts import invitations, preferences
from skillbridge.platform.services.accounts import registration as accounts
from skillbridge.platform.services.accounts.logins import as_mobile
from skillbridge.platform.services.errors import DomainError

bp = Blueprint("auth", __name__)


def _setting(name: str) -> Callable[[], str]:
    """A limit read from the configuration when the request comes, not at import."""
    return lambda: current_app.config[name]


def _posted_email() -> str:
    # Cut to the column's length: a megabyte "e-mail" must not become a megabyte limiter key.
    # A mobile number counts as one account however it is spaced or prefixed.
    login = (request.form.get("email") or "").strip().lower()[:120]
    return as_mobile(login) or login


def _address_and_account() -> str:
    return f"{get_remote_address()}|{_posted_email()}"


def _account() -> str:
    return f"account|{_posted_email()}"


def _address_and_code() -> str:
    code = (request.form.get("invitation_code") or "").strip().upper()[:32]
    return f"{get_remote_address()}|{code}"


def _current_user_key() -> str:
    # Limits are checked before the view's login_required runs: an anonymous caller gets "-".
    return f"user|{current_user.id if current_user.is_authenticated else '-'}"


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
# Per person at an address, per account from anywhere, and a higher ceiling per address: one
# person's typos never lock out the next person behind the same proxy.
@limiter.limit(_setting("LOGIN_RATE_LIMIT"), key_func=_address_and_account, methods=["POST"])
@limiter.limit(_setting("LOGIN_ACCOUNT_RATE_LIMIT"), key_func=_account, methods=["POST"])
@limiter.limit(_setting("LOGIN_ADDRESS_RATE_LIMIT"), methods=["POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        user = accounts.authenticate(db, form.email.data, form.password.data)
        if user is None:
            db.rollback()
            accounts.record_failed_login(db, form.email.data, get_remote_address())
            db.commit()
            flash(_("邮箱或密码不正确"), "danger")
            return render_template("auth/login.html", form=form), 401
        db.commit()
        _clear_session_keeping_locale()
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    db = get_session()
    accounts.end_sessions(db, actor())
    db.commit()
    logout_user()
    _clear_session_keeping_locale()
    flash(_("已退出登录"), "info")
    return redirect(url_for("auth.login"))


def _region_choices() -> list[SelectChoice]:
    # Schools and enterprises register in a city or district: the regions with a pack.
    regions = get_session().scalars(
        select(Region).where(Region.policy_pack.is_not(None)).order_by(Region.id)
    )
    return [SelectChoice(r.id, r.name) for r in regions]


RegistrationForm = SchoolRegistrationForm | EnterpriseRegistrationForm


def _register(
    form: RegistrationForm, template: str, submit: Callable[[Session, Any], User | None]
) -> ResponseReturnValue:
    """Shared POST handling of both registration forms.

    A new account and an e-mail that already has one get the same answer (the owner is told
    instead), so nobody is logged in here: the new user logs in to follow the bureau's review.
    """
    form.region_id.choices = _region_choices()
    if form.validate_on_submit():
        db = get_session()
        try:
            submit(db, form)
        except DomainError as error:
            db.rollback()
            flash(error.message, "danger")
            return render_template(template, form=form), error.status
        db.commit()
        flash(_("注册申请已提交：请用注册邮箱登录，查看人社局的审核进度"), "success")
        return redirect(url_for("auth.login"))
    return render_template(template, form=form), 400 if request.method == "POST" else 200


_registration_limit = limiter.limit(_setting("REGISTRATION_RATE_LIMIT"), methods=["POST"])


@bp.route("/register/school", methods=["GET", "POST"])
@_registration_limit
def register_school() -> ResponseReturnValue:
    def submit(db: Session, form: SchoolRegistrationForm) -> User | None:
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
@_registration_limit
def register_enterprise() -> ResponseReturnValue:
    def submit(db: Session, form: EnterpriseRegistrationForm) -> User | None:
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
@limiter.limit(_setting("LOGIN_RATE_LIMIT"), key_func=_address_and_code, methods=["POST"])
@limiter.limit(_setting("LOGIN_ADDRESS_RATE_LIMIT"), methods=["POST"])
def activate() -> ResponseReturnValue:
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
            accounts.record_failed_activation(
                db,
                form.invitation_code.data,
                get_remote_address(),
                counted=isinstance(error, accounts.WrongActivationSecret),
            )
            db.commit()
            flash(error.message, "danger")
            return render_template("auth/activate.html", form=form), error.status
        db.commit()
        _clear_session_keeping_locale()
        login_user(user)
        return redirect(url_for("home.dashboard"))
    return render_template("auth/activate.html", form=form)


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit(_setting("LOGIN_ADDRESS_RATE_LIMIT"), methods=["POST"])
def join(token: str) -> ResponseReturnValue:
    """A staff invitee sets a password with the one-time link and is logged in."""
    db = get_session()
    invitation = invitations.invitation_for(db, token)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(db, token, form.password.data)
        except DomainError as error:
            db.rollback()
            flash(error.message, "danger")
            page = render_template(
                "auth/join.html",
                form=form,
                invitation=invitation,
                staff_role_labels=STAFF_ROLE_LABELS,
            )
            return page, error.status
        db.commit()
        _clear_session_keeping_locale()
        login_user(user)
        return redirect(url_for("home.dashboard"))
    return render_template(
        "auth/join.html", form=form, invitation=invitation, staff_role_labels=STAFF_ROLE_LABELS
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_setting("PASSWORD_CHANGE_RATE_LIMIT"), key_func=_current_user_key, methods=["POST"])
def change_password() -> ResponseReturnValue:
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
def switch_language(code: str) -> ResponseReturnValue:
    if code in current_app.config["LANGUAGES"]:
        session[LOCALE_SESSION_KEY] = code
        if current_user.is_authenticated:  # reminders and mail follow the language chosen here
            db = get_session()
            preferences.set_locale(db, actor(), code, current_app.config["LANGUAGES"])
            db.commit()
    return redirect(_safe_next(request.args.get("next")))
