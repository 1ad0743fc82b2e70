"""The journal pages through HTTP: the student writes and submits, the mentor returns, the
student resubmits, the mentor confirms, the teacher countersigns; refusals come before forms."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from skillbridge.models import Journal, JournalCountersignature, JournalStatus, Placement
from skillbridge.platform.services.journals.rules import Week, placement_weeks

FORM = {"work_done": "本周学习车床操作", "learned": "掌握了对刀", "problems": "无"}


def _active_now(session, team) -> Week:  # type: ignore[no-untyped-def]
    """Move the placement's period around today, so the pages show the current weeks."""
    today = date.today()
    placement = session.get(Placement, team.placement.id)
    placement.start_date = Week.of(today).monday.replace(day=1)
    placement.end_date = date(today.year + 1, 6, 30)
    session.commit()
    return Week.of(placement.start_date)


def test_a_journal_goes_from_the_student_to_the_mentor_and_back(session, team, login_as):
    first = _active_now(session, team)
    student, mentor = login_as(team.users["student"]), login_as(team.users["mentor"])
    listing = student.get("/journals/")
    assert (
        listing.status_code == 200
        and "待提交" in listing.get_data(as_text=True)
        or "本周填写中" in listing.get_data(as_text=True)
    )
    url = f"/journals/placements/{team.placement.id}/{first.iso_year}/{first.iso_week}"
    assert student.get(url).status_code == 200
    empty = student.post(url, data={"work_done": "", "learned": "", "problems": "", "submit": "1"})
    assert empty.status_code == 400 and "请填写" in empty.get_data(as_text=True)
    done = student.post(url, data=FORM | {"submit": "1"})
    assert done.status_code == 302
    journal = session.scalars(
        select(Journal).where(Journal.placement_id == team.placement.id)
    ).one()
    assert journal.status == JournalStatus.SUBMITTED

    queue = mentor.get("/journals/queue")
    assert queue.status_code == 200 and f"/journals/{journal.id}" in queue.get_data(as_text=True)
    # Someone who may not review is refused before the form is read (an empty body).
    assert student.post(f"/journals/{journal.id}/return", data={}).status_code == 403
    assert (
        mentor.post(f"/journals/{journal.id}/return", data={"comment": "请写具体些"}).status_code
        == 302
    )
    page = student.get(f"/journals/{journal.id}").get_data(as_text=True)
    assert "请写具体些" in page
    assert student.post(url, data=FORM | {"submit": "1"}).status_code == 302
    assert mentor.post(f"/journals/{journal.id}/confirm", data={}).status_code == 302
    session.rollback()  # a fresh snapshot after the requests committed
    assert session.get(Journal, journal.id).status == JournalStatus.CONFIRMED


def test_the_teacher_countersigns_from_the_queue_and_sees_it_on_the_home_page(
    session, team, login_as
):  # type: ignore[no-untyped-def]
    placement = session.get(Placement, team.placement.id)
    march = [
        w for w in placement_weeks(placement.start_date, placement.end_date) if w.month == (2026, 3)
    ]
    for week in march:
        session.add(
            Journal(
                placement_id=placement.id,
                iso_year=week.iso_year,
                iso_week=week.iso_week,
                status=JournalStatus.CONFIRMED,
                work_done="工作",
                learned="收获",
                problems="无",
            )
        )
    session.commit()
    teacher = login_as(team.users["teacher"])
    home = teacher.get("/dashboard").get_data(as_text=True)
    assert "待会签的月度周志" in home
    queue = teacher.get("/journals/queue").get_data(as_text=True)
    action = f"/journals/placements/{placement.id}/months/2026/3/countersign"
    assert action in queue
    assert login_as(team.users["mentor"]).post(action, data={}).status_code == 403
    assert (
        teacher.post(action, data={"next": "/journals/queue"})
        .headers["Location"]
        .endswith("/journals/queue")
    )
    assert session.scalars(select(JournalCountersignature)).one().month == 3


def test_pages_that_are_not_the_viewers_are_refused(session, team, login_as, factories):
    first = _active_now(session, team)
    url = f"/journals/placements/{team.placement.id}/{first.iso_year}/{first.iso_week}"
    assert login_as(team.users["mentor"]).get(url).status_code == 403
    assert login_as(team.users["school"]).get("/journals/queue").status_code == 403
    assert (
        login_as(team.users["other_mentor"])
        .get(f"/journals/placements/{team.placement.id}")
        .status_code
        == 403
    )
    for who in ("school", "enterprise", "bureau", "teacher", "mentor", "student"):
        assert (
            login_as(team.users[who]).get(f"/journals/placements/{team.placement.id}").status_code
            == 200
        )
