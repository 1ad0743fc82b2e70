"""The selection pages end to end: a call, two enterprises' nominations with evidence, the
screening, the panel, the votes, 公示 with an objection, the decisions and their grants."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select
from support import sample_pdf

from skillbridge.models import (
    Expert,
    Nomination,
    NominationStatus,
    Objection,
    PanelMember,
    Role,
    RoundStatus,
    SelectionRound,
    StaffRole,
    SubsidyClaim,
)
from skillbridge.platform.services.selections.rounds import RoundRequest, open_round


def _evidence(title: str) -> tuple:
    return (io.BytesIO(sample_pdf(title)), f"{title}.pdf")


def test_the_whole_round_through_the_pages(session, bureau, clock, login_as) -> None:  # type: ignore[no-untyped-def]
    officer = login_as(bureau.officer)
    assert officer.get("/selections/new").status_code == 200
    refused = officer.post("/selections/new", data={
        "policy_id": bureau.policy().id, "year": 2025, "nominations_close_on": "2025-05-31",
        "panel_size": 3})  # fmt: skip
    assert refused.status_code == 400 and session.scalar(select(SelectionRound)) is None
    opened = officer.post("/selections/new", data={
        "policy_id": bureau.policy().id, "year": 2025, "nominations_close_on": "2025-05-31",
        "panel_size": 3, "publicity_working_days": 5})  # fmt: skip
    assert opened.status_code == 302
    session.rollback()  # read what the requests committed
    row = session.scalar(select(SelectionRound))
    assert row.quota == 10 and row.status == RoundStatus.OPEN
    page = officer.get(f"/selections/{row.id}").get_data(as_text=True)
    assert "评选条件" in page

    people = [bureau.worker(bureau.employer)[0], bureau.worker(bureau.other_employer)[0]]
    session.commit()
    for client_user, person in zip((bureau.hr, bureau.other_hr), people, strict=True):
        client = login_as(client_user)
        assert client.get(f"/selections/{row.id}/nominate").status_code == 200
        missing = client.post(f"/selections/{row.id}/nominate", data={
            "person_id": person.id, "statement": "技术革新"}, content_type="multipart/form-data")  # fmt: skip
        assert missing.status_code == 400
        sent = client.post(f"/selections/{row.id}/nominate", data={
            "person_id": person.id, "statement": "技术革新", "criterion": "(1)",
            "evidence": _evidence(f"材料{person.id}")}, content_type="multipart/form-data")  # fmt: skip
        assert sent.status_code == 302, sent.get_data(as_text=True)
    session.rollback()
    nominations = list(session.scalars(select(Nomination).order_by(Nomination.id)))
    assert len(nominations) == 2
    first_page = login_as(bureau.hr).get(f"/selections/nominations/{nominations[0].id}")
    assert "资格审查" in first_page.get_data(as_text=True)
    # Another enterprise's nomination is not the HR's to read.
    assert (
        login_as(bureau.hr).get(f"/selections/nominations/{nominations[1].id}").status_code == 404
    )

    for i in range(4):
        assert officer.post("/selections/experts", data={
            "name": f"专家{i}", "field": "机械", "enterprise_id": 0}).status_code == 302  # fmt: skip
    assert officer.post("/selections/experts", data={
        "name": "回避", "field": "机械", "enterprise_id": bureau.employer.id}).status_code == 302  # fmt: skip
    clock(date(2025, 6, 2))
    assert officer.post(f"/selections/{row.id}/close").status_code == 302
    assert officer.post(f"/selections/{row.id}/panel", data={"seed": 2025}).status_code == 302
    session.rollback()
    assert session.get(SelectionRound, row.id).panel_seed == 2025
    panel_page = officer.get(f"/selections/{row.id}").get_data(as_text=True)
    assert "回避" not in panel_page.split("评审组")[-1]
    experts = [e for e in session.scalars(select(Expert)) if e.enterprise_id is None]
    drawn = [m.expert_id for m in session.scalars(select(PanelMember).order_by(PanelMember.seat))]
    assert len(drawn) == 3 and set(drawn) <= {e.id for e in experts}
    incomplete = officer.post(f"/selections/{row.id}/ballot", data={"expert_id": drawn[0]})
    assert incomplete.status_code == 400
    for expert_id in drawn:
        sheet = {"expert_id": expert_id}
        for n in nominations:
            sheet[f"score-{n.id}"] = 88
            sheet[f"vote-{n.id}"] = "yes"
        assert officer.post(f"/selections/{row.id}/ballot", data=sheet).status_code == 302
    clock(date(2025, 6, 3))
    assert officer.post(f"/selections/{row.id}/publicity").status_code == 302
    public = login_as(bureau.other_hr).get(f"/selections/{row.id}").get_data(as_text=True)
    assert people[0].name in public and "提出异议" in public
    assert (
        login_as(bureau.other_hr)
        .post(
            f"/selections/nominations/{nominations[0].id}/objections", data={"reason": "业绩存疑"}
        )
        .status_code
        == 302
    )
    session.rollback()
    objection = session.scalar(select(Objection))
    clock(date(2025, 6, 10))
    assert officer.post(f"/selections/objections/{objection.id}", data={
        "outcome": "dismissed", "note": "经核实，业绩属实"}).status_code == 302  # fmt: skip
    for n in nominations:
        assert officer.post(f"/selections/nominations/{n.id}/decide").status_code == 302
    assert officer.post(f"/selections/{row.id}/finish").status_code == 302
    session.rollback()
    assert {n.status for n in session.scalars(select(Nomination))} == {NominationStatus.SELECTED}
    claims = list(session.scalars(select(SubsidyClaim)))
    assert len(claims) == 2 and all(c.selection_round_id == row.id for c in claims)
    assert session.get(SelectionRound, row.id).status == RoundStatus.DECIDED


def test_finance_reads_rounds_but_does_not_run_them(session, bureau, clock, login_as) -> None:  # type: ignore[no-untyped-def]
    finance = login_as(bureau.finance)
    assert finance.get("/selections/").status_code == 200
    assert finance.post("/selections/new", data={
        "policy_id": bureau.policy().id, "year": 2025, "nominations_close_on": "2025-05-31",
        "panel_size": 3, "publicity_working_days": 5}).status_code == 403  # fmt: skip
    session.rollback()
    assert session.scalar(select(SelectionRound)) is None
    reviewer_user = bureau.factories.user(
        Role.BUREAU, StaffRole.REVIEWER, region_id=bureau.region.id
    )
    session.commit()
    reviewer = login_as(reviewer_user)
    assert reviewer.post("/selections/new", data={
        "policy_id": bureau.policy().id, "year": 2025, "nominations_close_on": "2025-05-31",
        "panel_size": 3, "publicity_working_days": 5}).status_code == 302  # fmt: skip
    session.rollback()
    assert session.scalar(select(SelectionRound)) is not None


def test_a_worker_nominates_itself_and_reads_its_evidence(session, bureau, clock, login_as) -> None:  # type: ignore[no-untyped-def]
    row = open_round(
        session,
        bureau.officer,
        RoundRequest(bureau.policy().id, 2025, date(2025, 5, 31), 3, publicity_working_days=5),
    )
    person, account = bureau.worker(bureau.employer)
    _other, stranger = bureau.worker(bureau.other_employer)
    session.commit()
    worker = login_as(account)
    assert worker.get("/selections/").status_code == 200
    assert worker.get(f"/selections/{row.id}").status_code == 200
    refused = worker.post(f"/selections/{row.id}/nominate", data={"statement": "自荐"},
                          content_type="multipart/form-data")  # fmt: skip
    assert refused.status_code == 400
    sent = worker.post(f"/selections/{row.id}/nominate", data={
        "statement": "自荐：攻克加工难题", "evidence": _evidence("自荐材料")},
        content_type="multipart/form-data")  # fmt: skip
    assert sent.status_code == 302
    session.rollback()
    nomination = session.scalars(select(Nomination)).one()
    assert nomination.person_id == person.id and nomination.nominated_by_enterprise_id is None
    assert worker.get(f"/selections/nominations/{nomination.id}").status_code == 200
    assert worker.get(f"/documents/nomination/{nomination.id}").status_code == 200
    assert login_as(bureau.officer).get(f"/documents/nomination/{nomination.id}").status_code == 200
    # Another worker reads neither the nomination nor its evidence.
    other = login_as(stranger)
    assert other.get(f"/selections/nominations/{nomination.id}").status_code == 404
    assert other.get(f"/documents/nomination/{nomination.id}").status_code == 404
