"""An organisation's webhook endpoints and their delivery log, for its admin."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from skillbridge.models import Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services import bounds
from skillbridge.platform.services.webhooks import endpoints
from skillbridge.platform.services.webhooks.outbox import EVENT_TYPES

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@bp.before_request
@login_required
@role_required(Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU)
def _organisations_only() -> None:
    """Endpoints belong to schools, enterprises and bureaus; the services check the admin."""


def _index(secret: str | None = None, status: int = 200) -> ResponseReturnValue:
    page = endpoints.list_endpoints(get_session(), actor(), bounds.page_arg(request.args))
    response = make_response(
        render_template(
            "webhooks/index.html", endpoints=page, event_types=EVENT_TYPES, secret=secret
        ),
        status,
    )
    if secret is not None:
        # The secret is in this answer only: no cache, no back button, may keep it.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def index() -> ResponseReturnValue:
    return _index()


@bp.post("/")
def create() -> ResponseReturnValue:
    db = get_session()
    _endpoint, secret = endpoints.create_endpoint(
        db,
        actor(),
        endpoints.NewEndpoint(request.form.get("url", ""), request.form.getlist("event_types")),
        id_keys(),
        bool(current_app.config["WEBHOOKS_ALLOW_PRIVATE_URLS"]),
    )
    db.commit()
    # Shown in this answer and never again (the database keeps it encrypted): no redirect, no
    # flash in the session cookie.
    return _index(secret=secret, status=201)


@bp.post("/<int:endpoint_id>/active")
def set_active(endpoint_id: int) -> ResponseReturnValue:
    db = get_session()
    active = request.form.get("active") == "1"
    endpoints.set_active(db, actor(), endpoint_id, active)
    db.commit()
    flash(_("Webhook 地址已启用") if active else _("Webhook 地址已停用"), "success")
    return redirect(url_for("webhooks.index"))


@bp.post("/<int:endpoint_id>/delete")
def delete(endpoint_id: int) -> ResponseReturnValue:
    db = get_session()
    endpoints.delete_endpoint(db, actor(), endpoint_id)
    db.commit()
    flash(_("Webhook 地址已删除"), "success")
    return redirect(url_for("webhooks.index"))


@bp.post("/<int:endpoint_id>/test")
def send_test(endpoint_id: int) -> ResponseReturnValue:
    db = get_session()
    endpoints.send_test(db, actor(), endpoint_id)
    db.commit()
    flash(_("测试事件已发出，结果见投递记录"), "success")
    return redirect(url_for("webhooks.deliveries", endpoint_id=endpoint_id))


@bp.get("/<int:endpoint_id>/deliveries")
def deliveries(endpoint_id: int) -> ResponseReturnValue:
    endpoint, page = endpoints.delivery_log(
        get_session(), actor(), endpoint_id, bounds.page_arg(request.args)
    )
    return render_template("webhooks/deliveries.html", endpoint=endpoint, deliveries=page)
