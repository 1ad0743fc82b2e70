"""Configuration layering and the production safety rules."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from skillbridge.platform.app import create_app
from skillbridge.platform.config import DEV_SECRET_KEY, ConfigError, load_config


def test_environment_overrides_defaults_and_mapping_overrides_environment(tmp_path):
    environ = {
        "SKILLBRIDGE_DATABASE_URL": "sqlite:///env.db",
        "SKILLBRIDGE_RATELIMIT_ENABLED": "false",
    }
    settings = load_config({"INSTANCE_PATH": str(tmp_path)}, environ)
    assert settings["DATABASE_URL"] == "sqlite:///env.db"
    assert settings["RATELIMIT_ENABLED"] is False
    settings = load_config({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"}, environ)
    assert settings["DATABASE_URL"] == "sqlite://"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    settings = load_config({"INSTANCE_PATH": str(tmp_path)}, {})
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path.resolve() / 'skillbridge.db'}"


@pytest.mark.parametrize("key", [None, DEV_SECRET_KEY, "short"])
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, key):
    environ = {"SKILLBRIDGE_ENV": "production"}
    if key is not None:
        environ["SKILLBRIDGE_SECRET_KEY"] = key
    with pytest.raises(ConfigError, match="SKILLBRIDGE_SECRET_KEY"):
        load_config({"INSTANCE_PATH": str(tmp_path)}, environ)


def test_production_cookies_are_secure_httponly_and_lax(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLBRIDGE_ENV", "production")
    monkeypatch.setenv("SKILLBRIDGE_SECRET_KEY", "p" * 48)
    monkeypatch.setenv("SKILLBRIDGE_ID_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("SKILLBRIDGE_ID_HASH_KEY", "h" * 48)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("hops", ["-1", "two", "1.5"])
def test_proxy_hops_must_be_a_whole_number(tmp_path, hops):
    with pytest.raises(ConfigError, match="PROXY_HOPS"):
        load_config({"INSTANCE_PATH": str(tmp_path)}, {"SKILLBRIDGE_PROXY_HOPS": hops})
    assert (
        load_config({"INSTANCE_PATH": str(tmp_path)}, {"SKILLBRIDGE_PROXY_HOPS": "2"})["PROXY_HOPS"]
        == 2
    )
