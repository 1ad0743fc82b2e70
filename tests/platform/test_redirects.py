"""No `next=` payload sends the browser off the site; a same-site path is still followed."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from support import PASSWORD

from skillbridge.platform.redirects import safe_next

# Each was tried against login and the language switch; the first two left the site on main.
OFF_SITE = [
    "/\t/evil.example",
    "/\tevil",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\n//evil.example",
    " //evil.example",
    "/\x00/evil.example",
    "/\u200b/evil.example",
    "/\u3000/evil.example",
    "\\\\evil",
    "/\\evil",
    "\\/evil",
    "https://evil",
    "HTTPS://evil",
    "javascript:alert(1)",
    "//evil",
    "///evil",
    "evil.example",
    "https:/evil",
]
SAME_SITE = ["/placements/", "/placements/?page=2", "/slots/3#seats"]


def _leaves_site(location: str) -> bool:
    parts = urlsplit(location)
    return bool(parts.scheme or parts.netloc) or location.startswith("//") or "\\" in location


@pytest.mark.parametrize("payload", OFF_SITE)
def test_safe_next_refuses_every_off_site_payload(payload):
    assert safe_next(payload, "/home") == "/home"


@pytest.mark.parametrize("path", SAME_SITE)
def test_safe_next_keeps_a_same_site_path(path):
    assert safe_next(path, "/home") == path


def test_the_probes_urls_stay_on_the_site(client, world):
    # Exactly as the probe sent them: both redirected to //evil.example on main.
    response = client.get("/lang/zh?next=/%09/evil.example")
    assert response.headers["Location"] == "/dashboard"
    login = client.post(
        "/login?next=/%09/evil.example/phish",
        data={"email": world.users["school"].email, "password": PASSWORD},
    )
    assert login.headers["Location"] == "/dashboard"


def test_language_switch_and_login_never_redirect_off_site(client, world):
    for payload in OFF_SITE:
        url = f"/lang/zh?next={quote(payload, safe='')}"
        response = client.get(url)
        assert response.status_code == 302, payload
        assert not _leaves_site(response.headers["Location"]), (payload, response.headers)
        login = client.post(
            f"/login?next={quote(payload, safe='')}",
            data={"email": world.users["school"].email, "password": PASSWORD},
        )
        assert login.status_code == 302, payload
        assert not _leaves_site(login.headers["Location"]), (payload, login.headers)
        assert urlsplit(login.headers["Location"]).path == "/dashboard", payload
        client.post("/logout")


def test_language_switch_and_login_follow_a_same_site_path(client, world):
    assert client.get("/lang/en?next=/slots/%3Fpage%3D2").headers["Location"] == "/slots/?page=2"
    login = client.post(
        "/login?next=/placements/",
        data={"email": world.users["school"].email, "password": PASSWORD},
    )
    assert login.headers["Location"] == "/placements/"
