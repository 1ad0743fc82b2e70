"""The OpenAPI document and its interactive docs (Swagger UI from the installed bundle, no CDN)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, send_from_directory
from flask.typing import ResponseReturnValue
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")
#: The bundle's files the page loads; the rest of its folder (its own index page) is not served.
ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css"})


@bp.get("/openapi.json")
def spec() -> ResponseReturnValue:
    """The document, generated from the operations' schemas by flask-smorest (apispec)."""
    return current_app.extensions["skillbridge.api"].spec.to_dict()


@bp.get("/docs")
def docs() -> ResponseReturnValue:
    return render_template("api/docs.html")


@bp.get("/docs/assets/<name>")
def asset(name: str) -> ResponseReturnValue:
    if name not in ASSETS:
        abort(404)
    return send_from_directory(str(swagger_ui_path), name, max_age=24 * 3600)
