"""The competition pages through their forms: record, enter (one and imported), results, close,
claim; the database after each POST; the list searched and paged; the person's history."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select
from support import materials_for

from skillbridge.models import (
    Competition,
    CompetitionParticipant,
    CompetitionStatus,
    Employment,
    EmploymentSource,
    EmploymentStatus,
    Role,
    StaffRole,
    SubsidyClaim,
    utcnow,
)
from skillbridge.platform.services import paging

from .conftest import Scene, as_csv, competition_with

TODAY = date.today()


def _form(scene: Scene, **changes: str) -> dict[str, object]:
    form: dict[str, object] = {
        "title": "数控车工技能竞赛",
        "occupation_id": scene.occupation.id,
        "level": "enterprise",
        "starts_on": date(TODAY.year, 1, 1).isoformat(),
        "ends_on": TODAY.isoformat(),
        "venue": "实训车间",
    }
    form.update(changes)
    return form


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model))


def test_record_enter_place_close_and_claim_through_the_pages(  # type: ignore[no-untyped-def]
    session, scene: Scene, login_as
) -> None:
    enterprise = login_as(scene.users["enterprise"])
    response = enterprise.post("/competitions/new", data=_form(scene))
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    competition = session.scalars(select(Competition)).one()
    assert response.headers["Location"].endswith(f"/competitions/{competition.id}")
    base = f"/competitions/{competition.id}"

    person, national_id = scene.person()
    session.commit()
    response = enterprise.post(
        f"{base}/participants", data={"name": person.name, "national_id": national_id}
    )
    assert response.status_code == 302
    # The same person again: refused on the page, nothing written.
    enterprise.post(f"{base}/participants", data={"name": person.name, "national_id": national_id})
    session.rollback()
    assert _count(session, CompetitionParticipant) == 1

    others = [scene.person() for _ in range(49)]
    session.commit()
    upload = as_csv([["姓名", "身份证号"], *([p.name, nid] for p, nid in others)])
    response = enterprise.post(
        f"{base}/participants/import",
        data={"file": (io.BytesIO(upload), "list.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    assert _count(session, CompetitionParticipant) == 50
    page = enterprise.get(base).get_data(as_text=True)
    assert 'id="participant-count">50<' in page and person.name in page

    entry = session.scalars(
        select(CompetitionParticipant).where(CompetitionParticipant.person_id == person.id)
    ).one()
    response = enterprise.post(
        f"{base}/results", data={f"rank-{entry.id}": "1", f"prize-{entry.id}": "first"}
    )
    assert response.status_code == 302
    response = enterprise.post(f"{base}/results", data={f"rank-{entry.id}": "x"})
    assert response.status_code == 400
    assert "名次应为正整数" in response.get_data(as_text=True)
    assert enterprise.post(f"{base}/close").status_code == 302
    session.rollback()
    closed = session.get_one(Competition, competition.id)
    assert closed.status == CompetitionStatus.CLOSED
    assert (session.get_one(CompetitionParticipant, entry.id).rank) == 1

    # The record's page offers the claim; the claim form arrives with it chosen.
    page = enterprise.get(base).get_data(as_text=True)
    claim_link = (
        f"/subsidies/claims/new?policy_id={scene.policy.id}&amp;competition_id={competition.id}"
    )
    assert claim_link in page
    form = enterprise.get(claim_link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'<option selected value="{competition.id}">' in form
    data = {
        "policy_id": scene.policy.id,
        "competition_id": competition.id,
        "student_id": "0",
        "certificate_id": "0",
        "submit": "提交申领",
    }
    for upload in materials_for(session, scene.policy.id):
        data[f"material-{upload.kind}"] = (upload.stream, upload.filename)
    response = enterprise.post(
        "/subsidies/claims/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()
    claim = session.scalars(select(SubsidyClaim)).one()
    assert (claim.competition_id, claim.amount_yuan) == (competition.id, 20000)
    assert f"#{claim.id}" in enterprise.get(base).get_data(as_text=True)


def test_a_bad_form_names_the_field_and_writes_nothing(session, scene: Scene, login_as) -> None:  # type: ignore[no-untyped-def]
    enterprise = login_as(scene.users["enterprise"])
    response = enterprise.post(
        "/competitions/new", data=_form(scene, ends_on=date(TODAY.year - 1, 12, 31).isoformat())
    )
    assert response.status_code == 400
    assert "结束日期：不能早于开始日期" in response.get_data(as_text=True)
    session.rollback()
    assert _count(session, Competition) == 0
    assert enterprise.post("/competitions/new", data=_form(scene)).status_code == 302


def test_a_bad_import_lists_the_rows_and_writes_nothing(session, scene: Scene, login_as) -> None:  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 0)
    good = scene.person()
    session.commit()
    enterprise = login_as(scene.users["enterprise"])
    upload = as_csv([["姓名", "身份证号"], [good[0].name, good[1]], ["别人", "123"]])
    response = enterprise.post(
        f"/competitions/{competition.id}/participants/import",
        data={"file": (io.BytesIO(upload), "list.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "第 3 行，列「身份证号」" in response.get_data(as_text=True)
    session.rollback()
    assert _count(session, CompetitionParticipant) == 0


def test_the_templates_download(scene: Scene, login_as) -> None:  # type: ignore[no-untyped-def]
    enterprise = login_as(scene.users["enterprise"])
    csv_file = enterprise.get("/competitions/participants/template.csv")
    assert csv_file.status_code == 200 and "姓名*,身份证号*" in csv_file.get_data(as_text=True)
    assert enterprise.get("/competitions/participants/template.xlsx").status_code == 200
    assert enterprise.get("/competitions/participants/template.pdf").status_code == 404


def test_the_bureau_list_searches_and_pages(session, scene: Scene, login_as, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        competition_with(session, scene, 0)
    competition_with(session, scene, 0, organiser="school").title = "焊工大赛"
    session.commit()
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    reviewer = login_as(scene.users["reviewer"])
    first = reviewer.get("/competitions/").get_data(as_text=True)
    assert first.count('class="competition-link"') == 2 and "1 / 2" in first
    second = reviewer.get("/competitions/?page=2").get_data(as_text=True)
    assert second.count('class="competition-link"') == 2
    searched = reviewer.get("/competitions/?q=焊工").get_data(as_text=True)
    assert searched.count('class="competition-link"') == 1 and "焊工大赛" in searched
    # A reviewer reads but records nothing.
    assert reviewer.get("/competitions/new").status_code == 403


def test_english_pages_name_levels_and_prizes_in_english(session, scene: Scene, login_as) -> None:  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 1)
    session.commit()
    enterprise = login_as(scene.users["enterprise"])
    enterprise.get("/lang/en")
    page = enterprise.get(f"/competitions/{competition.id}").get_data(as_text=True)
    assert "Enterprise</dd>" in page and "Participants and results" in page
    results = enterprise.get(f"/competitions/{competition.id}/results").get_data(as_text=True)
    assert "First prize" in results


def test_the_worker_and_the_employer_see_the_results(
    session, scene: Scene, login_as, factories
) -> None:  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 0)
    person, _national_id = scene.person()
    worker = factories.user(Role.WORKER, StaffRole.SELF, person_id=person.id)
    employment = Employment(
        person_id=person.id,
        enterprise_id=scene.enterprise.id,
        post="数控车工",
        hire_date=date(2024, 1, 1),
        status=EmploymentStatus.CONFIRMED,
        source=EmploymentSource.ENTERPRISE,
        confirmed_at=utcnow(),  # after the account exists: the worker's page opens up
    )
    session.add(employment)
    entry = CompetitionParticipant(
        competition_id=competition.id,
        person_id=person.id,
        rank=2,
        prize="second",
        added_by_id=scene.users["enterprise"].id,
    )
    session.add(entry)
    session.commit()
    worker_client = login_as(worker)
    employer = login_as(scene.users["enterprise"])
    # Not final while open: the history shows closed competitions only.
    assert competition.title not in employer.get(f"/employees/{employment.id}").get_data(
        as_text=True
    )
    assert employer.post(f"/competitions/{competition.id}/close").status_code == 302
    for client, url in ((employer, f"/employees/{employment.id}"), (worker_client, "/me")):
        page = client.get(url).get_data(as_text=True)
        assert 'id="competition-results"' in page, url
        assert competition.title in page and "二等奖" in page
