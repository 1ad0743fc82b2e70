"""The bureau's verification queue for schools and enterprises of its region."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from skillbridge.models import Enterprise, Role, School, VerificationStatus
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
    db, region_id = get_session(), actor().region_id
    pending = VerificationStatus.PENDING
    schools = db.scalars(
        select(School).where(School.region_id == region_id, School.verification_status == pending)
    ).all()
    enterprises = db.scalars(
        select(Enterprise).where(
            Enterprise.region_id == region_id, Enterprise.verification_status == pending
        )
    ).all()
    return render_template(
        "bureau/verifications.html", schools=schools, enterprises=enterprises, form=DecisionForm()
    )


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
