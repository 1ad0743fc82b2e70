"""An organisation's API clients (API 客户端): issue a scoped key shown once, list, revoke."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms.fields.choices import SelectChoice

from skillbridge.models import Role
from skillbridge.platform.auth import actor, role_required
from skillbridge.platform.db import get_session
from skillbridge.platform.forms import ApiClientForm, invalid_form
from skillbridge.platform.services import bounds
from skillbridge.platform.services.api_clients import clients
from skillbridge.platform.services.api_clients.scopes import BY_NAME, scopes_for

bp = Blueprint("api_clients", __name__, url_prefix="/api-clients")
NAV = [(("school", "enterprise", "bureau"), "api_clients.index", _l("API 客户端"))]


@bp.before_request
@login_required
@role_required(Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU)
def _organisations_only() -> None:
    """Clients belong to schools, enterprises and bureaus; the services check the admin."""


def _form() -> ApiClientForm:
    form = ApiClientForm()
    form.scopes.choices = [
        SelectChoice(scope.name, f"{scope.name} · {_(scope.label)}")
        for scope in scopes_for(actor().role)
    ]
    return form


def _page(form: ApiClientForm, new_key: str | None = None) -> str:
    listed = clients.list_clients(get_session(), actor(), bounds.page_arg(request.args))
    return render_template(
        "api_clients/index.html", clients=listed, form=form, new_key=new_key, scopes=BY_NAME
    )


@bp.get("/")
def index() -> ResponseReturnValue:
    return _page(_form())


@bp.post("/")
def create() -> ResponseReturnValue:
    form = _form()
    if not form.validate_on_submit():
        raise invalid_form(form)
    db = get_session()
    client, key = clients.create_client(
        db, actor(), clients.NewClient(form.name.data, tuple(form.scopes.data))
    )
    db.commit()
    # The key is in this answer only (never in a flash message: the session cookie is signed,
    # not encrypted); the database keeps its hash.
    flash(_("已创建 API 客户端「%(name)s」", name=client.name), "success")
    return _page(_form(), new_key=key), 201


@bp.post("/<int:client_id>/revoke")
def revoke(client_id: int) -> ResponseReturnValue:
    db = get_session()
    client = clients.revoke_client(db, actor(), client_id)
    db.commit()
    flash(_("已吊销 API 客户端「%(name)s」，其密钥立即失效", name=client.name), "success")
    return redirect(url_for("api_clients.index"))
