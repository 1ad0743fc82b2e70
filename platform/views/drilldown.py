"""Drill-down for the bureau: the timeline of an organisation, student or placement, and its ZIP."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, send_file
from flask.typing import ResponseReturnValue
from flask_login import login_required

from skillbridge.models import Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_database, get_session
from skillbridge.platform.document_store import get_document_store
from skillbridge.platform.services.placements import agreements as placement_agreements
from skillbridge.platform.services.reporting import evidence
from skillbridge.platform.services.reporting import timeline as timeline_service
from skillbridge.platform.views.placements import LABELS as PLACEMENT_LABELS

bp = Blueprint("drilldown", __name__, url_prefix="/bureau/drilldown")


@bp.before_request
@login_required
@role_required(Role.BUREAU)
def _bureau_only() -> None:
    """Timelines and evidence bundles are the bureau's inspection tools."""


@bp.get("/<kind>/<int:object_id>")
def timeline(kind: str, object_id: int) -> ResponseReturnValue:
    return render_template(
        "dashboard/timeline.html",
        timeline=timeline_service.timeline(get_session(), actor(), kind, object_id),
    )


def _printable_agreement(placement_id: int) -> str:
    """The placements engineer's printable agreement, rendered as the bureau would see it."""
    signing = placement_agreements.signing_page(get_session(), actor(), placement_id, date.today())
    return render_template(
        "placements/agreement.html",
        page=signing.page,
        version=signing.version,
        **PLACEMENT_LABELS,
    )


@bp.get("/<kind>/<int:object_id>/evidence.zip")
def evidence_bundle(kind: str, object_id: int) -> ResponseReturnValue:
    # The download is audited, and the bundle issues document versions (its cover, older
    # agreements' first version): a writing session of its own, as for a single document.
    with get_database().session_scope() as db:
        name, bundle = evidence.build_bundle(
            db, actor(), kind, object_id, _printable_agreement, get_document_store().storage
        )
    return send_file(bundle, mimetype="application/zip", as_attachment=True, download_name=name)
