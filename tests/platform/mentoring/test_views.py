"""The 名师带徒 pages: HR records an agreement, pays a month, files a return; others are refused."""

from __future__ import annotations

from sqlalchemy import func, select

from skillbridge.models import AllowanceEntry, EducationFundReturn, MentorshipAgreement


def _agreement_form(shop, **changes) -> dict:  # type: ignore[no-untyped-def]
    form = {
        "mentor": str(shop.mentor.id),
        "apprentice": str(shop.apprentice.id),
        "mentor_level": "technician",
        "start_month": "2025-07",
        "end_month": "2026-06",
        "monthly_allowance_yuan": "800",
        "agreement_ref": "XY-2025-009",
    }
    form.update(changes)
    return form


def test_hr_records_an_agreement_and_its_months(login_as, session, shop) -> None:  # type: ignore[no-untyped-def]
    hr = login_as(shop.hr)
    assert "登记协议" in hr.get("/mentoring/agreements/new").get_data(as_text=True)
    bad = hr.post("/mentoring/agreements/new", data=_agreement_form(shop, start_month="2025-7"))
    assert bad.status_code == 400 and "月份格式应为 YYYY-MM" in bad.get_data(as_text=True)
    response = hr.post("/mentoring/agreements/new", data=_agreement_form(shop))
    assert response.status_code == 302
    agreement = session.scalar(select(MentorshipAgreement))
    assert response.headers["Location"].endswith(f"/mentoring/agreements/{agreement.id}")
    url = f"/mentoring/agreements/{agreement.id}/allowances"
    month = {"month": "2025-07", "amount_yuan": "800", "paid_on": "2025-07-31"}
    assert hr.post(url, data=month).status_code == 302
    assert hr.post(url, data=month).status_code == 409  # the same month again
    outside = hr.post(url, data={**month, "month": "2026-07", "paid_on": "2026-07-31"})
    assert outside.status_code == 400 and "不在协议期限内" in outside.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(func.count(AllowanceEntry.id))) == 1
    page = hr.get(f"/mentoring/agreements/{agreement.id}").get_data(as_text=True)
    assert "2025-07" in page and "XY-2025-009" in hr.get("/mentoring/").get_data(as_text=True)


def test_hr_files_a_return_shown_beside_the_ledger(login_as, session, shop) -> None:  # type: ignore[no-untyped-def]
    hr = login_as(shop.hr)
    form = {
        "year": "2025",
        "payroll_yuan": "1000000",
        "extracted_yuan": "15000",
        "spent_yuan": "12000",
        "front_line_yuan": "13000",
        "mentoring_yuan": "0",
        "school_enterprise_yuan": "0",
    }
    refused = hr.post("/mentoring/fund-returns", data=form)
    assert refused.status_code == 400 and "front_line_yuan" in refused.get_data(as_text=True)
    assert (
        hr.post("/mentoring/fund-returns", data={**form, "front_line_yuan": "8000"}).status_code
        == 302
    )
    session.rollback()
    assert session.scalar(select(func.count(EducationFundReturn.id))) == 1
    assert "平台登记的带徒津贴" in hr.get("/mentoring/fund-returns").get_data(as_text=True)


def test_a_mentor_account_and_other_roles_are_refused(login_as, session, shop, world) -> None:  # type: ignore[no-untyped-def]
    assert login_as(shop.mentor_account).get("/mentoring/").status_code == 403
    assert login_as(world.users["school"]).get("/mentoring/").status_code == 403
    refused = login_as(shop.mentor_account).post(
        "/mentoring/agreements/new", data=_agreement_form(shop)
    )
    assert refused.status_code == 403
    assert login_as(shop.hr).get("/mentoring/").status_code == 200  # the positive control
