"""The student's preferences page in English: eligibility reasons and month counts from the catalogue."""

from __future__ import annotations

from datetime import date

from skillbridge.models import Cohort

START = date(date.today().year + 1, 3, 1)


def test_reasons_and_month_counts_are_english(
    session, world, make_slot, make_agreement, login_as, compiled_catalogue
):  # type: ignore[no-untyped-def]
    cohort = session.get(Cohort, world.student.cohort_id)
    cohort.window_start, cohort.window_end = date(START.year, 1, 1), date(START.year, 12, 31)
    session.commit()
    make_agreement(valid_to=date(START.year + 2, 12, 31))
    make_slot(start_date=START, title="One month post", duration_months=1)
    make_slot(start_date=START, title="Two month post", duration_months=2)
    make_slot(start_date=START, title="Too long post", duration_months=13)
    make_slot(start_date=date(START.year + 1, 3, 1), title="Late post")
    client = login_as(world.users["student"])

    chinese = client.get("/preferences/").get_data(as_text=True)
    assert "岗位实习累计不得超过 12 个月" in chinese and "不在本届实习安排期" in chinese

    client.get("/lang/en")
    page = client.get("/preferences/").get_data(as_text=True)
    assert (
        "Post internships may total at most 12 months: 0 used, 12 left, this post takes 13 months"
        in page
    )
    assert (
        f"The post starts on {START.year + 1}-03-01, outside your cohort&#39;s placement window"
        in page
    )
    assert ">1 month<" in page and ">2 months<" in page
    assert "个月" not in page and "岗位实习累计" not in page and "安排期" not in page


def test_a_refused_ranking_flashes_its_reasons_in_english(
    session, world, make_slot, login_as, compiled_catalogue
):  # type: ignore[no-untyped-def]
    slot = make_slot(start_date=START, title="Unreachable post")  # no agreement, outside the window
    client = login_as(world.users["student"])
    client.get("/lang/en")
    response = client.post("/preferences/", data={f"rank-{slot.id}": "1"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Unreachable post: The school has no bureau-reviewed cooperation agreement" in page
    assert "不得安排岗位实习" not in page
