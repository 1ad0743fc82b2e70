"""The pages: each step through the browser's forms, the database after each POST, refusals."""

from __future__ import annotations

from sqlalchemy import select

from skillbridge.models import (
    ApprenticeEnrolment,
    ApprenticeshipProgramme,
    Certificate,
    ProgrammeStatus,
    SubsidyClaim,
)

from .conftest import Scene, approved_programme


def _programme_form(scene: Scene) -> dict[str, object]:
    return {
        "kind": "employee",
        "title": "数控车工新型学徒",
        "school_id": scene.school.id,
        "occupation_id": scene.occupation.id,
        "target_level": 3,
        "start_date": "2026-09-01",
        "end_date": "2027-08-31",
        "total_hours": 600,
        "modules": "数控编程,400\n安全生产，200",
        "assessment_body": "湛江市职业技能鉴定指导中心",
    }


def test_file_accept_approve_through_the_pages(session, scene: Scene, login_as) -> None:  # type: ignore[no-untyped-def]
    enterprise = login_as(scene.users["enterprise"])
    response = enterprise.post("/programmes/new", data=_programme_form(scene))
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()  # a new snapshot: the request committed in its own session
    programme = session.scalars(select(ApprenticeshipProgramme)).one()
    assert response.headers["Location"].endswith(f"/programmes/{programme.id}")
    assert [(m.name, m.hours) for m in programme.modules] == [("数控编程", 400), ("安全生产", 200)]

    school = login_as(scene.users["school"])
    assert "确认承担培养任务" in school.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert school.post(f"/programmes/{programme.id}/accept").status_code == 302
    assert enterprise.post(f"/programmes/{programme.id}/file").status_code == 302
    bureau = login_as(scene.users["officer"])
    assert "数控车工新型学徒" in bureau.get("/programmes/").get_data(as_text=True)
    response = bureau.post(
        f"/programmes/{programme.id}/decide", data={"reason": "准予备案", "approve": "通过"}
    )
    assert response.status_code == 302
    session.rollback()
    assert session.get_one(ApprenticeshipProgramme, programme.id).status == ProgrammeStatus.APPROVED


def test_a_bad_training_plan_line_is_named(session, scene: Scene, login_as) -> None:  # type: ignore[no-untyped-def]
    enterprise = login_as(scene.users["enterprise"])
    form = dict(_programme_form(scene), modules="数控编程,400\n安全生产")
    response = enterprise.post("/programmes/new", data=form)
    assert response.status_code == 400
    assert "培训计划第2行" in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(ApprenticeshipProgramme.id)) is None
    assert enterprise.post("/programmes/new", data=_programme_form(scene)).status_code == 302


def test_enrol_assess_and_the_claim_through_the_pages(session, scene: Scene, login_as) -> None:  # type: ignore[no-untyped-def]
    programme = approved_programme(session, scene)
    enterprise = login_as(scene.users["enterprise"])
    page = enterprise.get(f"/programmes/{programme.id}").get_data(as_text=True)
    assert "招收学徒" in page and scene.employee.name in page
    response = enterprise.post(
        f"/programmes/{programme.id}/enrolments",
        data={
            "employment_id": scene.employment.id,
            "student_id": 0,
            "labour_contract_ref": "HT-1",
            "mentor_user_id": scene.users["mentor"].id,
            "teacher_user_id": scene.users["teacher"].id,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    enrolment = session.scalars(select(ApprenticeEnrolment)).one()
    mentor = login_as(scene.users["mentor"])
    assert scene.employee.name in mentor.get("/programmes/").get_data(as_text=True)
    response = mentor.post(
        f"/programmes/enrolments/{enrolment.id}/progress",
        data={"module_id": programme.modules[0].id, "hours": 100, "recorded_on": "2026-11-01"},
    )
    assert response.status_code == 302
    response = enterprise.post(
        f"/programmes/enrolments/{enrolment.id}/assessment",
        data={
            "result": "passed",
            "assessed_on": "2027-08-20",
            "assessor": "李考评员",
            "level_reached": 3,
            "certificate_number": "ZJ-2027-9",
        },
    )
    assert response.status_code == 302
    page = enterprise.get(f"/programmes/enrolments/{enrolment.id}").get_data(as_text=True)
    assert "ZJ-2027-9" in page and "已核验" in page
    session.rollback()
    assert session.scalar(select(Certificate.number)) == "ZJ-2027-9"
    assert session.scalar(select(SubsidyClaim.enterprise_id)) == scene.enterprise.id


def test_pages_refuse_other_tenants_with_positive_controls(session, scene: Scene, login_as) -> None:  # type: ignore[no-untyped-def]
    programme = approved_programme(session, scene)
    assert (
        login_as(scene.users["other_enterprise"]).get(f"/programmes/{programme.id}").status_code
        == 404
    )
    assert (
        login_as(scene.users["other_bureau"]).get(f"/programmes/{programme.id}").status_code == 404
    )
    assert login_as(scene.users["mentor"]).get(f"/programmes/{programme.id}").status_code == 404
    assert (
        login_as(scene.users["worker"]).post(f"/programmes/{programme.id}/file").status_code == 403
    )
    assert login_as(scene.users["officer"]).get(f"/programmes/{programme.id}").status_code == 200
    assert login_as(scene.users["school"]).get(f"/programmes/{programme.id}").status_code == 200
    assert login_as(scene.users["hr"]).get(f"/programmes/{programme.id}").status_code == 200
