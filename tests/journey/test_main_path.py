"""The main path in a real browser: roster to an active placement, every step through the UI."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from stdnum.cn import ric
from support import PASSWORD

from skillbridge.models import Placement, PlacementStatus, Slot, Student
from skillbridge.platform.db import get_database

pytestmark = pytest.mark.browser

BIRTH = date(2004, 5, 6)
# 320584: Wujiang before it became a district; stdnum checks the code against its own table.
ID_BODY = f"320584{BIRTH:%Y%m%d}017"
# stdnum's ric.calc_check_digit reads the first 17 of 18 characters: pad the body.
NATIONAL_ID = ID_BODY + ric.calc_check_digit(ID_BODY + "0")
STUDENT_NAME = "李明"
MATCH_TIMEOUT_MS = 30_000


def roster_csv(cast) -> bytes:  # type: ignore[no-untyped-def]
    """One adult student of the cast's cohort, in the template's columns."""
    header = "姓名*,身份证号*,专业代码*,入学年份*,班级*,户籍所在地*,是否本地户籍,技能等级,联系电话,出生日期"
    row = ",".join(
        (
            STUDENT_NAME,
            NATIONAL_ID,
            cast.specialty.code,
            str(cast.cohort.intake_year),
            cast.cohort.name,
            "江苏省苏州市吴江区",
            "是",
            "中级工",
            "13800000000",
            BIRTH.isoformat(),
        )
    )
    return f"{header}\n{row}\n".encode()


def click(page: Page, button: str, flash: str) -> None:
    """Press a button and expect the success message the next page shows."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text(flash)


def sign(page: Page) -> None:
    """Read the agreement, re-enter the password for the hash shown, sign that version."""
    page.get_by_role("link", name="阅读并签署协议").click()
    page.get_by_label("登录密码").fill(PASSWORD)
    click(page, "确认身份", "身份已确认")
    click(page, "签署此版本", "已签署协议")


def test_roster_to_active_placement(live_app, cast, logged_in, new_page, screenshot):  # type: ignore[no-untyped-def]
    today = date.today()
    start = today  # a placement starts on its start date, not before, and this journey runs today

    # The school imports its roster and reads the student's invitation code on the cohort page.
    school = logged_in(cast.school_user)
    school.goto("/school/roster/import")
    school.set_input_files(
        "input[name=file]",
        files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": roster_csv(cast)}],
    )
    click(school, "导入", "已导入 1 名学生")
    expect(school.locator("#imported")).to_contain_text(STUDENT_NAME)
    screenshot(school, "roster-import")
    school.get_by_role("link", name="届/班与名册", exact=True).click()
    school.get_by_role("link", name=cast.cohort.name).click()
    row = school.get_by_role("row").filter(has_text=STUDENT_NAME)
    invitation_code = row.locator("code").inner_text()

    # The enterprise posts a post internship for the specialty and opens it.
    enterprise = logged_in(cast.enterprise_user)
    enterprise.get_by_role("link", name="岗位管理", exact=True).click()
    enterprise.get_by_role("link", name="发布新岗位", exact=True).click()
    enterprise.get_by_label("岗位类型").select_option("post_internship")
    enterprise.get_by_label("岗位名称").fill("数控车工实习岗")
    enterprise.get_by_label("职业（工种）").select_option(str(cast.occupation.id))
    enterprise.get_by_label("接收专业（可多选）").select_option(str(cast.specialty.id))
    enterprise.get_by_label("最低技能等级").select_option(label="初级工")
    enterprise.get_by_label("开始日期").fill(start.isoformat())
    enterprise.get_by_label("期限（月）").fill("6")
    enterprise.get_by_label("席位数").fill("2")
    enterprise.get_by_label("实习报酬（元/月）").fill("3000")
    enterprise.get_by_label("同岗位职工工资（元/月，可选）").fill("3500")
    enterprise.get_by_label("同类岗位在岗职工人数（岗位实习必填）").fill("20")
    enterprise.get_by_label("工作地点").fill("苏州市吴江区")
    click(enterprise, "保存草稿", "岗位已保存为草稿")
    click(enterprise, "开放", "岗位已开放")
    expect(enterprise.locator("h1")).to_contain_text("开放中")
    slot_id = int(re.search(r"/slots/(\d+)", enterprise.url).group(1))
    screenshot(enterprise, "slot")

    # The enterprise proposes a cooperation agreement; the school accepts and files it; the
    # bureau approves it.
    enterprise.get_by_role("link", name="合作协议", exact=True).click()
    enterprise.get_by_role("link", name="提出合作意向", exact=True).click()
    enterprise.get_by_label("合作方").select_option(label=cast.school.name)
    enterprise.get_by_label("合作类型").select_option("internship_base")
    enterprise.get_by_label("合作专业（可多选）").select_option(str(cast.specialty.id))
    enterprise.get_by_label("有效期起").fill(today.isoformat())
    enterprise.get_by_label("有效期止").fill((today + timedelta(days=730)).isoformat())
    click(enterprise, "提交合作意向", "合作意向已提交")
    agreement_path = urlsplit(enterprise.url).path

    school.goto(agreement_path)
    click(school, "确认协议", "已确认合作协议")
    click(school, "报人社局备案", "协议已报人社局备案")

    bureau = logged_in(cast.bureau_user)
    bureau.get_by_role("link", name="合作协议", exact=True).click()
    bureau.locator(f"a[href='{agreement_path}']").click()
    click(bureau, "通过", "审查结果已保存")
    expect(bureau.locator("h1")).to_contain_text("已批准")
    screenshot(bureau, "agreement-approved")

    # The student activates its account with the code and ranks the slot first.
    student = new_page()
    student.goto("/activate")
    student.get_by_label("邀请码").fill(invitation_code)
    student.get_by_label("身份证号后四位").fill(NATIONAL_ID[-4:])
    student.get_by_label("登录邮箱").fill("liming@journey.cn")
    student.get_by_label("密码").fill(PASSWORD)
    student.get_by_role("button", name="激活账号").click()
    student.wait_for_url("**/dashboard")
    student.get_by_role("link", name="岗位志愿", exact=True).click()
    # The slot is among those the student may rank: its row carries the rank field.
    row = student.get_by_role("row").filter(has_text="数控车工实习岗")
    expect(row.locator(f"input[name='rank-{slot_id}']")).to_be_visible()
    student.locator(f"input[name='rank-{slot_id}']").fill("1")
    click(student, "保存志愿", "岗位志愿已保存")

    # The school runs the match; the run page polls until the background thread is done.
    school.get_by_role("link", name="智能匹配", exact=True).click()
    school.get_by_role("button", name="开始匹配").click()
    expect(school.locator("#run-status")).to_have_attribute(
        "data-status", "succeeded", timeout=MATCH_TIMEOUT_MS
    )
    expect(school.get_by_role("row").filter(has_text=STUDENT_NAME)).to_contain_text("已匹配")
    screenshot(school, "match-result")
    click(school, "确认审阅", "已确认审阅")
    click(school, "发布录用通知", "录用通知已发送给学生")
    expect(school.locator("#run-status")).to_have_attribute("data-status", "published")

    # The student accepts the offer and signs; then the school and the enterprise sign.
    student.get_by_role("link", name="录用通知", exact=True).click()
    expect(student.get_by_role("row").filter(has_text="数控车工实习岗")).to_be_visible()
    screenshot(student, "offer")
    click(student, "接受", "已接受录用")
    placement_path = urlsplit(student.url).path
    sign(student)

    for party in (school, enterprise):
        party.get_by_role("link", name="实习安排", exact=True).click()
        waiting = party.locator("ul.list-group")  # 待我方签署的协议
        waiting.get_by_role("link", name=re.compile(STUDENT_NAME)).click()
        sign(party)

    # The school records the insurance and files the internship plan; the bureau approves it.
    school.get_by_label("保险公司").fill("中国人民财产保险股份有限公司苏州分公司")
    school.get_by_label("保单号").fill("PICC-2026-000123")
    school.get_by_label("保险起期").fill(today.isoformat())
    school.get_by_label("保险止期").fill((start + timedelta(days=365)).isoformat())
    click(school, "登记保险", "保险信息已登记")
    school.get_by_label("实习计划", exact=True).fill(
        "第1–2月：安全教育与岗位认知；第3–6月：数控车床操作。"
    )
    click(school, "报人社局审定备案", "实习计划已报人社局审定备案")

    bureau.get_by_role("link", name="实习计划审查", exact=True).click()
    expect(bureau.locator(".card")).to_contain_text(STUDENT_NAME)
    click(bureau, "通过", "审查结果已保存")

    # Every check passes: the school starts the placement.
    school.goto(placement_path)
    checks = school.locator(".list-group-item")
    expect(checks).to_have_count(6)  # start date, N5 signed, R4/N6 insured, N1, N4, R2 plan
    expect(checks.filter(has_text="✘")).to_have_count(0)
    school.goto(placement_path + "/agreement")
    expect(school.get_by_text("（未签署）")).to_have_count(0)
    screenshot(school, "agreement-signed")
    school.goto(placement_path)
    click(school, "确认实习开始", "实习已开始")
    expect(school.locator("h1 .badge")).to_have_text("实习中")
    screenshot(school, "placement-active")

    placement_id = int(placement_path.rsplit("/", 1)[-1])
    with get_database(live_app).sessions() as session:
        placement = session.get(Placement, placement_id)
        assert placement.status == PlacementStatus.ACTIVE
        assert placement.slot_id == slot_id
        assert session.scalar(select(Slot.seats_taken).where(Slot.id == slot_id)) == 1
        student_row = session.get(Student, placement.student_id)
        assert student_row.name == STUDENT_NAME
        assert placement.months == 6  # the slot's duration
        assert student_row.months_used == placement.months
