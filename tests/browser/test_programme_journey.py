"""In Chromium: an apprenticeship from filing to the paid training subsidy.

A worker registers with the employer's credit code and logs in with the phone number; the
enterprise confirms the employment with its contract and social-insurance dates. The enterprise
files a 企业新型学徒制
programme with a school, the school accepts, the bureau approves the filing, the enterprise
enrols the employee with an enterprise mentor and a school teacher, the mentor records progress,
the enterprise records the passed final assessment and its certificate, the training-subsidy claim is raised by the system, a bureau
reviewer approves it and a finance user pays it (four eyes).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from support import PASSWORD, SCREENSHOTS

from skillbridge.models import (
    Budget,
    ClaimStatus,
    Employment,
    EmploymentStatus,
    Role,
    StaffRole,
    SubsidyClaim,
    SubsidyPolicy,
    User,
)
from skillbridge.platform.demo.factories import next_number, valid_national_id
from skillbridge.platform.services.subsidies.budgets import install_region_policies

pytestmark = pytest.mark.browser

TODAY = date.today()
START = date(TODAY.year - 2, TODAY.month, 1)
END = date(TODAY.year - 1, TODAY.month, 1) - timedelta(days=1)  # twelve months, just ended
ASSESSED = END - timedelta(days=10)
HIRED = START - timedelta(days=200)
WORKER_PHONE = "13800138018"


@pytest.fixture
def cast(session, factories):  # type: ignore[no-untyped-def]
    """A Zhanjiang enterprise, a school, their mentor and teacher, and the bureau's two users."""
    region = factories.region(pack="zhanjiang")
    enterprise = factories.enterprise(region)
    school = factories.school(region)
    occupation = factories.occupation(prefix="数控车工")
    users = {
        "enterprise": factories.user(Role.ENTERPRISE, StaffRole.ADMIN, enterprise_id=enterprise.id),
        "mentor": factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=enterprise.id),
        "school": factories.user(Role.SCHOOL, StaffRole.ADMIN, school_id=school.id),
        "teacher": factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=school.id),
        "reviewer": factories.user(Role.BUREAU, StaffRole.REVIEWER, region_id=region.id),
        "finance": factories.user(Role.BUREAU, StaffRole.FINANCE, region_id=region.id),
    }
    users["mentor"].display_name = "王师傅"
    users["teacher"].display_name = "李老师"
    install_region_policies(session, region)
    policy = session.scalars(
        select(SubsidyPolicy).where(
            SubsidyPolicy.region_id == region.id,
            SubsidyPolicy.code == "zhanjiang.apprenticeship_training_subsidy",
        )
    ).one()
    policy.amount_yuan = 5000  # the bureau's figure under 粤人社规〔2023〕13号
    budget = session.get_one(Budget, policy.budget_id)
    budget.allocated_yuan = budget.remaining_yuan = 500_000
    session.commit()
    return {"school": school, "enterprise": enterprise, "occupation": occupation, "users": users}


def _login(page, live_url: str, user: User) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{live_url}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_url}/dashboard")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(SCREENSHOTS / f"programme-{name}.png"), full_page=True)


def test_apprenticeship_from_filing_to_paid_subsidy(session, cast, live_url, browser) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    users = cast["users"]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        # The programme's users agree to every "are you sure?" they are asked (approve, pay).
        page.on("dialog", lambda dialog: dialog.accept())

        # The worker registers, naming the employer by its credit code, and waits for it.
        page.goto(f"{live_url}/register/worker")
        page.fill("input[name=name]", "陈学徒")
        page.fill("input[name=national_id]", valid_national_id(next_number(), date(1998, 5, 1)))
        page.fill("input[name=phone]", WORKER_PHONE)
        page.fill("input[name=employer_uscc]", cast["enterprise"].uscc)
        page.fill("input[name=post]", "数控车工")
        page.fill("input[name=hire_date]", HIRED.isoformat())
        page.fill("input[name=password]", PASSWORD)
        page.fill("input[name=confirm]", PASSWORD)
        _shot(page, "00-register")
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_url}/login")
        page.fill("input[name=email]", WORKER_PHONE)  # the phone number is the login
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_url}/me")
        assert "尚待企业确认" in page.content()
        _shot(page, "00-pending")

        # The enterprise confirms the employment, entering the contract and insurance dates.
        _login(page, live_url, users["enterprise"])
        page.goto(f"{live_url}/employees/pending")
        page.get_by_role("row").filter(has_text="陈学徒").locator("a[href$='/confirm']").click()
        page.fill("input[name=contract_start]", HIRED.isoformat())
        page.fill("input[name=contract_end]", (END + timedelta(days=365)).isoformat())
        page.fill("input[name=social_insurance_since]", HIRED.isoformat())
        page.click("input[type=submit]")
        page.wait_for_url(lambda url: "/confirm" not in url)
        session.rollback()
        employment = session.scalars(select(Employment)).one()
        assert employment.status == EmploymentStatus.CONFIRMED
        assert employment.confirmed_by_user_id == users["enterprise"].id

        page.goto(f"{live_url}/programmes/")
        page.click("#new-programme")
        page.select_option("select[name=kind]", "employee")
        page.fill("input[name=title]", "数控车工企业新型学徒制")
        page.select_option("select[name=school_id]", str(cast["school"].id))
        page.select_option("select[name=occupation_id]", str(cast["occupation"].id))
        page.select_option("select[name=target_level]", "3")
        page.fill("input[name=start_date]", START.isoformat())
        page.fill("input[name=end_date]", END.isoformat())
        page.fill("input[name=total_hours]", "600")
        page.fill("textarea[name=modules]", "数控编程,400\n安全生产,200")
        page.fill("input[name=assessment_body]", "湛江市职业技能鉴定指导中心")
        _shot(page, "01-new")
        page.click("input[type=submit]")
        page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
        programme_url = page.url
        _shot(page, "02-draft")

        _login(page, live_url, users["school"])
        page.goto(programme_url)
        page.click("#accept-programme")
        page.wait_for_url(programme_url)

        _login(page, live_url, users["enterprise"])
        page.goto(programme_url)
        page.click("#file-programme")
        page.wait_for_url(programme_url)
        assert "待备案" in page.inner_text("#programme-status")

        _login(page, live_url, users["reviewer"])
        page.goto(programme_url)
        page.fill("#decision-reason", "培训计划完整，准予备案")
        page.click("#approve-programme")
        page.wait_for_url(programme_url)
        assert "已备案" in page.inner_text("#programme-status")
        _shot(page, "03-approved")

        _login(page, live_url, users["enterprise"])
        page.goto(programme_url)
        page.select_option("select[name=employment_id]", label="陈学徒（数控车工）")
        page.fill("input[name=labour_contract_ref]", "HT-2025-018")
        page.select_option("select[name=mentor_user_id]", label="王师傅")
        page.select_option("select[name=teacher_user_id]", label="李老师")
        _shot(page, "04-enrol")
        page.click("#enrol-form input[type=submit]")
        page.wait_for_url("**/programmes/enrolments/*")
        enrolment_url = page.url
        assert "王师傅" in page.content() and "李老师" in page.content()

        # The mentor sees the apprentice assigned to them and records a module's hours.
        _login(page, live_url, users["mentor"])
        page.goto(f"{live_url}/programmes/")
        page.click("a.enrolment-link")
        page.wait_for_url(enrolment_url)
        page.click("details summary")
        page.select_option("select[name=module_id]", index=1)  # 安全生产, 200 hours
        page.fill("input[name=hours]", "200")
        page.check("input[name=completed]")
        page.fill("input[name=recorded_on]", (START + timedelta(days=90)).isoformat())
        page.click("details input[type=submit]")
        page.wait_for_url(enrolment_url)
        assert "培训进度已登记" in page.content()
        _shot(page, "05-progress")

        _login(page, live_url, users["enterprise"])
        page.goto(enrolment_url)
        form = page.locator("#assessment-form")
        form.locator("select[name=result]").select_option("passed")
        form.locator("input[name=assessed_on]").fill(ASSESSED.isoformat())
        form.locator("input[name=assessor]").fill("张考评员")
        form.locator("select[name=level_reached]").select_option("3")
        form.locator("input[name=certificate_number]").fill("ZJ-APP-0001")
        form.locator("input[type=submit]").click()
        page.wait_for_url(enrolment_url)
        assert "自动发起1项补贴申领" in page.content()
        assert "ZJ-APP-0001" in page.inner_text("#certificate")
        _shot(page, "06-assessed")

        session.rollback()
        claim = session.scalars(select(SubsidyClaim)).one()
        assert (claim.automatic, claim.amount_yuan, claim.status) == (
            True,
            5000,
            ClaimStatus.SUBMITTED,
        )

        _login(page, live_url, users["reviewer"])
        page.goto(f"{live_url}/subsidies/claims/{claim.id}")
        _shot(page, "07-claim")
        page.click("form[action$='/approve'] button")
        page.wait_for_url(f"**/subsidies/claims/{claim.id}*")

        _login(page, live_url, users["finance"])
        page.goto(f"{live_url}/subsidies/claims/{claim.id}")
        page.click("form[action$='/pay'] button")
        page.wait_for_url(f"**/subsidies/claims/{claim.id}*")
        _shot(page, "08-paid")
    finally:
        context.close()

    session.rollback()
    paid = session.get_one(SubsidyClaim, claim.id)
    assert paid.status == ClaimStatus.PAID
    assert paid.decided_by_id == users["reviewer"].id and paid.paid_by_id == users["finance"].id
