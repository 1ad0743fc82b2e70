"""Specialties and cohorts: what a school offers, the classes it places, and who may change them."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from skillbridge.models import AuditEvent, Cohort, School, Specialty


def _cohort_form(specialty_id: int, **overrides) -> dict:  # type: ignore[no-untyped-def]
    form = {
        "specialty_id": specialty_id,
        "name": "数控2401班",
        "intake_year": 2024,
        "graduation_year": 2027,
        "level": "higher",
        "window_start": "2026-07-01",
        "window_end": "2027-06-30",
    }
    form.update(overrides)
    return form


def test_a_school_offers_a_new_specialty_with_its_occupations(
    login_as, session, school_side, occupation
):  # type: ignore[no-untyped-def]
    client = login_as(school_side.user)
    response = client.post(
        "/school/specialties",
        data={"code": "460104", "name": "工业机器人技术", "occupation_ids": [occupation.id]},
    )
    assert response.status_code == 302
    session.expire_all()
    specialty = session.scalar(select(Specialty).where(Specialty.code == "460104"))
    assert [o.code for o in specialty.occupations] == [occupation.code]
    assert specialty in session.get(School, school_side.school.id).specialties
    assert session.scalar(
        select(AuditEvent.action).where(AuditEvent.action == "school.specialty_added")
    )


def test_a_catalogue_specialty_is_linked_without_changing_its_occupations(
    login_as, session, world, make_specialty, make_user
):  # type: ignore[no-untyped-def]
    shared = make_specialty("电气自动化技术")
    occupations_before = [o.id for o in shared.occupations]
    session.commit()
    response = login_as(world.users["school"]).post(
        "/school/specialties", data={"code": shared.code}
    )
    assert response.status_code == 302
    session.expire_all()
    assert shared in session.get(School, world.school.id).specialties
    assert [o.id for o in session.get(Specialty, shared.id).occupations] == occupations_before


def test_a_new_specialty_without_occupations_is_refused(login_as, session, school_side):  # type: ignore[no-untyped-def]
    response = login_as(school_side.user).post(
        "/school/specialties", data={"code": "999001", "name": "无工种专业"}
    )
    assert response.status_code == 400
    assert "至少一个对应职业" in response.get_data(as_text=True)
    assert session.scalar(select(Specialty).where(Specialty.code == "999001")) is None


def test_offering_the_same_specialty_twice_is_a_conflict(login_as, school_side):  # type: ignore[no-untyped-def]
    response = login_as(school_side.user).post(
        "/school/specialties", data={"code": school_side.specialty.code}
    )
    assert response.status_code == 409


def test_a_cohort_is_created_and_listed(login_as, session, school_side):  # type: ignore[no-untyped-def]
    client = login_as(school_side.user)
    response = client.post("/school/cohorts", data=_cohort_form(school_side.specialty.id))
    assert response.status_code == 302
    cohort = session.scalar(select(Cohort).where(Cohort.name == "数控2401班"))
    assert response.headers["Location"].endswith(f"/school/cohorts/{cohort.id}")
    assert cohort.school_id == school_side.school.id
    page = client.get("/school/cohorts").get_data(as_text=True)
    assert "数控2401班" in page and "数控2301班" in page


def test_cohort_problems_are_all_reported_and_nothing_is_written(login_as, session, school_side):  # type: ignore[no-untyped-def]
    response = login_as(school_side.user).post(
        "/school/cohorts",
        data=_cohort_form(
            school_side.specialty.id,
            graduation_year=2020,
            window_start="2027-01-01",
            window_end="2026-01-01",
        ),
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "毕业年份不能早于入学年份" in text and "结束日期不能早于开始日期" in text
    assert session.scalar(select(Cohort).where(Cohort.name == "数控2401班")) is None


def test_a_cohort_of_a_specialty_the_school_does_not_offer_is_refused(
    app, session, school_side, make_specialty
):  # type: ignore[no-untyped-def]
    import pytest

    from skillbridge.models import EducationLevel
    from skillbridge.platform.services.errors import InvalidInput
    from skillbridge.platform.services.schools import cohorts

    foreign = make_specialty("护理")
    with pytest.raises(InvalidInput) as caught:
        cohorts.create_cohort(
            session,
            school_side.user,
            cohorts.CohortInput(
                foreign.id,
                "护理2401班",
                2024,
                2027,
                EducationLevel.HIGHER,
                school_side.cohort.window_start,
                school_side.cohort.window_end,
            ),
        )
    assert "不是本校开设的专业" in caught.value.details[0]


def test_a_duplicate_cohort_is_a_conflict(login_as, school_side):  # type: ignore[no-untyped-def]
    form = _cohort_form(school_side.specialty.id, name="数控2301班", intake_year=2023)
    assert login_as(school_side.user).post("/school/cohorts", data=form).status_code == 409


def test_another_schools_cohort_is_not_found(login_as, session, school_side, make_user, world):  # type: ignore[no-untyped-def]
    from skillbridge.models import Role

    other = make_user(Role.SCHOOL, school_id=world.other_school.id)
    session.commit()
    client = login_as(other)
    assert client.get(f"/school/cohorts/{school_side.cohort.id}").status_code == 404


def test_school_pages_refuse_other_roles_and_anonymous(client, login_as, world, school_side):  # type: ignore[no-untyped-def]
    paths = [
        "/school/specialties",
        "/school/cohorts",
        f"/school/cohorts/{school_side.cohort.id}",
        "/school/roster/import",
        "/school/roster/template.csv",
    ]
    for path in paths:
        assert client.get(path).status_code == 302  # to the login page
        for role in ("enterprise", "student", "bureau"):
            assert login_as(world.users[role]).get(path).status_code == 403, (role, path)
        assert login_as(school_side.user).get(path).status_code == 200, path


def test_an_unverified_school_sees_only_its_pending_state(login_as, pending_school_user, session):  # type: ignore[no-untyped-def]
    client = login_as(pending_school_user)
    page = client.get("/dashboard")
    assert page.status_code == 200 and "等待人社局审核机构资质" in page.get_data(as_text=True)
    assert client.get("/school/cohorts").status_code == 403
    response = client.post("/school/specialties", data={"code": "460199", "name": "x"})
    assert response.status_code == 403


def test_the_dashboard_leads_a_new_school_to_its_specialties(login_as, world):  # type: ignore[no-untyped-def]
    page = login_as(world.users["school"]).get("/dashboard").get_data(as_text=True)
    assert "添加本校开设的专业" in page
    assert 'href="/school/roster/import"' in page


def test_the_specialty_step_goes_once_a_specialty_is_offered(login_as, school_side):  # type: ignore[no-untyped-def]
    page = login_as(school_side.user).get("/dashboard").get_data(as_text=True)
    assert "添加本校开设的专业" not in page


def test_invitation_codes_download_for_students_not_yet_activated(
    login_as, session, school_side, make_student
):  # type: ignore[no-untyped-def]
    waiting = make_student(school_side.school, cohort=school_side.cohort)
    joined = make_student(school_side.school, cohort=school_side.cohort)
    joined.invitation_code = None
    session.commit()
    response = login_as(school_side.user).get(
        f"/school/cohorts/{school_side.cohort.id}/invitations.csv"
    )
    text = response.data.decode("utf-8-sig")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert waiting.invitation_code in text and waiting.name in text
    assert joined.name not in text


def test_the_invitation_handout_quotes_text_a_spreadsheet_would_run(
    login_as, session, school_side, make_student
):  # type: ignore[no-untyped-def]
    # A roster's name column is the school's typing; "=HYPERLINK(...)" reached invitations.csv raw.
    formula = make_student(school_side.school, cohort=school_side.cohort)
    formula.name = '=HYPERLINK("https://evil.example","点我")'
    plain = make_student(school_side.school, cohort=school_side.cohort)
    session.commit()
    response = login_as(school_side.user).get(
        f"/school/cohorts/{school_side.cohort.id}/invitations.csv"
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    names = {row[0] for row in rows[1:]}
    assert "'" + formula.name in names and formula.name not in names
    assert plain.name in names  # ordinary text is written as it is
