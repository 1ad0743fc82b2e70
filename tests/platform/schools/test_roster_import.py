"""Roster import: all-or-nothing, every problem named by row and column, hostile files refused."""

from __future__ import annotations

import io
import random
import re
import zipfile

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from skillbridge.models import AuditEvent, Student
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services import tables
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.schools import roster

DETAIL = re.compile(r"^第 \d+ 行，列「[^」]+」，值「.*」：.+")

KEYS = IdentityKeys((Fernet.generate_key().decode(),), "test-hash-key")


def _students(session, side) -> int:  # type: ignore[no-untyped-def]
    """Students in the fixture's cohort (the world's own student sits in another one)."""
    session.rollback()  # SQLite: end the read so the app's next write is not blocked
    count = session.scalar(
        select(func.count(Student.id)).where(Student.cohort_id == side.cohort.id)
    )
    session.rollback()
    return count


def _post(client, name: str, data: bytes):  # type: ignore[no-untyped-def]
    response = client.post(
        "/school/roster/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    # The test client spools a large body to a temporary file and leaves it open.
    response.request.environ["wsgi.input"].close()
    return response


def test_a_valid_csv_imports_every_student_with_an_invitation_code(
    login_as, session, school_side, roster_files
):  # type: ignore[no-untyped-def]
    rows = roster_files.roster_rows(random.Random(1), school_side.cohort, school_side.specialty, 5)
    response = _post(login_as(school_side.user), "roster.csv", roster_files.to_csv(rows))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _students(session, school_side) == 5
    codes = session.scalars(
        select(Student.invitation_code).where(Student.cohort_id == school_side.cohort.id)
    ).all()
    assert len(set(codes)) == 5 and all(len(c) == roster.INVITATION_LENGTH for c in codes)
    assert all(c in response.get_data(as_text=True) for c in codes)
    assert session.scalar(
        select(func.count(AuditEvent.seq)).where(AuditEvent.action == "roster.imported")
    )


def test_an_imported_student_activates_with_its_code(
    app, client, session, school_side, roster_files
):  # type: ignore[no-untyped-def]
    rows = roster_files.roster_rows(random.Random(2), school_side.cohort, school_side.specialty, 1)
    with app.app_context():
        from skillbridge.platform.db import get_session

        db = get_session()
        user = db.merge(school_side.user)
        (imported,) = roster.import_roster(
            db, user, "r.csv", roster_files.to_csv(rows), id_keys(app)
        )
        db.commit()
    response = client.post(
        "/activate",
        data={
            "invitation_code": imported.invitation_code.lower(),
            "id_last4": rows[1][1][-4:],
            "email": "new.student@example.cn",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Student, imported.student_id).invitation_code is None


def test_xlsx_with_numeric_cells_imports(login_as, session, school_side, roster_files):  # type: ignore[no-untyped-def]
    rows = roster_files.roster_rows(random.Random(3), school_side.cohort, school_side.specialty, 3)
    typed = [rows[0]] + [[*r[:3], int(r[3]), *r[4:]] for r in rows[1:]]
    response = _post(login_as(school_side.user), "roster.xlsx", roster_files.to_xlsx(typed))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _students(session, school_side) == 3


def test_gbk_csv_from_chinese_excel_imports(login_as, session, school_side, roster_files):  # type: ignore[no-untyped-def]
    rows = roster_files.roster_rows(random.Random(4), school_side.cohort, school_side.specialty, 2)
    response = _post(login_as(school_side.user), "r.csv", roster_files.to_csv(rows, "gb18030"))
    assert response.status_code == 200
    assert _students(session, school_side) == 2


def test_both_templates_parse_with_the_template_header(school_side, session, app):  # type: ignore[no-untyped-def]
    for name, data in (("t.csv", roster.template_csv()), ("t.xlsx", roster.template_xlsx())):
        rows = tables.read_table(name, data)
        assert [c.rstrip("*") for c in rows[0]] == list(roster.COLUMNS)
        with pytest.raises(tables.TableRejected) as caught:
            roster.check_rows(session, school_side.school, rows, KEYS)
        # The example row names a specialty this school does not offer, and only that.
        assert [p.column for p in caught.value.problems] == [roster.SPECIALTY_CODE]


@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        (roster.NATIONAL_ID, "110105200501010011", "校验码错误"),
        (roster.NATIONAL_ID, "12345", "长度应为 18 位"),
        (roster.SPECIALTY_CODE, "999999", "未知专业"),
        (roster.BIRTH_DATE, "2005-02-30", "日期格式"),
        (roster.BIRTH_DATE, "1999-01-01", "不一致"),
        (roster.SKILL_LEVEL, "九级工", "等级名称"),
        (roster.IS_LOCAL, "也许", "“是”或“否”"),
        (roster.NAME, "", "必填项为空"),
        (roster.CLASS_NAME, "不存在的班", "请先创建届/班"),
    ],
)
def test_one_bad_cell_rejects_the_file_and_is_named(
    login_as, session, school_side, roster_files, column, value, why
):  # type: ignore[no-untyped-def]
    rows = roster_files.roster_rows(random.Random(5), school_side.cohort, school_side.specialty, 4)
    rows[3][roster.COLUMNS.index(column)] = value
    response = _post(login_as(school_side.user), "r.csv", roster_files.to_csv(rows))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"第 4 行，列「{column}」" in text and why in text
    assert _students(session, school_side) == 0


def test_every_problem_is_listed_not_only_the_first(session, school_side, roster_files):  # type: ignore[no-untyped-def]
    rows = roster_files.roster_rows(random.Random(6), school_side.cohort, school_side.specialty, 6)
    rows[2][1] = rows[1][1]  # duplicate of row 2 in row 3
    rows[4][2] = "000000"
    rows[6][5] = ""
    with pytest.raises(tables.TableRejected) as caught:
        roster.check_rows(session, school_side.school, rows, KEYS)
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {
        (3, roster.NATIONAL_ID),
        (5, roster.SPECIALTY_CODE),
        (7, roster.HUKOU),
    }
    assert "与第 2 行重复" in " ".join(caught.value.details)


def test_a_student_already_on_the_platform_is_a_duplicate(
    login_as, session, school_side, roster_files
):  # type: ignore[no-untyped-def]
    rows = roster_files.roster_rows(random.Random(7), school_side.cohort, school_side.specialty, 2)
    client = login_as(school_side.user)
    assert _post(client, "r.csv", roster_files.to_csv(rows)).status_code == 200
    again = _post(client, "r.csv", roster_files.to_csv(rows))
    assert again.status_code == 400
    assert "重复学生" in again.get_data(as_text=True)
    assert _students(session, school_side) == 2


def test_a_missing_required_column_is_named(session, school_side, roster_files):  # type: ignore[no-untyped-def]
    rows = roster_files.roster_rows(random.Random(8), school_side.cohort, school_side.specialty, 1)
    rows = [r[:1] + r[2:] for r in rows]
    with pytest.raises(tables.TableRejected) as caught:
        roster.check_rows(session, school_side.school, rows, KEYS)
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, roster.NATIONAL_ID)]


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("r.xlsx", _zip_bomb(), "压缩炸弹"),
        ("r.xlsx", b"PK\x03\x04 not really a zip", "不是有效的 .xlsx"),
        ("r.csv", b"\x00\x01\x02binary", "二进制"),
        ("r.csv", b"", "文件为空"),
        ("r.csv", b"a" * (tables.MAX_FILE_BYTES + 1), "文件超过"),
        ("r.txt", b"hello", "只接受"),
    ],
)
def test_hostile_or_malformed_files_are_refused_before_parsing(
    login_as, session, school_side, name, data, why
):  # type: ignore[no-untyped-def]
    response = _post(login_as(school_side.user), name, data)
    assert response.status_code == 400
    assert why in response.get_data(as_text=True)
    assert _students(session, school_side) == 0


def test_an_unverified_school_cannot_import(login_as, pending_school_user, roster_files):  # type: ignore[no-untyped-def]
    response = _post(login_as(pending_school_user), "r.csv", roster_files.to_csv([["姓名"]]))
    assert response.status_code == 403


def test_templates_download(login_as, school_side):  # type: ignore[no-untyped-def]
    client = login_as(school_side.user)
    xlsx = client.get("/school/roster/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    csv_ = client.get("/school/roster/template.csv")
    assert csv_.status_code == 200 and "身份证号" in csv_.data.decode("utf-8-sig")
    assert client.get("/school/roster/template.pdf").status_code == 404


# --- fuzzing ---------------------------------------------------------------------------------

MUTATIONS = (
    "valid",
    "bad_checksum",
    "blank_required",
    "unknown_specialty",
    "duplicate_row",
    "bad_date",
    "bad_level",
    "extra_cell",
    "drop_header",
    "truncate",
    "random_bytes",
    "swap_encoding",
    "fault_mid_import",
)


def _fuzzed_file(rng: random.Random, school_side, roster_files):  # type: ignore[no-untyped-def]
    """One generated file: (filename, bytes, mutation)."""
    mutation = rng.choice(MUTATIONS)
    rows = roster_files.roster_rows(
        rng, school_side.cohort, school_side.specialty, rng.randint(1, 12)
    )
    target = rng.randrange(1, len(rows))
    if mutation == "bad_checksum":
        nid = rows[target][1]
        rows[target][1] = nid[:-1] + ("0" if nid[-1] != "0" else "1")
    elif mutation == "blank_required":
        rows[target][rng.randrange(len(roster.REQUIRED_COLUMNS))] = ""
    elif mutation == "unknown_specialty":
        rows[target][2] = str(rng.randrange(10**6))
    elif mutation == "duplicate_row":
        rows.append(list(rows[target]))
    elif mutation == "bad_date":
        rows[target][9] = rng.choice(["2005-13-01", "yesterday", "1900-01-01"])
    elif mutation == "bad_level":
        rows[target][7] = rng.choice(["8", "-1", "大师"])
    elif mutation == "extra_cell":
        rows[target].append("多余")
    elif mutation == "drop_header":
        del rows[0][rng.randrange(len(roster.REQUIRED_COLUMNS))]
    use_xlsx = rng.random() < 0.4
    name = "roster.xlsx" if use_xlsx else "roster.csv"
    data = roster_files.to_xlsx(rows) if use_xlsx else roster_files.to_csv(rows)
    if mutation == "truncate":
        data = data[: rng.randrange(1, max(2, len(data) - 1))]
    elif mutation == "random_bytes":
        data = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4000)))
    elif mutation == "swap_encoding" and not use_xlsx:
        data = roster_files.to_csv(rows, rng.choice(["utf-16", "gb18030", "utf-8"]))
    return name, data, mutation


def _fault_after_rows_written(*_args, **_kwargs):  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import OperationalError

    raise OperationalError("INSERT ...", {}, Exception("connection lost mid-import"))


def test_fuzzed_imports_never_write_partially_never_500_and_name_row_and_column(
    login_as, session, school_side, roster_files, monkeypatch
):  # type: ignore[no-untyped-def]
    rng = random.Random(20261121)
    client = login_as(school_side.user)
    outcomes: dict[int, int] = {}
    before = _students(session, school_side)
    for _ in range(300):
        name, data, mutation = _fuzzed_file(rng, school_side, roster_files)
        with monkeypatch.context() as patch:
            if mutation == "fault_mid_import":
                # The students are flushed, then the connection dies before the commit.
                patch.setattr(roster.audit, "record", _fault_after_rows_written)
            response = _post(client, name, data)
        outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
        after = _students(session, school_side)
        assert response.status_code in (200, 400, 409, 503), (mutation, response.status_code)
        if response.status_code == 200:
            assert after > before, mutation
        else:
            assert after == before, (mutation, "partial write")
        if response.status_code == 400:
            details = re.findall(r"<li>(.*?)</li>", response.get_data(as_text=True))
            assert details, (mutation, "a rejection must list its problems")
            assert all(DETAIL.match(d) for d in details if not d.startswith("……")), details
        before = after
    assert outcomes.get(200) and outcomes.get(400) and outcomes.get(503)


def test_blank_rows_keep_spreadsheet_row_numbers(session, school_side, roster_files):  # type: ignore[no-untyped-def]
    rows = roster_files.roster_rows(random.Random(9), school_side.cohort, school_side.specialty, 2)
    rows.insert(2, [""] * len(roster.COLUMNS))
    rows[3][2] = "000000"  # spreadsheet row 4, after the blank row 3
    table = tables.read_table("r.xlsx", roster_files.to_xlsx(rows))
    with pytest.raises(tables.TableRejected) as caught:
        roster.check_rows(session, school_side.school, table, KEYS)
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, roster.SPECIALTY_CODE)]


def test_a_sheet_stretched_by_a_far_away_cell_is_refused_quickly(roster_files):  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(list(roster.COLUMNS))
    workbook.active.cell(row=tables.MAX_SCANNED_ROWS + 10, column=16000, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(tables.TableRejected) as caught:
        tables.read_table("r.xlsx", buffer.getvalue())
    assert "含空行" in caught.value.message


def test_a_refused_roster_names_rows_and_reasons_in_english(
    login_as, session, school_side, roster_files, compiled_catalogue
):  # type: ignore[no-untyped-def]
    rows = roster_files.roster_rows(random.Random(8), school_side.cohort, school_side.specialty, 4)
    rows[3][roster.COLUMNS.index(roster.NATIONAL_ID)] = "110105200501010011"
    rows[4][roster.COLUMNS.index(roster.INTAKE_YEAR)] = "25"
    client = login_as(school_side.user)
    client.get("/lang/en")
    response = _post(client, "r.csv", roster_files.to_csv(rows))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The roster has 2 problems; no student was imported" in text
    assert (
        f"Row 4, column “{roster.NATIONAL_ID}”, value “110105200501010011”: "
        "Invalid national ID (wrong check digit)"
    ) in text
    assert (
        f"Row 5, column “{roster.INTAKE_YEAR}”, value “25”: The intake year must be a four" in text
    )
    assert "第 4 行" not in text and "处问题" not in text and "校验码" not in text
    assert _students(session, school_side) == 0
