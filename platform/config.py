"""Configuration: defaults, then SKILLBRIDGE_* environment variables, then an explicit mapping."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ENV_PREFIX = "SKILLBRIDGE_"
DEV_SECRET_KEY = "dev-only-insecure-secret-key"  # refused in production below
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
        # Keys of the national-ID cipher (Fernet, newest first) and of its uniqueness hash;
        # development derives both from the secret key, production must set its own.
        "ID_ENCRYPTION_KEYS": None,
        "ID_HASH_KEY": None,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted.
        "PROXY_HOPS": 0,
        # Wrong logins per (address, account), per account from anywhere, and every login POST
        # per address: one person's typos never lock out the next person behind the same proxy.
        "LOGIN_RATE_LIMIT": "5 per minute",
        "LOGIN_ACCOUNT_RATE_LIMIT": "10 per hour",
        "LOGIN_ADDRESS_RATE_LIMIT": "60 per minute",
        "REGISTRATION_RATE_LIMIT": "10 per hour",
        "PASSWORD_CHANGE_RATE_LIMIT": "5 per 15 minutes",
        # Calls per API client (its key), in the login limits' storage (Redis when configured).
        "API_RATE_LIMIT": "600 per minute",
        # Claims approved above this amount (yuan) are paid by a second bureau user.
        "PAYMENT_FOUR_EYES_ABOVE_YUAN": 10_000,
        # Leave longer than this many days needs the assigned teacher's approval after the mentor's.
        "LEAVE_TEACHER_ABOVE_DAYS": 3,
        # Signed audit checkpoints written by `skillbridge daily`, kept outside the database.
        "CHECKPOINT_DIR": None,
        # Audit entries are chained by a thread of each process this long after a commit woke
        # it, many in one transaction; 0 chains each commit's entries at once, in its thread.
        "AUDIT_CHAIN_LINGER_MS": 100,
        "CHECKPOINT_KEY_FILE": None,
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
        # Where uploaded documents are stored: empty for files under the instance folder,
        # file:///dir, or s3://bucket/prefix?endpoint=URL (README: document storage).
        "DOCUMENT_STORAGE_URL": None,
        # Storage each school or enterprise may fill with documents (deleted ones do not count).
        "DOCUMENT_QUOTA_MIB": 500,
        # ── reminders ── `skillbridge daily` mails each user's digest when SMTP_URL is set
        # (smtp://user:pass@host:port, ?starttls=true, or smtps:// for TLS from the start),
        # from MAIL_FROM, with links under BASE_URL (the address users open the site at).
        "SMTP_URL": None,
        "SMTP_TIMEOUT_SECONDS": 10,
        "MAIL_FROM": "SkillBridge 校企通 <noreply@skillbridge.invalid>",
        "BASE_URL": "http://127.0.0.1:5000",
        # ── webhooks ── endpoint URLs may be http or reach loopback/private addresses only when
        # this is on (empty: on in development, off in production), checked at registration and
        # at every delivery; attempts per delivery and the waits (seconds) between them.
        "WEBHOOKS_ALLOW_PRIVATE_URLS": None,
        "WEBHOOKS_MAX_ATTEMPTS": 6,
        "WEBHOOKS_RETRY_INTERVALS": "10,60,300,1800,7200",
        "WEBHOOKS_TIMEOUT_SECONDS": 10,
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
    if settings["ENV"] not in ENVIRONMENTS:
        raise ConfigError(
            f"SKILLBRIDGE_ENV must be exactly one of {', '.join(ENVIRONMENTS)}; "
            f"got {settings['ENV']!r}."
        )
    if settings["ENV"] == "production":
        _apply_production_rules(settings)
    _apply_identity_keys(settings)
    _check_proxy_hops(settings)
    _apply_webhook_settings(settings)
    return settings


def _apply_webhook_settings(settings: dict[str, Any]) -> None:
    """Private URLs follow the environment unless set; the retry waits become whole seconds."""
    if settings["WEBHOOKS_ALLOW_PRIVATE_URLS"] is None:
        settings["WEBHOOKS_ALLOW_PRIVATE_URLS"] = settings["ENV"] == "development"
    raw = settings["WEBHOOKS_RETRY_INTERVALS"]
    try:
        intervals = (
            [int(part) for part in str(raw).split(",") if part.strip()]
            if isinstance(raw, str | int)
            else [int(part) for part in raw]
        )
    except ValueError as exc:
        raise ConfigError(
            f"SKILLBRIDGE_WEBHOOKS_RETRY_INTERVALS must be comma-separated seconds, not {raw!r}"
        ) from exc
    attempts = settings["WEBHOOKS_MAX_ATTEMPTS"]
    if not intervals or any(i < 0 for i in intervals):
        raise ConfigError("SKILLBRIDGE_WEBHOOKS_RETRY_INTERVALS needs one or more waits >= 0")
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        raise ConfigError(
            f"SKILLBRIDGE_WEBHOOKS_MAX_ATTEMPTS must be a whole number >= 1, not {attempts!r}"
        )
    settings["WEBHOOKS_RETRY_INTERVALS"] = intervals


def _check_proxy_hops(settings: dict[str, Any]) -> None:
    """PROXY_HOPS is a count of trusted proxies: a whole number, 0 for none."""
    hops = settings["PROXY_HOPS"]
    if isinstance(hops, bool) or not isinstance(hops, int) or hops < 0:
        raise ConfigError(
            f"SKILLBRIDGE_PROXY_HOPS must be 0 or a positive whole number, not {hops!r}"
        )


def _derive_key(secret: str, label: str) -> str:
    """A development key of its own, derived from the secret key (stable across restarts)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode())
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode())).decode()


def _apply_identity_keys(settings: dict[str, Any]) -> None:
    """Fill in development ID keys; refuse any ID key that equals the secret key."""
    secret = settings["SECRET_KEY"]
    raw = settings.get("ID_ENCRYPTION_KEYS")
    keys = [k.strip() for k in str(raw).split(",") if k.strip()] if raw else []
    if not keys:
        keys = [_derive_key(secret, "skillbridge national-id encryption")]
    if not settings.get("ID_HASH_KEY"):
        settings["ID_HASH_KEY"] = _derive_key(secret, "skillbridge national-id hash")
    if secret in keys or settings["ID_HASH_KEY"] == secret:
        raise ConfigError(
            "SKILLBRIDGE_ID_ENCRYPTION_KEYS and SKILLBRIDGE_ID_HASH_KEY must differ from "
            "SKILLBRIDGE_SECRET_KEY: a leaked session key must not also unlock the national IDs."
        )
    for key in keys:
        try:
            Fernet(key)
        except ValueError as exc:
            raise ConfigError(
                "SKILLBRIDGE_ID_ENCRYPTION_KEYS: every key must be a Fernet key (python -c "
                "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
            ) from exc
    settings["ID_ENCRYPTION_KEYS"] = keys


def _apply_production_rules(settings: dict[str, Any]) -> None:
    """Production refuses the development key and sends cookies only over HTTPS."""
    key = settings.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            "Production needs SKILLBRIDGE_SECRET_KEY: a random secret of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters (e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')."
        )
    if not settings.get("ID_ENCRYPTION_KEYS"):
        raise ConfigError(
            "Production needs SKILLBRIDGE_ID_ENCRYPTION_KEYS: comma-separated Fernet keys, "
            "newest first (python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')."
        )
    hash_key = settings.get("ID_HASH_KEY") or ""
    if len(str(hash_key)) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            "Production needs SKILLBRIDGE_ID_HASH_KEY: a random secret of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters, other than the secret key, never changed "
            "once students are stored (it keys the uniqueness hash of their national IDs)."
        )
    settings["SESSION_COOKIE_SECURE"] = True
    settings["REMEMBER_COOKIE_SECURE"] = True
