"""An organisation's staff: invitations, staff roles and deactivation, for its admin."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from skillbridge.models import STAFF_ROLES, Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import (
    STAFF_ROLE_LABELS,
    StaffInviteForm,
    StaffRoleForm,
    invalid_form,
)
from skillbridge.platform.services import bounds
from skillbridge.platform.services.accounts import invitations
from skillbridge.platform.services.accounts import staff as staff_service

bp = Blueprint("staff", __name__, url_prefix="/staff")
NAV = [(("school", "enterprise", "bureau"), "staff.index", _l("工作人员"))]


@bp.before_request
@login_required
@role_required(Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU)
def _organisations_only() -> None:
    """Staff belong to schools, enterprises and bureaus; the services check the admin."""


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(s.value, STAFF_ROLE_LABELS[s]) for s in STAFF_ROLES[actor().role]]


@bp.get("/")
def index() -> ResponseReturnValue:
    db, user = get_session(), actor()
    members = staff_service.list_staff(db, user, bounds.page_arg(request.args))
    pending = invitations.pending_invitations(
        db, user, bounds.int_arg(request.args, "invitations_page", minimum=1) or 1
    )
    form = StaffInviteForm()
    form.staff_role.choices = _role_choices()
    role_form = StaffRoleForm()
    role_form.staff_role.choices = _role_choices()
    return render_template(
        "staff/index.html",
        members=members,
        pending=pending,
        form=form,
        role_form=role_form,
        labels=STAFF_ROLE_LABELS,
        me=user,
    )


@bp.post("/invite")
def invite() -> ResponseReturnValue:
    form = StaffInviteForm()
    form.staff_role.choices = _role_choices()
    if not form.validate_on_submit():
        raise invalid_form(form)
    db = get_session()
    invitation, token = invitations.invite_staff(
        db,
        actor(),
        invitations.StaffInvite(form.email.data, form.display_name.data, form.staff_role.data),
    )
    db.commit()
    link = url_for("auth.join", token=token, _external=True)
    # The token is shown this once: the database keeps only its hash.
    flash(
        _("已邀请 %(email)s，请把一次性链接发给对方：%(link)s", email=invitation.email, link=link),
        "success",
    )
    return redirect(url_for("staff.index"))


@bp.post("/<int:user_id>/role")
def change_role(user_id: int) -> ResponseReturnValue:
    form = StaffRoleForm()
    form.staff_role.choices = _role_choices()
    if not form.validate_on_submit():
        raise invalid_form(form)
    db = get_session()
    staff_service.change_staff_role(db, actor(), user_id, form.staff_role.data)
    db.commit()
    flash(_("岗位角色已更改"), "success")
    return redirect(url_for("staff.index"))


@bp.post("/<int:user_id>/deactivate")
def deactivate(user_id: int) -> ResponseReturnValue:
    db = get_session()
    staff_service.deactivate_staff(db, actor(), user_id)
    db.commit()
    flash(_("账号已停用"), "success")
    return redirect(url_for("staff.index"))
