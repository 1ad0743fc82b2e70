"""The course pages on a 390 px phone, in Chinese and in English: no sideways scrolling."""

from __future__ import annotations

from datetime import date

import pytest
from support import PASSWORD, SCREENSHOTS

from skillbridge.models import CourseSession, CourseTrainee, Occupation
from skillbridge.platform.demo.factories import valid_national_id
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.courses import records
from skillbridge.platform.services.people.persons import new_person

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _course(session, app, world, title: str, closed: bool) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    organiser = world.users["school"]
    occupation = Occupation(
        code=f"6-18-02-{len(title):02d}{int(closed)}", name="数控车工（车床操作）"
    )
    session.add(occupation)
    session.flush()
    course = records.create_course(
        session,
        organiser,
        records.CourseInput(
            title=title,
            kind="technician_class",
            occupation_id=occupation.id,
            level="senior_technician",
            starts_on=date(2026, 5, 4),
            ends_on=date(2026, 5, 29),
            planned_places=40,
        ),
    )
    day = CourseSession(course_id=course.id, held_on=date(2026, 5, 4))
    session.add(day)
    for n in range(12):
        number = 800 + n + (20 if closed else 0)
        person = new_person(
            id_keys(app),
            valid_national_id(number, date(1990, 4, 1)),
            f"欧阳学员{number}",
            date(1990, 4, 1),
        )
        session.add(person)
        session.flush()
        session.add(
            CourseTrainee(
                course_id=course.id, person_id=person.id, completed=n < 9, added_by_id=organiser.id
            )
        )
    session.flush()
    if closed:
        records.close_course(session, organiser, course.id, date(2026, 6, 1))
    session.commit()
    return course.id, day.id


def test_course_pages_fit_a_phone_in_both_languages(  # type: ignore[no-untyped-def]
    app, session, world, live_url, browser
) -> None:
    long_title = (
        "吴江区二〇二六年度紧缺职业（工种）数控车工（车床操作）高级技师班暨企业职工晋级培训"
    )
    open_id, day_id = _course(session, app, world, long_title, closed=False)
    closed_id, _day = _course(session, app, world, long_title + "（已结束）", closed=True)
    paths = [
        "/courses/",
        "/courses/new",
        f"/courses/{open_id}",
        f"/courses/{open_id}/edit",
        f"/courses/{open_id}/sessions/{day_id}",
        f"/courses/{closed_id}",
    ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    failures = []
    try:
        page = context.new_page()
        page.goto(f"{live_url}/login")
        page.fill("input[name=email]", world.users["school"].email)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_url}/dashboard")
        for language in ("zh", "en"):
            page.goto(f"{live_url}/lang/{language}")
            for path in paths:
                response = page.goto(f"{live_url}{path}")
                assert response is not None
                width = int(page.evaluate("document.documentElement.scrollWidth"))
                if response.status != 200 or width > PHONE["width"]:
                    failures.append(f"{language} {path}: status {response.status}, {width} px")
                slug = path.strip("/").replace("/", "-")
                page.screenshot(path=str(SCREENSHOTS / f"phone-courses-{slug}-{language}.png"))
    finally:
        context.close()
    assert failures == []
