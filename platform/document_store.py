"""The Flask glue of document storage: one DocumentStore per app, built from its configuration."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from skillbridge.platform.policy.document_kinds import MIB
from skillbridge.platform.services.documents.storage import storage_from_url
from skillbridge.platform.services.documents.uploads import DocumentStore

EXTENSION_KEY = "skillbridge.documents"


def init_app(app: Flask) -> None:
    """Attach the store DOCUMENT_STORAGE_URL names (default: files under the instance folder)."""
    storage = storage_from_url(app.config["DOCUMENT_STORAGE_URL"], Path(app.instance_path))
    app.extensions[EXTENSION_KEY] = DocumentStore(storage, app.config["DOCUMENT_QUOTA_MIB"] * MIB)


def get_document_store(app: Flask | None = None) -> DocumentStore:
    """The DocumentStore of `app` (the current app by default)."""
    return (app or current_app).extensions[EXTENSION_KEY]
