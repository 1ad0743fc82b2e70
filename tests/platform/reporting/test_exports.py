"""List exports: streamed CSV and XLSX with Chinese headers, the same rows as the page, safe cells."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from skillbridge.models import PlacementStatus
from skillbridge.platform.db import get_database
from skillbridge.platform.services import exports, paging
from skillbridge.platform.services.reporting import lists as dashboard_lists


@pytest.fixture
def placed(session, world, make_student, make_slot, add_placement):  # type: ignore[no-untyped-def]
    """Three placements in the region (one of a student named like a formula), one next door."""
    slot = make_slot(world.enterprise, seats=5)
    students = [make_student(world.school) for _ in range(3)]
    students[0].name = '=HYPERLINK("http://x")'
    for student in students:
        add_placement(student, slot, PlacementStatus.ACTIVE)
    add_placement(world.other_student, make_slot(world.other_enterprise), PlacementStatus.ACTIVE)
    session.commit()
    return students


def test_csv_export_streams_every_row_with_chinese_headers(app, world, login_as, placed) -> None:
    response = login_as(world.users["bureau"]).get("/bureau/dashboard/lists/placements.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == list(dashboard_lists.LISTS["placements"].headers)
    assert rows[0][:2] == ["安排编号", "学生"]
    assert sorted(r[1] for r in rows[1:]) == sorted(
        exports.cell(s.name) for s in placed
    )  # the other region's placement is not exported
    # The streamed body ran on its own session, closed when the stream ended.
    assert get_database(app).engine.pool.checkedout() == 0


def test_formula_cells_are_neutralised(world, login_as, placed) -> None:
    text = login_as(world.users["bureau"]).get("/bureau/dashboard/lists/placements.csv").text
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text


def test_xlsx_export_has_the_same_rows_as_the_csv(world, login_as, placed) -> None:
    client = login_as(world.users["bureau"])
    response = client.get("/bureau/dashboard/lists/placements.xlsx?held=1")
    assert response.status_code == 200
    assert response.mimetype == exports.XLSX_MIMETYPE
    data = response.data
    response.close()  # closes the spooled file send_file streamed, as a WSGI server does
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(dashboard_lists.LISTS["placements"].headers)
    assert sheet.title == "实习安排"
    csv_text = client.get("/bureau/dashboard/lists/placements.csv?held=1").text
    assert len(rows) == len(csv_text.strip().splitlines()) == 4


@pytest.mark.parametrize("name", sorted(dashboard_lists.LISTS))
def test_every_list_page_and_export_answers(world, login_as, placed, name) -> None:
    client = login_as(world.users["bureau"])
    assert client.get(f"/bureau/dashboard/lists/{name}").status_code == 200
    csv_text = client.get(f"/bureau/dashboard/lists/{name}.csv").text
    header = next(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert header == list(dashboard_lists.LISTS[name].headers)
    xlsx = client.get(f"/bureau/dashboard/lists/{name}.xlsx")
    data = xlsx.data
    xlsx.close()
    assert xlsx.status_code == 200 and data[:2] == b"PK"


def test_unknown_list_is_404_and_a_bad_filter_is_400(world, login_as) -> None:
    client = login_as(world.users["bureau"])
    assert client.get("/bureau/dashboard/lists/salaries").status_code == 404
    assert client.get("/bureau/dashboard/lists/salaries.csv").status_code == 404
    assert client.get("/bureau/dashboard/lists/students?months_used=x").status_code == 400
    assert client.get("/bureau/dashboard/lists/placements.csv?kind=boss").status_code == 400
    assert client.get("/bureau/dashboard/lists/paid_claims?month=2025-13").status_code == 400


@pytest.mark.parametrize("role", ["school", "enterprise", "student"])
def test_exports_refuse_other_roles(world, login_as, role) -> None:
    client = login_as(world.users[role])
    assert client.get("/bureau/dashboard/lists/students.csv").status_code == 403
    assert client.get("/bureau/dashboard/lists/students.xlsx").status_code == 403


def test_list_pages_are_paged(session, world, make_student, login_as) -> None:
    for _ in range(paging.PAGE_SIZE + 5):
        make_student(world.school)
    session.commit()
    client = login_as(world.users["bureau"])
    first = client.get("/bureau/dashboard/lists/students").text
    second = client.get("/bureau/dashboard/lists/students?page=2").text
    assert "1 / 2" in first and "2 / 2" in second
    assert second.count("drill-link") == paging.PAGE_SIZE + 6 - paging.PAGE_SIZE


def test_csv_chunks_break_large_lists_into_batches() -> None:
    rows = ((i, f"名{i}") for i in range(exports.BATCH * 2 + 1))
    chunks = list(exports.csv_chunks(("编号", "名称"), rows))
    assert len(chunks) == 3
    assert sum(chunk.count("\n") for chunk in chunks) == exports.BATCH * 2 + 2
