"""File downloads for the views: streamed CSV and XLSX exports, and uploaded documents.

A streamed body outlives its request: by the time the server iterates it, the request's session
is closed and its context gone. The CSV body therefore opens its own session and closes it when
the stream ends (or the client goes away), instead of keeping the request context alive with
`stream_with_context`, which would leak that context, and the logged-in user in it, into the next
request handled by the same thread if the body is never consumed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from flask import Response, render_template, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from skillbridge.platform.db import get_database, get_session
from skillbridge.platform.services import exports
from skillbridge.platform.services.documents.access import OpenedDocument
from skillbridge.platform.services.documents.checks import EXTENSIONS

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


def import_template(
    fmt: str, csv_template: Callable[[], bytes | str], xlsx_template: Callable[[], bytes], stem: str
) -> ResponseReturnValue:
    """An import's blank template as `fmt` ("csv" or "xlsx"), or the not-found page."""
    builders = {
        "csv": (csv_template, exports.CSV_MIMETYPE),
        "xlsx": (xlsx_template, exports.XLSX_MIMETYPE),
    }
    if fmt not in builders:
        return render_template("errors/error.html", status=404, message=_("模板不存在")), 404
    build, mimetype = builders[fmt]
    return (
        build(),
        200,
        {"Content-Type": mimetype, "Content-Disposition": f"attachment; filename={stem}.{fmt}"},
    )


# Characters a download name never carries: quotes, separators, and anything a header could split on.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def document_download_name(opened: OpenedDocument) -> str:
    """The uploaded name, cleaned, with the extension of the type the content was checked to be."""
    document = opened.document
    stem = _UNSAFE_NAME.sub("_", document.original_filename.rsplit(".", 1)[0]).strip(" ._")
    return f"{stem or 'document'}{EXTENSIONS[document.content_type]}"


def document_response(opened: OpenedDocument, inline: bool) -> Response:
    """The document's bytes under its checked type; inline for previews, else an attachment.

    Werkzeug writes the name as an RFC 6266 `filename*` (UTF-8) with an ASCII fallback; nosniff
    keeps browsers to the declared type, and the bytes never sit in a shared cache.
    """
    response = send_file(
        io.BytesIO(opened.data),
        mimetype=opened.document.content_type,
        as_attachment=not inline,
        download_name=document_download_name(opened),
        etag=opened.document.sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
