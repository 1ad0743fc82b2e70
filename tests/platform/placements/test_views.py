"""The placement and notification pages over HTTP: roles, tenants, the full agreement flow."""

from __future__ import annotations

import re
from datetime import date

from flask import url_for
from sqlalchemy import select
from support import PASSWORD, make_test_config, sign_as

from skillbridge.models import Notification, PlacementStatus, Role
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database
from skillbridge.platform.services.placements import agreements as pa
from skillbridge.platform.services.placements import lifecycle as life
from skillbridge.platform.services.placements import records as placements

AGREEMENT_PAGES = (
    "/placements/{}",
    "/placements/{}/agreement",
    "/pdf/placements/{}/agreement.pdf",
    "/pdf/placements/{}/plan.pdf",
    "/pdf/placements/{}/certificate.pdf",
)
TODAY = date.today()


def test_student_accepts_an_offer_and_sees_its_months(
    world, make_slot, make_offer, login_as, facts
) -> None:  # type: ignore[no-untyped-def]
    placement = make_offer(world.student, make_slot(world.enterprise))
    client = login_as(world.users["student"])
    page = client.get("/placements/offers").get_data(as_text=True)
    assert world.enterprise.name in page and "接受" in page
    response = client.post(f"/placements/{placement.id}/accept")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/placements/{placement.id}")
    assert facts.status(placement.id) == PlacementStatus.ACCEPTED
    index = client.get("/placements/").get_data(as_text=True)
    assert "已用顶岗实习月数" in index and "剩余可用月数" in index
    assert client.post(f"/placements/{placement.id}/accept").status_code == 409


def test_other_tenants_get_403_missing_placements_404_anonymous_login(
    app, session, world, make_slot, make_offer, make_user, login_as
) -> None:  # type: ignore[no-untyped-def]
    placement = make_offer(world.student, make_slot(world.enterprise))
    strangers = [
        make_user(Role.STUDENT, student_id=world.other_student.id),
        make_user(Role.SCHOOL, school_id=world.other_school.id),
        make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id),
        make_user(Role.BUREAU, region_id=world.other_region.id),
    ]
    session.commit()
    for stranger in strangers:
        client = login_as(stranger)
        for path in AGREEMENT_PAGES:
            assert client.get(path.format(placement.id)).status_code == 403
        for action in ("sign", "reauth"):
            posted = {"sha256": "0" * 64, "password": PASSWORD}
            assert client.post(f"/placements/{placement.id}/{action}", data=posted).status_code in (
                403,
                404,
            )
    own = login_as(world.users["school"])
    assert own.get("/placements/999999").status_code == 404
    anonymous = app.test_client().get(f"/placements/{placement.id}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_role_pages_refuse_other_roles(world, login_as) -> None:  # type: ignore[no-untyped-def]
    expectations = {
        "/placements/offers": "student",
        "/placements/near-cap": "school",
        "/placements/plans": "bureau",
    }
    for path, allowed in expectations.items():
        for role, user in world.users.items():
            status = login_as(user).get(path).status_code
            assert status == (200 if role == allowed else 403), (path, role)


def sign_over_http(client, pid: int) -> None:  # type: ignore[no-untyped-def]
    """Read the agreement page's hash, re-enter the password for it, sign that version."""
    page = client.get(f"/placements/{pid}/agreement").get_data(as_text=True)
    sha256 = re.search(r'name="sha256" type="hidden" value="([0-9a-f]{64})"', page).group(1)
    confirmed = client.post(
        f"/placements/{pid}/reauth", data={"sha256": sha256, "password": PASSWORD}
    )
    assert confirmed.status_code == 302
    assert client.post(f"/placements/{pid}/sign", data={"sha256": sha256}).status_code == 302


def test_the_whole_agreement_flow_over_http(
    session, world, make_slot, make_offer, login_as, facts
) -> None:  # type: ignore[no-untyped-def]
    placement = make_offer(world.student, make_slot(world.enterprise))
    pid = placement.id
    clients = {role: login_as(user) for role, user in world.users.items()}
    assert clients["student"].post(f"/placements/{pid}/accept").status_code == 302
    for role in ("student", "school", "enterprise"):
        sign_over_http(clients[role], pid)
    insurance = {
        "insurer": "人保财险",
        "policy_no": "P-1",
        "start": "2026-06-30",
        "end": "2027-01-31",
    }
    assert (
        clients["enterprise"].post(f"/placements/{pid}/insurance", data=insurance).status_code
        == 302
    )
    plan = {"plan": "岗位实习计划：安全培训、跟班生产、考核。"}
    assert clients["school"].post(f"/placements/{pid}/plan", data=plan).status_code == 302
    assert clients["enterprise"].post(f"/placements/{pid}/start").status_code == 409
    review = clients["bureau"].get("/placements/plans").get_data(as_text=True)
    assert "岗位实习计划" in review
    decision = clients["bureau"].post(f"/placements/{pid}/plan/decision", data={"approve": "通过"})
    assert decision.status_code == 302
    printable = clients["school"].get(f"/placements/{pid}/agreement").get_data(as_text=True)
    for text in ("三方实习协议", "甲方（学校）", world.school.name, world.student.national_id_masked,
                 world.users["enterprise"].display_name, "已审定备案"):  # fmt: skip
        assert text in printable
    assert clients["enterprise"].post(f"/placements/{pid}/start").status_code == 302
    assert facts.status(pid) == PlacementStatus.ACTIVE
    ended = clients["school"].post(f"/placements/{pid}/end", data={"end_date": "2026-10-01"})
    assert ended.status_code == 302
    assert facts.months_used(world.student.id) == 3 == facts.counted_months(world.student.id)


def test_notifications_page_marks_read_and_links_work(
    app, session, world, make_slot, make_offer, login_as
) -> None:  # type: ignore[no-untyped-def]
    placement = make_offer(world.student, make_slot(world.enterprise))
    student = login_as(world.users["student"])
    assert student.post(f"/placements/{placement.id}/accept").status_code == 302
    for role in ("student", "school", "enterprise"):
        client = login_as(world.users[role])
        page = client.get("/notifications/").get_data(as_text=True)
        assert "待签署" in page
        for note in session.scalars(
            select(Notification).where(Notification.user_id == world.users[role].id)
        ):
            with app.test_request_context():
                link = url_for(note.endpoint, **note.link_args)
            assert client.get(link).status_code == 200, link
            opened = client.post(f"/notifications/{note.id}/read")
            assert opened.status_code == 302 and opened.headers["Location"] == link
        session.rollback()
        assert "未读通知" not in client.get("/dashboard").get_data(as_text=True)
    mine = session.scalar(
        select(Notification.id).where(Notification.user_id == world.users["school"].id)
    )
    session.rollback()
    assert student.post(f"/notifications/{mine}/read").status_code == 403
    assert student.post("/notifications/999999/read").status_code == 404


def test_unread_count_on_the_landing_page_and_read_all(
    world, make_slot, make_offer, login_as
) -> None:  # type: ignore[no-untyped-def]
    make_offer(world.student, make_slot(world.enterprise))
    client = login_as(world.users["student"])
    assert "未读通知：1" in client.get("/dashboard").get_data(as_text=True)
    assert client.post("/notifications/read-all").status_code == 302
    assert "未读通知" not in client.get("/dashboard").get_data(as_text=True)


def test_school_sees_students_near_the_cap(session, world, make_slot, make_offer, login_as) -> None:  # type: ignore[no-untyped-def]
    first = make_offer(world.student, make_slot(world.enterprise), end=date(2027, 6, 1))  # 11
    student = login_as(world.users["student"])
    assert student.post(f"/placements/{first.id}/accept").status_code == 302
    page = login_as(world.users["school"]).get("/placements/near-cap").get_data(as_text=True)
    assert world.student.name in page
    assert world.other_student.name not in page


def test_post_without_csrf_token_is_refused(
    database_url, tmp_path, world, make_slot, make_offer
) -> None:  # type: ignore[no-untyped-def]
    placement = make_offer(world.student, make_slot(world.enterprise))
    app = create_app(make_test_config(database_url, tmp_path, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post(
        "/login",
        data={"email": world.users["student"].email, "password": PASSWORD, "csrf_token": token},
    )
    assert client.post(f"/placements/{placement.id}/accept").status_code == 400
    offers_page = client.get("/placements/offers").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', offers_page).group(1)
    response = client.post(f"/placements/{placement.id}/accept", data={"csrf_token": token})
    assert response.status_code == 302
    get_database(app).engine.dispose()


def test_every_role_sees_its_pages_at_every_stage(
    session, world, make_slot, make_offer, login_as
) -> None:  # type: ignore[no-untyped-def]
    placement = make_offer(world.student, make_slot(world.enterprise))
    pid = placement.id
    clients = {role: login_as(user) for role, user in world.users.items()}

    def all_pages_render() -> None:
        for role, client in clients.items():
            assert client.get("/placements/").status_code == 200, role
            assert client.get(f"/placements/{pid}").status_code == 200, role
            agreement = client.get(f"/placements/{pid}/agreement")
            assert agreement.status_code in (200, 302), role

    all_pages_render()  # offered
    assert clients["student"].post(f"/placements/{pid}/accept").status_code == 302
    all_pages_render()  # accepted
    for role in ("student", "school", "enterprise"):
        sign_as(session, world.users[role], pid)
    cover = pa.Insurance("人保财险", "P-9", date(2026, 6, 1), date(2027, 6, 1))
    pa.record_insurance(session, world.users["school"], pid, cover)
    pa.file_internship_plan(session, world.users["school"], pid, "计划")
    pa.decide_internship_plan(session, world.users["bureau"], pid, True)
    life.start_placement(session, world.users["school"], pid, TODAY)
    session.commit()
    all_pages_render()  # active
    extended = clients["school"].post(f"/placements/{pid}/extend", data={"new_end": "2027-03-01"})
    assert extended.status_code == 302
    assert clients["enterprise"].post(f"/placements/{pid}/extend").status_code == 403
    assert (
        clients["enterprise"]
        .post(f"/placements/{pid}/end", data={"end_date": "2027-03-01"})
        .status_code
        == 302
    )
    all_pages_render()  # ended


def test_the_placement_list_comes_in_pages_newest_first(
    session, world, make_slot, make_offer, make_student
) -> None:  # type: ignore[no-untyped-def]
    slot = make_slot(world.enterprise, seats=5)
    ids = [make_offer(make_student(world.school), slot).id for _ in range(5)]
    bureau = world.users["bureau"]
    first = placements.placements_page(session, bureau, 1, per_page=2)
    assert (first.total, first.pages) == (5, 3)
    assert [c.placement.id for c in first.items] == ids[::-1][:2]
    last = placements.placements_page(session, bureau, 3, per_page=2)
    assert [c.placement.id for c in last.items] == [ids[0]]
    # Out-of-range pages are clamped, not errors.
    assert placements.placements_page(session, bureau, 99, per_page=2).page == 3
    assert placements.placements_page(session, bureau, 0, per_page=2).page == 1


def test_a_refused_step_comes_back_with_the_typed_input_and_the_reason_at_the_form(
    session, world, make_slot, make_offer, login_as, facts
) -> None:  # type: ignore[no-untyped-def]
    placement = make_offer(world.student, make_slot(world.enterprise))
    pid = placement.id
    assert login_as(world.users["student"]).post(f"/placements/{pid}/accept").status_code == 302
    enterprise = login_as(world.users["enterprise"])
    short = {
        "insurer": "人保财险",
        "policy_no": "P-TYPED-7",
        "start": "2026-07-15",
        "end": "2026-08-01",
    }
    response = enterprise.post(f"/placements/{pid}/insurance", data=short)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "保险期须覆盖整个实习期" in page and 'value="P-TYPED-7"' in page  # input kept
    assert 'class="alert alert-danger"' in page and "返回上一页" not in page  # at the form
    # A field its own check refuses is marked at the field, the rest kept.
    response = enterprise.post(f"/placements/{pid}/insurance", data=short | {"end": "not-a-date"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "is-invalid" in page and 'value="P-TYPED-7"' in page
    assert facts.policy_no(pid) is None  # nothing half-written
    # Positive control: the same form with a period covering the placement is recorded.
    cover = short | {"start": "2026-06-30", "end": "2027-01-31"}
    assert enterprise.post(f"/placements/{pid}/insurance", data=cover).status_code == 302
    assert facts.policy_no(pid) == "P-TYPED-7"
