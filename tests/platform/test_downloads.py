"""Streamed downloads never carry their request, or its logged-in user, into the next request."""

from __future__ import annotations

import re
from pathlib import Path


def test_an_unread_csv_stream_does_not_leak_the_bureau_user(login_as, world):
    bureau, school = login_as(world.users["bureau"]), login_as(world.users["school"])
    stream = bureau.get("/bureau/dashboard/lists/students.csv")  # body left unread on purpose
    assert stream.status_code == 200
    assert school.get("/bureau/dashboard/lists/students.xlsx").status_code == 403
    body = b"".join(stream.response).decode("utf-8-sig")
    stream.close()
    assert body.splitlines()[0].count(",") >= 1  # the header row arrived when it was read


def test_the_stream_returns_its_connection_to_the_pool(app, login_as, world, db_engine):
    bureau = login_as(world.users["bureau"])
    response = bureau.get("/bureau/dashboard/lists/students.csv")
    b"".join(response.response)
    response.close()
    assert db_engine.pool.checkedout() == 0


def test_every_csv_and_xlsx_is_written_by_the_one_guarded_writer():
    # invitations.csv once had a csv.writer of its own and skipped the formula guard.
    root = Path(__file__).resolve().parents[2] / "platform"
    writers = re.compile(r"csv\.writer\(|csv\.DictWriter\(|Workbook\(")
    elsewhere = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "exports.py" and writers.search(path.read_text(encoding="utf-8"))
    )
    assert elsewhere == []
    assert writers.search((root / "services" / "exports.py").read_text(encoding="utf-8"))
