"""Registration, verification, login, logout, password change, CSRF and the login rate limit."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select
from support import PASSWORD, make_test_config, valid_uscc

from skillbridge.models import AuditEvent, Enterprise, School, User, VerificationStatus
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database


def _enterprise_form(region_id: int, uscc: str, email: str = "hr@example.cn") -> dict:
    return {
        "name": "苏州精工机械有限公司",
        "uscc": uscc,
        "industry": "装备制造",
        "staff_headcount": 320,
        "region_id": region_id,
        "contact_name": "王丽",
        "contact_phone": "0512-63000000",
        "email": email,
        "password": PASSWORD,
        "confirm": PASSWORD,
    }


def test_enterprise_registers_pending_and_is_told_to_wait(client, session, world):
    response = client.post(
        "/register/enterprise", data=_enterprise_form(world.region.id, valid_uscc(9001))
    )
    # Nobody is logged in by registering (an existing e-mail gets this same answer).
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    enterprise = session.scalar(select(Enterprise).where(Enterprise.uscc == valid_uscc(9001)))
    assert enterprise.verification_status == VerificationStatus.PENDING
    assert client.get("/dashboard").status_code == 302
    response = client.post("/login", data={"email": "hr@example.cn", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/dashboard").get_data(as_text=True)
    assert "等待人社局审核机构资质" in page


def test_bad_uscc_gets_a_clear_error_and_writes_nothing(client, session, world):
    bad = valid_uscc(9002)[:-1] + ("0" if valid_uscc(9002)[-1] != "0" else "1")
    response = client.post("/register/enterprise", data=_enterprise_form(world.region.id, bad))
    assert response.status_code == 400
    assert "统一社会信用代码无效" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Enterprise.id))) == 2  # only the world's two
    assert session.scalar(select(User.id).where(User.email == "hr@example.cn")) is None


def test_school_registration_checks_the_code(client, session, world):
    form = {
        "name": "吴江中等专业学校",
        "code": "41440A0001",
        "school_type": "secondary_vocational",
        "region_id": world.region.id,
        "contact_name": "李老师",
        "contact_phone": "0512-1",
        "email": "office@school.cn",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    assert client.post("/register/school", data=form).status_code == 400
    form["code"] = "4144000999"
    assert client.post("/register/school", data=form).status_code == 302
    assert session.scalar(select(School).where(School.code == "4144000999")) is not None


def test_bureau_verifies_a_pending_school_of_its_region(login_as, session, world, make_school):
    pending = make_school(world.region, verified=False)
    session.commit()
    bureau = login_as(world.users["bureau"])
    assert pending.name in bureau.get("/bureau/verifications").get_data(as_text=True)
    response = bureau.post(f"/bureau/verifications/school/{pending.id}", data={"approve": "1"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(School, pending.id).verification_status == VerificationStatus.VERIFIED
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "school.verified"))


def test_rejection_needs_a_reason(login_as, session, world, make_school):
    pending = make_school(world.region, verified=False)
    session.commit()
    bureau = login_as(world.users["bureau"])
    response = bureau.post(f"/bureau/verifications/school/{pending.id}", data={"reject": "1"})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(School, pending.id).verification_status == VerificationStatus.PENDING


def test_bureau_of_another_region_cannot_verify(login_as, session, world, make_school):
    foreign = make_school(world.other_region, verified=False)
    session.commit()
    bureau = login_as(world.users["bureau"])
    response = bureau.post(f"/bureau/verifications/school/{foreign.id}", data={"approve": "1"})
    assert response.status_code == 404
    session.expire_all()
    assert session.get(School, foreign.id).verification_status == VerificationStatus.PENDING


def test_wrong_password_is_refused(client, world):
    response = client.post(
        "/login", data={"email": world.users["school"].email, "password": "nope"}
    )
    assert response.status_code == 401
    assert client.get("/dashboard").status_code == 302


def test_a_replayed_pre_logout_cookie_is_refused(app, login_as, world):
    browser = login_as(world.users["school"])
    stolen = browser.get_cookie("session").value
    assert browser.post("/logout").status_code == 302
    attacker = app.test_client()
    attacker.set_cookie("session", stolen)
    response = attacker.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_ends_other_sessions_but_keeps_this_one(login_as, world):
    user = world.users["enterprise"]
    laptop, phone = login_as(user), login_as(user)
    new_password = "a brand new passphrase"
    response = laptop.post(
        "/account/password",
        data={"current": PASSWORD, "new": new_password, "confirm": new_password},
    )
    assert response.status_code == 302
    assert laptop.get("/dashboard").status_code == 200
    assert phone.get("/dashboard").status_code == 302


def test_student_activates_with_invitation_code(client, session, world, make_student):
    student = make_student(world.school)
    session.commit()
    form = {
        "invitation_code": student.invitation_code,
        "id_last4": student.national_id_masked[-4:],
        "email": "stu@example.cn",
        "password": PASSWORD,
    }
    wrong = dict(form, id_last4="0000" if form["id_last4"] != "0000" else "1111")
    assert client.post("/activate", data=wrong).status_code == 400
    assert client.post("/activate", data=form).status_code == 302
    assert client.post("/activate", data=form).status_code == 400  # the code is spent
    session.rollback()  # ends the read snapshot taken before the activation
    user = session.scalar(select(User).where(User.email == "stu@example.cn"))
    assert user.student_id == student.id
    assert session.get(type(student), student.id).invitation_code is None


def test_post_without_csrf_token_is_rejected(database_url, tmp_path, world):
    app = create_app(make_test_config(database_url, tmp_path, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    response = client.post(
        "/login", data={"email": world.users["school"].email, "password": PASSWORD}
    )
    assert response.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"email": world.users["school"].email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    get_database(app).engine.dispose()


def _hammer_login(app, email: str, attempts: int, threads: int) -> list[int]:  # type: ignore[no-untyped-def]
    """Send `attempts` bad logins from `threads` concurrent clients; return the statuses."""
    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def worker(count: int) -> None:
        client = app.test_client()
        barrier.wait()
        for _ in range(count):
            status = client.post("/login", data={"email": email, "password": "wrong"}).status_code
            with lock:
                statuses.append(status)

    per_thread = attempts // threads
    pool = [threading.Thread(target=worker, args=(per_thread,)) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return statuses


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_login_rate_limit_lets_through_at_most_the_limit(
    request, database_url, tmp_path, world, storage
):
    overrides = {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "5 per minute"}
    if storage == "redis":
        redis_url = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        overrides["REDIS_URL"] = redis_url
    apps = [
        create_app(make_test_config(database_url, tmp_path / str(i), **overrides)) for i in range(4)
    ]
    # Several app instances stand for several workers; with Redis they share one counter.
    statuses = []
    for app in apps if storage == "redis" else apps[:1]:
        statuses += _hammer_login(app, world.users["school"].email, attempts=10, threads=5)
    let_through = sum(1 for s in statuses if s != 429)
    assert let_through <= 5
    assert statuses.count(429) == len(statuses) - let_through
    for app in apps:
        get_database(app).engine.dispose()
