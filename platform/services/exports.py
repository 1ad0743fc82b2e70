"""The one writer of every CSV and XLSX the platform hands out, each cell through the formula guard."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

BATCH = 1000
# Small exports stay in memory, large ones spill to disk instead of growing the heap.
SPOOL_BYTES = 8 * 1024 * 1024
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A safe cell: text that a spreadsheet would run as a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text in chunks of `BATCH` rows, with a BOM so spreadsheet programs read UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    for n, row in enumerate(rows, start=1):
        writer.writerow([cell(v) for v in row])
        if n % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole (small) CSV file as UTF-8 bytes with the BOM, for files built before responding."""
    return "".join(csv_chunks(headers, rows)).encode("utf-8")


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    sheet_title: str,
    text_columns: Collection[int] = (),
) -> IO[bytes]:
    """An XLSX workbook written in openpyxl's write-only mode, returned rewound.

    `text_columns` (0-based) are formatted as text and widened, so that a spreadsheet program
    keeps what is typed there later (an 18-digit ID, a phone number) instead of rounding it.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])  # Excel's limit on sheet names
    for column in text_columns:
        sheet.column_dimensions[get_column_letter(column + 1)].width = 22
    sheet.append(list(headers))
    for row in rows:
        values = [cell(v) for v in row]
        if text_columns:
            values = [
                _text_cell(sheet, v) if i in text_columns else v for i, v in enumerate(values)
            ]
        sheet.append(values)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # returned open: the caller closes it
    workbook.save(out)
    out.seek(0)
    return out


def _text_cell(sheet: WriteOnlyWorksheet, value: object) -> Cell:
    """A cell Excel keeps as text (IDs and phone numbers would otherwise lose digits)."""
    text_cell = WriteOnlyCell(sheet, value=None if value is None else str(value))
    text_cell.number_format = "@"
    return text_cell
