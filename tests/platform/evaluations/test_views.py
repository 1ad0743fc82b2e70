"""The evaluation pages: each role's page, a mentor's evaluation, the host's view, the certificate."""

from __future__ import annotations

from sqlalchemy import select

from skillbridge.models import (
    EmploymentOutcome,
    Evaluation,
    EvaluationStage,
    Evaluator,
    HostRating,
    OutcomeKind,
)
from skillbridge.platform.services.evaluations import ratings, reports, scores
from skillbridge.platform.services.evaluations.rubrics import rubrics

from .test_services import AFTER, REPORT


def _scores(value: str) -> dict[str, str]:
    return {f"score_{c.code}": value for c in rubrics().default.criteria}


def test_the_mentor_evaluates_on_the_page_and_the_row_is_kept(
    session, supervised, login_as
) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    client = login_as(s.mentor)
    url = f"/placements/{s.placement.id}/evaluation"
    page = client.get(url)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert rubrics().default.criteria[0].name_zh in body and "终期评价" in body
    response = client.post(f"{url}/final", data=_scores("5") | {"comment": "优秀"})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    (kept,) = session.scalars(select(Evaluation)).all()
    assert (kept.evaluator, kept.stage, kept.weighted_centi) == (
        Evaluator.MENTOR,
        EvaluationStage.FINAL,
        500,
    )
    # A missing score names the field; nothing is kept.
    refused = client.post(f"{url}/midterm", data={"comment": ""})
    assert refused.status_code == 400
    assert session.scalar(select(Evaluation.id).where(Evaluation.stage == "midterm")) is None


def test_who_may_not_act_is_refused_before_the_form_is_read(
    session, supervised, world, login_as
) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    url = f"/placements/{s.placement.id}/evaluation"
    # The host's admin may see the page but not evaluate, even with an empty body.
    assert login_as(world.users["enterprise"]).post(f"{url}/final", data={}).status_code == 403
    assert login_as(world.users["bureau"]).post(f"{url}/rating", data={}).status_code == 403
    assert (
        login_as(s.student)
        .post(f"{url}/rating", data={a: "4" for a in ratings.ASPECTS})
        .status_code
        == 302
    )
    assert session.scalar(select(HostRating.safety)) == 4


def test_the_host_never_sees_a_single_rating_on_its_page(
    session, supervised, world, login_as
) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    ratings.rate_host(
        session,
        s.student,
        s.placement.id,
        ratings.RatingInput({a: 2 for a in ratings.ASPECTS}, "宿舍太远"),
    )
    session.commit()
    url = f"/placements/{s.placement.id}/evaluation"
    host = login_as(world.users["enterprise"]).get(url).get_data(as_text=True)
    assert "宿舍太远" not in host and "满 5 份后" in host
    school = login_as(world.users["school"]).get(url).get_data(as_text=True)
    assert "宿舍太远" in school


def test_the_certificate_is_a_pdf_and_a_print_page_once_complete(
    session, supervised, world, login_as
) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    client = login_as(world.users["student"])
    url = f"/placements/{s.placement.id}/evaluation/certificate"
    assert client.get(f"{url}.pdf").status_code == 409
    for writer in (s.mentor, s.teacher):
        entry = scores.EvaluationInput(
            EvaluationStage.FINAL, {c.code: 4 for c in rubrics().default.criteria}, ""
        )
        scores.submit_evaluation(session, writer, s.placement.id, entry, AFTER)
    reports.submit_report(session, s.student, s.placement.id, REPORT)
    reports.grade_report(session, s.teacher, s.placement.id, 92)
    session.commit()
    pdf = client.get(f"{url}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.get_data().startswith(b"%PDF") and len(pdf.headers["X-Document-SHA256"]) == 64
    page = client.get(url)
    assert page.status_code == 200 and "实习鉴定暨结业证明" in page.get_data(as_text=True)
    assert pdf.headers["X-Document-SHA256"] in page.get_data(as_text=True)


def test_the_evaluator_list_shows_what_is_due(session, supervised, login_as) -> None:  # type: ignore[no-untyped-def]
    s = supervised
    page = login_as(s.teacher).get("/evaluations")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "中期评价" in body and "终期评价" in body


def test_the_school_dashboard_shows_the_employment_rate_of_finished_placements(
    session, supervised, world, login_as
) -> None:  # type: ignore[no-untyped-def]
    client = login_as(world.users["school"])
    assert "就业率" in client.get("/dashboard").get_data(as_text=True)
    response = client.post(
        f"/placements/{supervised.placement.id}/evaluation/outcome",
        data={
            "kind": "hired_elsewhere",
            "employer_name": "吴江精密机械有限公司",
            "started_on": "2026-07-15",
            "contract_type": "open_ended",
            "contract_months": "",
            "social_insurance": "1",
        },
    )
    assert response.status_code == 302
    assert session.scalar(select(EmploymentOutcome.kind)) == OutcomeKind.HIRED_ELSEWHERE
    page = client.get("/dashboard").get_data(as_text=True)
    assert "100%" in page
