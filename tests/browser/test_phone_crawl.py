"""On a 390 × 844 phone, every navigation page of every role, in both languages, fits the screen.

The demo region (its first season played) gives the pages real volume. A page fails on sideways
scrolling, on being taller than 12 screens, on an error status, or on a script the CSP blocked.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from support import SCREENSHOTS

from skillbridge.platform.db import get_database
from skillbridge.platform.demo.history import seed_demo_history
from skillbridge.platform.demo.region import DEMO_LOGINS, DEMO_PASSWORD, seed_demo_region
from skillbridge.platform.keys import id_keys

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Interface elements (navigation, headings, labels, table headers, buttons, alerts, hints) whose
# own text holds Chinese on an English page; data values (names, titles) sit in cells and links
# and are not interface, as is anything a template marks `.data` (a region's or budget's name in a
# heading). The text of child links, cells and data is removed before looking.
INTERFACE_CHINESE = r"""() => {
  const han = /[\u4e00-\u9fff]/;
  const selectors = "nav, h1, h2, h3, h4, h5, label, th, button, .btn, .alert, .form-text, legend";
  const found = new Set();
  for (const element of document.querySelectorAll(selectors)) {
    if (element.closest(".data")) continue;
    const copy = element.cloneNode(true);
    copy.querySelectorAll("td, a:not(.btn):not(.nav-link), .data, select, option").forEach(
      (data) => data.remove());
    const text = copy.textContent.replace(/\s+/g, " ").trim();
    if (han.test(text.replace("中文", ""))) found.add(text.slice(0, 80));
  }
  return [...found];
}"""
MAX_SCREENS = 12


@dataclass(frozen=True)
class Visit:
    role: str
    language: str
    path: str
    status: int
    width: int
    height: int
    blocked: tuple[str, ...]
    chinese: tuple[str, ...] = ()

    def problems(self) -> list[str]:
        found = []
        if self.status >= 400:
            found.append(f"status {self.status}")
        if self.width > PHONE["width"]:
            found.append(f"{self.width} px wide")
        if self.height > MAX_SCREENS * PHONE["height"]:
            found.append(f"{self.height / PHONE['height']:.1f} screens tall")
        found.extend(f"CSP: {message}" for message in self.blocked)
        found.extend(f"Chinese in the English interface: {text!r}" for text in self.chinese)
        return found


@pytest.fixture
def demo_region(app, session) -> dict[str, str]:  # type: ignore[no-untyped-def]
    logins = seed_demo_region(session, 7, keys=id_keys(app), scale=0.2)
    session.commit()
    seed_demo_history(get_database(app), 7)
    return logins


def _crawl(browser, live_url: str, role: str, email: str) -> list[Visit]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    visits: list[Visit] = []
    try:
        page = context.new_page()
        blocked: list[str] = []
        page.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{live_url}/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_url}/dashboard")
        paths = page.eval_on_selector_all(
            "#site-nav .navbar-nav a.nav-link", "links => links.map(a => a.pathname)"
        )
        assert "/dashboard" in paths and len(paths) >= 3, paths
        for language in ("zh", "en"):
            page.goto(f"{live_url}/lang/{language}")
            for path in paths:
                blocked.clear()
                response = page.goto(f"{live_url}{path}")
                assert response is not None
                width, height = page.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
                )
                chinese = page.evaluate(INTERFACE_CHINESE) if language == "en" else []
                visits.append(
                    Visit(
                        role,
                        language,
                        path,
                        response.status,
                        width,
                        height,
                        tuple(blocked),
                        tuple(chinese),
                    )
                )
                if language == "zh":
                    slug = path.strip("/").replace("/", "-") or "home"
                    page.screenshot(path=str(SCREENSHOTS / f"phone-{role}-{slug}.png"))
            # The menu is collapsed on a phone and opens with its button.
            assert not page.locator("#site-nav").is_visible()
            page.click("button.navbar-toggler")
            page.wait_for_selector("#site-nav.show:not(.collapsing)")
            page.screenshot(path=str(SCREENSHOTS / f"phone-{role}-menu-{language}.png"))
    finally:
        context.close()
    return visits


def test_every_navigation_page_fits_a_phone_in_both_languages(
    demo_region, live_url, browser
) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visits = [
        visit
        for role, email in sorted(DEMO_LOGINS.items())
        for visit in _crawl(browser, live_url, role, email)
    ]
    assert len({(v.role, v.path) for v in visits}) >= 20  # the crawl really went round
    failures = [
        f"{v.role} {v.language} {v.path}: {', '.join(v.problems())}" for v in visits if v.problems()
    ]
    assert failures == [], "\n".join(failures)
