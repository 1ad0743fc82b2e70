"""The competition pages on a 390 px phone, in Chinese and in English: no sideways scrolling."""

from __future__ import annotations

from datetime import date

import pytest
from support import PASSWORD, SCREENSHOTS

from skillbridge.models import CompetitionParticipant, Occupation
from skillbridge.platform.demo.factories import valid_national_id
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.competitions import records, results
from skillbridge.platform.services.people.persons import new_person

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _competition(session, app, world, title: str, closed: bool) -> int:  # type: ignore[no-untyped-def]
    organiser = world.users["enterprise"]
    occupation = Occupation(
        code=f"6-18-01-{len(title):02d}{int(closed)}", name="数控车工（车床操作）"
    )
    session.add(occupation)
    session.flush()
    competition = records.create_competition(
        session,
        organiser,
        records.CompetitionInput(
            title=title,
            occupation_id=occupation.id,
            level="district",
            starts_on=date(2026, 5, 10),
            ends_on=date(2026, 5, 12),
            venue="吴江区职业技能实训基地第一实训楼三层数控车间",
        ),
    )
    entries = []
    for n in range(12):
        number = 700 + n + (20 if closed else 0)
        person = new_person(
            id_keys(app),
            valid_national_id(number, date(1999, 4, 1)),
            f"欧阳选手{number}",
            date(1999, 4, 1),
        )
        session.add(person)
        session.flush()
        entry = CompetitionParticipant(
            competition_id=competition.id, person_id=person.id, added_by_id=organiser.id
        )
        session.add(entry)
        entries.append(entry)
    session.flush()
    if closed:
        placed = {
            e.id: results.Result(i + 1, "first" if i == 0 else None)
            for i, e in enumerate(entries[:3])
        }
        results.record_results(session, organiser, competition.id, placed, date(2026, 6, 1))
        records.close_competition(session, organiser, competition.id, date(2026, 6, 1))
    session.commit()
    return competition.id


def test_competition_pages_fit_a_phone_in_both_languages(  # type: ignore[no-untyped-def]
    app, session, world, live_url, browser
) -> None:
    long_title = "吴江区第十二届职业技能联赛数控车工（车床操作）单项技能竞赛暨企业职工岗位练兵比武"
    open_id = _competition(session, app, world, long_title, closed=False)
    closed_id = _competition(session, app, world, long_title + "（已结束）", closed=True)
    paths = [
        "/competitions/",
        "/competitions/new",
        f"/competitions/{open_id}",
        f"/competitions/{open_id}/edit",
        f"/competitions/{open_id}/participants/import",
        f"/competitions/{open_id}/results",
        f"/competitions/{closed_id}",
        f"/competitions/{closed_id}/results",
    ]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    failures = []
    try:
        page = context.new_page()
        page.goto(f"{live_url}/login")
        page.fill("input[name=email]", world.users["enterprise"].email)
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
                page.screenshot(path=str(SCREENSHOTS / f"phone-competitions-{slug}-{language}.png"))
    finally:
        context.close()
    assert failures == []
