"""The incident pages: a student reports, the teacher follows up, the school closes; refusals
come before the form is read."""

from __future__ import annotations

from sqlalchemy import func, select

from skillbridge.models import Incident, IncidentEvent, IncidentStatus, InsuranceClaimStatus

REPORT = {
    "kind": "injury",
    "severity": "serious",
    "occurred_at": "2026-11-20T14:30",
    "location": "二号车间",
    "description": "装夹工件时左手食指被划伤。",
    "immediate_measures": "现场包扎，送医务室。",
}


def test_a_report_then_its_steps_through_the_pages(login_as, session, site) -> None:  # type: ignore[no-untyped-def]
    student = login_as(site.users["student"])
    url = f"/incidents/report/{site.placement.id}"
    form = student.get(url).get_data(as_text=True)
    assert "PICC-2026-001" in form and "事故日期在保险期内" in form and "需要就医或误工" in form
    bad = student.post(url, data={**REPORT, "occurred_at": "20.11.2026"})
    assert bad.status_code == 400 and "发生时间" in bad.get_data(as_text=True)
    response = student.post(url, data=REPORT)
    assert response.status_code == 302
    session.rollback()
    incident = session.scalar(select(Incident))
    detail = f"/incidents/{incident.id}"
    assert response.headers["Location"].endswith(detail)
    page = student.get(detail).get_data(as_text=True)
    assert "左手食指" in page and "报告事故" in page and "2026-11-20 14:30" in page
    assert "结案" not in page.split("处理经过")[1]  # the student reads, it does not act

    teacher = login_as(site.users["teacher"])
    assert teacher.post(f"{detail}/close", data={"resolution": "已康复"}).status_code == 409
    guardian = {"informed_at": "2026-11-20T15:00", "informed_by": "王老师"}
    assert teacher.post(f"{detail}/guardian", data=guardian).status_code == 302
    claim = {"claim_number": "BA2026-0001", "filed_on": "2026-11-21"}
    assert teacher.post(f"{detail}/claim", data=claim).status_code == 302
    assert teacher.post(f"{detail}/claim/accept", data={}).status_code == 302
    assert teacher.post(f"{detail}/claim/pay", data={"amount_yuan": "0"}).status_code == 400
    assert teacher.post(f"{detail}/claim/pay", data={"amount_yuan": "1200"}).status_code == 302
    assert teacher.post(f"{detail}/close", data={"resolution": "已康复返岗"}).status_code == 302
    session.rollback()  # a fresh snapshot: the requests wrote
    incident = session.get_one(Incident, incident.id)
    assert incident.status == IncidentStatus.CLOSED
    assert (incident.claim_status, incident.claim_paid_yuan) == (InsuranceClaimStatus.PAID, 1200)
    assert session.scalar(select(func.count(IncidentEvent.id))) == 6
    timeline = teacher.get(detail).get_data(as_text=True)
    assert "BA2026-0001" in timeline and "已康复返岗" in timeline and "保险赔付" in timeline


def test_who_may_act_is_settled_before_what_was_sent(login_as, session, site) -> None:  # type: ignore[no-untyped-def]
    login_as(site.users["student"]).post(f"/incidents/report/{site.placement.id}", data=REPORT)
    session.rollback()
    incident = session.scalar(select(Incident))
    detail = f"/incidents/{incident.id}"
    # Empty bodies: a refusal is 403/404, never a 400 for the missing fields.
    student = login_as(site.users["student"])
    assert student.post(f"{detail}/close", data={}).status_code == 403
    assert student.post(f"{detail}/claim", data={}).status_code == 403
    assert login_as(site.users["mentor"]).post(f"{detail}/close", data={}).status_code == 403
    assert login_as(site.users["other_bureau"]).get(detail).status_code == 404
    assert (
        login_as(site.users["other_teacher"]).post(f"{detail}/guardian", data={}).status_code == 404
    )
    assert (
        login_as(site.users["bureau"]).post(f"/incidents/report/{site.placement.id}").status_code
        == 403
    )
    # Positive control: the school with the same empty body reaches the form check.
    assert login_as(site.users["school"]).post(f"{detail}/close", data={}).status_code == 400


def test_the_list_filters_and_hides_the_narrative(login_as, session, site) -> None:  # type: ignore[no-untyped-def]
    student = login_as(site.users["student"])
    student.post(f"/incidents/report/{site.placement.id}", data=REPORT)
    student.post(f"/incidents/report/{site.placement.id}", data={**REPORT, "severity": "minor"})
    bureau = login_as(site.users["bureau"])
    listing = bureau.get("/incidents/").get_data(as_text=True)
    assert listing.count("/incidents/") >= 2 and "左手食指" not in listing
    serious = bureau.get("/incidents/?severity=serious").get_data(as_text=True)
    assert (
        "严重" in serious
        and serious.count('href="/incidents/1"') + serious.count('href="/incidents/2"') == 1
    )
    assert "报告事故" in student.get("/incidents/").get_data(as_text=True)  # its own placement
    home = login_as(site.users["school"]).get("/dashboard", follow_redirects=True)
    assert "未结案的安全事故" in home.get_data(as_text=True)


def test_a_harassment_report_page_keeps_its_text_from_the_host(login_as, session, site) -> None:  # type: ignore[no-untyped-def]
    text = "带班组长多次言语骚扰"
    harassment = {**REPORT, "kind": "harassment", "description": text}
    login_as(site.users["student"]).post(f"/incidents/report/{site.placement.id}", data=harassment)
    session.rollback()
    detail = f"/incidents/{session.scalar(select(Incident.id))}"
    host = login_as(site.users["enterprise"]).get(detail).get_data(as_text=True)
    assert text not in host and "不向实习单位显示" in host
    assert text in login_as(site.users["teacher"]).get(detail).get_data(as_text=True)
    assert text in login_as(site.users["bureau"]).get(detail).get_data(as_text=True)
