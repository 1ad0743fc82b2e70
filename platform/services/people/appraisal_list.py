"""The appraisal body's list of certificates issued (鉴定机构名单), imported by the bureau.

Read and refused as a roster is (services/tables.py: the same reader, row problems, all or nothing):
every row names a person on the platform by national ID; a row that matches a declared
certificate of the same person and number confirms it, any other row adds an imported one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    SKILL_LEVEL_MAX,
    SKILL_LEVEL_MIN,
    Certificate,
    CertificateStatus,
    Occupation,
    User,
    utcnow,
)
from skillbridge.platform.services import audit, exports
from skillbridge.platform.services.errors import InvalidInput, PermissionDenied
from skillbridge.platform.services.identity import IdentityKeys, normalise_national_id
from skillbridge.platform.services.people.persons import person_by_national_id
from skillbridge.platform.services.policies import can_verify_certificates
from skillbridge.platform.services.subsidies.workers import on_certificate_verified
from skillbridge.platform.services.tables import (
    SKILL_LEVEL_NAMES,
    RowProblem,
    TableRejected,
    duplicate_of,
    read_table,
)
from skillbridge.platform.text import N_, Np_

NAME, NATIONAL_ID, OCCUPATION, LEVEL, NUMBER, ISSUED_ON, ISSUER = (
    "姓名",
    "身份证号",
    "职业（工种）代码",
    "等级",
    "证书编号",
    "发证日期",
    "发证机构",
)
COLUMNS = (NAME, NATIONAL_ID, OCCUPATION, LEVEL, NUMBER, ISSUED_ON, ISSUER)


@dataclass(frozen=True)
class _Row:
    number: int
    person_id: int
    occupation_id: int
    level: int
    certificate_number: str
    issued_on: date
    issuer: str
    declared: Certificate | None


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: certificates added, and declared ones it confirmed."""

    imported: int
    confirmed: int


class _Checker:
    def __init__(self, session: Session, keys: IdentityKeys, today: date) -> None:
        self.session, self.keys, self.today = session, keys, today
        self.problems: list[RowProblem] = []
        self.numbers: dict[str, int] = {}

    def problem(self, row: int, column: str, value: str, why: str) -> None:
        self.problems.append(RowProblem(row, column, value, why))

    def header(self, cells: list[str]) -> dict[str, int]:
        positions = {cell.rstrip("*").strip(): index for index, cell in enumerate(cells)}
        for column in COLUMNS:
            if column not in positions:
                self.problem(1, column, "", N_("缺少该列（请下载模板）"))
        return positions

    def row(self, number: int, cells: dict[str, str]) -> _Row | None:
        before = len(self.problems)
        for column in COLUMNS:
            if not cells[column]:
                self.problem(number, column, "", N_("不能为空"))
        if len(self.problems) > before:
            return None
        person_id = self._person(number, cells[NATIONAL_ID], cells[NAME])
        occupation_id = self.session.scalar(
            select(Occupation.id).where(Occupation.code == cells[OCCUPATION])
        )
        if occupation_id is None:
            self.problem(number, OCCUPATION, cells[OCCUPATION], N_("职业（工种）代码不存在"))
        level = self._level(number, cells[LEVEL])
        issued_on = self._date(number, cells[ISSUED_ON])
        declared = self._number(number, cells[NUMBER], person_id)
        if len(self.problems) > before or person_id is None or occupation_id is None:
            return None
        assert issued_on is not None and level is not None  # no problem was recorded
        return _Row(
            number,
            person_id,
            occupation_id,
            level,
            cells[NUMBER],
            issued_on,
            cells[ISSUER][:120],
            declared,
        )

    def _person(self, number: int, raw_id: str, name: str) -> int | None:
        try:
            national_id = normalise_national_id(raw_id)
        except InvalidInput as exc:
            self.problem(number, NATIONAL_ID, raw_id, exc.message)
            return None
        person = person_by_national_id(self.session, self.keys, national_id)
        if person is None:
            self.problem(number, NATIONAL_ID, raw_id, N_("平台上没有该身份证号的人员"))
            return None
        if person.name != name:
            self.problem(number, NAME, name, N_("与该身份证号登记的姓名不一致"))
        return person.id

    def _level(self, number: int, raw: str) -> int | None:
        if raw in SKILL_LEVEL_NAMES:
            return SKILL_LEVEL_NAMES[raw]
        if raw.isdigit() and SKILL_LEVEL_MIN <= int(raw) <= SKILL_LEVEL_MAX:
            return int(raw)
        self.problem(
            number,
            LEVEL,
            raw,
            N_(
                "应为 %(low)d–%(high)d 或等级名称，如 中级工",
                low=SKILL_LEVEL_MIN,
                high=SKILL_LEVEL_MAX,
            ),
        )
        return None

    def _date(self, number: int, raw: str) -> date | None:
        try:
            issued_on = date.fromisoformat(raw)
        except ValueError:
            self.problem(number, ISSUED_ON, raw, N_("日期格式应为 YYYY-MM-DD"))
            return None
        if issued_on > self.today:
            self.problem(number, ISSUED_ON, raw, N_("发证日期不能晚于今天"))
        return issued_on

    def _number(self, number: int, raw: str, person_id: int | None) -> Certificate | None:
        if raw in self.numbers:
            self.problem(number, NUMBER, raw, duplicate_of(self.numbers[raw]))
            return None
        self.numbers[raw] = number
        if len(raw) > 40:
            self.problem(number, NUMBER, raw, N_("不超过 40 个字符"))
            return None
        existing = self.session.scalar(select(Certificate).where(Certificate.number == raw))
        if existing is None:
            return None
        if existing.person_id == person_id and existing.status == CertificateStatus.DECLARED:
            return existing
        self.problem(number, NUMBER, raw, N_("该证书编号已登记"))
        return None


def check_rows(
    session: Session, rows: list[list[str]], keys: IdentityKeys, today: date
) -> list[_Row]:
    """Every row checked; TableRejected naming every bad cell when there is any."""
    checker = _Checker(session, keys, today)
    if not rows:
        raise TableRejected(N_("文件中没有表头"), [RowProblem(1, "文件", "", "文件中没有表头")])
    positions = checker.header(rows[0])
    if checker.problems:
        raise TableRejected(N_("名单表头不符合模板"), checker.problems)
    checked = []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(raw):
            continue
        cells = {c: raw[positions[c]] if positions[c] < len(raw) else "" for c in COLUMNS}
        row = checker.row(number, cells)
        if row is not None:
            checked.append(row)
    if checker.problems:
        problems = sorted(checker.problems, key=lambda p: p.row)
        raise TableRejected(
            Np_(
                "名单有 %(n)d 处问题，未导入任何证书",
                "名单有 %(n)d 处问题，未导入任何证书",
                len(problems),
            ),
            problems,
        )
    if not checked:
        raise TableRejected(N_("文件中没有证书数据"), [RowProblem(2, "文件", "", "没有数据行")])
    return checked


def import_appraisal_list(
    session: Session, actor: User, filename: str, data: bytes, keys: IdentityKeys, today: date
) -> ImportResult:
    """Import the list: every row written as an imported certificate (or confirmation), or none."""
    if actor.region_id is None or not can_verify_certificates(actor, actor.region_id):
        raise PermissionDenied(N_("只有人社局经办人员可以导入鉴定机构名单"))
    rows = check_rows(session, read_table(filename, data), keys, today)
    now, confirmed = utcnow(), 0
    certificates = []
    for row in rows:
        certificate = row.declared or Certificate(
            person_id=row.person_id, number=row.certificate_number
        )
        confirmed += row.declared is not None
        certificate.occupation_id = row.occupation_id
        certificate.level = row.level
        certificate.issued_on = row.issued_on
        certificate.issuer = row.issuer
        certificate.status = CertificateStatus.IMPORTED
        certificate.verified_by_user_id = actor.id
        certificate.verified_at = now
        session.add(certificate)
        certificates.append(certificate)
    session.flush()
    # An appraisal body's record is a verified fact: the worker-side claims it makes due are raised.
    for certificate in certificates:
        on_certificate_verified(session, certificate, on_date=today)
    audit.record(
        session,
        actor,
        "certificates.imported",
        "region",
        actor.region_id,
        {"rows": len(rows), "confirmed": confirmed, "file": filename[-80:]},
    )
    return ImportResult(imported=len(rows) - confirmed, confirmed=confirmed)


def template_rows() -> list[tuple[str, ...]]:
    """The template's header (required columns starred) and one example row."""
    header = tuple(f"{c}*" for c in COLUMNS)
    example = (
        "张三",
        "320509200501010018",
        "6-18-01-01",
        "中级工",
        "S000123",
        "2026-06-30",
        "苏州市职业技能鉴定中心",
    )
    return [header, example]


def template_csv() -> bytes:
    """The template as UTF-8 CSV with a BOM, so Excel opens the Chinese headers correctly."""
    header, *examples = template_rows()
    return exports.csv_bytes(header, examples)
