"""In Chromium: the bureau opens a 首席技师 call (000 第五条), two enterprises nominate with
evidence, screening, the panel draw, votes, 公示 with one objection, the decisions and the grants
within the quota. Enterprises on a 390 px phone, the bureau on a desktop; screenshots of each step."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from support import PASSWORD, SCREENSHOTS, sample_pdf

from skillbridge.models import (
    ClaimStatus,
    Nomination,
    NominationStatus,
    Objection,
    PanelMember,
    Role,
    SelectionRound,
    StaffRole,
    SubsidyClaim,
    SubsidyPolicy,
)
from skillbridge.platform.services.selections import rounds
from skillbridge.platform.services.selections.panels import add_expert
from skillbridge.platform.services.subsidies import claims as claims_module
from skillbridge.platform.services.subsidies.budgets import (
    install_region_policies,
    set_budget_allocation,
)

pytestmark = pytest.mark.browser

CHIEF = "zhongkai.chief_technician_grant"
PHONE = {"width": 390, "height": 844}


def _log_in(context, live_url, email):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto(f"{live_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_url}/dashboard")
    return page


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(SCREENSHOTS / f"selection-{name}.png"), full_page=True)


def test_a_chief_technician_round_from_the_call_to_the_grants(
    app, session, factories, live_url, tmp_path, browser, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    day = {"today": date(2015, 5, 6)}  # in force 2014-05-09 to 2016-05-08 (第十条); May's call
    monkeypatch.setattr(rounds, "today", lambda: day["today"])
    monkeypatch.setattr(claims_module, "today", lambda: day["today"])
    region = factories.region(pack="zhongkai")
    officer = factories.user(Role.BUREAU, StaffRole.OFFICER, region_id=region.id)
    enterprises = [factories.enterprise(region), factories.enterprise(region)]
    session.flush()
    hrs = [factories.user(Role.ENTERPRISE, StaffRole.HR, enterprise_id=e.id) for e in enterprises]
    nominees = []
    for enterprise in enterprises:
        person = factories.person(birth=date(1978, 3, 1))
        factories.employment(person, enterprise, hire_date=date(2010, 3, 1),
                             contract_start=date(2010, 3, 1), contract_end=date(2020, 12, 31),
                             social_insurance_since=date(2010, 3, 1))  # fmt: skip
        factories.certificate(person, factories.occupation(), 4, issued_on=date(2012, 6, 1))
        nominees.append(person)
    install_region_policies(session, region)
    chief = session.scalars(
        select(SubsidyPolicy).where(
            SubsidyPolicy.region_id == region.id, SubsidyPolicy.code == CHIEF
        )
    ).one()
    set_budget_allocation(session, officer, chief.budget_id, 1_000_000)
    for i in range(4):
        add_expert(session, officer, f"专家{i + 1}", "机械加工", None)
    add_expert(session, officer, "回避专家", "机械加工", enterprises[0].id)
    session.commit()
    evidence = tmp_path / "事迹材料.pdf"
    evidence.write_bytes(sample_pdf("首席技师事迹材料"))

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    bureau = _log_in(desk, live_url, officer.email)
    bureau.goto(f"{live_url}/selections/new")
    bureau.select_option("select[name=policy_id]", str(chief.id))
    bureau.fill("input[name=year]", "2015")
    bureau.fill("input[name=nominations_close_on]", "2015-05-29")
    bureau.fill("input[name=panel_size]", "3")
    _shot(bureau, "01-call-form")
    bureau.click("input[name=submit]")
    bureau.wait_for_selector("#round-status")
    assert "评选通知已发布" in bureau.content() and "持证等级 技师" in bureau.content()
    _shot(bureau, "02-call-published")
    row = session.scalar(select(SelectionRound))
    assert row.quota == 50 and row.publicity_working_days == 5

    for hr, person in zip(hrs, nominees, strict=True):
        phone = browser.new_context(viewport=PHONE)
        try:
            page = _log_in(phone, live_url, hr.email)
            page.goto(f"{live_url}/selections/{row.id}")
            _no_sideways_scroll(page)
            page.click("#nominate")
            page.select_option("select[name=person_id]", str(person.id))
            page.fill("input[name=criterion]", "(1)")
            page.fill("textarea[name=statement]", "解决数控加工关键技术难题，取得显著经济效益。")
            page.set_input_files("#evidence", str(evidence))
            _no_sideways_scroll(page)
            _shot(page, f"03-nominate-{hr.id}")
            page.click("input[name=submit]")
            page.wait_for_selector("#screening")
            assert "资格审查" in page.content() and "✔ 持证等级" in page.content()
            _no_sideways_scroll(page)
            _shot(page, f"04-screened-{hr.id}")
        finally:
            phone.close()

    day["today"] = date(2015, 6, 1)
    bureau.goto(f"{live_url}/selections/{row.id}")
    bureau.click("#close-nominations")
    bureau.wait_for_selector("#draw-panel")
    bureau.fill("input[name=seed]", "20150601")
    bureau.click("#draw-panel")
    bureau.wait_for_selector(".ballot-form")
    _shot(bureau, "05-panel-drawn")
    session.rollback()
    drawn = session.scalars(select(PanelMember).order_by(PanelMember.seat)).all()
    assert len(drawn) == 3 and session.get(SelectionRound, row.id).panel_seed == 20150601
    for _member in drawn:
        form = bureau.locator(".ballot-form").first
        for score in form.locator("input[name^=score-]").all():
            score.fill("90")
        for yes in form.locator("input[value=yes]").all():
            yes.check()
        form.locator("button[type=submit]").click()
        bureau.wait_for_load_state()
    assert "同意3 不同意0" in bureau.content()  # the count, not who voted how
    _shot(bureau, "06-votes")
    day["today"] = date(2015, 6, 2)
    bureau.click("#start-publicity")
    bureau.wait_for_selector("#publicity-list")
    _shot(bureau, "07-publicity")

    day["today"] = date(2015, 6, 3)
    phone = browser.new_context(viewport=PHONE)
    try:
        page = _log_in(phone, live_url, hrs[1].email)
        page.goto(f"{live_url}/selections/{row.id}")
        first = page.locator("#publicity-list li", has_text=nominees[0].name)
        first.locator("input[name=reason]").fill("反映其事迹材料中的经济效益数据有误。")
        first.locator("button[type=submit]").click()
        page.wait_for_selector("#publicity-list")
        assert "异议已提交" in page.content()
        _no_sideways_scroll(page)
        _shot(page, "08-objection")
    finally:
        phone.close()

    day["today"] = date(2015, 6, 9)  # 2–5 and 8 June: five working days
    bureau.goto(f"{live_url}/selections/{row.id}")
    handling = bureau.locator(".handling-form").first
    handling.locator("select[name=outcome]").select_option("dismissed")
    handling.locator("input[name=note]").fill("经核实，经济效益数据有财务报表佐证，异议不成立。")
    handling.locator("button[type=submit]").click()
    bureau.wait_for_selector(".objection")
    assert "异议不成立" in bureau.content()
    for _ in nominees:
        bureau.locator("button.decide").first.click()
        bureau.wait_for_load_state()
        assert "补贴申领已自动发起" in bureau.content()
    _shot(bureau, "09-decided")
    bureau.click("#close-round")
    bureau.wait_for_selector("#round-status")
    assert "已认定" in bureau.locator("#round-status").inner_text()

    session.rollback()
    claims = session.scalars(select(SubsidyClaim).order_by(SubsidyClaim.id)).all()
    assert [c.amount_yuan for c in claims] == [20000, 20000]
    assert all(c.selection_round_id == row.id for c in claims)
    assert session.scalar(select(Objection)).outcome is not None
    statuses = {n.status for n in session.scalars(select(Nomination))}
    assert statuses == {NominationStatus.SELECTED}

    bureau.goto(f"{live_url}/subsidies/claims/{claims[0].id}")
    bureau.click("form[action$='/approve'] button")
    bureau.wait_for_url(f"**/subsidies/claims/{claims[0].id}")
    assert "已批准" in bureau.content()
    _shot(bureau, "10-grant-approved")
    desk.close()
    session.rollback()
    assert session.get(SubsidyClaim, claims[0].id).status == ClaimStatus.APPROVED
