"""Security headers on every response, a CSP that inline code cannot pass, and a strict ENV switch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from skillbridge.platform.app import create_app
from skillbridge.platform.config import ConfigError, load_config

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


# Production also needs the national-ID keys of its own.
PRODUCTION_KEYS = {
    "SKILLBRIDGE_ID_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "SKILLBRIDGE_ID_HASH_KEY": "h" * 48,
}


def _production_app(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SKILLBRIDGE_ENV", "production")
    monkeypatch.setenv("SKILLBRIDGE_SECRET_KEY", "p" * 48)
    for name, value in PRODUCTION_KEYS.items():
        monkeypatch.setenv(name, value)
    return create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite://"})


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().partition(" ")[::2] for part in header.split(";") if part.strip())


def test_production_sends_csp_without_inline_code_no_framing_nosniff_referrer_and_hsts(
    tmp_path, monkeypatch
):  # type: ignore[no-untyped-def]
    client = _production_app(tmp_path, monkeypatch).test_client()
    response = client.get("/login", base_url="https://skillbridge.example")
    assert response.status_code == 200
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["default-src"] == "'self'" and csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    session_cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert session_cookie and "Secure" in session_cookie[0]


def test_development_sends_the_same_csp_but_no_hsts_and_keeps_cookies_plain(app, client):  # type: ignore[no-untyped-def]
    # HSTS on a developer's loopback would pin it to HTTPS; Talisman would also force Secure
    # cookies, which a plain-HTTP development server then never gets back.
    response = client.get("/lang/en", base_url="https://localhost")  # sets the session cookie
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response.headers
    session_cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert session_cookie and "Secure" not in session_cookie[0]
    assert app.config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize(
    "path", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
)
def test_no_template_carries_code_or_style_the_csp_would_block(path):
    text = (TEMPLATES / path).read_text(encoding="utf-8")
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert found == []


def test_the_scanner_finds_each_kind_of_inline_code():
    # The template check above can fail: each pattern catches what it names.
    samples = {
        "inline script": "<script>poll()</script>",
        "event handler attribute": '<button onclick="window.print()">',
        "style element": "<style>body {}</style>",
        "style attribute": '<div style="width: 5%">',
        "javascript: URL": '<a href="javascript:void(0)">',
    }
    assert {
        name: bool(INLINE[name].search(text)) for name, text in samples.items()
    } == dict.fromkeys(samples, True)
    assert not INLINE["inline script"].search('<script src="/static/run-status.js"></script>')


def test_the_moved_code_is_served_as_files(client):  # type: ignore[no-untyped-def]
    for name in ("skillbridge.css", "run-status.js", "print.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        response.close()


@pytest.mark.parametrize(
    "value", ["Production", "PRODUCTION", "prod", " production", "production ", "dev", "", "1"]
)
def test_an_unknown_environment_refuses_to_start(tmp_path, value):
    environ = {"SKILLBRIDGE_ENV": value, "SKILLBRIDGE_SECRET_KEY": "p" * 48}
    with pytest.raises(ConfigError, match="SKILLBRIDGE_ENV"):
        load_config({"INSTANCE_PATH": str(tmp_path)}, environ)


@pytest.mark.parametrize("value", ["development", "production"])
def test_the_known_environments_start(tmp_path, value):
    environ = {"SKILLBRIDGE_ENV": value, "SKILLBRIDGE_SECRET_KEY": "p" * 48, **PRODUCTION_KEYS}
    assert load_config({"INSTANCE_PATH": str(tmp_path)}, environ)["ENV"] == value
