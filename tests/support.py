"""Helpers shared by the test modules: service availability, unique numbers, valid codes."""

from __future__ import annotations

import itertools
import os
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from skillbridge.models import User
from skillbridge.platform.services.passwords import hash_password

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("SKILLBRIDGE_TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("SKILLBRIDGE_TEST_REDIS_URL", "")
PASSWORD = "correct horse battery"
PASSWORD_HASH = hash_password(PASSWORD)
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
# Debian's build: Playwright's own browser downloads fail on the networks this runs on.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def require_service(name: str, available: bool, reason: str) -> None:
    """Skip when a service is absent on a developer machine; fail under CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{name} is required under CI but unavailable: {reason}")
    pytest.skip(f"{name} unavailable: {reason}")


def make_test_config(database_url: str, tmp_path, **overrides) -> dict:  # type: ignore[no-untyped-def]
    """The settings every test app starts from."""
    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return config


_sequence = itertools.count(1)


def next_number() -> int:
    """A process-wide unique number for codes, names and emails."""
    return next(_sequence)


def valid_uscc(n: int) -> str:
    """A USCC with a correct check character, unique per n."""
    from stdnum.cn import uscc

    body = f"91440300{n:09d}"
    return body + uscc.calc_check_digit(body)


def valid_national_id(n: int, birth: date = date(2005, 3, 1)) -> str:
    """A resident ID with a correct checksum, unique per n."""
    from stdnum.cn import ric

    body = f"440303{birth:%Y%m%d}{n % 1000:03d}"
    # stdnum's ric.calc_check_digit reads the first 17 of 18 characters: pad the body.
    return body + ric.calc_check_digit(body + "0")


def login(client: FlaskClient, user: User) -> None:
    """Log `client` in through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
