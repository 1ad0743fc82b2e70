"""Documents: a record's documents page, uploads, file downloads and previews, 补正 requests."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from skillbridge.platform.auth import actor
from skillbridge.platform.db import get_database, get_session
from skillbridge.platform.document_store import get_document_store
from skillbridge.platform.downloads import document_response
from skillbridge.platform.policy.document_kinds import MIB, document_kinds
from skillbridge.platform.redirects import safe_next
from skillbridge.platform.security_headers import framable_by_this_site
from skillbridge.platform.services.documents import access, review, uploads
from skillbridge.platform.services.documents.review import REASON_MAX_CHARS

bp = Blueprint("documents", __name__, url_prefix="/documents")

#: One upload request carries one file: the largest kind's limit plus the form's other fields.
UPLOAD_REQUEST_MAX_BYTES = max(k.max_bytes for k in document_kinds().values()) + MIB


class UploadForm(FlaskForm):
    kind = StringField(validators=[DataRequired(), Length(max=40)])
    file = FileField(validators=[FileRequired()])
    submit = SubmitField()


class RequestForm(FlaskForm):
    kind = StringField(validators=[DataRequired(), Length(max=40)])
    reason = TextAreaField(validators=[DataRequired(), Length(max=REASON_MAX_CHARS)])
    submit = SubmitField()


@bp.before_request
@login_required
def _authenticated() -> None:
    """Nothing here is public; who sees which record's documents is the services' to decide."""
    request.max_content_length = UPLOAD_REQUEST_MAX_BYTES


@bp.app_context_processor
def _panel_helpers() -> dict:
    """`documents_of(type, id)` for the documents panel that review pages include."""

    def documents_of(owner_type: str, owner_id: int) -> access.RecordDocuments | None:
        return access.panel_documents(get_session(), actor(), owner_type, owner_id)

    return {"documents_of": documents_of}


def _back(owner_type: str, owner_id: int) -> str:
    fallback = url_for("documents.record", owner_type=owner_type, owner_id=owner_id)
    return safe_next(request.form.get("next") or request.args.get("next"), fallback)


@bp.get("/<owner_type>/<int:owner_id>")
def record(owner_type: str, owner_id: int) -> ResponseReturnValue:
    found = access.record_documents(get_session(), actor(), owner_type, owner_id)
    return render_template("documents/record.html", record=found)


@bp.post("/<owner_type>/<int:owner_id>")
def upload(owner_type: str, owner_id: int) -> ResponseReturnValue:
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("请选择要上传的文件"), "danger")
        return redirect(_back(owner_type, owner_id))
    db = get_session()
    file = form.file.data
    uploads.upload_documents(
        db,
        get_document_store(),
        actor(),
        owner_type,
        owner_id,
        [uploads.Upload(form.kind.data, file.filename or "", file.stream)],
    )
    db.commit()
    flash(_("材料已上传"), "success")
    return redirect(_back(owner_type, owner_id))


@bp.post("/<owner_type>/<int:owner_id>/requests")
def request_correction(owner_type: str, owner_id: int) -> ResponseReturnValue:
    form = RequestForm()
    # Who may ask is settled before what was sent: others get 404/403, never a form message.
    review.reviewable_owner(get_session(), actor(), owner_type, owner_id)
    if not form.validate_on_submit():
        flash(_("要求补正时必须说明理由"), "danger")
        return redirect(_back(owner_type, owner_id))
    db = get_session()
    review.request_document(
        db, actor(), owner_type, owner_id, form.kind.data, form.reason.data or ""
    )
    db.commit()
    flash(_("已通知对方补正材料"), "success")
    return redirect(_back(owner_type, owner_id))


@bp.get("/files/<int:document_id>")
@framable_by_this_site
def file(document_id: int) -> ResponseReturnValue:
    """The file as an attachment, or inline (`?inline=1`) for the previews on review pages."""
    # A GET that writes (the download's audit entry) takes a writing session of its own: on
    # SQLite a reading transaction cannot become a writer while the previews of one page
    # arrive together, and the writing one queues for the lock instead.
    with get_database().session_scope() as db:
        opened = access.open_document(db, get_document_store().storage, actor(), document_id)
    return document_response(opened, inline=request.args.get("inline") == "1")
