"""In Chromium at 390 × 844: one placement from the first check-in to the completion certificate.

The student checks in, writes the week's journal (周志); the mentor returns it with a comment; the
student revises and resubmits it, asks for a day's leave, reports an incident, writes the
self-assessment and the internship report and checks out; the mentor confirms the journal,
approves the leave, confirms the day's attendance and evaluates; the school ends the placement;
the teacher countersigns the month, evaluates, grades the report and opens the certificate,
which the student opens too.
Every step is a real page and form, asserts what the user reads and that the page does not scroll
sideways, and leaves a screenshot.

The app reads the real clock, so the placement is built around today: it runs through the
current ISO week, whose journal is then the one journal of its countersigning month (every week
of a month inside the placement must be confirmed before the teacher countersigns it), and its
final evaluations are due from its first day. Attendance keeps China's date and the journals the
server's; the placement spans both (they differ by a day in the evening, UTC), and is ended on
the server's date, which leaves the current week the only one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from support import PASSWORD, SCREENSHOTS, sign_as

from skillbridge.models import (
    EvaluationStage,
    Journal,
    JournalStatus,
    LeaveRequest,
    LeaveStatus,
    Placement,
    PlacementStatus,
    Role,
    SlotKind,
    StaffRole,
    User,
)
from skillbridge.platform.services.attendance.calendar import china_now
from skillbridge.platform.services.evaluations.scores import evaluations_of
from skillbridge.platform.services.journals.rules import Week
from skillbridge.platform.services.placements import agreements, lifecycle, offers
from skillbridge.platform.services.placements.agreements import Insurance

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WORK = "在数控车间跟随王师傅学习车床对刀、量具使用和首件检验。"
WORK_REVISED = WORK + "完成了轴类零件的粗车和精车各 20 件，首件检验合格。"
RETURN_COMMENT = "请补充本周完成的具体工件数量和检验结果。"
REPORT = "岗位实习期间，我在数控车间跟随师傅学习车床操作、量具使用和6S现场管理，" * 2


@dataclass(frozen=True)
class Days:
    """The journey's dates, taken when the test runs (a run may cross midnight after collection)."""

    server_today: date  # what the journal, placement and evaluation pages take as today
    china_today: date  # what attendance takes as today (China is east of our servers)

    @property
    def start(self) -> date:
        return Week.of(self.server_today).monday

    @property
    def end(self) -> date:
        return Week.of(self.china_today).sunday

    @property
    def leave_day(self) -> date:
        """A day's leave tomorrow, or yesterday on the placement's last day."""
        step = 1 if self.china_today < self.end else -1
        return self.china_today + timedelta(days=step)


@pytest.fixture
def days() -> Days:
    return Days(date.today(), china_now().date())


@pytest.fixture
def running(session, world, factories, days):  # type: ignore[no-untyped-def]
    """The world's student on an active placement through this week, with its mentor and
    teacher assigned: offered, accepted, signed by the three parties, insured, its plan
    approved by the bureau and started on its first day, as the services do it."""
    school_user, student_user = world.users["school"], world.users["student"]
    teacher = factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=world.school.id)
    mentor = factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=world.enterprise.id)
    teacher.display_name, mentor.display_name = "李老师", "王师傅"
    slot = factories.slot(
        world.enterprise, factories.occupation(name="车工"), kind=SlotKind.POST_INTERNSHIP,
        title="数控车工实习岗", seats=1, stipend_yuan=3000, post_wage_yuan=3500,
    )  # fmt: skip
    placement = factories.placement(world.student, slot, start_date=days.start, end_date=days.end)
    offered_on = days.start - timedelta(days=7)
    offers.publish_offers(session, school_user, [placement], days.start, offered_on)
    offers.accept_offer(session, student_user, placement.id, offered_on)
    for role in ("student", "school", "enterprise"):
        sign_as(session, world.users[role], placement.id)
    cover = Insurance("中国人寿财产保险", "PICC-JOURNEY", days.start, days.end)
    agreements.record_insurance(session, school_user, placement.id, cover)
    agreements.file_internship_plan(session, school_user, placement.id, "岗位实习计划")
    agreements.decide_internship_plan(session, world.users["bureau"], placement.id, True)
    lifecycle.start_placement(session, school_user, placement.id, days.start)
    placement.mentor_user_id, placement.teacher_user_id = mentor.id, teacher.id
    session.commit()
    return {"placement": placement, "mentor": mentor, "teacher": teacher}


def _login(page, live_url: str, user: User) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{live_url}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_url}/dashboard")


def _submit(page, form_selector: str) -> None:  # type: ignore[no-untyped-def]
    """Press a form's submit button and wait for the page the POST redirects to."""
    with page.expect_navigation():
        page.locator(f"{form_selector} [type=submit]").first.click()


def _shows(page, name: str, *texts: str) -> None:  # type: ignore[no-untyped-def]
    """The page reads `texts`, fits 390 px without sideways scrolling, and is kept as a PNG."""
    body = page.inner_text("body")
    for text in texts:
        assert text in body, (name, text, body[:2000])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (name, width)
    page.screenshot(path=str(SCREENSHOTS / f"journey-{name}.png"), full_page=True)


def _evaluate_final(page, comment: str) -> None:  # type: ignore[no-untyped-def]
    form = page.locator("form[action$='/evaluation/final']")
    for select_box in form.locator("select").all():
        select_box.select_option("5")
    form.locator("textarea[name=comment]").fill(comment)
    _submit(page, "form[action$='/evaluation/final']")


def test_a_placement_from_check_in_to_certificate_on_a_phone(
    session, world, running, days, live_url, browser
) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    placement_id = running["placement"].id
    mentor, teacher = running["mentor"], running["teacher"]
    student, school = world.users["student"], world.users["school"]
    evaluation_url = f"{live_url}/placements/{placement_id}/evaluation"
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    try:
        page = context.new_page()

        # The student checks in (no location shared) and writes the week's journal.
        _login(page, live_url, student)
        page.goto(f"{live_url}/attendance/")
        _shows(page, "01-attendance", "数控车工实习岗")
        _submit(page, "form[action$='/check-in']")
        _shows(page, "02-checked-in", "已签到", "签到时间")
        page.goto(f"{live_url}/journals/")
        _shows(page, "03-weeks", "本周填写中")
        with page.expect_navigation():
            page.get_by_role("link", name="填写").first.click()
        page.fill("textarea[name=work_done]", WORK)
        page.fill("textarea[name=learned]", "学会了用千分尺测量外径，读数误差控制在 0.01 mm 以内。")
        page.fill("textarea[name=problems]", "对刀时对 Z 轴零点还不熟练。")
        _shows(page, "04-journal-editor", "本周工作内容")
        with page.expect_navigation():
            page.click("input[name=submit]")
        _shows(page, "05-submitted", "周志已提交，等待导师审阅", "待审阅")

        # The mentor finds it in the review queue and returns it with a comment.
        _login(page, live_url, mentor)
        _shows(page, "06-mentor-home", "我带的实习生", world.student.name)
        row = page.locator("tbody tr").filter(has_text=world.student.name)
        assert "待审阅的周志" in row.inner_text()  # what waits, on the student's own row
        with page.expect_navigation():
            page.get_by_role("link", name="周志审阅").click()
        _shows(page, "06-mentor-queue", "待审阅的周志", world.student.name)
        with page.expect_navigation():
            page.get_by_role("link", name=world.student.name).click()
        page.fill("form[action$='/return'] textarea[name=comment]", RETURN_COMMENT)
        _submit(page, "form[action$='/return']")
        _shows(page, "07-returned", "周志已退回，学生将收到通知", "被退回", RETURN_COMMENT)

        # The student reads the comment, revises and resubmits; asks for leave; reports an
        # incident; writes the self-assessment and the report; checks out.
        _login(page, live_url, student)
        page.goto(f"{live_url}/journals/")
        _shows(page, "08-weeks-returned", "被退回")
        with page.expect_navigation():
            page.get_by_role("link", name="修改").first.click()
        page.fill("textarea[name=work_done]", WORK_REVISED)
        with page.expect_navigation():
            page.click("input[name=submit]")
        _shows(
            page, "09-resubmitted", "周志已提交，等待导师审阅", "重新提交，待审阅", RETURN_COMMENT
        )

        page.goto(f"{live_url}/attendance/placements/{placement_id}")
        leave_form = "form[action$='/leave']"
        page.fill(f"{leave_form} input[name=start_day]", days.leave_day.isoformat())
        page.fill(f"{leave_form} input[name=end_day]", days.leave_day.isoformat())
        page.select_option(f"{leave_form} select[name=kind]", "personal")
        page.fill(f"{leave_form} input[name=reason]", "回校参加技能等级认定考试")
        _submit(page, leave_form)
        _shows(page, "10-leave-asked", "请假申请已提交", "待师傅审批")

        page.goto(f"{live_url}/incidents/")
        with page.expect_navigation():
            page.get_by_role("link", name="报告事故").first.click()
        _shows(page, "11-incident-form", "报告安全事故", "PICC-JOURNEY")
        report_form = "form[action*='/incidents/report/']"
        page.select_option(f"{report_form} select[name=severity]", index=0)
        occurred = china_now().replace(second=0, microsecond=0)
        page.fill(f"{report_form} input[name=occurred_at]", occurred.strftime("%Y-%m-%dT%H:%M"))
        page.fill(f"{report_form} input[name=location]", "数控车间 3 号车床")
        page.fill(f"{report_form} textarea[name=description]", "清理铁屑时左手食指被划伤。")
        page.fill(f"{report_form} textarea[name=immediate_measures]", "师傅当场消毒包扎。")
        _submit(page, report_form)
        _shows(page, "12-incident-reported", "事故报告已提交，学校和人社局已收到通知")

        page.goto(evaluation_url)
        _evaluate_final(page, "学会了数控车床的基本操作")
        _shows(page, "13-self-assessed", "评价已提交")
        page.fill("form[action$='/evaluation/report'] textarea[name=body]", REPORT)
        _submit(page, "form[action$='/evaluation/report']")
        _shows(page, "14-report", "实习报告已提交")

        page.goto(f"{live_url}/attendance/")
        _submit(page, "form[action$='/check-out']")
        _shows(page, "15-checked-out", "已签退", "今天已签到和签退")

        # The mentor confirms the resubmitted journal, approves the leave, confirms the day's
        # attendance and evaluates.
        _login(page, live_url, mentor)
        page.goto(f"{live_url}/journals/queue")
        _shows(page, "16-mentor-queue-resubmitted", "重新提交")
        with page.expect_navigation():
            page.get_by_role("link", name=world.student.name).click()
        _submit(page, "form[action$='/confirm']")
        _shows(page, "17-confirmed", "周志已确认", "已确认")

        page.goto(f"{live_url}/attendance/")
        _shows(page, "18-leave-to-decide", "待审批的请假")
        with page.expect_navigation():
            page.get_by_role("link", name=world.student.name).first.click()
        page.fill("form[action$='/decide'] input[name=reason]", "同意，考试顺利")
        with page.expect_navigation():
            page.click("form[action$='/decide'] input[name=approve]")
        _shows(page, "19-leave-approved", "请假申请已审批", "已批准")
        page.goto(f"{live_url}/attendance/?to_confirm=1")
        with page.expect_navigation():
            page.get_by_role("link", name=days.china_today.isoformat()).click()
        _submit(page, "form[action$='/confirm']")
        _shows(page, "19-day-confirmed", "考勤已确认", "暂无考勤记录")

        page.goto(evaluation_url)
        _evaluate_final(page, "操作规范，安全意识强")
        _shows(page, "20-mentor-evaluated", "评价已提交")

        # The school ends the placement today; what the certificate still needs is listed.
        _login(page, live_url, school)
        page.goto(f"{live_url}/placements/{placement_id}")
        page.fill("form[action$='/end'] input[name=end_date]", days.server_today.isoformat())
        _submit(page, "form[action$='/end']")
        _shows(page, "21-ended", "实习已结束")
        page.goto(evaluation_url)
        _shows(page, "22-certificate-missing", "指导教师的终期评价", "指导教师评定的实习成绩")

        # The teacher countersigns the month, evaluates, grades and opens the certificate.
        _login(page, live_url, teacher)
        _shows(page, "23-teacher-home", "我指导的实习学生", world.student.name)
        with page.expect_navigation():
            page.get_by_role("link", name="周志会签").click()
        _shows(page, "23-teacher-queue", "待会签的月度周志", "1 / 1")
        _submit(page, "form[action$='/countersign']")
        _shows(page, "24-countersigned", "本月周志已会签", "暂无待会签的月份")
        page.goto(f"{live_url}/journals/placements/{placement_id}")
        _shows(page, "25-month-signed", "已会签")

        page.goto(evaluation_url)
        _evaluate_final(page, "能独立完成轴类零件加工，实习表现优秀")
        _shows(page, "26-teacher-evaluated", "评价已提交")
        page.fill("form[action$='/evaluation/grade'] input[name=score]", "92")
        _submit(page, "form[action$='/evaluation/grade']")
        _shows(page, "27-graded", "实习成绩已评定", "92（优秀）")
        with page.expect_navigation():
            page.get_by_role("link", name="打印版").click()
        _shows(page, "28-certificate-teacher", "实习鉴定暨结业证明", "92 分（优秀）")

        # The student opens its certificate from the evaluation page.
        _login(page, live_url, student)
        page.goto(evaluation_url)
        with page.expect_navigation():
            page.get_by_role("link", name="打印版").click()
        _shows(page, "29-certificate-student", "实习鉴定暨结业证明", world.student.name)
    finally:
        context.close()

    session.expire_all()  # the server committed behind this session's back
    ended = session.get_one(Placement, placement_id)
    assert (ended.status, ended.end_date) == (PlacementStatus.ENDED, days.server_today)
    journal = session.scalars(select(Journal).where(Journal.placement_id == placement_id)).one()
    assert journal.status == JournalStatus.CONFIRMED and journal.work_done == WORK_REVISED
    leave = session.scalars(select(LeaveRequest).where(LeaveRequest.placement_id == placement_id))
    assert [r.status for r in leave] == [LeaveStatus.APPROVED]
    finals = {e.evaluator.value for e in evaluations_of(session, placement_id)}
    assert finals == {"mentor", "teacher", "self"}
    assert all(e.stage == EvaluationStage.FINAL for e in evaluations_of(session, placement_id))
