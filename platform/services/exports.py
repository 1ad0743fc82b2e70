"""Streaming list exports: CSV chunks from a row generator, XLSX written row by row to a temp file."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from openpyxl import Workbook

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


def write_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[object]], sheet_title: str
) -> IO[bytes]:
    """An XLSX workbook written in openpyxl's write-only mode, returned rewound."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])  # Excel's limit on sheet names
    sheet.append(list(headers))
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # returned open: the caller closes it
    workbook.save(out)
    out.seek(0)
    return out
