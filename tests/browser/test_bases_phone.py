"""The base and studio pages on a 390 px phone, in Chinese and in English: no sideways scrolling."""

from __future__ import annotations

from datetime import date

import pytest
from support import PASSWORD, SCREENSHOTS

from skillbridge.platform.demo.factories import valid_national_id
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.bases import records, reviews
from skillbridge.platform.services.people.persons import new_person

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
BIRTH = date(2000, 4, 1)
LONG_NAME = "吴江区高端装备制造产业数控加工与智能制造技能大师工作室（国家级技能大师工作室培育单位）"


def _studio(session, app, world, number: int) -> int:  # type: ignore[no-untyped-def]
    national_id = valid_national_id(number, BIRTH)
    person = new_person(id_keys(app), national_id, f"欧阳大师{number}", BIRTH)
    session.add(person)
    session.flush()
    base = records.create_base(
        session,
        world.users["enterprise"],
        id_keys(app),
        records.BaseInput(
            kind="skill_master_studio",
            name=LONG_NAME,
            leader_name=person.name,
            leader_national_id=national_id,
            occupation_count=3,
            site_m2=260,
            capacity=40,
            yearly_intake=600,
        ),
    )
    session.commit()
    return base.id


def _login(page, live_url, user) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_url}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_url}/dashboard")


def _widths(page, live_url, paths, who: str) -> list[str]:  # type: ignore[no-untyped-def]
    failures = []
    for language in ("zh", "en"):
        page.goto(f"{live_url}/lang/{language}")
        for path in paths:
            response = page.goto(f"{live_url}{path}")
            assert response is not None
            width = int(page.evaluate("document.documentElement.scrollWidth"))
            if response.status != 200 or width > PHONE["width"]:
                failures.append(f"{who} {language} {path}: status {response.status}, {width} px")
            slug = path.strip("/").replace("/", "-")
            page.screenshot(path=str(SCREENSHOTS / f"phone-bases-{who}-{slug}-{language}.png"))
    return failures


def test_base_pages_fit_a_phone_in_both_languages(  # type: ignore[no-untyped-def]
    app, session, world, live_url, browser
) -> None:
    reviewed, waiting = _studio(session, app, world, 910), _studio(session, app, world, 911)
    reviews.review_base(session, world.users["bureau"], reviewed, 2026, {"activity": True}, "")
    session.commit()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    failures = []
    for who, paths in (
        ("enterprise", ["/bases/", "/bases/new", f"/bases/{reviewed}", f"/bases/{reviewed}/edit"]),
        ("bureau", ["/bases/", f"/bases/{reviewed}", f"/bases/{waiting}/review"]),
    ):
        context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
        try:
            page = context.new_page()
            _login(page, live_url, world.users[who])
            failures += _widths(page, live_url, paths, who)
        finally:
            context.close()
    assert failures == []
