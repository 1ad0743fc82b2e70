"""File downloads for the views: streamed CSV and XLSX responses built on services/exports.py.

A streamed body outlives its request: by the time the server iterates it, the request's session
is closed and its context gone. The CSV body therefore opens its own session and closes it when
the stream ends (or the client goes away), instead of keeping the request context alive with
`stream_with_context`, which would leak that context, and the logged-in user in it, into the next
request handled by the same thread if the body is never consumed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from flask import Response, send_file
from sqlalchemy.orm import Session

from skillbridge.platform.db import get_database, get_session
from skillbridge.platform.services import exports

RowSource = Callable[[Session], Iterable[Sequence[object]]]


def csv_download(filename: str, headers: Sequence[str], rows: RowSource) -> Response:
    """A streamed CSV attachment; `rows` is called with a session of the stream's own."""
    database = get_database()

    def body() -> Iterator[str]:
        with database.sessions() as session:
            yield from exports.csv_chunks(headers, rows(session))

    return Response(
        body(),
        mimetype=exports.CSV_MIMETYPE,
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def xlsx_download(filename: str, headers: Sequence[str], rows: RowSource, sheet: str) -> Response:
    """An XLSX attachment, written before the response starts (openpyxl needs the whole file)."""
    workbook = exports.write_xlsx(headers, rows(get_session()), sheet)
    return send_file(
        workbook, mimetype=exports.XLSX_MIMETYPE, as_attachment=True, download_name=filename
    )
