"""Subsidy pages: claiming, reviewing, paying, funds, policies, exports and credit records."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from support import materials_for

from skillbridge.models import (
    Budget,
    ClaimStatus,
    CreditRecord,
    Document,
    Placement,
    Role,
    SubsidyClaim,
)
from skillbridge.platform.services.subsidies import claims as subsidy_claims

from .conftest import YOUTH, occupation_of, policy_named

TODAY = date.today()
SEVEN_MONTHS_AGO = date(TODAY.year - (TODAY.month <= 7), (TODAY.month - 8) % 12 + 1, 1)


@pytest.fixture
def eligible_today(installed, session, kit):  # type: ignore[no-untyped-def]
    """The world's student, placed at a cooperating enterprise for 7 months today, 高级工."""
    world = installed
    kit.placement(world.student, world.enterprise, start=SEVEN_MONTHS_AGO)
    kit.cooperation(world.school.id, world.enterprise.id)
    kit.certificate(world.student, level=3, issued_on=SEVEN_MONTHS_AGO)
    kit.designate(world.region.id, YOUTH, occupation_of(session, world.student))
    session.commit()
    return world


def _youth_id(session, world) -> int:  # type: ignore[no-untyped-def]
    return policy_named(session, world.region.id, YOUTH).id


def _material_files(session, policy_id):  # type: ignore[no-untyped-def]
    """The form's file fields: one valid PDF per material the policy requires."""
    return {f"material-{u.kind}": (u.stream, u.filename) for u in materials_for(session, policy_id)}


def test_student_previews_then_submits_and_sees_why(eligible_today, session, login_as):
    world = eligible_today
    client = login_as(world.users["student"])
    assert client.get("/subsidies/claims/new").status_code == 200
    data = {"policy_id": _youth_id(session, world), "certificate_id": 0}
    preview = client.post("/subsidies/claims/new", data={**data, "preview": "1"})
    assert preview.status_code == 200 and "✔ 年龄" in preview.get_data(as_text=True)
    assert session.scalar(select(SubsidyClaim.id)) is None
    # Without its materials the claim is not submitted, and the page names what is missing.
    missing = client.post("/subsidies/claims/new", data={**data, "submit": "1"})
    assert missing.status_code == 400 and "身份证复印件" in missing.get_data(as_text=True)
    assert session.scalar(select(SubsidyClaim.id)) is None
    # One material that fails its checks: nothing is stored, neither the claim nor the others.
    files = _material_files(session, data["policy_id"])
    files["material-labour_contract"] = (io.BytesIO(b"PK\x03\x04" + b"0" * 64), "合同.pdf")
    refused = client.post("/subsidies/claims/new", data={**data, **files, "submit": "1"})
    assert refused.status_code == 400 and "合同.pdf" in refused.get_data(as_text=True)
    assert session.scalar(select(SubsidyClaim.id)) is None
    assert session.scalar(select(Document.id)) is None
    files = _material_files(session, data["policy_id"])
    response = client.post("/subsidies/claims/new", data={**data, **files, "submit": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    claim = session.scalar(select(SubsidyClaim))
    assert response.headers["Location"].endswith(f"/subsidies/claims/{claim.id}")
    page = client.get(f"/subsidies/claims/{claim.id}").get_data(as_text=True)
    assert "吴政规字〔2012〕13号 二(二)2" in page and "系统推定" in page
    assert f"#{claim.id}" in client.get("/subsidies/claims").get_data(as_text=True)
    files = _material_files(session, data["policy_id"])
    again = client.post("/subsidies/claims/new", data={**data, **files, "submit": "1"})
    assert again.status_code == 409


def test_ineligible_claim_is_refused_with_the_failed_conditions(installed, session, login_as):
    client = login_as(installed.users["student"])
    data = {"policy_id": _youth_id(session, installed), "certificate_id": 0, "submit": "1"}
    response = client.post("/subsidies/claims/new", data=data)
    assert response.status_code == 400
    assert "✘ 上岗时间 无上岗记录" in response.get_data(as_text=True)


def _raised(session, world):  # type: ignore[no-untyped-def]
    placement = session.scalar(select(Placement).where(Placement.student_id == world.student.id))
    claim = subsidy_claims.on_placement_months_reached(session, placement, TODAY)[0]
    session.commit()
    return claim


def test_bureau_approves_pays_and_exports(eligible_today, session, login_as):
    world = eligible_today
    claim = _raised(session, world)
    bureau = login_as(world.users["bureau"])
    queue = bureau.get(f"/subsidies/review?status=submitted&policy_id={claim.policy_id}")
    assert f"#{claim.id}" in queue.get_data(as_text=True)
    assert bureau.post(f"/subsidies/claims/{claim.id}/approve").status_code == 302
    assert bureau.post(f"/subsidies/claims/{claim.id}/approve").status_code == 409
    assert bureau.post(f"/subsidies/claims/{claim.id}/pay").status_code == 302
    session.rollback()  # end the snapshot the request's commit came after
    session.refresh(claim)
    assert claim.status == ClaimStatus.PAID
    exported = bureau.get("/subsidies/exports/paid.csv")
    text = exported.get_data(as_text=True)
    exported.close()  # as a WSGI server does once the download is sent
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["申领编号", "补贴政策"]
    assert [r[0] for r in rows[1:]] == [str(claim.id)] and rows[1][6] == "2000"
    xlsx = bureau.get("/subsidies/exports/paid.xlsx")
    workbook = load_workbook(io.BytesIO(xlsx.data))
    xlsx.close()  # closes the spooled file send_file streamed, as a WSGI server does
    sheet = workbook.active
    assert [c.value for c in sheet[2]][:1] == [claim.id] and sheet.max_row == 2
    fund_page = bureau.get(
        f"/subsidies/budgets/{policy_named(session, world.region.id, YOUTH).budget_id}"
    )
    assert "台账核对一致" in fund_page.get_data(as_text=True)


def test_rejection_shows_the_reason_to_the_beneficiary(eligible_today, session, login_as):
    claim = _raised(session, eligible_today)
    bureau = login_as(eligible_today.users["bureau"])
    assert (
        bureau.post(f"/subsidies/claims/{claim.id}/reject", data={"reason": ""}).status_code == 302
    )
    session.rollback()  # end the snapshot the request's commit came after
    session.refresh(claim)
    assert claim.status == ClaimStatus.SUBMITTED  # no reason, nothing decided
    bureau.post(f"/subsidies/claims/{claim.id}/reject", data={"reason": "社保材料不全"})
    page = login_as(eligible_today.users["student"]).get(f"/subsidies/claims/{claim.id}")
    assert "社保材料不全" in page.get_data(as_text=True)


def test_other_tenants_get_404_and_beneficiaries_403_on_decisions(
    eligible_today, session, login_as, make_user
):
    world = eligible_today
    claim = _raised(session, world)
    other_bureau = make_user(Role.BUREAU, region_id=world.other_region.id)
    session.commit()
    for user in (world.users["enterprise"], world.users["school"], other_bureau):
        assert login_as(user).get(f"/subsidies/claims/{claim.id}").status_code == 404
    assert login_as(other_bureau).post(f"/subsidies/claims/{claim.id}/approve").status_code == 404
    student = login_as(world.users["student"])
    assert student.post(f"/subsidies/claims/{claim.id}/approve").status_code == 403
    assert student.get("/subsidies/review").status_code == 403
    assert login_as(world.users["bureau"]).get("/subsidies/claims/new").status_code == 403
    session.rollback()  # end the snapshot the request's commit came after
    session.refresh(claim)
    assert claim.status == ClaimStatus.SUBMITTED


def test_budget_allocation_and_policy_amount_pages(installed, session, login_as, make_user):
    world = installed
    bureau = login_as(world.users["bureau"])
    fund = session.scalar(select(Budget).where(Budget.region_id == world.region.id))
    assert bureau.get("/subsidies/budgets").status_code == 200
    response = bureau.post(f"/subsidies/budgets/{fund.id}/allocation", data={"allocated_yuan": 500})
    assert response.status_code == 302
    session.rollback()  # end the snapshot the request's commit came after
    session.refresh(fund)
    assert (fund.allocated_yuan, fund.remaining_yuan) == (500, 500)
    foreign = session.scalar(select(Budget).where(Budget.region_id == world.other_region.id))
    assert bureau.get(f"/subsidies/budgets/{foreign.id}").status_code == 404
    policy = policy_named(session, world.region.id, "wujiang.technician_class_matching_fund")
    assert bureau.get("/subsidies/policies").status_code == 200
    url = f"/subsidies/policies/{policy.id}"
    assert bureau.post(url, data={"amount_yuan": 10, "designated": ""}).status_code == 400
    assert bureau.post(url, data={"amount_yuan": 120000, "designated": ""}).status_code == 302
    session.rollback()  # end the snapshot the request's commit came after
    session.refresh(policy)
    assert policy.amount_yuan == 120000


def test_credit_record_page_records_and_revokes(installed, session, login_as):
    world = installed
    bureau = login_as(world.users["bureau"])
    data = {
        "subject_kind": "enterprise",
        "subject_id": world.enterprise.id,
        "rule": "R6",
        "reason": "虚报培训人数",
        "starts_on": "2025-01-01",
        "ends_on": "2026-12-31",
    }
    assert bureau.post("/subsidies/credit", data=data).status_code == 302
    session.rollback()
    record = session.scalar(select(CreditRecord))
    assert (record.enterprise_id, record.reason) == (world.enterprise.id, "虚报培训人数")
    foreign = {**data, "subject_id": world.other_enterprise.id}
    assert bureau.post("/subsidies/credit", data=foreign).status_code == 404
    assert "虚报培训人数" in bureau.get("/subsidies/credit").get_data(as_text=True)
    url = f"/subsidies/credit/{record.id}/revoke"
    assert bureau.post(url, data={"reason": "复核撤销"}).status_code == 302
    session.rollback()  # end the snapshot the request's commit came after
    session.refresh(record)
    assert record.revoked_at is not None and record.revoked_by_id == world.users["bureau"].id
    assert bureau.post(url, data={"reason": "再次"}).status_code == 409


def test_decisions_need_a_csrf_token(eligible_today, app, session, login_as):
    claim = _raised(session, eligible_today)
    bureau = login_as(eligible_today.users["bureau"])
    app.config["WTF_CSRF_ENABLED"] = True
    assert bureau.post(f"/subsidies/claims/{claim.id}/approve").status_code == 400
    session.rollback()  # end the snapshot the request's commit came after
    session.refresh(claim)
    assert claim.status == ClaimStatus.SUBMITTED


def test_policy_names_follow_the_readers_language(installed, session, login_as):
    from skillbridge.platform.policy.packs import load_pack

    policy = policy_named(session, installed.region.id, "wujiang.technician_class_matching_fund")
    english = next(p.name_en for p in load_pack("wujiang").policies if p.id == policy.code)
    bureau = login_as(installed.users["bureau"])
    chinese = bureau.get("/subsidies/policies").get_data(as_text=True)
    assert policy.name in chinese and english not in chinese  # positive control: zh first
    bureau.get("/lang/en")
    page = bureau.get("/subsidies/policies").get_data(as_text=True)
    assert english in page and policy.name not in page


def test_the_policies_page_shows_the_documents_validity(session, factories, login_as):
    """000 第十条 "自2014年5月9日起施行，有效期2年": the Zhongkai bureau sees the term, that it
    ended on 2016-05-08 with no extension, and that nothing is approved or paid after it; a
    region whose document names no term (Wujiang, the control) shows no such notice."""
    from skillbridge.models import Role
    from skillbridge.platform.services.subsidies.budgets import install_region_policies

    zhongkai = factories.region(pack="zhongkai")
    install_region_policies(session, zhongkai)
    wujiang = factories.region(pack="wujiang")
    install_region_policies(session, wujiang)
    zhongkai_bureau = factories.user(Role.BUREAU, region_id=zhongkai.id)
    wujiang_bureau = factories.user(Role.BUREAU, region_id=wujiang.id)
    session.commit()
    page = login_as(zhongkai_bureau)
    html = page.get("/subsidies/policies").get_data(as_text=True)
    assert 'id="policy-term"' in html
    assert "2014-05-09 至 2016-05-08" in html
    assert "仲恺高新区技能人才百千万工程实施办法 第十条" in html
    assert "已于2016-05-08届满，无延期记录" in html
    assert "有效期届满后不得批准或支付" in html
    other = login_as(wujiang_bureau)
    html = other.get("/subsidies/policies").get_data(as_text=True)
    assert 'id="policy-term"' not in html


def test_the_fund_page_lists_its_earmarks_and_the_claimable_balance(installed, session, login_as):
    """002 四's non-claim lines (师资队伍建设 …) are shown on the fund's page, each with its amount
    or 未定额, beside what claims may still commit."""
    fund = session.scalar(select(Budget).where(Budget.region_id == installed.region.id))
    html = login_as(installed.users["bureau"]).get(f"/subsidies/budgets/{fund.id}")
    html = html.get_data(as_text=True)
    assert 'id="earmarks"' in html
    for line in ("师资队伍建设", "职业标准建设", "题库建设", "实训基地建设"):
        assert line in html
    assert "未定额" in html and "吴政规字〔2012〕13号 四" in html
    assert "可用于补贴申领的余额（元）：<strong>30,000,000</strong>" in html


def test_a_claims_checks_and_facts_read_in_english(
    eligible_today, session, login_as, compiled_catalogue
):  # type: ignore[no-untyped-def]
    claim = _raised(session, eligible_today)
    bureau = login_as(eligible_today.users["bureau"])
    bureau.get("/lang/en")
    page = bureau.get(f"/subsidies/claims/{claim.id}").get_data(as_text=True)
    assert "✔ months on the post: 7 months on the post ≥ 6 months" in page
    assert "✔ no active credit record: no active bad-credit record" in page
    assert (
        "certificate level Senior worker ∈ {Senior worker, Technician, Senior technician}" in page
    )
    assert "<td>Hukou</td>" in page and "<td>Start on the post</td>" in page
    assert f"(placement #{claim.placement_id})" in page and "self-reported, not verified" in page
    for chinese in ("上岗时间", "个月", "无在期失信记录", "户籍", "上岗日期", "自报未核验"):
        assert chinese not in page, chinese
    # The stored snapshot keeps its Chinese text: the claim reads as before in Chinese.
    bureau.get("/lang/zh")
    page = bureau.get(f"/subsidies/claims/{claim.id}").get_data(as_text=True)
    assert "✔ 上岗时间 上岗7个月 ≥ 6个月" in page and "<td>上岗日期</td>" in page
