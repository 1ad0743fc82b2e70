"""In Chromium: the bureau opens the dashboard, follows a chart, opens a finding, downloads evidence."""

from __future__ import annotations

import zipfile
from datetime import date, timedelta

import pytest
from support import PASSWORD, SCREENSHOTS

from skillbridge.models import (
    ComplianceFinding,
    Occupation,
    Placement,
    PlacementStatus,
    Role,
    Severity,
    Slot,
    SlotKind,
    SlotStatus,
)
from skillbridge.platform.services.placements import offers

TODAY = date.today()

pytestmark = pytest.mark.browser


@pytest.fixture
def finding(session, world, make_user) -> ComplianceFinding:  # type: ignore[no-untyped-def]
    """An accepted post internship (real services, so it has an agreement and an audit trail)
    and an open R4 finding about it."""
    occupation = Occupation(code="6-18-01-9001", name="数控车工")
    session.add(occupation)
    session.flush()
    slot = Slot(
        enterprise_id=world.enterprise.id,
        kind=SlotKind.POST_INTERNSHIP,
        title="数控车工实习岗",
        occupation_id=occupation.id,
        start_date=date(2026, 7, 1),
        duration_months=6,
        seats=3,
        stipend_yuan=3000,
        post_wage_yuan=3500,
        status=SlotStatus.OPEN,
    )
    session.add(slot)
    session.flush()
    placement = Placement(
        student_id=world.student.id,
        slot_id=slot.id,
        status=PlacementStatus.PROPOSED,
        start_date=date(2026, 7, 1),
        end_date=date(2026, 12, 31),
        months=0,
    )
    session.add(placement)
    session.flush()
    publisher = make_user(Role.SCHOOL, school_id=world.school.id)
    offers.publish_offers(session, publisher, [placement], TODAY + timedelta(days=7), TODAY)
    offers.accept_offer(session, world.users["student"], placement.id, TODAY)
    row = ComplianceFinding(
        region_id=world.region.id,
        rule_id="R4",
        severity=Severity.HIGH,
        subject_key=f"placement:{placement.id}",
        object_type="placement",
        object_id=placement.id,
        summary="岗位实习未登记意外伤害保险",
    )
    session.add(row)
    session.commit()
    return row


def test_bureau_follows_a_chart_opens_a_finding_and_downloads_evidence(
    world, finding, live_url, tmp_path, browser
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        blocked: list[str] = []
        page.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{live_url}/login")
        page.fill("input[name=email]", world.users["bureau"].email)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_url}/dashboard")

        page.goto(f"{live_url}/bureau/dashboard/")
        assert page.locator("svg.chart").count() >= 7
        page.screenshot(path=str(SCREENSHOTS / "01-dashboard.png"), full_page=True)

        page.locator("#chart-occupation svg a").first.click()
        page.wait_for_url("**/bureau/dashboard/lists/placements?*")
        assert page.locator("tbody tr").count() == 1
        assert world.student.name in page.locator("tbody").inner_text()
        page.screenshot(path=str(SCREENSHOTS / "02-chart-list.png"), full_page=True)

        page.goto(f"{live_url}/bureau/dashboard/")
        page.locator("#chart-findings svg a").first.click()
        page.wait_for_url("**/bureau/dashboard/lists/findings?*")
        assert "岗位实习未登记意外伤害保险" in page.locator("tbody").inner_text()
        page.screenshot(path=str(SCREENSHOTS / "03-findings.png"), full_page=True)

        page.locator("tbody tr .finding-link").first.click()  # the compliance finding page
        page.wait_for_url(f"**/bureau/compliance/findings/{finding.id}")
        assert "岗位实习未登记意外伤害保险" in page.content()
        page.screenshot(path=str(SCREENSHOTS / "04-finding.png"), full_page=True)

        page.goto(f"{live_url}/bureau/drilldown/placement/{finding.object_id}")
        with page.expect_download() as download_info:
            page.click("#evidence-download")
        download = download_info.value
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        page.screenshot(path=str(SCREENSHOTS / "05-evidence-downloaded.png"), full_page=True)
        assert blocked == []  # the charts and pages ran under the CSP with nothing blocked
    finally:
        context.close()

    assert saved.name.startswith(f"evidence-placement-{finding.object_id}-")
    with zipfile.ZipFile(saved) as bundle:
        names = set(bundle.namelist())
    assert f"placements/{finding.object_id}/agreement.html" in names
    assert {"audit.csv", "months_ledger.csv", "manifest.json"} <= names
