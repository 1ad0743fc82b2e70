"""Worker sign-up: one person per national ID, a pending employment, every bad field named,
the same answer for a login that is taken, and login by phone or by e-mail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from support import PASSWORD, make_test_config, valid_national_id

from skillbridge.models import (
    AuditEvent,
    Employment,
    EmploymentSource,
    EmploymentStatus,
    Notification,
    Person,
    Role,
    StaffRole,
    User,
)
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database
from skillbridge.platform.services.people.persons import new_person


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model))


def test_a_worker_registers_pending_and_the_enterprise_is_told(client, session, world, worker_form):  # type: ignore[no-untyped-def]
    form = worker_form()
    response = client.post("/register/worker", data=form)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    user = session.scalar(select(User).where(User.email == form["email"]))
    assert (user.role, user.staff_role, user.phone) == (Role.WORKER, StaffRole.SELF, form["phone"])
    person = session.get(Person, user.person_id)
    assert person.name == form["name"] and person.birth_date == date(1998, 5, 4)
    assert person.national_id_masked.endswith(form["national_id"][-4:])
    assert form["national_id"] not in (person.national_id_encrypted or "")
    employment = session.scalars(select(Employment).where(Employment.person_id == person.id)).one()
    assert employment.status == EmploymentStatus.PENDING
    assert employment.source == EmploymentSource.REGISTRATION
    assert (employment.enterprise_id, employment.post) == (world.enterprise.id, "数控车工")
    told = session.scalars(
        select(Notification).where(Notification.user_id == world.users["enterprise"].id)
    ).all()
    assert [n.kind for n in told] == ["employment.registered"]
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "worker.registered"))


def test_a_phone_alone_or_an_email_alone_is_enough(client, session, worker_form):  # type: ignore[no-untyped-def]
    phone_only = worker_form(email="", phone="+86 139-1234-5678")
    email_only = worker_form(phone="")
    assert client.post("/register/worker", data=phone_only).status_code == 302
    assert client.post("/register/worker", data=email_only).status_code == 302
    assert session.scalar(select(User.email).where(User.phone == "13912345678")) is None
    assert session.scalar(select(User.phone).where(User.email == email_only["email"])) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"national_id": "440303199805040001"}, "身份证号"),  # wrong check digit
        ({"phone": "12345"}, "手机号"),
        ({"email": "not-an-address"}, "邮箱"),
        ({"phone": "", "email": ""}, "手机号或邮箱"),
        ({"password": "password1", "confirm": "password1"}, "密码"),
        ({"employer_uscc": "91440300000000000X"}, "雇主统一社会信用代码"),  # bad check char
        ({"hire_date": "2999-01-01"}, "入职日期"),
        ({"post": "岗" * 61}, "岗位"),
    ],
)
def test_each_bad_field_is_named_and_nothing_is_written(
    client, session, worker_form, changes, field
):  # type: ignore[no-untyped-def]
    before = (_count(session, User), _count(session, Person), _count(session, Employment))
    session.rollback()
    response = client.post("/register/worker", data=worker_form(**changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"{field}：" in page or f">{field}" in page, page
    after = (_count(session, User), _count(session, Person), _count(session, Employment))
    assert after == before
    # Positive control: the same form with that field put right registers.
    assert client.post("/register/worker", data=worker_form()).status_code == 302


def test_every_bad_field_at_once_is_named(client, worker_form):  # type: ignore[no-untyped-def]
    response = client.post(
        "/register/worker",
        data=worker_form(national_id="123", phone="1", email="x", employer_uscc="bad"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("身份证号：", "手机号：", "邮箱：", "雇主统一社会信用代码："):
        assert field in page


def test_an_unverified_or_unknown_employer_is_refused(
    client, session, world, make_enterprise, worker_form
):  # type: ignore[no-untyped-def]
    pending = make_enterprise(world.region, verified=False)
    session.commit()
    response = client.post("/register/worker", data=worker_form(employer_uscc=pending.uscc))
    assert response.status_code == 400
    assert "该企业未在平台注册或尚未通过人社局审核" in response.get_data(as_text=True)
    assert _count(session, User) == 4  # the world's four
    # Positive control: the verified enterprise of the same region is accepted.
    assert client.post("/register/worker", data=worker_form()).status_code == 302


def test_a_former_student_is_linked_to_their_person_never_a_second(
    client, session, world, keys, worker_form, make_student
):  # type: ignore[no-untyped-def]
    national_id = valid_national_id(777, date(2003, 2, 1))
    person = new_person(keys, national_id, "李学", date(2003, 2, 1))
    session.add(person)
    session.flush()
    student = make_student(world.school)
    student.person_id = person.id
    session.commit()
    people_before = _count(session, Person)
    form = worker_form(name="李学", national_id=national_id)
    response = client.post("/register/worker", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    session.rollback()  # a fresh snapshot after the request
    assert _count(session, Person) == people_before
    user = session.scalar(select(User).where(User.email == form["email"]))
    assert user.person_id == person.id


def test_a_name_that_differs_from_the_known_person_is_refused(client, session, keys, worker_form):  # type: ignore[no-untyped-def]
    national_id = valid_national_id(778, date(2003, 2, 1))
    session.add(new_person(keys, national_id, "李学", date(2003, 2, 1)))
    session.commit()
    response = client.post(
        "/register/worker", data=worker_form(name="张冒", national_id=national_id)
    )
    assert response.status_code == 400
    assert "与该身份证号已登记的姓名不符" in response.get_data(as_text=True)


def test_a_second_worker_account_for_one_person_is_refused_without_saying_whose(
    client, session, worker_form, register_worker
):  # type: ignore[no-untyped-def]
    national_id = valid_national_id(779, date(1990, 1, 1))
    first, _employment = register_worker(name="赵工", national_id=national_id)
    response = client.post(
        "/register/worker", data=worker_form(name="赵工", national_id=national_id)
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "该身份证号已有职工账号" in page
    assert first.email not in page and first.phone not in page
    session.rollback()
    assert session.scalar(select(func.count(User.id)).where(User.person_id == first.person_id)) == 1
    # Positive control: another ID with the same form registers.
    assert client.post("/register/worker", data=worker_form(name="赵工")).status_code == 302


def test_a_taken_login_gets_the_same_answer_and_its_owner_is_told(
    app, client, session, world, worker_form
):  # type: ignore[no-untyped-def]
    owner = world.users["school"]
    new = client.post("/register/worker", data=worker_form())
    known = app.test_client().post("/register/worker", data=worker_form(email=owner.email))
    assert (known.status_code, known.headers["Location"]) == (
        new.status_code,
        new.headers["Location"],
    )
    assert session.scalar(select(func.count(User.id)).where(User.email == owner.email)) == 1
    told = session.scalars(select(Notification).where(Notification.user_id == owner.id)).all()
    assert [n.kind for n in told] == ["account.registration_attempted"]
    assert _count(session, Employment) == 1  # only the new worker's


def test_worker_registration_is_rate_limited(world, worker_form, database_url, tmp_path):  # type: ignore[no-untyped-def]
    app = create_app(
        make_test_config(
            database_url, tmp_path, RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="2 per hour"
        )
    )
    client = app.test_client()
    statuses = [client.post("/register/worker", data=worker_form()).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    get_database(app).engine.dispose()


def test_login_by_phone_and_by_email(app, register_worker, world):  # type: ignore[no-untyped-def]
    user, _employment = register_worker(phone="13900001111", email="both@example.cn")
    for login in ("139 0000 1111", "+8613900001111", "BOTH@example.cn"):
        client = app.test_client()
        response = client.post("/login", data={"email": login, "password": PASSWORD})
        assert response.status_code == 302, login
    wrong = app.test_client().post("/login", data={"email": "13900001111", "password": "nope-nope"})
    assert wrong.status_code == 401
    # Existing accounts keep logging in by e-mail.
    school = app.test_client().post(
        "/login", data={"email": world.users["school"].email, "password": PASSWORD}
    )
    assert school.status_code == 302


def test_a_phone_only_worker_logs_in_and_the_api_names_its_login(app, register_worker):  # type: ignore[no-untyped-def]
    user, _employment = register_worker(phone="13900002222", email="")
    client = app.test_client()
    response = client.post("/login", data={"email": "13900002222", "password": PASSWORD})
    assert response.status_code == 302
    me = client.get("/api/v1/me").get_json()
    assert (me["email"], me["phone"], me["role"]) == (None, "13900002222", "worker")
    assert me["person_id"] == user.person_id


def test_a_mobile_number_is_one_account_to_the_login_limit(register_worker, database_url, tmp_path):  # type: ignore[no-untyped-def]
    register_worker(phone="13900007777")
    app = create_app(
        make_test_config(
            database_url,
            tmp_path,
            RATELIMIT_ENABLED=True,
            LOGIN_RATE_LIMIT="3 per minute",
            LOGIN_ACCOUNT_RATE_LIMIT="100 per hour",
        )
    )
    client = app.test_client()
    spellings = ["13900007777", "139 0000 7777", "+86 139-0000-7777", "0086 13900007777"]
    statuses = [
        client.post("/login", data={"email": s, "password": "wrong-guess"}).status_code
        for s in spellings
    ]
    assert statuses == [401, 401, 401, 429]
    # Positive control: another account from the same address is not limited.
    other = client.post("/login", data={"email": "13900008888", "password": "wrong-guess"})
    assert other.status_code == 401
    get_database(app).engine.dispose()
