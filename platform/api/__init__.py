"""The JSON API under /api/v1: the same services as the pages, documented by flask-smorest.

Each resource module adds its operations to the one blueprint (blueprint.py); `init_api`
registers it with the app, generates the OpenAPI document from the operations' schemas and
serves it with its interactive docs (docs.py).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api

from skillbridge.platform.extensions import csrf, login_manager
from skillbridge.platform.routing import MAX_ROW_ID, RowIdConverter

from . import directory, employees, records, roster, slots, supervision
from .blueprint import bp, load_key_user
from .docs import bp as docs_bp
from .schemas import ErrorSchema

# Imported for the operations they add to the blueprint.
RESOURCES = (directory, employees, records, roster, slots, supervision)
SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key from the page API 客户端 (/api-clients), with its scopes.",
    },
    "session": {"type": "apiKey", "in": "cookie", "name": "session"},
}


class _Api(Api):
    """flask-smorest's Api, documenting the errors as the app's handlers answer them."""

    ERROR_SCHEMA = ErrorSchema


def _row_id_schema(_converter: Any) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}


def init_api(app: Flask) -> None:
    """Register the API and its document (before the app's error handlers, which answer for it)."""
    app.config.setdefault("API_TITLE", "SkillBridge API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "security": [{"bearer": []}, {"session": []}],
            "info": {
                "description": "An organisation's own records for its systems. Send an API key "
                "as Authorization: Bearer; each operation names the scope it needs "
                "(x-required-scope). The login session of the web pages may read."
            },
        },
    )
    api = _Api(app)
    api.register_converter(RowIdConverter, _row_id_schema)
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    api.register_blueprint(bp)
    app.register_blueprint(docs_bp)
    # A key, not a cookie, authenticates every write (blueprint.py): no CSRF token to send.
    csrf.exempt(bp)
    login_manager.request_loader(load_key_user)
    app.extensions["skillbridge.api"] = api
