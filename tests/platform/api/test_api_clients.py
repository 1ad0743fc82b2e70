"""The page API 客户端: an admin issues a key shown once and kept hashed, lists and revokes it."""

from __future__ import annotations

import re

from sqlalchemy import select

from skillbridge.models import ApiClient, AuditEvent, Role, StaffRole
from skillbridge.platform.services.api_clients.clients import key_digest

KEY = re.compile(r"sbk_[A-Za-z0-9_-]{40,}")


def _create(client, name="教务系统", scopes=("roster:write", "placements:read")):  # type: ignore[no-untyped-def]
    return client.post("/api-clients/", data={"name": name, "scopes": list(scopes)})


def test_an_admin_creates_a_client_and_sees_its_key_once(login_as, session, world) -> None:  # type: ignore[no-untyped-def]
    admin = login_as(world.users["school"])
    response = _create(admin)
    assert response.status_code == 201, response.get_data(as_text=True)
    key = KEY.search(response.get_data(as_text=True)).group(0)
    stored = session.scalars(select(ApiClient)).one()
    assert stored.key_hash == key_digest(key) and key not in stored.key_hash
    assert stored.scopes == "placements:read roster:write"
    assert stored.school_id == world.school.id and stored.created_by_id == world.users["school"].id
    assert key.startswith(stored.key_prefix)
    # The list shows the prefix, never the key again.
    listed = admin.get("/api-clients/").get_data(as_text=True)
    assert stored.key_prefix in listed and key not in listed
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "api_client.created"))


def test_scopes_outside_the_organisation_and_an_empty_name_are_refused_by_field(
    login_as, session, world
) -> None:  # type: ignore[no-untyped-def]
    admin = login_as(world.users["school"])
    refused = _create(admin, scopes=("slots:write",))
    assert refused.status_code == 400
    assert "权限范围" in refused.get_data(as_text=True)
    assert _create(admin, name=" ").status_code == 400
    session.rollback()
    assert session.scalars(select(ApiClient)).all() == []
    assert _create(admin).status_code == 201  # positive control: the same page, valid input


def test_only_an_admin_reaches_the_page(login_as, session, world, make_user) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(Role.SCHOOL, StaffRole.PLACEMENT_OFFICER, school_id=world.school.id)
    session.commit()
    assert login_as(officer).get("/api-clients/").status_code == 403
    assert _create(login_as(officer)).status_code == 403
    assert login_as(world.users["student"]).get("/api-clients/").status_code == 403
    assert login_as(world.users["school"]).get("/api-clients/").status_code == 200
    for role in ("enterprise", "bureau"):
        assert login_as(world.users[role]).get("/api-clients/").status_code == 200


def test_revoking_ends_the_key_and_another_organisation_cannot_revoke(
    login_as, session, world, make_user
) -> None:  # type: ignore[no-untyped-def]
    admin = login_as(world.users["school"])
    key = KEY.search(_create(admin).get_data(as_text=True)).group(0)
    headers = {"Authorization": f"Bearer {key}"}
    assert (
        admin.application.test_client().get("/api/v1/placements", headers=headers).status_code
        == 200
    )
    client_id = session.scalars(select(ApiClient.id)).one()
    session.rollback()
    stranger = make_user(Role.SCHOOL, school_id=world.other_school.id)
    session.commit()
    assert login_as(stranger).post(f"/api-clients/{client_id}/revoke").status_code == 403
    response = admin.post(f"/api-clients/{client_id}/revoke")
    assert response.status_code == 302
    assert admin.post(f"/api-clients/{client_id}/revoke").status_code == 409
    fresh = admin.application.test_client()
    refused = fresh.get("/api/v1/placements", headers=headers)
    assert refused.status_code == 401 and refused.is_json
    session.rollback()
    assert session.get(ApiClient, client_id).revoked_by_id == world.users["school"].id


def test_the_list_is_paginated_newest_first(login_as, session, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from skillbridge.platform.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    admin = login_as(world.users["enterprise"])
    for n in range(3):
        assert _create(admin, name=f"HR{n}", scopes=("slots:read",)).status_code == 201
    first = admin.get("/api-clients/").get_data(as_text=True)
    second = admin.get("/api-clients/?page=2").get_data(as_text=True)
    assert "HR2" in first and "HR1" in first and "HR0" not in first
    assert "HR0" in second and "HR2" not in second
