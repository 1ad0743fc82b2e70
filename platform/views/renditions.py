"""The generated PDFs of a placement: its agreement, internship plan and completion certificate."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, send_file
from flask.typing import ResponseReturnValue
from flask_login import login_required

from skillbridge.models import Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.services.placements import documents
from skillbridge.platform.services.placements.documents import RenderedPdf

bp = Blueprint("renditions", __name__, url_prefix="/pdf")
PARTIES_AND_BUREAU = (Role.STUDENT, Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU)


@bp.before_request
@login_required
def _authenticated() -> None:
    """Generated documents are never public; the services check who sees which placement."""


def _send(pdf: RenderedPdf) -> ResponseReturnValue:
    sha256 = pdf.version.content_sha256  # read before the commit expires the row
    # Rendering may have issued the document's first version and kept its PDF.
    get_session().commit()
    response = send_file(
        BytesIO(pdf.data),
        mimetype="application/pdf",
        as_attachment=False,
        download_name=pdf.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Document-SHA256"] = sha256
    return response


@bp.get("/placements/<int:placement_id>/agreement.pdf")
@role_required(*PARTIES_AND_BUREAU)
def agreement(placement_id: int) -> ResponseReturnValue:
    return _send(documents.agreement_pdf(get_session(), actor(), placement_id))


@bp.get("/placements/<int:placement_id>/plan.pdf")
@role_required(*PARTIES_AND_BUREAU)
def plan(placement_id: int) -> ResponseReturnValue:
    return _send(documents.plan_pdf(get_session(), actor(), placement_id))


@bp.get("/placements/<int:placement_id>/certificate.pdf")
@role_required(*PARTIES_AND_BUREAU)
def certificate(placement_id: int) -> ResponseReturnValue:
    return _send(documents.certificate_pdf(get_session(), actor(), placement_id))
