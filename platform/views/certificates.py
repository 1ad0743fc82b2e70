"""The bureau's certificate work: the verification queue and the appraisal body's list."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from skillbridge.models import Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import ReasonForm, RosterImportForm, invalid_form
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services import bounds
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.services.people import appraisal_list
from skillbridge.platform.services.people import certificates as checks
from skillbridge.platform.services.tables import MAX_FILE_BYTES

bp = Blueprint("certificates", __name__, url_prefix="/bureau/certificates")
NAV = [(("bureau",), "certificates.queue", _l("证书核验"))]


@bp.before_request
@login_required
@role_required(Role.BUREAU)
def _bureau_only() -> None:
    """Certificates are verified by the bureau; the services check the officer and region."""


@bp.get("/")
def queue() -> ResponseReturnValue:
    page = checks.verification_queue(get_session(), actor(), bounds.page_arg(request.args))
    return render_template("certificates/queue.html", page=page, reason_form=ReasonForm())


@bp.post("/<int:certificate_id>/verify")
def verify(certificate_id: int) -> ResponseReturnValue:
    db = get_session()
    checks.verify_certificate(db, actor(), certificate_id)
    db.commit()
    flash(_("证书已核验通过"), "success")
    return redirect(url_for("certificates.queue"))


@bp.post("/<int:certificate_id>/reject")
def reject(certificate_id: int) -> ResponseReturnValue:
    form = ReasonForm()
    if not form.validate_on_submit():
        raise invalid_form(form)
    db = get_session()
    checks.reject_certificate(db, actor(), certificate_id, form.reason.data)
    db.commit()
    flash(_("证书已驳回"), "success")
    return redirect(url_for("certificates.queue"))


@bp.route("/import", methods=["GET", "POST"])
def import_list() -> ResponseReturnValue:
    form = RosterImportForm()
    try:
        if form.validate_on_submit():
            db, upload = get_session(), form.file.data
            try:
                result = appraisal_list.import_appraisal_list(
                    db,
                    actor(),
                    upload.filename or "",
                    upload.read(MAX_FILE_BYTES + 1),
                    id_keys(),
                    date.today(),
                )
            except DomainError as error:
                db.rollback()
                flash(error.message, "danger")
                page = render_template("certificates/import.html", form=form, error=error)
                return page, error.status
            db.commit()
            flash(
                _(
                    "已导入 %(n)d 张证书，确认 %(m)d 张已登记的证书",
                    n=result.imported,
                    m=result.confirmed,
                ),
                "success",
            )
            return redirect(url_for("certificates.import_list"))
        status = 400 if request.method == "POST" else 200
        return render_template("certificates/import.html", form=form), status
    finally:
        # A large upload is spooled to a temporary file: close it now, not at garbage collection.
        for upload in request.files.values():
            upload.close()


@bp.get("/template.csv")
def list_template() -> ResponseReturnValue:
    return (
        appraisal_list.template_csv(),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": "attachment; filename=appraisal-list-template.csv",
        },
    )
