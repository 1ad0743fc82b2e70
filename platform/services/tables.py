"""Spreadsheet imports (CSV or XLSX, all-or-nothing): reading a file safely, checking its cells.

A file is refused before parsing when it is too large, not the format its name says, or an XLSX
whose ZIP would inflate past a fixed budget (zip bombs). An import then checks every data row
and collects every problem — row number as the spreadsheet shows it, column header, value, why
— and a file with any problem writes nothing. The roster import and the employee import share
this module.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from skillbridge.platform.services import exports
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.text import N_, Np_

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_SCANNED_ROWS = 20 * MAX_ROWS
MAX_COLUMNS = 40  # cells right of this are never read; templates have at most 12 columns
MAX_PROBLEMS_LISTED = 200
# An XLSX is a ZIP: the sum of its members' declared sizes, their count and the ratio between
# inflated and stored bytes are all bounded before openpyxl sees a byte.
MAX_XLSX_INFLATED_BYTES = 20 * 1024 * 1024
MAX_XLSX_MEMBERS = 200
MAX_XLSX_RATIO = 120

RowT = TypeVar("RowT", bound=Sequence[object])

# Skill level names as people type them, for the level columns of any import.
SKILL_LEVEL_NAMES = {
    "学徒工": 0,
    "初级工": 1,
    "中级工": 2,
    "高级工": 3,
    "技师": 4,
    "高级技师": 5,
    "特级技师": 6,
    "首席技师": 7,
}
YES = {"是", "y", "yes", "true", "1"}
NO = {"否", "n", "no", "false", "0"}
OUTSIDE_HEADER = "（表头外）"


@dataclass(frozen=True)
class RowProblem:
    """One problem of one cell: where it is and why it is wrong."""

    row: int
    column: str
    value: str
    why: str

    def message(self) -> str:
        """The problem in words, e.g. 第 3 行，列「身份证号」，值「…」：校验码错误."""
        shown = self.value if len(self.value) <= 40 else self.value[:40] + "…"
        return N_(
            "第 %(row)d 行，列「%(column)s」，值「%(value)s」：%(why)s",
            row=self.row,
            column=self.column,
            value=shown,
            why=self.why,
        )

    def __str__(self) -> str:
        return str(self.message())


class TableRejected(InvalidInput):
    """The file was refused; `problems` names every bad cell, `details` spells them out."""

    def __init__(self, message: str, problems: list[RowProblem]) -> None:
        listed = problems[:MAX_PROBLEMS_LISTED]
        details: list[str] = [p.message() for p in listed]
        if len(problems) > len(listed):
            more = len(problems) - len(listed)
            details.append(Np_("……另有 %(n)d 处问题未列出", "……另有 %(n)d 处问题未列出", more))
        super().__init__(message, details=details)
        self.problems = problems


def file_problem(why: str, column: str = N_("文件"), value: str = "") -> TableRejected:
    """The whole file refused for one reason, reported as a problem of its first row."""
    return TableRejected(N_("文件被拒绝：%(why)s", why=why), [RowProblem(1, column, value, why)])


# ---------------------------------------------------------------------------------------------
# Reading the file into rows of strings


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """The file's rows as lists of stripped strings, or TableRejected before any parsing risk."""
    if not data:
        raise file_problem(N_("文件为空"))
    if len(data) > MAX_FILE_BYTES:
        raise file_problem(N_("文件超过 %(mb)d MB", mb=MAX_FILE_BYTES // (1024 * 1024)))
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "csv":
        rows = _read_csv(data)
    elif suffix == "xlsx":
        rows = _read_xlsx(data)
    else:
        raise file_problem(N_("只接受 .csv 或 .xlsx 文件（请下载模板）"), value=filename[-60:])
    return rows


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, which is what Chinese Excel saves CSV as."""
    if b"\x00" in data:
        raise file_problem(N_("CSV 文件含有二进制内容"))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise file_problem(N_("无法识别文件编码（请使用 UTF-8 或 GBK）"))


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode_csv(data)
    try:
        rows = list(_bounded(csv.reader(io.StringIO(text, newline=""), strict=True)))
    except csv.Error as exc:
        raise file_problem(N_("CSV 格式错误：%(error)s", error=str(exc))) from exc
    return [[cell.strip() for cell in row] for row in rows]


def _bounded(rows: Iterable[RowT]) -> Iterator[RowT | tuple[()]]:
    """Rows up to the limits; a blank row comes back empty so that row numbers stay true.

    Spreadsheets often carry thousands of formatted but empty rows, so only filled rows count
    toward MAX_ROWS; MAX_SCANNED_ROWS bounds the walk through blank ones.
    """
    filled = 0
    for scanned, row in enumerate(rows, start=1):
        if scanned > MAX_SCANNED_ROWS:
            raise file_problem(
                N_("文件超过 %(rows)d 行（含空行），请删除多余的行", rows=MAX_SCANNED_ROWS)
            )
        if not any(cell not in (None, "") for cell in row):
            yield ()
            continue
        filled += 1
        if filled > MAX_ROWS + 1:
            raise file_problem(N_("数据超过 %(rows)d 行，请分批导入", rows=MAX_ROWS))
        yield row


def _check_zip(data: bytes) -> None:
    """Refuse a ZIP that is malformed or would inflate past the budget, from its directory."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise file_problem(N_("不是有效的 .xlsx 文件")) from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_XLSX_MEMBERS:
            raise file_problem(N_("xlsx 文件结构异常（条目过多）"))
        inflated = sum(m.file_size for m in members)
        stored = sum(m.compress_size for m in members)
        if inflated > MAX_XLSX_INFLATED_BYTES or inflated > MAX_XLSX_RATIO * max(stored, 1):
            raise file_problem(N_("xlsx 文件解压后过大（疑似压缩炸弹）"))
        if "xl/workbook.xml" not in archive.namelist():
            raise file_problem(N_("不是有效的 .xlsx 文件（缺少工作簿）"))


def _read_xlsx(data: bytes) -> list[list[str]]:
    _check_zip(data)
    from openpyxl import load_workbook  # imported here: only imports need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on malformed input
        raise file_problem(N_("无法读取 .xlsx 文件（文件损坏或格式不符）")) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise file_problem(N_("xlsx 文件没有工作表"))
        return [
            _without_trailing_blanks([_cell_text(value) for value in row])
            for row in _bounded(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
        ]
    except TableRejected:
        raise
    except Exception as exc:  # a malformed sheet part fails while iterating
        raise file_problem(N_("无法读取 .xlsx 文件（工作表内容损坏）")) from exc
    finally:
        workbook.close()


def _without_trailing_blanks(cells: list[str]) -> list[str]:
    """openpyxl pads every row to the sheet's width; the padding is not content."""
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _cell_text(value: object) -> str:
    """Spreadsheet cells as the text a person typed: integers without '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Checking cells


class TableChecker:
    """Collects the problems of one file; subclasses name the columns and check their own cells."""

    columns: tuple[str, ...] = ()
    required: tuple[str, ...] = ()

    def __init__(self, keys: IdentityKeys | None = None) -> None:
        # An import without a national-ID column (a shortage list) needs no keys.
        self.keys = keys
        self.problems: list[RowProblem] = []
        self.seen_ids: dict[str, int] = {}
        # keyed hash of each row's national ID → (row number, the cell as written)
        self.hashes: dict[str, tuple[int, str]] = {}

    def problem(self, row: int, column: str, value: str, why: str) -> None:
        self.problems.append(RowProblem(row, column, value, why))

    def header(self, header: list[str]) -> dict[str, int]:
        """Each known column's position; unknown, repeated and missing required ones are problems."""
        positions: dict[str, int] = {}
        for index, raw in enumerate(header):
            title = raw.strip().lstrip("\ufeff").rstrip("*").strip()
            if not title:
                continue
            if title in positions:
                self.problem(1, title, raw, N_("列名重复"))
            elif title not in self.columns:
                self.problem(1, title, raw, N_("未知列名（请使用模板中的列名）"))
            positions[title] = index
        for column in self.required:
            if column not in positions:
                self.problem(1, column, "", N_("缺少必填列"))
        return positions

    def data_rows(
        self, rows: list[list[str]], positions: dict[str, int]
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, cells by column) of every non-blank data row; required blanks noted."""
        for number, raw in enumerate(rows[1:], start=2):
            if not any(cell for cell in raw):
                continue
            cells = {
                column: (raw[index] if index < len(raw) else "")
                for column, index in ((c, positions.get(c, len(raw))) for c in self.columns)
            }
            extra = [c for i, c in enumerate(raw) if i not in positions.values() and c]
            if extra:
                self.problem(number, OUTSIDE_HEADER, extra[0], N_("表头之外的列有内容"))
            for column in self.required:
                if not cells[column]:
                    self.problem(number, column, "", N_("必填项为空"))
            yield number, cells

    def national_id(self, number: int, column: str, raw: str) -> str | None:
        """The compact ID of a cell, checked with python-stdnum and against earlier rows."""
        if not raw:
            return None
        if self.keys is None:
            raise TypeError(f"{type(self).__name__} reads national IDs but was given no keys")
        from stdnum.cn import ric
        from stdnum.exceptions import ValidationError

        try:
            national_id = ric.validate(raw)
        except ValidationError as exc:
            self.problem(
                number, column, raw, N_("身份证号无效（%(reason)s）", reason=_ric_reason(exc))
            )
            return None
        first = self.seen_ids.setdefault(national_id, number)
        if first != number:
            self.problem(number, column, raw, duplicate_of(first))
            return None
        self.hashes[self.keys.hash(national_id)] = (number, raw)
        return national_id

    def date_cell(self, number: int, column: str, raw: str) -> date | None:
        """A date cell as YYYY-MM-DD (slashes and dots accepted); None when empty or wrong."""
        if not raw:
            return None
        try:
            return date.fromisoformat(raw.replace("/", "-").replace(".", "-"))
        except ValueError:
            self.problem(number, column, raw, N_("日期格式应为 YYYY-MM-DD"))
            return None

    def yes_no(
        self,
        number: int,
        column: str,
        raw: str,
        default: bool,
        words: tuple[Iterable[str], Iterable[str]] = (YES, NO),
    ) -> bool:
        """是/否 (or the column's own `words` for yes and no); `default` when empty or wrong."""
        if not raw:
            return default
        yes, no = (set(w) for w in words)
        if raw.lower() in yes:
            return True
        if raw.lower() in no:
            return False
        self.problem(number, column, raw, N_("应填写“是”或“否”"))
        return default

    def phone(self, number: int, column: str, raw: str) -> str | None:
        """A phone cell, kept as written when it looks like a phone number."""
        if not raw:
            return None
        if len(raw) > 30 or not looks_like_phone(raw):
            self.problem(number, column, raw, N_("联系电话格式不正确"))
            return None
        return raw

    def rejected(self, message: str) -> TableRejected:
        """Every problem found, in row order."""
        return TableRejected(message, sorted(self.problems, key=lambda p: p.row))


def _ric_reason(exc: Exception) -> str:
    names = {
        "InvalidLength": N_("长度应为 18 位"),
        "InvalidFormat": N_("前 17 位应为数字"),
        "InvalidChecksum": N_("校验码错误"),
        "InvalidComponent": N_("出生日期或地区码无效"),
    }
    return names.get(type(exc).__name__, N_("格式错误"))


def duplicate_of(first: int) -> str:
    """Why a row repeats an earlier one."""
    return N_("与第 %(row)d 行重复", row=first)


def looks_like_phone(phone: str) -> bool:
    """Digits and the punctuation people write phone numbers with, at least one digit."""
    return all(ch.isdigit() or ch in "+- ()" for ch in phone) and any(ch.isdigit() for ch in phone)


# ---------------------------------------------------------------------------------------------
# Templates


def template_csv(required: Sequence[str], optional: Sequence[str], example: Sequence[str]) -> bytes:
    """A template as UTF-8 CSV with a BOM (required columns starred), so Excel reads Chinese."""
    return exports.csv_bytes(_template_header(required, optional), [example])


def template_xlsx(
    required: Sequence[str],
    optional: Sequence[str],
    example: Sequence[str],
    sheet_title: str,
    text_columns: Sequence[str],
) -> bytes:
    """A template as an XLSX workbook; `text_columns` (IDs, phones) are formatted as text."""
    columns = (*required, *optional)
    positions = tuple(columns.index(c) for c in text_columns)
    header = _template_header(required, optional)
    with exports.write_xlsx(header, [example], sheet_title, positions) as workbook:
        return workbook.read()


def _template_header(required: Sequence[str], optional: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{c}*" for c in required) + tuple(optional)
