"""In Chromium at 390 × 844, logged out: the policy index and every page of each region fit."""

from __future__ import annotations

import pytest
from support import SCREENSHOTS

from skillbridge.platform.policy import load_all_packs
from skillbridge.platform.services.policy_catalogue.catalogue import PER_PAGE

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_the_public_policy_pages_fit_a_phone_in_both_languages(
    live_url, browser, compiled_catalogue
) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    wide = []
    try:
        page = context.new_page()
        for language in ("zh", "en"):
            page.goto(f"{live_url}/lang/{language}")
            paths = ["/policies/"]
            for code, pack in load_all_packs().items():
                pages = -(-len(pack.policies) // PER_PAGE)
                paths += [f"/policies/{code}?page={n}" for n in range(1, pages + 1)]
            for path in paths:
                response = page.goto(f"{live_url}{path}")
                assert response is not None and response.status == 200, path
                assert page.locator("article, .card").count() >= 1, path
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    wide.append((language, path, width))
            page.goto(f"{live_url}/policies/zhongkai")
            name = f"phone-policies-zhongkai-{language}.png"
            page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    finally:
        context.close()
    assert wide == []
