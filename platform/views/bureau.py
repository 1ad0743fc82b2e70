"""The bureau's verification queue for schools and enterprises of its region."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from skillbridge.models import Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import DecisionForm
from skillbridge.platform.services.accounts import registration as accounts

bp = Blueprint("bureau", __name__, url_prefix="/bureau")
NAV = [(("bureau",), "bureau.verifications", _l("机构审核"))]


@bp.before_request
@login_required
@role_required(Role.BUREAU)
def _bureau_only() -> None:
    """Every page here is the bureau's."""


@bp.get("/verifications")
def verifications() -> ResponseReturnValue:
    db, user = get_session(), actor()
    # Two queues on one page, each paged by its own query argument.
    queues = {
        kind: accounts.pending_verifications(
            db, user, kind, request.args.get(f"{kind}_page", 1, type=int)
        )
        for kind in ("school", "enterprise")
    }
    return render_template("bureau/verifications.html", queues=queues, form=DecisionForm())


@bp.post("/verifications/<kind>/<int:organisation_id>")
def decide(kind: str, organisation_id: int) -> ResponseReturnValue:
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("表单已过期，请重试"), "danger")
        return redirect(url_for("bureau.verifications"))
    db = get_session()
    accounts.decide_verification(
        db,
        actor(),
        kind,
        organisation_id,
        approve=bool(form.approve.data),
        reason=form.reason.data or "",
    )
    db.commit()
    flash(_("审核结果已保存"), "success")
    return redirect(url_for("bureau.verifications"))
