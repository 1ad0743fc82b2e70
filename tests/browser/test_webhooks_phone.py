"""In Chromium at 390 × 844: an admin registers a webhook, copies its secret once, sends a test
event and reads the delivery log, and every page fits the phone's width."""

from __future__ import annotations

import time

import pytest
from support import PASSWORD, SCREENSHOTS
from webhook_support import Receiver

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_registering_and_testing_a_webhook_on_a_phone(live_url, browser, world) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    receiver = Receiver()
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    widths = {}
    try:
        page = context.new_page()
        page.goto(f"{live_url}/login")
        page.fill("input[name=email]", world.users["school"].email)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_url}/dashboard")
        page.goto(f"{live_url}/staff/")
        page.click("a[href='/webhooks/']")
        page.fill("input[name=url]", receiver.url)
        page.check("input[value='offer.accepted']")
        page.check("input[value='placement.started']")
        page.click("form[action='/webhooks/'] button[type=submit]")
        secret = page.inner_text("#webhook-secret").strip()
        assert secret.startswith("whsec_")
        widths["created"] = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(SCREENSHOTS / "phone-webhooks-created.png"), full_page=True)
        page.goto(f"{live_url}/webhooks/")
        assert secret not in page.content()
        receiver.secret = secret
        with page.expect_navigation():
            page.click("text=发送测试事件")
        log_url = page.url  # the endpoint's delivery log, where the send redirects
        assert "/deliveries" in log_url
        # No Redis here: a thread of the server delivers it, and the log shows it once recorded.
        deadline = time.monotonic() + 15
        while not ("已送达" in page.content() and "HTTP 200" in page.content()):
            assert time.monotonic() < deadline, "the test delivery never showed as delivered"
            time.sleep(0.2)
            page.goto(log_url)
        widths["log"] = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(SCREENSHOTS / "phone-webhooks-log.png"), full_page=True)
    finally:
        context.close()
        receiver.close()
    assert [r.verified for r in receiver.received] == [True]
    assert all(width <= PHONE["width"] for width in widths.values()), widths
