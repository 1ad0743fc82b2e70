"""Agreement pages: the whole path through the web, and who may see or act on an agreement."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from skillbridge.models import AgreementStatus, CooperationAgreement, Role

NEXT_YEAR = date.today().year + 1


def _status(session, agreement_id: int) -> AgreementStatus:  # type: ignore[no-untyped-def]
    """The committed status; the read transaction ends so requests can write."""
    session.expire_all()
    status = session.get(CooperationAgreement, agreement_id).status
    session.commit()
    return status


def test_propose_accept_file_approve_through_the_pages(session, world, specialty, login_as):
    school, enterprise, bureau = (
        login_as(world.users[r]) for r in ("school", "enterprise", "bureau")
    )
    assert school.get("/agreements/new").status_code == 200
    response = school.post(
        "/agreements/new",
        data={
            "counterpart_id": world.enterprise.id,
            "kind": "internship_base",
            "specialty_ids": [specialty.id],
            "valid_from": f"{NEXT_YEAR}-01-01",
            "valid_to": f"{NEXT_YEAR + 2}-12-31",
        },
    )
    assert response.status_code == 302
    session.commit()  # end the fixtures' read snapshot before looking
    agreement_id = session.scalars(select(CooperationAgreement.id)).one()
    session.commit()
    assert response.headers["Location"].endswith(f"/agreements/{agreement_id}")
    assert school.post(f"/agreements/{agreement_id}/accept").status_code == 403
    assert enterprise.post(f"/agreements/{agreement_id}/accept").status_code == 302
    assert enterprise.post(f"/agreements/{agreement_id}/file").status_code == 403
    assert school.post(f"/agreements/{agreement_id}/file").status_code == 302
    assert _status(session, agreement_id) == AgreementStatus.FILED
    decision = {"reason": "", "approve": "通过"}
    assert bureau.post(f"/agreements/{agreement_id}/decide", data=decision).status_code == 302
    assert _status(session, agreement_id) == AgreementStatus.APPROVED
    for client in (school, enterprise, bureau):
        page = client.get("/agreements/").get_data(as_text=True)
        assert world.enterprise.name in page and "已批准" in page


def test_strangers_get_403_and_missing_ones_404(
    session, world, make_agreement, make_user, login_as
):
    agreement = make_agreement(status=AgreementStatus.FILED)
    stranger_school = make_user(Role.SCHOOL, school_id=world.other_school.id)
    far_bureau = make_user(Role.BUREAU, region_id=world.other_region.id)
    session.commit()
    for user in (stranger_school, far_bureau):
        client = login_as(user)
        assert client.get(f"/agreements/{agreement.id}").status_code == 403
        assert client.get("/agreements/999999").status_code == 404
    assert (
        login_as(far_bureau)
        .post(f"/agreements/{agreement.id}/decide", data={"approve": "通过"})
        .status_code
        == 403
    )
    student = login_as(world.users["student"])
    assert student.get("/agreements/").status_code == 403
    assert student.get(f"/agreements/{agreement.id}").status_code == 403
    assert _status(session, agreement.id) == AgreementStatus.FILED


def test_coverage_page_shows_r3_with_its_citation(session, world, specialty, login_as):
    for role in ("school", "bureau"):
        page = login_as(world.users[role]).get("/agreements/coverage").get_data(as_text=True)
        assert specialty.name in page and "大政发[2011]46号 二(三)" in page and "未达标" in page
    assert login_as(world.users["enterprise"]).get("/agreements/coverage").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, world, make_agreement):
    agreement = make_agreement()
    for path in (
        "/agreements/",
        "/agreements/new",
        f"/agreements/{agreement.id}",
        "/agreements/coverage",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
