"""Student roster import (学生名册导入): CSV or XLSX with Chinese headers, all-or-nothing.

The file is read and refused as every table upload is (services/tables.py); every data row is
then checked and every problem collected — row number as the spreadsheet shows it, column
header, value, why — and a file with any problem writes nothing. Each imported student gets an
invitation code with which it activates its own account.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

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
from skillbridge.platform.services import audit, exports
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.people.persons import new_person
from skillbridge.platform.services.schools.cohorts import own_school
from skillbridge.platform.services.tables import (
    SKILL_LEVEL_NAMES,
    RowProblem,
    TableRejected,
    file_problem,
    read_table,
)
from skillbridge.platform.text import N_

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
YES = {"是", "本地", "y", "yes", "true", "1"}
NO = {"否", "外地", "n", "no", "false", "0"}
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


@dataclass(frozen=True)
class ImportedStudent:
    """A student written by an import, with the code it activates its account with."""

    student_id: int
    name: str
    cohort_name: str
    invitation_code: str


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
    # The person already on the platform with this national ID (a worker, say), if any.
    person_id: int | None = None


class _Checker:
    """Checks data rows against the school's cohorts and the database, collecting problems."""

    def __init__(self, session: Session, school: School, keys: IdentityKeys) -> None:
        self.session = session
        self.keys = keys
        self.problems: list[RowProblem] = []
        offered = {s.code: s for s in school.specialties}
        cohorts = session.scalars(select(Cohort).where(Cohort.school_id == school.id)).all()
        self.specialties = offered | {
            s.code: s
            for s in session.scalars(
                select(Specialty).where(Specialty.id.in_({c.specialty_id for c in cohorts}))
            )
        }
        self.cohorts = {(c.specialty_id, c.intake_year, c.name): c for c in cohorts}
        self.seen_ids: dict[str, int] = {}
        self.hashes: dict[str, tuple[int, str]] = {}
        self.known_people: dict[str, int] = {}

    def problem(self, row: int, column: str, value: str, why: str) -> None:
        self.problems.append(RowProblem(row, column, value, why))

    def header(self, header: list[str]) -> dict[str, int]:
        positions: dict[str, int] = {}
        for index, raw in enumerate(header):
            title = raw.strip().lstrip("\ufeff").rstrip("*").strip()
            if not title:
                continue
            if title in positions:
                self.problem(1, title, raw, "列名重复")
            elif title not in COLUMNS:
                self.problem(1, title, raw, "未知列名（请使用模板中的列名）")
            positions[title] = index
        for column in REQUIRED_COLUMNS:
            if column not in positions:
                self.problem(1, column, "", "缺少必填列")
        return positions

    def row(self, number: int, cells: dict[str, str]) -> _Row | None:
        before = len(self.problems)
        for column in REQUIRED_COLUMNS:
            if not cells[column]:
                self.problem(number, column, "", "必填项为空")
        name = cells[NAME]
        if len(name) > 60:
            self.problem(number, NAME, name, "姓名过长（最多 60 个字符）")
        national_id = self._national_id(number, cells[NATIONAL_ID])
        cohort = self._cohort(number, cells)
        birth = self._birth_date(number, cells[BIRTH_DATE], national_id)
        hukou = cells[HUKOU]
        if len(hukou) > 60:
            self.problem(number, HUKOU, hukou, "户籍所在地过长（最多 60 个字符）")
        is_local = self._yes_no(number, cells[IS_LOCAL])
        level = self._skill_level(number, cells[SKILL_LEVEL])
        phone = cells[PHONE] or None
        if phone is not None and (len(phone) > 30 or not _looks_like_phone(phone)):
            self.problem(number, PHONE, phone, "联系电话格式不正确")
        if len(self.problems) > before or national_id is None or cohort is None or birth is None:
            return None
        return _Row(number, name, national_id, cohort, birth, hukou, is_local, level, phone)

    def _national_id(self, number: int, raw: str) -> str | None:
        if not raw:
            return None
        from stdnum.cn import ric
        from stdnum.exceptions import ValidationError

        try:
            national_id = ric.validate(raw)
        except ValidationError as exc:
            self.problem(number, NATIONAL_ID, raw, f"身份证号无效（{_ric_reason(exc)}）")
            return None
        first = self.seen_ids.setdefault(national_id, number)
        if first != number:
            self.problem(number, NATIONAL_ID, raw, f"与第 {first} 行重复")
            return None
        self.hashes[self.keys.hash(national_id)] = (number, raw)
        return national_id

    def known_students(self, names: dict[int, str]) -> None:
        """Rows whose person is already on the platform, in one query per batch of IDs.

        A person who is already a student is a duplicate; a person known otherwise (a registered
        worker) is enrolled as they are, provided the roster spells the same name.
        """
        digests = list(self.hashes)
        for start in range(0, len(digests), ID_BATCH):
            batch = digests[start : start + ID_BATCH]
            enrolled = Person.id.in_(select(Student.person_id)).label("enrolled")
            for person_id, digest, name, is_student in self.session.execute(
                select(Person.id, Person.national_id_hash, Person.name, enrolled).where(
                    Person.national_id_hash.in_(batch)
                )
            ):
                number, raw = self.hashes[digest]
                if is_student:
                    self.problem(number, NATIONAL_ID, raw, "该学生已在平台登记（重复学生）")
                elif names.get(number) != name:
                    self.problem(number, NATIONAL_ID, raw, "该身份证号已在平台登记，姓名与本行不符")
                else:
                    self.known_people[digest] = person_id

    def _cohort(self, number: int, cells: dict[str, str]) -> Cohort | None:
        code, year_text, class_name = cells[SPECIALTY_CODE], cells[INTAKE_YEAR], cells[CLASS_NAME]
        if not (code and year_text and class_name):
            return None
        specialty = self.specialties.get(code)
        if specialty is None:
            self.problem(number, SPECIALTY_CODE, code, "未知专业：本校未开设该专业代码")
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
        if year is None:
            self.problem(number, INTAKE_YEAR, year_text, "入学年份应为四位数字年份")
        if specialty is None or year is None:
            return None
        cohort = self.cohorts.get((specialty.id, year, class_name))
        if cohort is None:
            self.problem(
                number,
                CLASS_NAME,
                class_name,
                f"本校没有 {year} 级「{specialty.name}」的该班级，请先创建届/班",
            )
        return cohort

    def _birth_date(self, number: int, raw: str, national_id: str | None) -> date | None:
        from stdnum.cn import ric

        from_id = ric.get_birth_date(national_id) if national_id else None
        if not raw:
            return from_id
        try:
            given = date.fromisoformat(raw.replace("/", "-").replace(".", "-"))
        except ValueError:
            self.problem(number, BIRTH_DATE, raw, "日期格式应为 YYYY-MM-DD")
            return None
        if from_id is not None and given != from_id:
            self.problem(
                number, BIRTH_DATE, raw, f"与身份证号中的出生日期 {from_id.isoformat()} 不一致"
            )
            return None
        return given

    def _yes_no(self, number: int, raw: str) -> bool:
        if not raw or raw.lower() in YES:
            return True
        if raw.lower() in NO:
            return False
        self.problem(number, IS_LOCAL, raw, "应填写“是”或“否”")
        return True

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
            f"应为 {SKILL_LEVEL_MIN}–{SKILL_LEVEL_MAX} 或等级名称，如 中级工",
        )
        return SKILL_LEVEL_MIN


def _ric_reason(exc: Exception) -> str:
    names = {
        "InvalidLength": "长度应为 18 位",
        "InvalidFormat": "前 17 位应为数字",
        "InvalidChecksum": "校验码错误",
        "InvalidComponent": "出生日期或地区码无效",
    }
    return names.get(type(exc).__name__, "格式错误")


def _looks_like_phone(phone: str) -> bool:
    return all(ch.isdigit() or ch in "+- ()" for ch in phone) and any(ch.isdigit() for ch in phone)


def check_rows(
    session: Session, school: School, rows: list[list[str]], keys: IdentityKeys
) -> list[_Row]:
    """Every row checked; TableRejected naming every problem when there is any."""
    checker = _Checker(session, school, keys)
    if not rows:
        raise file_problem("文件中没有表头")
    positions = checker.header(rows[0])
    if checker.problems:
        raise TableRejected(N_("名册表头不符合模板"), checker.problems)
    checked: list[_Row] = []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell for cell in raw):
            continue
        cells = {
            column: (raw[index] if index < len(raw) else "")
            for column, index in ((c, positions.get(c, len(raw))) for c in COLUMNS)
        }
        extra = [c for i, c in enumerate(raw) if i not in positions.values() and c]
        if extra:
            checker.problem(number, "（表头外）", extra[0], "表头之外的列有内容")
        row = checker.row(number, cells)
        if row is not None:
            checked.append(row)
    checker.known_students({row.number: row.name for row in checked})
    if checker.problems:
        problems = sorted(checker.problems, key=lambda p: p.row)
        raise TableRejected(f"名册有 {len(problems)} 处问题，未导入任何学生", problems)
    if not checked:
        raise file_problem("文件中没有学生数据")
    return [
        replace(row, person_id=checker.known_people.get(keys.hash(row.national_id)))
        for row in checked
    ]


# ---------------------------------------------------------------------------------------------
# The use case


def new_invitation_code() -> str:
    """A 12-character code from an unambiguous alphabet (~60 bits)."""
    return "".join(secrets.choice(INVITATION_ALPHABET) for _ in range(INVITATION_LENGTH))


def import_roster(
    session: Session, actor: User, filename: str, data: bytes, keys: IdentityKeys
) -> list[ImportedStudent]:
    """Import a roster into the actor's school: every row written, or none."""
    school = own_school(session, actor)
    rows = check_rows(session, school, read_table(filename, data), keys)
    new_people = {
        row.number: new_person(keys, row.national_id, row.name, row.birth_date, row.phone)
        for row in rows
        if row.person_id is None
    }
    session.add_all(new_people.values())
    try:
        session.flush()
    except IntegrityError as exc:
        # A concurrent import or registration of the same person won the UNIQUE race.
        raise Conflict(N_("导入期间名册数据已被修改（可能有重复学生），请重新导入")) from exc
    students = [
        Student(
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
        for row in rows
    ]
    session.add_all(students)
    try:
        session.flush()
    except IntegrityError as exc:
        # A concurrent import of the same person won the UNIQUE race after our checks.
        raise Conflict(N_("导入期间名册数据已被修改（可能有重复学生），请重新导入")) from exc
    audit.record(
        session,
        actor,
        "roster.imported",
        "school",
        school.id,
        {"students": len(students), "cohorts": sorted({s.cohort_id for s in students})},
    )
    return [
        ImportedStudent(s.id, s.name, row.cohort.name, s.invitation_code or "")
        for s, row in zip(students, rows, strict=True)
    ]


def invitations_csv(students: Iterable[Student]) -> bytes:
    """Name and invitation code of students not yet activated, for handing out.

    No ID digits: the code and the last 4 are the two halves of the activation secret, and a
    handout that carries both lets whoever finds it take the account over.
    """
    return exports.csv_bytes(
        ("姓名", "邀请码"),
        ((s.name, s.invitation_code) for s in students if s.invitation_code),
    )


def template_rows() -> list[tuple[str, ...]]:
    """Header (required columns starred) and one example row."""
    header = tuple(f"{c}*" for c in REQUIRED_COLUMNS) + OPTIONAL_COLUMNS
    return [header, TEMPLATE_EXAMPLE]


def template_csv() -> bytes:
    """The template as UTF-8 CSV with a BOM, so Excel opens the Chinese headers correctly."""
    header, *examples = template_rows()
    return exports.csv_bytes(header, examples)


def template_xlsx() -> bytes:
    """The template as an XLSX workbook with text-formatted ID and phone columns."""
    header, *examples = template_rows()
    text_columns = (COLUMNS.index(NATIONAL_ID), COLUMNS.index(PHONE))
    with exports.write_xlsx(header, examples, "学生名册", text_columns) as workbook:
        return workbook.read()
