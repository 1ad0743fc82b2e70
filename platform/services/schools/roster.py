"""Student roster import (学生名册导入): CSV or XLSX with Chinese headers, all-or-nothing.

The file is read and its cells checked by the shared spreadsheet-import module (tables): every
problem is named by row, column, value and reason, and a file with any problem writes nothing.
Each imported student gets an invitation code with which it activates its own account. A school's
records system may re-send its roster (`update_own`): a row of one of the school's own students
then updates that student's changeable fields instead of being a duplicate.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    SKILL_LEVEL_MAX,
    SKILL_LEVEL_MIN,
    Cohort,
    Person,
    School,
    Specialty,
    Student,
    User,
)
from skillbridge.platform.services import audit, exports, tables
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.people.persons import new_person
from skillbridge.platform.services.schools.cohorts import own_school
from skillbridge.platform.services.tables import (
    NO,
    SKILL_LEVEL_NAMES,
    YES,
    TableChecker,
    file_problem,
    read_table,
)
from skillbridge.platform.services.webhooks import outbox
from skillbridge.platform.text import N_, Np_

ID_BATCH = 500  # national-ID hashes looked up per query
INVITATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in class
INVITATION_LENGTH = 12

# The template's columns, in order; a trailing * in the template marks a required column.
NAME, NATIONAL_ID, SPECIALTY_CODE, INTAKE_YEAR, CLASS_NAME = (
    "姓名",
    "身份证号",
    "专业代码",
    "入学年份",
    "班级",
)
HUKOU, IS_LOCAL, SKILL_LEVEL, PHONE, BIRTH_DATE = (
    "户籍所在地",
    "是否本地户籍",
    "技能等级",
    "联系电话",
    "出生日期",
)
REQUIRED_COLUMNS = (NAME, NATIONAL_ID, SPECIALTY_CODE, INTAKE_YEAR, CLASS_NAME, HUKOU)
OPTIONAL_COLUMNS = (IS_LOCAL, SKILL_LEVEL, PHONE, BIRTH_DATE)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# The 8-step ladder of seed 001 (十一), as a school writes it; numbers 0–7 are accepted too.
LOCAL_WORDS = (YES | {"本地"}, NO | {"外地"})
TEMPLATE_EXAMPLE = (
    "张三",
    "11010519491231002X",
    "460103",
    "2023",
    "数控2301班",
    "江苏省苏州市吴江区",
    "是",
    "中级工",
    "13800000000",
    "1949-12-31",
)


class Outcome(StrEnum):
    """What an import did with a row's student."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ImportedStudent:
    """A student written (or found as it was) by an import, with its activation code if unused."""

    student_id: int
    name: str
    cohort_name: str
    invitation_code: str | None
    outcome: Outcome = Outcome.CREATED


# ---------------------------------------------------------------------------------------------
# Checking rows


@dataclass(frozen=True)
class _Row:
    number: int
    name: str
    national_id: str
    cohort: Cohort
    birth_date: date
    hukou: str
    is_local: bool
    skill_level: int
    phone: str | None
    # Optional columns left blank: on an update they keep the stored value.
    blank: frozenset[str] = frozenset()
    # The person already on the platform with this national ID (a worker, say), if any.
    person_id: int | None = None
    # The school's own student with this national ID, when the import updates its own students.
    student: Student | None = None


class _Checker(TableChecker):
    """Checks data rows against the school's cohorts and the database, collecting problems."""

    columns = COLUMNS
    required = REQUIRED_COLUMNS

    def __init__(
        self, session: Session, school: School, keys: IdentityKeys, update_own: bool
    ) -> None:
        super().__init__(keys)
        self.session = session
        self.school_id = school.id
        self.update_own = update_own
        self.own_students: dict[str, Student] = {}
        offered = {s.code: s for s in school.specialties}
        cohorts = session.scalars(select(Cohort).where(Cohort.school_id == school.id)).all()
        self.specialties = offered | {
            s.code: s
            for s in session.scalars(
                select(Specialty).where(Specialty.id.in_({c.specialty_id for c in cohorts}))
            )
        }
        self.cohorts = {(c.specialty_id, c.intake_year, c.name): c for c in cohorts}
        self.known_people: dict[str, int] = {}

    def row(self, number: int, cells: dict[str, str]) -> _Row | None:
        before = len(self.problems)
        name = cells[NAME]
        if len(name) > 60:
            self.problem(number, NAME, name, N_("姓名过长（最多 60 个字符）"))
        national_id = self.national_id(number, NATIONAL_ID, cells[NATIONAL_ID])
        cohort = self._cohort(number, cells)
        birth = self._birth_date(number, cells[BIRTH_DATE], national_id)
        hukou = cells[HUKOU]
        if len(hukou) > 60:
            self.problem(number, HUKOU, hukou, N_("户籍所在地过长（最多 60 个字符）"))
        is_local = self.yes_no(number, IS_LOCAL, cells[IS_LOCAL], True, LOCAL_WORDS)
        level = self._skill_level(number, cells[SKILL_LEVEL])
        phone = self.phone(number, PHONE, cells[PHONE])
        if len(self.problems) > before or national_id is None or cohort is None or birth is None:
            return None
        blank = frozenset(column for column in OPTIONAL_COLUMNS if not cells[column])
        return _Row(number, name, national_id, cohort, birth, hukou, is_local, level, phone, blank)

    def known_students(self, names: dict[int, str]) -> None:
        """Rows whose person is already on the platform, in two queries per batch of IDs.

        A person who is already a student is a duplicate, unless the import updates the school's
        own students and this is one (of this school only: the refusal of another school's
        student reads the same as any duplicate's, so it never tells which school). A person
        known otherwise (a registered worker) is enrolled as they are, provided the roster
        spells the same name.
        """
        digests = list(self.hashes)
        for start in range(0, len(digests), ID_BATCH):
            batch = digests[start : start + ID_BATCH]
            people = self.session.execute(
                select(Person.id, Person.national_id_hash, Person.name).where(
                    Person.national_id_hash.in_(batch)
                )
            ).all()
            enrolled: dict[int, list[Student]] = {}
            for student in self.session.scalars(
                select(Student).where(Student.person_id.in_([p.id for p in people]))
            ):
                enrolled.setdefault(student.person_id, []).append(student)
            for person_id, digest, name in people:
                number, raw = self.hashes[digest]
                students = enrolled.get(person_id, [])
                if students:
                    self._enrolled(number, raw, digest, names.get(number), students)
                elif names.get(number) != name:
                    self.problem(
                        number, NATIONAL_ID, raw, N_("该身份证号已在平台登记，姓名与本行不符")
                    )
                else:
                    self.known_people[digest] = person_id

    def _enrolled(
        self, number: int, raw: str, digest: str, name: str | None, students: list[Student]
    ) -> None:
        own = self.update_own and len(students) == 1 and students[0].school_id == self.school_id
        if not own:
            self.problem(number, NATIONAL_ID, raw, N_("该学生已在平台登记（重复学生）"))
        elif name is not None and name != students[0].name:
            self.problem(
                number,
                NAME,
                name,
                N_("与平台登记的该学生姓名不符（姓名随身份登记，名册不能更改）"),
            )
        else:
            self.own_students[digest] = students[0]

    def _cohort(self, number: int, cells: dict[str, str]) -> Cohort | None:
        code, year_text, class_name = cells[SPECIALTY_CODE], cells[INTAKE_YEAR], cells[CLASS_NAME]
        if not (code and year_text and class_name):
            return None
        specialty = self.specialties.get(code)
        if specialty is None:
            self.problem(number, SPECIALTY_CODE, code, N_("未知专业：本校未开设该专业代码"))
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
        if year is None:
            self.problem(number, INTAKE_YEAR, year_text, N_("入学年份应为四位数字年份"))
        if specialty is None or year is None:
            return None
        cohort = self.cohorts.get((specialty.id, year, class_name))
        if cohort is None:
            self.problem(
                number,
                CLASS_NAME,
                class_name,
                N_(
                    "本校没有 %(year)d 级「%(specialty)s」的该班级，请先创建届/班",
                    year=year,
                    specialty=specialty.name,
                ),
            )
        return cohort

    def _birth_date(self, number: int, raw: str, national_id: str | None) -> date | None:
        from stdnum.cn import ric

        from_id = ric.get_birth_date(national_id) if national_id else None
        if not raw:
            return from_id
        given = self.date_cell(number, BIRTH_DATE, raw)
        if given is not None and from_id is not None and given != from_id:
            self.problem(
                number,
                BIRTH_DATE,
                raw,
                N_("与身份证号中的出生日期 %(day)s 不一致", day=from_id.isoformat()),
            )
            return None
        return given

    def _skill_level(self, number: int, raw: str) -> int:
        if not raw:
            return SKILL_LEVEL_MIN
        if raw in SKILL_LEVEL_NAMES:
            return SKILL_LEVEL_NAMES[raw]
        if raw.isdigit() and SKILL_LEVEL_MIN <= int(raw) <= SKILL_LEVEL_MAX:
            return int(raw)
        self.problem(
            number,
            SKILL_LEVEL,
            raw,
            N_(
                "应为 %(low)d–%(high)d 或等级名称，如 中级工",
                low=SKILL_LEVEL_MIN,
                high=SKILL_LEVEL_MAX,
            ),
        )
        return SKILL_LEVEL_MIN


def check_rows(
    session: Session,
    school: School,
    rows: list[list[str]],
    keys: IdentityKeys,
    update_own: bool = False,
) -> list[_Row]:
    """Every row checked; TableRejected naming every problem when there is any."""
    checker = _Checker(session, school, keys, update_own)
    if not rows:
        raise file_problem(N_("文件中没有表头"))
    positions = checker.header(rows[0])
    if checker.problems:
        raise checker.rejected(N_("名册表头不符合模板"))
    checked: list[_Row] = []
    for number, cells in checker.data_rows(rows, positions):
        row = checker.row(number, cells)
        if row is not None:
            checked.append(row)
    checker.known_students({row.number: row.name for row in checked})
    if checker.problems:
        raise checker.rejected(
            Np_(
                "名册有 %(n)d 处问题，未导入任何学生",
                "名册有 %(n)d 处问题，未导入任何学生",
                len(checker.problems),
            )
        )
    if not checked:
        raise file_problem(N_("文件中没有学生数据"))
    return [
        replace(
            row,
            person_id=checker.known_people.get(digest),
            student=checker.own_students.get(digest),
        )
        for row in checked
        for digest in (keys.hash(row.national_id),)
    ]


# ---------------------------------------------------------------------------------------------
# The use case


def new_invitation_code() -> str:
    """A 12-character code from an unambiguous alphabet (~60 bits)."""
    return "".join(secrets.choice(INVITATION_ALPHABET) for _ in range(INVITATION_LENGTH))


def import_roster(
    session: Session, actor: User, filename: str, data: bytes, keys: IdentityKeys
) -> list[ImportedStudent]:
    """Import a roster file into the actor's school: every row written, or none."""
    return import_roster_rows(session, actor, read_table(filename, data), keys)


def import_roster_rows(
    session: Session,
    actor: User,
    table: list[list[str]],
    keys: IdentityKeys,
    *,
    update_own: bool = False,
) -> list[ImportedStudent]:
    """Import a roster's rows (the header first, as in the template): every row, or none.

    With `update_own`, a row of one of the school's own students updates it (`_update`).
    """
    school = own_school(session, actor)
    rows = check_rows(session, school, table, keys, update_own)
    added = [row for row in rows if row.student is None]
    new_people = {
        row.number: new_person(keys, row.national_id, row.name, row.birth_date, row.phone)
        for row in added
        if row.person_id is None
    }
    session.add_all(new_people.values())
    try:
        session.flush()
    except IntegrityError as exc:
        # A concurrent import or registration of the same person won the UNIQUE race.
        raise Conflict(N_("导入期间名册数据已被修改（可能有重复学生），请重新导入")) from exc
    created = {
        row.number: Student(
            school_id=school.id,
            cohort_id=row.cohort.id,
            person_id=row.person_id or new_people[row.number].id,
            name=row.name,
            birth_date=row.birth_date,
            hukou_locality=row.hukou,
            is_local=row.is_local,
            skill_level=row.skill_level,
            phone=row.phone,
            invitation_code=new_invitation_code(),
        )
        for row in added
    }
    session.add_all(created.values())
    changed = {
        row.number: fields
        for row in rows
        if row.student is not None and (fields := _update(row.student, row))
    }
    try:
        session.flush()
    except IntegrityError as exc:
        # A concurrent import of the same person won the UNIQUE race after our checks.
        raise Conflict(N_("导入期间名册数据已被修改（可能有重复学生），请重新导入")) from exc
    result = [_imported(row, created, changed) for row in rows]
    _record(session, actor, school, rows, result, changed)
    return result


def _update(student: Student, row: _Row) -> list[str]:
    """Set the student's changeable fields from its row; the names of those that changed.

    The name and birth date are the identity record's (the birth date is part of the national
    ID), so a roster never changes them; a blank optional cell keeps what is stored.
    """
    wanted = {
        "cohort_id": row.cohort.id,
        "hukou_locality": row.hukou,
        "is_local": student.is_local if IS_LOCAL in row.blank else row.is_local,
        "skill_level": student.skill_level if SKILL_LEVEL in row.blank else row.skill_level,
        "phone": student.phone if PHONE in row.blank else row.phone,
    }
    fields = [field for field, value in wanted.items() if getattr(student, field) != value]
    for field in fields:
        setattr(student, field, wanted[field])
    return fields


def _imported(
    row: _Row, created: dict[int, Student], changed: dict[int, list[str]]
) -> ImportedStudent:
    student = row.student or created[row.number]
    outcome = (
        Outcome.CREATED
        if row.student is None
        else Outcome.UPDATED
        if row.number in changed
        else Outcome.UNCHANGED
    )
    return ImportedStudent(
        student.id, student.name, row.cohort.name, student.invitation_code, outcome
    )


def _record(
    session: Session,
    actor: User,
    school: School,
    rows: list[_Row],
    result: list[ImportedStudent],
    changed: dict[int, list[str]],
) -> None:
    """Audit the import and each update (field names only), and emit roster.imported."""
    created_ids = [s.student_id for s in result if s.outcome == Outcome.CREATED]
    updated_ids = [s.student_id for s in result if s.outcome == Outcome.UPDATED]
    if not (created_ids or updated_ids):
        return  # a roster re-sent as it is writes nothing, so it tells no one
    for imported, row in zip(result, rows, strict=True):
        if row.number in changed:
            audit.record(
                session,
                actor,
                "roster.student_updated",
                "student",
                imported.student_id,
                {"fields": changed[row.number]},
            )
    cohort_ids = sorted(
        {
            row.cohort.id
            for row, s in zip(rows, result, strict=True)
            if s.outcome != Outcome.UNCHANGED
        }
    )
    audit.record(
        session,
        actor,
        "roster.imported",
        "school",
        school.id,
        {"students": len(created_ids), "updated": len(updated_ids), "cohorts": cohort_ids},
    )
    outbox.emit(
        session,
        "roster.imported",
        {
            "school_id": school.id,
            "student_ids": created_ids,
            "updated_student_ids": updated_ids,
            "cohort_ids": cohort_ids,
        },
        [outbox.school(school.id)],
    )


def invitations_csv(students: Iterable[Student]) -> bytes:
    """Name and invitation code of students not yet activated, for handing out.

    No ID digits: the code and the last 4 are the two halves of the activation secret, and a
    handout that carries both lets whoever finds it take the account over.
    """
    return exports.csv_bytes(
        ("姓名", "邀请码"),
        ((s.name, s.invitation_code) for s in students if s.invitation_code),
    )


def template_csv() -> bytes:
    """The roster template as CSV: the header (required columns starred) and one example row."""
    return tables.template_csv(REQUIRED_COLUMNS, OPTIONAL_COLUMNS, TEMPLATE_EXAMPLE)


def template_xlsx() -> bytes:
    """The roster template as XLSX with text-formatted ID and phone columns."""
    return tables.template_xlsx(
        REQUIRED_COLUMNS, OPTIONAL_COLUMNS, TEMPLATE_EXAMPLE, "学生名册", (NATIONAL_ID, PHONE)
    )
