"""The course pages through their forms: record, roster, session and attendance, 结业, close;
the database after each POST; the list searched and paged; the bureau's person-times."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from skillbridge.models import (
    CourseAttendance,
    CourseSession,
    CourseStatus,
    CourseTrainee,
    ShortageListing,
    SubsidyClaim,
    TrainingCourse,
)
from skillbridge.platform.services import paging

from .conftest import Scene, course_with

TODAY = date.today()


def _form(scene: Scene, **changes: str) -> dict[str, object]:
    form: dict[str, object] = {
        "title": "数控车工技师班",
        "kind": "technician_class",
        "occupation_id": scene.occupation.id,
        "level": "technician",
        "starts_on": date(TODAY.year, 1, 1).isoformat(),
        "ends_on": TODAY.isoformat(),
        "planned_places": "20",
    }
    form.update(changes)
    return form


def test_record_roster_attend_complete_and_close_through_the_pages(  # type: ignore[no-untyped-def]
    session, wujiang: Scene, login_as
) -> None:
    session.add(
        ShortageListing(
            region_id=wujiang.region.id, occupation_id=wujiang.occupation.id, year=TODAY.year
        )
    )
    session.commit()
    school = login_as(wujiang.users["school"])
    refused = school.post("/courses/new", data=_form(wujiang, planned_places="0"))
    assert refused.status_code == 400
    assert session.scalar(select(func.count()).select_from(TrainingCourse)) == 0
    response = school.post("/courses/new", data=_form(wujiang))
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    course = session.scalars(select(TrainingCourse)).one()
    base = f"/courses/{course.id}"
    assert response.headers["Location"].endswith(base)

    person, national_id = wujiang.person()
    session.commit()
    wrong = school.post(f"{base}/trainees", data={"name": "别人", "national_id": national_id})
    assert wrong.status_code == 302
    assert session.scalar(select(func.count()).select_from(CourseTrainee)) == 0
    added = school.post(f"{base}/trainees", data={"name": person.name, "national_id": national_id})
    assert added.status_code == 302
    session.rollback()
    trainee = session.scalars(select(CourseTrainee)).one()

    made = school.post(f"{base}/sessions", data={"held_on": TODAY.isoformat()})
    session.rollback()
    day = session.scalars(select(CourseSession)).one()
    assert made.headers["Location"].endswith(f"{base}/sessions/{day.id}")
    page = school.get(f"{base}/sessions/{day.id}")
    assert page.status_code == 200 and person.name in page.get_data(as_text=True)
    marked = school.post(
        f"{base}/sessions/{day.id}",
        data={"trainee": str(trainee.id), f"attended-{trainee.id}": "y"},
    )
    assert marked.status_code == 302
    session.rollback()
    assert session.scalars(select(CourseAttendance.attended)).all() == [True]

    done = school.post(
        f"{base}/completion", data={"trainee": str(trainee.id), f"completed-{trainee.id}": "y"}
    )
    assert done.status_code == 302
    session.rollback()
    assert session.get_one(CourseTrainee, trainee.id).completed is True
    detail = school.get(base).get_data(as_text=True)
    assert "1 / 1" in detail  # attended sessions

    closed = school.post(f"{base}/close")
    assert closed.status_code == 302
    session.rollback()
    assert session.get_one(TrainingCourse, course.id).status == CourseStatus.CLOSED
    claim = session.scalars(select(SubsidyClaim)).one()
    assert (claim.school_id, claim.training_course_id) == (wujiang.school.id, course.id)
    assert f"/subsidies/claims/{claim.id}" in school.get(base).get_data(as_text=True)
    # The bureau reviews it with the course's facts as the evaluation read them.
    review = login_as(wujiang.users["reviewer"]).get(f"/subsidies/claims/{claim.id}")
    assert review.status_code == 200 and "结业人数" in review.get_data(as_text=True)
    # Closed: the record is final.
    assert school.post(f"{base}/completion", data={"trainee": str(trainee.id)}).status_code == 302
    session.rollback()
    assert session.get_one(CourseTrainee, trainee.id).completed is True
    assert school.post(f"{base}/close").status_code == 409


def test_the_bureau_reads_and_sees_person_times_but_keeps_nothing(  # type: ignore[no-untyped-def]
    session, zhanjiang: Scene, login_as
) -> None:
    from skillbridge.platform.services.courses import records

    course = course_with(session, zhanjiang, 3, 2, kind="subsidised_training")
    records.close_course(session, zhanjiang.users["school"], course.id, date(2024, 6, 3))
    session.commit()
    officer = login_as(zhanjiang.users["officer"])
    page = officer.get("/courses/").get_data(as_text=True)
    assert 'id="person-times"' in page and "13000" in page
    assert officer.get(f"/courses/{course.id}").status_code == 200
    assert officer.get("/courses/new").status_code == 403
    assert officer.post(f"/courses/{course.id}/close").status_code == 403
    school_page = login_as(zhanjiang.users["school"]).get("/courses/").get_data(as_text=True)
    assert 'id="person-times"' not in school_page
    assert login_as(zhanjiang.users["other_school"]).get(f"/courses/{course.id}").status_code == 404


def test_the_list_is_searched_and_paged(session, wujiang: Scene, login_as, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for n in range(3):
        course_with(session, wujiang, 0, title=f"焊工技师班{n}")
    course_with(session, wujiang, 0, title="电工培训班", kind="subsidised_training")
    session.commit()
    school = login_as(wujiang.users["school"])
    first = school.get("/courses/").get_data(as_text=True)
    assert first.count('class="course-link"') == 2
    searched = school.get("/courses/?q=电工").get_data(as_text=True)
    assert searched.count('class="course-link"') == 1 and "电工培训班" in searched
    filtered = school.get("/courses/?kind=technician_class&page=2").get_data(as_text=True)
    assert filtered.count('class="course-link"') == 1


def test_the_pages_read_in_english(session, wujiang: Scene, login_as) -> None:  # type: ignore[no-untyped-def]
    course = course_with(session, wujiang, 1)
    session.commit()
    school = login_as(wujiang.users["school"])
    school.get("/lang/en")
    page = school.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "Technician class (shortage occupation)" in page and "Trainees and completion" in page
