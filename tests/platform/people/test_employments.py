"""The enterprise's register: confirm (facts entered or corrected), reject, end; one current
primary employer per person; tenancy and staff roles, each refusal with its positive control."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from skillbridge.models import (
    AuditEvent,
    Employment,
    EmploymentStatus,
    Notification,
    Role,
    StaffRole,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.people import employments

TODAY = date(2026, 6, 1)


def _kinds(session, user_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        session.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id)
        )
    )


def test_confirming_through_the_page_stores_the_corrected_facts(
    login_as, session, world, register_worker
):  # type: ignore[no-untyped-def]
    worker, employment = register_worker(post="车工")
    hr = login_as(world.users["enterprise"])
    assert "车工" in hr.get(f"/employees/{employment.id}/confirm").get_data(as_text=True)
    response = hr.post(
        f"/employees/{employment.id}/confirm",
        data={
            "post": "数控车工（三级）",
            "hire_date": "2025-08-15",
            "contract_start": "2025-08-15",
            "contract_end": "2028-08-14",
            "social_insurance_since": "2025-09-01",
            "is_primary": "y",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/employees/{employment.id}"
    session.rollback()
    stored = session.get(Employment, employment.id)
    assert stored.status == EmploymentStatus.CONFIRMED
    assert (stored.post, stored.hire_date) == ("数控车工（三级）", date(2025, 8, 15))
    assert stored.social_insurance_since == date(2025, 9, 1)
    assert stored.is_front_line is False and stored.is_primary is True  # unticked box
    assert stored.confirmed_by_user_id == world.users["enterprise"].id
    assert _kinds(session, worker.id) == ["employment.confirmed"]
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "employment.confirmed"))


def test_bad_facts_are_named_and_nothing_changes(login_as, session, world, register_worker):  # type: ignore[no-untyped-def]
    _worker, employment = register_worker()
    hr = login_as(world.users["enterprise"])
    response = hr.post(
        f"/employees/{employment.id}/confirm",
        data={
            "post": "车工",
            "hire_date": "2025-08-15",
            "contract_start": "2026-01-01",
            "contract_end": "2025-01-01",
        },
    )
    assert response.status_code == 400
    assert "合同结束日期不能早于合同开始日期" in response.get_data(as_text=True)
    session.rollback()
    assert session.get(Employment, employment.id).status == EmploymentStatus.PENDING


def test_reject_with_a_reason_and_the_worker_sees_it(login_as, session, world, register_worker):  # type: ignore[no-untyped-def]
    worker, employment = register_worker()
    hr = login_as(world.users["enterprise"])
    assert hr.post(f"/employees/{employment.id}/reject", data={"reason": ""}).status_code == 400
    response = hr.post(f"/employees/{employment.id}/reject", data={"reason": "查无此人"})
    assert response.status_code == 302
    session.rollback()
    stored = session.get(Employment, employment.id)
    assert (stored.status, stored.end_reason) == (EmploymentStatus.REJECTED, "查无此人")
    assert _kinds(session, worker.id) == ["employment.rejected"]
    page = login_as(worker).get("/me").get_data(as_text=True)
    assert "查无此人" in page
    # Decided once: neither confirm nor reject again.
    again = hr.post(f"/employees/{employment.id}/reject", data={"reason": "再次"})
    assert again.status_code == 409


def test_end_an_employment_with_date_and_reason(session, world, register_worker, make_facts):  # type: ignore[no-untyped-def]
    worker, employment = register_worker()
    hr = world.users["enterprise"]
    employments.confirm_employment(session, hr, employment.id, make_facts(), TODAY)
    with pytest.raises(InvalidInput) as refused:
        employments.end_employment(session, hr, employment.id, date(2020, 1, 1), "早于入职")
    assert "离职日期不能早于入职日期" in refused.value.details[0]
    ended = employments.end_employment(session, hr, employment.id, date(2026, 5, 31), "合同到期")
    session.commit()
    assert (ended.status, ended.ended_on, ended.end_reason) == (
        EmploymentStatus.ENDED,
        date(2026, 5, 31),
        "合同到期",
    )
    assert _kinds(session, worker.id) == ["employment.confirmed", "employment.ended"]
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions[-2:] == ["employment.confirmed", "employment.ended"]
    with pytest.raises(Conflict):
        employments.end_employment(session, hr, employment.id, date(2026, 5, 31), "再次")


def test_a_second_current_primary_employer_is_a_conflict(
    session, world, register_worker, make_facts, make_user
):  # type: ignore[no-untyped-def]
    worker, employment = register_worker()
    hr = world.users["enterprise"]
    employments.confirm_employment(session, hr, employment.id, make_facts(), TODAY)
    session.commit()
    other_hr = make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id)
    second = Employment(
        person_id=worker.person_id,
        enterprise_id=world.other_enterprise.id,
        post="兼职",
        hire_date=date(2026, 1, 1),
        source=employment.source,
    )
    session.add(second)
    session.commit()
    with pytest.raises(Conflict) as caught:
        employments.confirm_employment(session, other_hr, second.id, make_facts(), TODAY)
    assert caught.value.message == employments.PRIMARY_TAKEN
    assert world.enterprise.name not in caught.value.message
    session.rollback()
    # Positive control: the same employment confirmed as not primary is fine.
    employments.confirm_employment(
        session, other_hr, second.id, make_facts(is_primary=False), TODAY
    )
    session.commit()
    assert session.get(Employment, second.id).status == EmploymentStatus.CONFIRMED


def test_another_enterprise_cannot_see_or_confirm(
    login_as, session, world, register_worker, make_user
):  # type: ignore[no-untyped-def]
    _worker, employment = register_worker()
    other = make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id)
    session.commit()
    b = login_as(other)
    assert b.get(f"/employees/{employment.id}").status_code == 404
    assert b.get(f"/employees/{employment.id}/confirm").status_code == 404
    form = {"post": "车工", "hire_date": "2025-08-15", "is_primary": "y"}
    assert b.post(f"/employees/{employment.id}/confirm", data=form).status_code == 404
    assert b.post(f"/employees/{employment.id}/reject", data={"reason": "x"}).status_code == 404
    assert "王工" not in b.get("/employees").get_data(as_text=True)
    assert "王工" not in b.get("/employees/pending").get_data(as_text=True)
    session.rollback()
    assert session.get(Employment, employment.id).status == EmploymentStatus.PENDING
    # Positive control: the employer itself sees and confirms it.
    a = login_as(world.users["enterprise"])
    assert "王工" in a.get("/employees/pending").get_data(as_text=True)
    assert a.post(f"/employees/{employment.id}/confirm", data=form).status_code == 302


def test_a_mentor_does_not_keep_the_register(
    login_as, session, world, register_worker, make_user, make_facts
):  # type: ignore[no-untyped-def]
    _worker, employment = register_worker()
    mentor = make_user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=world.enterprise.id)
    hr = make_user(Role.ENTERPRISE, StaffRole.HR, enterprise_id=world.enterprise.id)
    session.commit()
    with pytest.raises(PermissionDenied):
        employments.confirm_employment(session, mentor, employment.id, make_facts(), TODAY)
    assert login_as(mentor).get("/employees").status_code == 403
    session.rollback()
    # Positive control: HR may.
    assert login_as(hr).get("/employees").status_code == 200
    employments.confirm_employment(session, hr, employment.id, make_facts(), TODAY)


def test_a_school_or_bureau_never_reaches_an_employment(
    session, world, register_worker, make_facts
):  # type: ignore[no-untyped-def]
    _worker, employment = register_worker()
    for role in ("school", "bureau", "student"):
        with pytest.raises(NotFound):
            employments.get_employment(session, world.users[role], employment.id)
    assert employments.get_employment(session, world.users["enterprise"], employment.id)


def test_the_list_searches_filters_and_pages(
    login_as, session, world, register_worker, monkeypatch
):  # type: ignore[no-untyped-def]
    from skillbridge.platform.services import paging

    for post in ("焊工", "钳工", "电工"):
        register_worker(post=post)
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    hr = world.users["enterprise"]
    everyone = employments.list_employees(session, hr)
    assert (everyone.total, len(everyone.items), everyone.pages) == (3, 2, 2)
    found = employments.list_employees(session, hr, query="钳")
    assert [row.employment.post for row in found.items] == ["钳工"]
    none = employments.list_employees(session, hr, query="%")
    assert none.total == 0  # a wildcard is searched for as written
    pending = employments.list_employees(session, hr, status=EmploymentStatus.CONFIRMED)
    assert pending.total == 0
    page = login_as(hr).get("/employees?q=焊").get_data(as_text=True)
    assert "焊工" in page and "钳工" not in page
