"""The /webhooks page: register (secret shown once, stored encrypted), the SSRF guard, the log."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from webhook_support import add_endpoint

from skillbridge.models import Role, StaffRole, WebhookEndpoint
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.services.webhooks import endpoints
from skillbridge.platform.services.webhooks.guard import check_url

PUBLIC_URL = "https://8.8.8.8/hook"  # an address literal: nothing is resolved or contacted


def _register(client, url: str, *types: str):  # type: ignore[no-untyped-def]
    return client.post("/webhooks/", data={"url": url, "event_types": list(types)})


def test_the_secret_is_shown_once_and_stored_encrypted(app, session, world, login_as):
    client = login_as(world.users["school"])
    response = _register(client, PUBLIC_URL, "offer.accepted", "claim.decided")
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    endpoint = session.scalars(select(WebhookEndpoint)).one()
    secret = id_keys(app).decrypt(endpoint.secret_encrypted)
    assert secret.startswith("whsec_") and secret in page
    assert secret not in endpoint.secret_encrypted
    assert (
        endpoint.school_id == world.school.id and endpoint.created_by_id == world.users["school"].id
    )
    assert endpoint.event_types == ["claim.decided", "offer.accepted"]
    again = client.get("/webhooks/").get_data(as_text=True)
    assert PUBLIC_URL in again and secret not in again  # never shown again


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://8.8.8.8/hook", "https"),
        ("https://127.0.0.1/hook", "127.0.0.1"),
        ("https://10.1.2.3/hook", "10.1.2.3"),
        ("https://192.168.0.9/hook", "192.168.0.9"),
        ("https://169.254.169.254/latest/meta-data", "169.254.169.254"),
        ("https://[::1]/hook", "::1"),
        ("https://[::ffff:127.0.0.1]/hook", "::ffff:127.0.0.1"),
        ("https://[fe80::1]/hook", "fe80::1"),
        ("https://user:pw@8.8.8.8/hook", "用户名"),
        ("ftp://8.8.8.8/hook", "https"),
    ],
)
def test_private_or_plain_urls_are_refused_at_registration(app, session, world, login_as, url, why):
    app.config["WEBHOOKS_ALLOW_PRIVATE_URLS"] = False
    client = login_as(world.users["enterprise"])
    refused = _register(client, url, "offer.accepted")
    assert refused.status_code == 400
    assert "URL" in refused.get_data(as_text=True) and why in refused.get_data(as_text=True)
    assert session.scalars(select(WebhookEndpoint)).all() == []
    # Positive control, through the same form: a public https address is accepted.
    assert _register(client, PUBLIC_URL, "offer.accepted").status_code == 201


def test_a_name_that_resolves_to_a_private_address_is_refused(world):
    def resolver(address: str):  # type: ignore[no-untyped-def]
        return lambda _host, _port: [address]

    with pytest.raises(InvalidInput, match="10.0.0.7"):
        check_url("https://hooks.example.test/in", False, resolver("10.0.0.7"))
    target = check_url("https://hooks.example.test/in?x=1", False, resolver("93.184.216.34"))
    assert target.addresses == ("93.184.216.34",) and target.path == "/in?x=1"


def test_private_urls_are_accepted_when_the_setting_allows_them(app, session, world, login_as):
    assert app.config["WEBHOOKS_ALLOW_PRIVATE_URLS"] is True  # development and tests
    client = login_as(world.users["bureau"])
    assert _register(client, "http://127.0.0.1:8080/hook", "plan.approved").status_code == 201
    endpoint = session.scalars(select(WebhookEndpoint)).one()
    assert endpoint.region_id == world.region.id and endpoint.school_id is None


def test_bad_input_names_the_field(world, login_as):
    client = login_as(world.users["school"])
    no_types = _register(client, PUBLIC_URL)
    assert no_types.status_code == 400 and "事件类型" in no_types.get_data(as_text=True)
    unknown = _register(client, PUBLIC_URL, "webhook.test")  # sent by the test button only
    assert unknown.status_code == 400 and "事件类型" in unknown.get_data(as_text=True)
    no_url = _register(client, "", "offer.accepted")
    assert no_url.status_code == 400 and "URL" in no_url.get_data(as_text=True)
    assert _register(client, PUBLIC_URL, "offer.accepted").status_code == 201


def test_only_the_admin_manages_webhooks(app, session, world, make_user, login_as):
    officer = make_user(Role.SCHOOL, StaffRole.PLACEMENT_OFFICER, school_id=world.school.id)
    session.commit()
    assert login_as(officer).get("/webhooks/").status_code == 403
    assert _register(login_as(officer), PUBLIC_URL, "offer.accepted").status_code == 403
    assert login_as(world.users["school"]).get("/webhooks/").status_code == 200


def test_disable_enable_delete_and_the_log(
    app, session, world, make_user, login_as, receiver, queue
) -> None:  # type: ignore[no-untyped-def]
    endpoint = add_endpoint(
        session, id_keys(app), receiver.url, world.users["school"].id, school_id=world.school.id
    )
    endpoint_id = endpoint.id
    stranger_admin = make_user(Role.SCHOOL, school_id=world.other_school.id)
    session.commit()
    client = login_as(world.users["school"])
    assert client.post(f"/webhooks/{endpoint_id}/test").status_code == 302
    assert queue.count == 1  # the test event's delivery, enqueued after the commit
    log = client.get(f"/webhooks/{endpoint_id}/deliveries").get_data(as_text=True)
    assert "webhook.test" in log and "待投递" in log
    assert client.post(f"/webhooks/{endpoint_id}/active", data={"active": "0"}).status_code == 302
    session.rollback()  # a fresh snapshot: the requests committed in their own sessions
    session.expire_all()
    assert session.get(WebhookEndpoint, endpoint_id).active is False
    assert client.post(f"/webhooks/{endpoint_id}/test").status_code == 400  # disabled
    assert client.post(f"/webhooks/{endpoint_id}/active", data={"active": "1"}).status_code == 302
    # Another school's admin neither reads its log nor deletes it; its own admin does.
    stranger = login_as(stranger_admin)
    assert stranger.get(f"/webhooks/{endpoint_id}/deliveries").status_code == 403
    assert stranger.post(f"/webhooks/{endpoint_id}/delete").status_code == 403
    assert client.post(f"/webhooks/{endpoint_id}/delete").status_code == 302
    session.rollback()  # a fresh snapshot: the requests committed in their own sessions
    session.expire_all()
    assert session.get(WebhookEndpoint, endpoint_id) is None


def test_the_list_pages(app, session, world, login_as, monkeypatch):
    from skillbridge.platform.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    for n in range(3):
        add_endpoint(
            session, id_keys(app), f"https://8.8.8.{n}/h", world.users["school"].id,
            school_id=world.school.id,
        )  # fmt: skip
    session.commit()
    client = login_as(world.users["school"])
    first, second = (
        client.get("/webhooks/").get_data(as_text=True),
        client.get("/webhooks/?page=2").get_data(as_text=True),
    )
    assert "https://8.8.8.2/h" in first and "https://8.8.8.0/h" not in first and "1 / 2" in first
    assert "https://8.8.8.0/h" in second
    assert endpoints.ENDPOINTS_MAX == 20
