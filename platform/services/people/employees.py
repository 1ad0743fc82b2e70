"""Employee import (职工名册导入): CSV or XLSX, all-or-nothing, every bad cell named.

The file is read and its cells checked with the shared spreadsheet-import module (tables), as the
school roster is. Imported employments are confirmed at once (the enterprise itself enters them),
and each row's person is found by national ID or created: never a second person for one ID.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from stdnum.cn import ric

from skillbridge.models import (
    Employment,
    EmploymentSource,
    EmploymentStatus,
    Person,
    User,
    utcnow,
)
from skillbridge.platform.services import audit, notifications, tables
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.notifications import Link
from skillbridge.platform.services.people.employments import (
    EMPLOYMENT_CONFIRMED,
    EmploymentFacts,
    facts_problems,
    keeper_enterprise,
)
from skillbridge.platform.services.people.persons import new_person
from skillbridge.platform.services.subsidies.workers import on_employment_confirmed
from skillbridge.platform.services.tables import TableChecker, file_problem, read_table
from skillbridge.platform.text import N_, Np_

ID_BATCH = 500  # national-ID hashes looked up per query

NAME, NATIONAL_ID, POST, HIRE_DATE = "姓名", "身份证号", "岗位", "入职日期"
CONTRACT_START, CONTRACT_END, INSURANCE_SINCE = "合同开始日期", "合同结束日期", "社保缴纳起始日期"
FRONT_LINE, PRIMARY, PHONE = "是否一线职工", "是否主要雇主", "联系电话"
REQUIRED_COLUMNS = (NAME, NATIONAL_ID, POST, HIRE_DATE)
OPTIONAL_COLUMNS = (CONTRACT_START, CONTRACT_END, INSURANCE_SINCE, FRONT_LINE, PRIMARY, PHONE)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
TEMPLATE_EXAMPLE = (
    "李四",
    "11010519491231002X",
    "数控车工",
    "2024-03-01",
    "2024-03-01",
    "2027-02-28",
    "2024-03-01",
    "是",
    "是",
    "13900000000",
)


@dataclass(frozen=True)
class _Row:
    number: int
    name: str
    national_id: str
    birth_date: date
    facts: EmploymentFacts
    phone: str | None
    person_id: int | None = None


class _Checker(TableChecker):
    """Checks rows against each other, the enterprise's register and other employers."""

    columns = COLUMNS
    required = REQUIRED_COLUMNS

    def __init__(self, session: Session, enterprise_id: int, keys: IdentityKeys, today: date):
        super().__init__(keys)
        self.session = session
        self.enterprise_id = enterprise_id
        self.today = today
        self.known_people: dict[str, int] = {}
        self.primary_elsewhere: set[int] = set()  # rows whose person another employer holds

    def row(self, number: int, cells: dict[str, str]) -> _Row | None:
        before = len(self.problems)
        name = cells[NAME]
        if len(name) > 60:
            self.problem(number, NAME, name, N_("姓名过长（最多 60 个字符）"))
        national_id = self.national_id(number, NATIONAL_ID, cells[NATIONAL_ID])
        facts = EmploymentFacts(
            post=cells[POST],
            hire_date=self.date_cell(number, HIRE_DATE, cells[HIRE_DATE]),
            contract_start=self.date_cell(number, CONTRACT_START, cells[CONTRACT_START]),
            contract_end=self.date_cell(number, CONTRACT_END, cells[CONTRACT_END]),
            social_insurance_since=self.date_cell(number, INSURANCE_SINCE, cells[INSURANCE_SINCE]),
            is_front_line=self.yes_no(number, FRONT_LINE, cells[FRONT_LINE], True),
            is_primary=self.yes_no(number, PRIMARY, cells[PRIMARY], True),
        )
        phone = self.phone(number, PHONE, cells[PHONE])
        if len(self.problems) == before:
            # Only once every cell parses: a missing date already has its own problem.
            for column, why in facts_problems(facts, self.today):
                self.problem(number, column, cells.get(column, ""), why)
        if len(self.problems) > before or national_id is None:
            return None
        return _Row(number, name, national_id, ric.get_birth_date(national_id), facts, phone)

    def known_people_of(self, rows: list[_Row]) -> None:
        """Rows whose person is on the platform: same name, not already on the register, and
        not held as current primary employee by another enterprise when the row says primary."""
        by_number = {row.number: row for row in rows}
        digests = list(self.hashes)
        for start in range(0, len(digests), ID_BATCH):
            batch = digests[start : start + ID_BATCH]
            for person_id, digest, name in self.session.execute(
                select(Person.id, Person.national_id_hash, Person.name).where(
                    Person.national_id_hash.in_(batch)
                )
            ):
                number, raw = self.hashes[digest]
                row = by_number.get(number)
                if row is None:
                    continue
                if row.name != name:
                    self.problem(
                        number, NATIONAL_ID, raw, N_("该身份证号已在平台登记，姓名与本行不符")
                    )
                    continue
                self.known_people[digest] = person_id
            self._employed(batch)

    def _employed(self, batch: list[str]) -> None:
        open_statuses = (EmploymentStatus.PENDING, EmploymentStatus.CONFIRMED)
        for digest, enterprise_id, is_primary, status in self.session.execute(
            select(
                Person.national_id_hash,
                Employment.enterprise_id,
                Employment.is_primary,
                Employment.status,
            )
            .join(Person, Person.id == Employment.person_id)
            .where(Person.national_id_hash.in_(batch), Employment.status.in_(open_statuses))
        ):
            if digest not in self.known_people:
                continue
            number, raw = self.hashes[digest]
            if enterprise_id == self.enterprise_id:
                why = "该职工已在本企业名册中（待确认的请在“待确认”中处理）"
                self.problem(number, NATIONAL_ID, raw, why)
            elif is_primary and status == EmploymentStatus.CONFIRMED:
                self.primary_elsewhere.add(number)


def check_rows(
    session: Session, enterprise_id: int, rows: list[list[str]], keys: IdentityKeys, today: date
) -> list[_Row]:
    """Every row checked; TableRejected naming every problem when there is any."""
    checker = _Checker(session, enterprise_id, keys, today)
    if not rows:
        raise file_problem(N_("文件中没有表头"))
    positions = checker.header(rows[0])
    if checker.problems:
        raise checker.rejected(N_("职工名册表头不符合模板"))
    checked = [
        row
        for number, cells in checker.data_rows(rows, positions)
        if (row := checker.row(number, cells)) is not None
    ]
    checker.known_people_of(checked)
    for row in checked:
        if row.number in checker.primary_elsewhere and row.facts.is_primary:
            checker.problem(
                row.number,
                PRIMARY,
                "是",
                N_(
                    "该职工已有另一家企业登记为当前主要雇主，本企业只能登记为非主要雇佣关系（填“否”）"
                ),
            )
    if checker.problems:
        raise checker.rejected(
            Np_(
                "职工名册有 %(n)d 处问题，未导入任何职工",
                "职工名册有 %(n)d 处问题，未导入任何职工",
                len(checker.problems),
            )
        )
    if not checked:
        raise file_problem(N_("文件中没有职工数据"))
    return [
        replace(row, person_id=checker.known_people.get(keys.hash(row.national_id)))
        for row in checked
    ]


def import_employees(
    session: Session, actor: User, filename: str, data: bytes, keys: IdentityKeys, today: date
) -> list[Employment]:
    """Import an employee file into the actor's enterprise, confirmed: every row, or none."""
    return import_employee_rows(session, actor, read_table(filename, data), keys, today)


def import_employee_rows(
    session: Session, actor: User, table: list[list[str]], keys: IdentityKeys, today: date
) -> list[Employment]:
    """Import employees' rows (the header first, as in the template), confirmed: all or none."""
    enterprise = keeper_enterprise(session, actor)
    rows = check_rows(session, enterprise.id, table, keys, today)
    new_people = {
        row.number: new_person(keys, row.national_id, row.name, row.birth_date, row.phone)
        for row in rows
        if row.person_id is None
    }
    session.add_all(new_people.values())
    _flush(session)
    now = utcnow()
    employments = [
        Employment(
            person_id=row.person_id or new_people[row.number].id,
            enterprise_id=enterprise.id,
            post=row.facts.post.strip(),
            hire_date=row.facts.hire_date,
            contract_start=row.facts.contract_start,
            contract_end=row.facts.contract_end,
            social_insurance_since=row.facts.social_insurance_since,
            is_front_line=row.facts.is_front_line,
            is_primary=row.facts.is_primary,
            status=EmploymentStatus.CONFIRMED,
            source=EmploymentSource.ENTERPRISE,
            confirmed_by_user_id=actor.id,
            confirmed_at=now,
        )
        for row in rows
    ]
    session.add_all(employments)
    _flush(session)
    known = [e.person_id for e, row in zip(employments, rows, strict=True) if row.person_id]
    for person_id in known:
        notifications.notify(
            session,
            notifications.worker_users(session, person_id),
            EMPLOYMENT_CONFIRMED,
            N_("企业已确认您的雇佣关系"),
            enterprise.name,
            Link("people.me"),
        )
    audit.record(
        session,
        actor,
        "employees.imported",
        "enterprise",
        enterprise.id,
        {"employments": len(employments), "new_people": len(new_people)},
    )
    # Imported employments are confirmed ones: the worker-side subsidies they make due are raised.
    for employment in employments:
        on_employment_confirmed(session, employment, today)
    return employments


def _flush(session: Session) -> None:
    """A concurrent import, registration or confirmation of the same person may have won a
    UNIQUE race after the checks: the database refuses, and nothing is written."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(N_("导入期间职工数据已被修改（重复的职工或主要雇主），请重新导入")) from exc


def template_csv() -> bytes:
    """The employee template as CSV: the header (required columns starred) and one example."""
    return tables.template_csv(REQUIRED_COLUMNS, OPTIONAL_COLUMNS, TEMPLATE_EXAMPLE)


def template_xlsx() -> bytes:
    """The employee template as XLSX with text-formatted ID and phone columns."""
    return tables.template_xlsx(
        REQUIRED_COLUMNS, OPTIONAL_COLUMNS, TEMPLATE_EXAMPLE, "职工名册", (NATIONAL_ID, PHONE)
    )
