"""In Chromium: an enterprise claims with its materials, the bureau previews them and approves."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import select
from support import PASSWORD, SCREENSHOTS, sample_pdf
from werkzeug.serving import make_server

from skillbridge.models import (
    Certificate,
    ClaimStatus,
    Document,
    Occupation,
    PlacementStatus,
    SlotKind,
    SubsidyClaim,
)
from skillbridge.platform.document_store import get_document_store
from skillbridge.platform.services.subsidies.budgets import install_region_policies

pytestmark = pytest.mark.browser

IN_HOUSE = "wujiang.in_house_training_subsidy"  # its pack entry lists a certificate and a contract


@pytest.fixture
def live_url(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served by a real WSGI server in a thread, on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def employee(session, world, factories) -> Certificate:  # type: ignore[no-untyped-def]
    """The world's student on an apprenticeship at the enterprise, certified in-house."""
    install_region_policies(session, world.region)
    occupation = Occupation(code="6-18-01-9002", name="数控铣工")
    session.add(occupation)
    session.flush()
    start = date.today() - timedelta(days=90)
    slot = factories.slot(
        world.enterprise,
        occupation,
        kind=SlotKind.APPRENTICESHIP,
        title="数控铣工学徒",
        start_date=start,
        duration_months=12,
        seats_taken=1,
        stipend_yuan=0,
        post_wage_yuan=None,
    )
    factories.placement(
        world.student,
        slot,
        status=PlacementStatus.ACTIVE,
        start_date=start,
        end_date=start + timedelta(days=365),
        months=12,
    )
    certificate = Certificate(
        person_id=world.student.person_id,
        occupation_id=occupation.id,
        level=3,
        issued_on=date.today() - timedelta(days=30),
        number="C-BROWSER-1",
    )
    session.add(certificate)
    session.commit()
    return certificate


def _photo(path) -> None:  # type: ignore[no-untyped-def]
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    Image.new("RGB", (120, 80), (30, 120, 200)).save(path, format="JPEG", exif=exif)


def _log_in(context, live_url, email):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto(f"{live_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_url}/dashboard")
    return page


def test_enterprise_uploads_claim_materials_and_the_bureau_previews_and_approves(
    app, world, employee, session, live_url, tmp_path, browser
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    certificate_pdf, contract_jpg = tmp_path / "职业资格证书.pdf", tmp_path / "劳动合同.jpg"
    certificate_pdf.write_bytes(sample_pdf("职业资格证书"))
    _photo(contract_jpg)
    blocked: list[str] = []

    def watch(page):  # type: ignore[no-untyped-def]
        page.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        return page

    enterprise_context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = watch(_log_in(enterprise_context, live_url, world.users["enterprise"].email))
        page.goto(f"{live_url}/subsidies/claims/new")
        policy_value = page.locator("select[name=policy_id] option", has_text="企业内培养补贴")
        page.select_option("select[name=policy_id]", policy_value.get_attribute("value"))
        page.select_option("select[name=student_id]", str(world.student.id))
        page.select_option("select[name=certificate_id]", str(employee.id))
        page.select_option("select[name=certificate_route]", "in_house_evaluation")
        page.click("input[name=preview]")  # 试算: the page now asks for this policy's materials
        page.wait_for_selector("input[name=material-labour_contract]")
        page.set_input_files("input[name=material-skill_certificate_copy]", str(certificate_pdf))
        page.set_input_files("input[name=material-labour_contract]", str(contract_jpg))
        page.screenshot(path=str(SCREENSHOTS / "claim-01-materials.png"), full_page=True)
        page.click("input[name=submit]")
        page.wait_for_url("**/subsidies/claims/*")
        assert "申领已提交" in page.content()
        page.screenshot(path=str(SCREENSHOTS / "claim-02-submitted.png"), full_page=True)
    finally:
        enterprise_context.close()

    claim = session.scalar(select(SubsidyClaim))
    documents = session.scalars(select(Document).where(Document.owner_id == claim.id)).all()
    assert sorted(d.kind for d in documents) == ["labour_contract", "skill_certificate_copy"]

    bureau_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        previews: list[tuple[str, int, str]] = []
        page = watch(_log_in(bureau_context, live_url, world.users["bureau"].email))
        page.on(
            "response",
            lambda r: (
                previews.append((r.url, r.status, r.headers.get("content-type", "")))
                if "inline=1" in r.url
                else None
            ),
        )
        page.goto(f"{live_url}/subsidies/claims/{claim.id}")
        frame = page.locator("iframe.doc-preview")
        image = page.locator("img.doc-preview-img")
        assert frame.count() == 1 and image.count() == 1
        frame.scroll_into_view_if_needed()
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => document.querySelector('img.doc-preview-img').naturalWidth === 120"
        )
        page.wait_for_timeout(500)  # the framed PDF's request
        page.screenshot(path=str(SCREENSHOTS / "claim-03-bureau-preview.png"), full_page=True)
        page.click("form[action$='/approve'] button")
        page.wait_for_url(f"**/subsidies/claims/{claim.id}")
        assert "已批准" in page.content()
        page.screenshot(path=str(SCREENSHOTS / "claim-04-approved.png"), full_page=True)
    finally:
        bureau_context.close()

    kinds = {ctype for _url, status, ctype in previews if status == 200}
    assert {"application/pdf", "image/jpeg"} <= kinds, previews
    assert blocked == []  # previews framed and shown under the CSP, nothing blocked
    session.rollback()
    session.refresh(claim)
    assert claim.status == ClaimStatus.APPROVED
    stored = next(d for d in documents if d.kind == "labour_contract")
    with Image.open(io.BytesIO(get_document_store(app).storage.get(stored.sha256))) as kept:
        assert not kept.getexif().get_ifd(0x8825)  # the photo's GPS position did not survive
