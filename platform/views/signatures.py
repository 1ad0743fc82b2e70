"""文件核验: does a PDF or a SHA-256 match a generated version, and who signed that version."""

from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, SubmitField
from wtforms.validators import Length, Optional

from skillbridge.platform.auth import actor
from skillbridge.platform.db import get_session
from skillbridge.platform.services.signatures import verification
from skillbridge.platform.views.placements import PARTY_LABELS

bp = Blueprint("signatures", __name__, url_prefix="/signatures")
NAV = [
    (("student", "school", "enterprise", "bureau"), "signatures.verify", _l("文件核验")),
]


class VerifyForm(FlaskForm):
    document = FileField(_l("上传 PDF"))
    sha256 = StringField(_l("或输入 SHA-256 摘要"), validators=[Optional(), Length(max=80)])
    submit = SubmitField(_l("核验"))


@bp.before_request
@login_required
def _authenticated() -> None:
    """Any signed-in user holding a document (or its hash) may check it."""


@bp.get("/verify")
def verify() -> ResponseReturnValue:
    digest = request.args.get("sha256", "")
    result = verification.verify_hash(get_session(), actor(), digest) if digest else None
    return render_template(
        "signatures/verify.html",
        form=VerifyForm(sha256=digest),
        result=result,
        party_labels=PARTY_LABELS,
    )


@bp.post("/verify")
def verify_upload() -> ResponseReturnValue:
    """A lookup, not a change: the answer is rendered directly and nothing is stored."""
    form = VerifyForm()
    if not form.validate_on_submit():
        flash(_("表单有误，请重新提交"), "danger")
        return render_template("signatures/verify.html", form=form, result=None), 400
    upload = form.document.data
    if upload:
        # One byte past the limit is enough to refuse an oversized file.
        data = upload.read(verification.MAX_UPLOAD_BYTES + 1)
        result = verification.verify_file(get_session(), actor(), upload.filename or "", data)
    else:
        result = verification.verify_hash(get_session(), actor(), form.sha256.data or "")
    return render_template(
        "signatures/verify.html", form=form, result=result, party_labels=PARTY_LABELS
    )
