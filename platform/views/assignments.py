"""The bulk form: a school assigns its teachers, an enterprise its mentors, to placements."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from skillbridge.models import Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.services import bounds
from skillbridge.platform.services.accounts.staff import staff_of_role
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.services.placements import assignment

from .placements import LABELS

bp = Blueprint("assignments", __name__, url_prefix="/placements/assign")
NAV = [(("school", "enterprise"), "assignments.index", _l("指派导师"))]


@bp.before_request
@login_required
@role_required(Role.SCHOOL, Role.ENTERPRISE)
def _organisations_only() -> None:
    """Schools assign teachers and enterprises mentors; the service checks each placement."""


@bp.get("/")
def index() -> ResponseReturnValue:
    db, user = get_session(), actor()
    listing = assignment.followed_placements(db, user, bounds.page_arg(request.args))
    return render_template(
        "assignments/index.html",
        listing=listing,
        staff=staff_of_role(db, user, assignment.ASSIGNED_ROLE[user.role]),
        **LABELS,
    )


@bp.post("/")
def assign() -> ResponseReturnValue:
    try:
        ids = [bounds.to_int(raw, minimum=1) for raw in request.form.getlist("placement_ids")]
        user_id = bounds.to_int(request.form.get("user_id", ""), minimum=1)
    except ValueError as exc:
        raise InvalidInput(_("请选择实习安排和人员")) from exc
    db = get_session()
    done = assignment.assign_staff(db, actor(), ids, user_id)
    db.commit()
    flash(_("已指派 %(n)d 个实习安排", n=len(done)), "success")
    return redirect(url_for("assignments.index"))
