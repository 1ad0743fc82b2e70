"""Preference pages: the student's ranking form with reasons, the enterprise's candidate list."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from skillbridge.models import Cohort, EnterpriseRanking, Role, StudentPreference

# The pages use the real date; these slots start next year, inside a cohort window set to match.
START = date(date.today().year + 1, 3, 1)


def _rows(session, model, **where):  # type: ignore[no-untyped-def]
    session.commit()  # end any read snapshot so the request's commit is visible
    statement = select(model).filter_by(**where)
    rows = session.scalars(statement).all()
    session.commit()
    return rows


def _student_window_covers_start(session, world) -> None:  # type: ignore[no-untyped-def]
    cohort = session.get(Cohort, world.student.cohort_id)
    cohort.window_start, cohort.window_end = date(START.year, 1, 1), date(START.year, 12, 31)
    session.commit()


def test_a_student_ranks_slots_and_sees_why_others_are_ineligible(
    session, world, make_slot, make_agreement, login_as
):
    _student_window_covers_start(session, world)
    make_agreement(valid_to=date(START.year + 2, 12, 31))
    good = make_slot(start_date=START, title="合格岗位")
    make_slot(start_date=START, title="不合格岗位", duration_months=13)
    client = login_as(world.users["student"])
    page = client.get("/preferences/").get_data(as_text=True)
    assert "合格岗位" in page and "剩余 12 个月" in page and "大政发[2011]46号 二(三)" in page
    response = client.post("/preferences/", data={f"rank-{good.id}": "1"})
    assert response.status_code == 302
    assert [p.slot_id for p in _rows(session, StudentPreference)] == [good.id]
    assert client.post("/preferences/", data={f"rank-{good.id}": "x"}).status_code == 400
    assert [p.slot_id for p in _rows(session, StudentPreference)] == [good.id]


def test_the_enterprise_ranks_its_candidates(session, world, make_slot, make_agreement, login_as):
    _student_window_covers_start(session, world)
    make_agreement(valid_to=date(START.year + 2, 12, 31))
    slot = make_slot(start_date=START)
    student = login_as(world.users["student"])
    assert student.post("/preferences/", data={f"rank-{slot.id}": "1"}).status_code == 302
    client = login_as(world.users["enterprise"])
    page = client.get(f"/preferences/slots/{slot.id}/candidates").get_data(as_text=True)
    assert world.student.name in page
    data = {f"rank-{world.student.id}": "1"}
    response = client.post(f"/preferences/slots/{slot.id}/candidates", data=data)
    assert response.status_code == 302
    rows = _rows(session, EnterpriseRanking, slot_id=slot.id)
    assert [(r.student_id, r.rank) for r in rows] == [(world.student.id, 1)]


def test_others_cannot_reach_the_pages(session, world, make_slot, make_user, login_as):
    slot = make_slot(start_date=START)
    stranger = make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id)
    session.commit()
    client = login_as(stranger)
    assert client.get(f"/preferences/slots/{slot.id}/candidates").status_code == 403
    assert client.post(f"/preferences/slots/{slot.id}/candidates", data={}).status_code == 403
    assert client.get("/preferences/slots/999999/candidates").status_code == 404
    for role in ("school", "bureau", "enterprise"):
        assert login_as(world.users[role]).get("/preferences/").status_code == 403
    assert (
        login_as(world.users["student"]).get(f"/preferences/slots/{slot.id}/candidates").status_code
        == 403
    )


def test_anonymous_visitors_are_sent_to_login(client, world, make_slot):
    slot = make_slot(start_date=START)
    for path in ("/preferences/", f"/preferences/slots/{slot.id}/candidates"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_ranking_form_holds_the_eligible_slots_and_pages_the_others(
    session, world, make_slot, make_agreement, login_as
):
    _student_window_covers_start(session, world)
    make_agreement(valid_to=date(START.year + 2, 12, 31))
    good = make_slot(start_date=START, title="合格岗位")
    for n in range(12):  # too long for the month cap: listed with the reason, never in the form
        make_slot(start_date=START, title=f"超期岗位{n:02d}", duration_months=13)
    client = login_as(world.users["student"])
    page = client.get("/preferences/").get_data(as_text=True)
    start = page.index('<form method="post" action="/preferences/"')
    form = page[start : page.index("</form>", start)]
    assert f'name="rank-{good.id}"' in form and "超期岗位" not in form
    assert page.count("超期岗位") == 10 and "1 / 2" in page  # 10 per page, the rest on page 2
    second = client.get("/preferences/?page=2").get_data(as_text=True)
    assert second.count("超期岗位") == 2 and f'name="rank-{good.id}"' in second
    found = client.get("/preferences/?q=超期岗位03").get_data(as_text=True)
    assert "超期岗位03" in found and "超期岗位04" not in found and "合格岗位" not in found
