"""In Chromium at 390 px: a running placement's months, its change forms and its history fit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from support import PASSWORD, sign_as

from skillbridge.models import SlotKind
from skillbridge.platform.services.placements import agreements, changes, lifecycle, offers
from skillbridge.platform.services.placements.agreements import Insurance

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
START, END = date(2026, 7, 1), date(2026, 12, 31)


def _running_and_paused(session, world, factories) -> int:  # type: ignore[no-untyped-def]
    slot = factories.slot(
        world.enterprise, factories.occupation(name="车工"), kind=SlotKind.POST_INTERNSHIP,
        title="数控车工实习岗", seats=1, stipend_yuan=3000, post_wage_yuan=3500,
    )  # fmt: skip
    placement = factories.placement(world.student, slot, start_date=START, end_date=END)
    school, today = world.users["school"], START + timedelta(days=40)
    offers.publish_offers(session, school, [placement], START, START - timedelta(days=7))
    offers.accept_offer(session, world.users["student"], placement.id, START - timedelta(days=7))
    for role in ("student", "school", "enterprise"):
        sign_as(session, world.users[role], placement.id)
    cover = Insurance("中国人寿财产保险", "PICC-PHONE", START, END)
    agreements.record_insurance(session, school, placement.id, cover)
    agreements.file_internship_plan(session, school, placement.id, "计划")
    agreements.decide_internship_plan(session, world.users["bureau"], placement.id, True)
    lifecycle.start_placement(session, school, placement.id, START)
    changes.pause_placement(session, school, placement.id, today, "设备检修", today)
    session.commit()
    return placement.id


def test_the_changes_of_a_running_placement_fit_a_phone(
    session, world, factories, live_url, browser
) -> None:  # type: ignore[no-untyped-def]
    placement_id = _running_and_paused(session, world, factories)
    for role in ("school", "enterprise", "student"):
        context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
        try:
            page = context.new_page()
            page.goto(f"{live_url}/login")
            page.fill("input[name=email]", world.users[role].email)
            page.fill("input[name=password]", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url(f"{live_url}/dashboard")
            response = page.goto(f"{live_url}/placements/{placement_id}")
            assert response is not None and response.status == 200
            assert page.locator("text=实际已实习月数").count() == 1
            assert page.locator("text=实习暂停").count() >= 1  # the history
            if role != "student":
                assert page.locator("form[action$='/resume']").count() == 1
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (role, width)
        finally:
            context.close()
