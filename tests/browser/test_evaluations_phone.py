"""The evaluation page on a phone: the mentor evaluates at 390 px, the school sees the result."""

from __future__ import annotations

from datetime import date

from support import PASSWORD, SCREENSHOTS

from skillbridge.models import EvaluationStage, PlacementStatus, Role, StaffRole
from skillbridge.platform.services.evaluations import reports, scores
from skillbridge.platform.services.evaluations.rubrics import rubric_for_school

PHONE = {"width": 390, "height": 844}
REPORT = "岗位实习期间，我在数控车间跟随师傅学习车床操作、量具使用和6S现场管理，" * 2


def _login(page, live_url: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_url}/dashboard")


def _width(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_the_mentor_evaluates_on_a_phone_and_the_certificate_follows(
    session, world, factories, live_url, browser
) -> None:  # type: ignore[no-untyped-def]
    teacher = factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=world.school.id)
    mentor = factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=world.enterprise.id)
    slot = factories.slot(world.enterprise, title="数控车工实习岗")
    session.flush()
    placement = factories.placement(
        world.student,
        slot,
        status=PlacementStatus.ENDED,
        start_date=date(2026, 1, 5),
        end_date=date(2026, 6, 30),
        months=6,
    )
    placement.teacher_user_id, placement.mentor_user_id = teacher.id, mentor.id
    session.commit()
    done_on = date(2026, 7, 10)
    entry = scores.EvaluationInput(
        EvaluationStage.FINAL,
        {c.code: 4 for c in rubric_for_school(world.school.code).criteria},
        "",
    )
    scores.submit_evaluation(session, teacher, placement.id, entry, done_on)
    reports.submit_report(session, world.users["student"], placement.id, REPORT)
    reports.grade_report(session, teacher, placement.id, 85)
    session.commit()
    url = f"{live_url}/placements/{placement.id}/evaluation"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    try:
        page = context.new_page()
        _login(page, live_url, mentor.email)
        page.goto(url)
        assert _width(page) <= PHONE["width"]
        form = page.locator("form[action$='/evaluation/final']")
        for select in form.locator("select").all():
            select.select_option("5")
        form.locator("textarea[name=comment]").fill("操作规范，安全意识强")
        page.screenshot(path=str(SCREENSHOTS / "phone-evaluation-mentor.png"), full_page=True)
        with page.expect_navigation():
            form.locator("input[type=submit]").click()
        assert page.url == url
        assert "评价已提交" in page.content() and _width(page) <= PHONE["width"]
        page.screenshot(path=str(SCREENSHOTS / "phone-evaluation-done.png"), full_page=True)
        # Both final evaluations and the grade: the certificate's print page opens.
        page.click("text=打印版")
        page.wait_for_url(f"{url}/certificate")
        assert "实习鉴定暨结业证明" in page.content()
        assert _width(page) <= PHONE["width"]
        page.screenshot(path=str(SCREENSHOTS / "phone-evaluation-certificate.png"), full_page=True)
    finally:
        context.close()
