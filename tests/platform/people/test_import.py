"""Employee import: all-or-nothing, every bad cell named by row, column, value and reason; the
rows become confirmed employments of new or existing people; the templates import as they are."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from support import PASSWORD_HASH, valid_national_id

from skillbridge.models import (
    AuditEvent,
    Employment,
    EmploymentSource,
    EmploymentStatus,
    Notification,
    Person,
    Role,
    User,
)
from skillbridge.platform.services import tables
from skillbridge.platform.services.people import employees, employments
from skillbridge.platform.services.people.persons import new_person

TODAY = date(2026, 6, 1)
HEADER = list(employees.COLUMNS)


def _row(n: int, **cells: str) -> list[str]:
    values = {
        employees.NAME: f"导入职工{n}",
        employees.NATIONAL_ID: valid_national_id(n, date(1995, 1, 1)),
        employees.POST: "焊工",
        employees.HIRE_DATE: "2024-03-01",
        employees.CONTRACT_START: "2024-03-01",
        employees.CONTRACT_END: "2027-02-28",
        employees.INSURANCE_SINCE: "2024-03-01",
        employees.FRONT_LINE: "是",
        employees.PRIMARY: "是",
        employees.PHONE: "",
    }
    values.update(cells)
    return [values[c] for c in employees.COLUMNS]


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _counts(session) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return (
        session.scalar(select(func.count(Person.id))),
        session.scalar(select(func.count(Employment.id))),
    )


@pytest.mark.parametrize(("name", "encode"), [("staff.csv", _csv), ("staff.xlsx", _xlsx)])
def test_a_good_file_imports_confirmed_employments(session, world, keys, name, encode):  # type: ignore[no-untyped-def]
    data = encode(
        [HEADER, _row(1), _row(2, **{employees.PRIMARY: "否", employees.FRONT_LINE: "否"})]
    )
    people_before, _ = _counts(session)
    imported = employees.import_employees(
        session, world.users["enterprise"], name, data, keys, TODAY
    )
    session.commit()
    assert len(imported) == 2
    assert _counts(session)[0] == people_before + 2
    first, second = sorted(imported, key=lambda e: e.id)
    assert (first.status, first.source) == (EmploymentStatus.CONFIRMED, EmploymentSource.ENTERPRISE)
    assert first.confirmed_by_user_id == world.users["enterprise"].id and first.confirmed_at
    assert (first.post, first.hire_date, first.contract_end) == (
        "焊工",
        date(2024, 3, 1),
        date(2027, 2, 28),
    )
    assert (second.is_primary, second.is_front_line) == (False, False)
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "employees.imported"))


def test_a_bad_file_names_every_bad_cell_and_writes_nothing(session, world, keys):  # type: ignore[no-untyped-def]
    duplicate = valid_national_id(99, date(1995, 1, 1))
    rows = [
        HEADER,
        _row(3),
        _row(4, **{employees.NATIONAL_ID: "440303199501010001"}),
        _row(5, **{employees.HIRE_DATE: "2024-13-01"}),
        _row(6, **{employees.CONTRACT_START: "2025-01-01", employees.CONTRACT_END: "2024-01-01"}),
        _row(7, **{employees.POST: ""}),
        _row(8, **{employees.PRIMARY: "也许"}),
        _row(9, **{employees.PHONE: "电话"}),
        _row(10, **{employees.NATIONAL_ID: duplicate}),
        _row(11, **{employees.NATIONAL_ID: duplicate}),
    ]
    before = _counts(session)
    with pytest.raises(tables.TableRejected) as caught:
        employees.import_employees(
            session, world.users["enterprise"], "s.csv", _csv(rows), keys, TODAY
        )
    session.rollback()
    problems = {(p.row, p.column): p for p in caught.value.problems}
    assert set(problems) == {
        (3, employees.NATIONAL_ID),
        (4, employees.HIRE_DATE),
        (5, employees.CONTRACT_END),
        (6, employees.POST),
        (7, employees.PRIMARY),
        (8, employees.PHONE),
        (10, employees.NATIONAL_ID),
    }
    assert "校验码错误" in problems[(3, employees.NATIONAL_ID)].why
    assert problems[(4, employees.HIRE_DATE)].value == "2024-13-01"
    assert "与第 9 行重复" in problems[(10, employees.NATIONAL_ID)].why
    assert any("第 5 行，列「合同结束日期」" in d for d in caught.value.details)
    assert _counts(session) == before
    # Positive control: the good rows of the same file alone import.
    good = [HEADER, _row(3), _row(12)]
    assert (
        len(
            employees.import_employees(
                session, world.users["enterprise"], "s.csv", _csv(good), keys, TODAY
            )
        )
        == 2
    )


def test_an_existing_person_is_reused_and_their_account_told(
    session, world, keys, register_worker, make_user, make_facts
):  # type: ignore[no-untyped-def]
    national_id = valid_national_id(21, date(1995, 1, 1))
    worker, employment = register_worker(name="导入职工21", national_id=national_id)
    employments.reject_employment(session, world.users["enterprise"], employment.id, "另行导入")
    other_hr = make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id)
    session.commit()
    people_before, _ = _counts(session)
    rows = [HEADER, _row(21, **{employees.PRIMARY: "否"})]
    employees.import_employees(session, other_hr, "s.csv", _csv(rows), keys, TODAY)
    session.commit()
    assert _counts(session)[0] == people_before
    kinds = session.scalars(
        select(Notification.kind).where(Notification.user_id == worker.id)
    ).all()
    assert "employment.confirmed" in kinds


def test_known_people_are_checked_against_the_register_and_other_employers(
    session, world, keys, register_worker, make_user, make_facts
):  # type: ignore[no-untyped-def]
    on_file = valid_national_id(31, date(1995, 1, 1))
    elsewhere = valid_national_id(32, date(1995, 1, 1))
    _w, pending = register_worker(name="导入职工31", national_id=on_file)
    _w2, primary = register_worker(name="导入职工32", national_id=elsewhere)
    employments.confirm_employment(
        session, world.users["enterprise"], primary.id, make_facts(), TODAY
    )
    session.add(
        new_person(keys, valid_national_id(33, date(1995, 1, 1)), "别的名字", date(1995, 1, 1))
    )
    other_hr = make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id)
    session.commit()
    own = [HEADER, _row(31)]
    with pytest.raises(tables.TableRejected) as caught:
        employees.import_employees(
            session, world.users["enterprise"], "s.csv", _csv(own), keys, TODAY
        )
    assert "已在本企业名册中" in caught.value.problems[0].why
    session.rollback()
    rows = [HEADER, _row(32), _row(33)]
    with pytest.raises(tables.TableRejected) as caught:
        employees.import_employees(session, other_hr, "s.csv", _csv(rows), keys, TODAY)
    session.rollback()
    whys = {(p.row, p.column): p.why for p in caught.value.problems}
    assert "另一家企业登记为当前主要雇主" in whys[(2, employees.PRIMARY)]
    assert "姓名与本行不符" in whys[(3, employees.NATIONAL_ID)]
    # Positive control: as a second, non-primary employer the known person imports.
    ok = [HEADER, _row(32, **{employees.PRIMARY: "否"})]
    assert len(employees.import_employees(session, other_hr, "s.csv", _csv(ok), keys, TODAY)) == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads_and_imports_as_it_is(login_as, session, world, keys, fmt):  # type: ignore[no-untyped-def]
    client = login_as(world.users["enterprise"])
    response = client.get(f"/employees/template.{fmt}")
    assert response.status_code == 200
    assert "employee-template" in response.headers["Content-Disposition"]
    session.rollback()
    imported = employees.import_employees(
        session, world.users["enterprise"], f"t.{fmt}", response.data, keys, TODAY
    )
    assert [e.post for e in imported] == ["数控车工"]


def test_the_import_page_lists_every_problem(login_as, session, world):  # type: ignore[no-untyped-def]
    client = login_as(world.users["enterprise"])
    bad = _csv([HEADER, _row(41, **{employees.HIRE_DATE: "昨天"})])
    response = client.post("/employees/import", data={"file": (io.BytesIO(bad), "s.csv")})
    assert response.status_code == 400
    assert "第 2 行，列「入职日期」，值「昨天」" in response.get_data(as_text=True)
    good = _csv([HEADER, _row(42)])
    response = client.post("/employees/import", data={"file": (io.BytesIO(good), "s.csv")})
    assert response.status_code == 302 and response.headers["Location"] == "/employees"


def test_registering_for_an_imported_employment_waits_for_the_enterprise_again(
    login_as, session, world, keys, worker_form
):  # type: ignore[no-untyped-def]
    national_id = valid_national_id(51, date(1995, 1, 1))
    hr = world.users["enterprise"]
    (imported,) = employees.import_employees(
        session, hr, "s.csv", _csv([HEADER, _row(51)]), keys, TODAY
    )
    session.commit()
    form = worker_form(name="导入职工51", national_id=national_id, phone="13900006666")
    assert login_as(hr).post("/register/worker", data=form).status_code == 302
    session.rollback()
    worker = session.scalar(select(User).where(User.phone == "13900006666"))
    assert worker.person_id == imported.person_id
    assert session.scalar(select(func.count(Employment.id))) == 1  # joined, not duplicated
    worker.password_hash = PASSWORD_HASH
    session.commit()
    client = login_as(worker)
    # Someone with the person's ID and name is not let in on the strength of the import alone.
    assert client.get(f"/me/employments/{imported.id}").status_code == 403
    hr_client = login_as(hr)
    pending = hr_client.get("/employees/pending").get_data(as_text=True)
    assert "导入职工51" in pending
    assert "13900006666" in hr_client.get(f"/employees/{imported.id}/confirm").get_data(
        as_text=True
    )
    session.rollback()
    employments.confirm_employment(session, hr, imported.id, make_facts_like(imported), TODAY)
    session.commit()
    # Positive control: confirmed again, the account opens and leaves the list to confirm.
    assert client.get(f"/me/employments/{imported.id}").status_code == 200
    assert "导入职工51" not in hr_client.get("/employees/pending").get_data(as_text=True)


def make_facts_like(employment: Employment) -> employments.EmploymentFacts:
    return employments.EmploymentFacts(post=employment.post, hire_date=employment.hire_date)
