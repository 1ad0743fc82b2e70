"""The instance's national-ID keys, built once per app from its configuration."""

from __future__ import annotations

from flask import Flask, current_app

from skillbridge.platform.services.identity import IdentityKeys

_EXTENSION = "skillbridge.id_keys"


def init_id_keys(app: Flask) -> None:
    """Build the key set from ID_ENCRYPTION_KEYS (newest first) and ID_HASH_KEY."""
    app.extensions[_EXTENSION] = IdentityKeys(
        tuple(app.config["ID_ENCRYPTION_KEYS"]), str(app.config["ID_HASH_KEY"])
    )


def id_keys(app: Flask | None = None) -> IdentityKeys:
    """The key set of `app` (default: the current app)."""
    return (app or current_app).extensions[_EXTENSION]
