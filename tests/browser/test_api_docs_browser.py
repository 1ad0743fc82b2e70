"""The interactive API docs render in Chromium from local files under the strict CSP."""

from __future__ import annotations

import pytest

from skillbridge.platform.security_headers import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser
METHODS = {"get", "post", "put", "patch", "delete"}  # a path's other keys: its parameters


def test_swagger_ui_shows_every_operation_without_a_csp_violation(app, live_url, browser) -> None:  # type: ignore[no-untyped-def]
    assert "'unsafe-inline'" not in str(CONTENT_SECURITY_POLICY)
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    operations = sum(method in METHODS for path in spec["paths"].values() for method in path)
    context = browser.new_context()
    try:
        page = context.new_page()
        blocked: list[str] = []
        outside: list[str] = []
        page.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith((live_url, "data:")) else None,
        )
        response = page.goto(f"{live_url}/api/v1/docs")
        assert response is not None and response.status == 200
        page.wait_for_selector(".opblock")
        shown = page.locator(".opblock").count()
        assert shown == operations, (shown, operations)
        assert blocked == [] and outside == []
    finally:
        context.close()
