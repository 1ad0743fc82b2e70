"""Configuration: defaults, then SKILLBRIDGE_* environment variables, then an explicit mapping."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ENV_PREFIX = "SKILLBRIDGE_"
DEV_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 - refused in production below
MIN_SECRET_KEY_LENGTH = 32
# SKILLBRIDGE_ENV is compared exactly: "Production" or "prod" once ran with the development key.
ENVIRONMENTS = ("development", "production")


class ConfigError(RuntimeError):
    """The configuration cannot run the application safely."""


def defaults(instance_path: Path) -> dict[str, Any]:
    """Settings that make a development instance work out of the box on SQLite."""
    return {
        "ENV": "development",
        "SECRET_KEY": DEV_SECRET_KEY,
        "DATABASE_URL": f"sqlite:///{instance_path / 'skillbridge.db'}",
        "REDIS_URL": None,
        "ID_HASH_KEY": None,
        "LOGIN_RATE_LIMIT": "5 per minute",
        "RATELIMIT_ENABLED": True,
        # If Redis (the shared limit storage) goes down, each process keeps counting the same
        # limits in memory instead of failing every login; Redis is retried and resumes.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # An unreachable Redis must fail fast, not hold a request until the TCP timeout.
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "WTF_CSRF_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "zh",
        "LANGUAGES": ("zh", "en"),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    }


def _coerce(value: str) -> Any:
    """Environment values are strings; turn the obvious booleans and integers into Python values."""
    lowered = value.strip().lower()
    if lowered in {"true", "yes", "on"}:
        return True
    if lowered in {"false", "no", "off"}:
        return False
    if lowered.isdigit():
        return int(lowered)
    return value


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Every SKILLBRIDGE_X variable becomes setting X."""
    return {
        key[len(ENV_PREFIX) :]: _coerce(value)
        for key, value in environ.items()
        if key.startswith(ENV_PREFIX) and len(key) > len(ENV_PREFIX)
    }


def load_config(
    mapping: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Merge the three layers and apply the production rules."""
    environ = os.environ if environ is None else environ
    env_settings = from_environment(environ)
    explicit = dict(mapping or {})
    instance = Path(
        explicit.get("INSTANCE_PATH")
        or env_settings.get("INSTANCE_PATH")
        or Path.cwd() / "instance"
    ).resolve()
    settings = defaults(instance)
    settings.update(env_settings)
    settings.update(explicit)
    settings["INSTANCE_PATH"] = str(instance)
    if settings.get("ID_HASH_KEY") is None:
        settings["ID_HASH_KEY"] = settings["SECRET_KEY"]
    if settings["ENV"] not in ENVIRONMENTS:
        raise ConfigError(
            f"SKILLBRIDGE_ENV must be exactly one of {', '.join(ENVIRONMENTS)}; "
            f"got {settings['ENV']!r}."
        )
    if settings["ENV"] == "production":
        _apply_production_rules(settings)
    return settings


def _apply_production_rules(settings: dict[str, Any]) -> None:
    """Production refuses the development key and sends cookies only over HTTPS."""
    key = settings.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            "Production needs SKILLBRIDGE_SECRET_KEY: a random secret of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters (e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')."
        )
    settings["SESSION_COOKIE_SECURE"] = True
    settings["REMEMBER_COOKIE_SECURE"] = True
