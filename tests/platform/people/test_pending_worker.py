"""A worker whose employment no enterprise has confirmed reaches only its own pending state."""

from __future__ import annotations

from datetime import date

from skillbridge.models import Cohort
from skillbridge.platform.auth import PENDING_ENDPOINTS
from skillbridge.platform.services.people import employments

TODAY = date(2026, 6, 1)
# Pages a pending worker may open besides the pending set: the public ones.
PUBLIC = {
    "static",
    "bootstrap.static",
    "home.index",
    "home.healthz",
    "auth.register_school",
    "auth.register_enterprise",
    "auth.activate",
    "auth.switch_language",
    "api.spec",
    "people.register",
}


def _url(rule) -> str:  # type: ignore[no-untyped-def]
    values = {name: ("csv" if name == "fmt" else "x" if name in ("code", "kind", "name") else 1)
              for name in rule.arguments}  # fmt: skip
    return rule.build(values, append_unknown=False)[1]


def _walk(app, client) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    statuses = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PENDING_ENDPOINTS | PUBLIC:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule), method=method)
            response.close()
            statuses[(method, rule.endpoint)] = response.status_code
    return statuses


def test_a_pending_worker_is_refused_everywhere_but_its_own_pages(
    app, login_as, session, world, register_worker, make_facts
):  # type: ignore[no-untyped-def]
    worker, employment = register_worker()
    client = login_as(worker)
    statuses = _walk(app, client)
    assert statuses and {s for s in statuses.values()} == {403}, {
        k: v for k, v in statuses.items() if v != 403
    }
    assert client.get("/dashboard").headers["Location"] == "/me"
    page = client.get("/me")
    assert page.status_code == 200 and "尚待企业确认" in page.get_data(as_text=True)
    assert client.get(f"/me/employments/{employment.id}").status_code == 403
    # Positive control: once the enterprise confirms, the same pages open.
    session.rollback()  # a fresh snapshot: the requests above wrote (login, audit)
    employments.confirm_employment(
        session, world.users["enterprise"], employment.id, make_facts(), TODAY
    )
    session.commit()
    detail = client.get(f"/me/employments/{employment.id}")
    assert detail.status_code == 200 and world.enterprise.name in detail.get_data(as_text=True)
    assert "尚待企业确认" not in client.get("/me").get_data(as_text=True)
    # Past the gate, every other page is the other roles' and refuses the worker in its own way.
    after = _walk(app, client)
    # 401: the API's writes take an API key, never the login session.
    opened = {key for key, status in after.items() if status not in (401, 403, 404)}
    # The document check (文件核验) is open to every signed-in user holding a document.
    verification = {("GET", "signatures.verify"), ("POST", "signatures.verify_upload")}
    # The apprenticeship list is every account's: an apprentice sees only its own enrolments.
    programmes = {("GET", "programmes.index")}
    # A confirmed worker may nominate itself (个人自荐): the selections list shows it the calls.
    selections = {("GET", "selections.index")}
    # The API's placement, claim and journal lists answer a login session with the rows its account may
    # see: this worker has neither, and nobody else's shows.
    api_lists = {("GET", "api.placements"), ("GET", "api.subsidy_claims"), ("GET", "api.journals")}
    for path in ("/api/v1/placements", "/api/v1/claims", "/api/v1/journals"):
        assert client.get(path).get_json()["total"] == 0
    assert opened == (
        {("GET", "people.my_employment")} | verification | programmes | selections | api_lists
    )
    assert employment.id == 1


def test_a_confirmed_worker_sees_its_student_history_and_only_its_own_employments(
    login_as, session, world, register_worker, make_facts, make_student
):  # type: ignore[no-untyped-def]
    worker, employment = register_worker()
    other, other_employment = register_worker()
    student = make_student(world.school)
    student.person_id = worker.person_id
    session.commit()
    client = login_as(worker)
    assert world.school.name not in client.get("/me").get_data(as_text=True)  # pending: hidden
    session.rollback()
    for pending in (employment, other_employment):
        employments.confirm_employment(
            session, world.users["enterprise"], pending.id, make_facts(), TODAY
        )
    session.commit()
    page = client.get("/me").get_data(as_text=True)
    assert world.school.name in page and session.get(Cohort, student.cohort_id).name in page
    assert client.get(f"/me/employments/{other_employment.id}").status_code == 404
    assert client.get(f"/me/employments/{employment.id}").status_code == 200
