"""The yearly shortage list: an import previews its diff, names every bad row, applies all or nothing."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from skillbridge.models import AuditEvent, Occupation, Role, ShortageListing, StaffRole
from skillbridge.platform.services.errors import Conflict, PermissionDenied
from skillbridge.platform.services.reference_data import shortage_lists as shortage
from skillbridge.platform.services.tables import TableRejected

YEAR, THIS_YEAR = 2026, 2025


def _occupations(session, *specs):  # type: ignore[no-untyped-def]
    made = [
        Occupation(code=code, name=name, name_en=name, retired=retired)
        for code, name, retired in specs
    ]
    session.add_all(made)
    session.flush()
    return made


def _file(*rows: str) -> bytes:
    return ("职业编码,职业名称,紧缺程度\n" + "\n".join(rows) + "\n").encode()


@pytest.fixture
def catalogue(session):  # type: ignore[no-untyped-def]
    return _occupations(
        session,
        ("6-18-02-04", "焊工", False),
        ("6-31-01-03", "电工", False),
        ("6-29-03-03", "电梯安装维修工", False),
        ("6-99-99-99", "停用工种", True),
    )


def _listed(session, region_id: int, year: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {row.code: row.grade for row in shortage.listing_of(session, region_id, year).values()}


def test_the_preview_shows_added_removed_and_changed_rows_and_writes_nothing(
    world, session, catalogue
):
    bureau = world.users["bureau"]
    welder, electrician, lift = catalogue[:3]
    session.add_all(
        [
            ShortageListing(
                region_id=world.region.id, occupation_id=welder.id, year=YEAR, grade="一般紧缺"
            ),
            ShortageListing(region_id=world.region.id, occupation_id=lift.id, year=YEAR, grade=""),
        ]
    )
    session.commit()
    diff = shortage.preview_import(
        session,
        bureau,
        YEAR,
        THIS_YEAR,
        "list.csv",
        _file("6-18-02-04,焊工,非常紧缺", "6-31-01-03,,"),
    )
    assert [r.code for r in diff.added] == ["6-31-01-03"]
    assert [r.code for r in diff.removed] == ["6-29-03-03"]
    assert [(c.code, c.before, c.after) for c in diff.changed] == [
        ("6-18-02-04", "一般紧缺", "非常紧缺")
    ]
    assert diff.unchanged == 0
    assert _listed(session, world.region.id, YEAR) == {"6-18-02-04": "一般紧缺", "6-29-03-03": ""}

    shortage.apply_import(
        session, bureau, YEAR, THIS_YEAR, shortage.rows_text(diff.rows), diff.fingerprint
    )
    session.commit()
    assert _listed(session, world.region.id, YEAR) == {"6-18-02-04": "非常紧缺", "6-31-01-03": ""}
    assert _listed(session, world.region.id, YEAR - 1) == {}  # other years untouched
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "shortage_list_imported")
    ).one()
    data = json.loads(event.payload)["data"]
    assert event.actor_id == bureau.id and data["year"] == YEAR
    assert data["added"] == ["6-31-01-03"] and data["removed"] == ["6-29-03-03"]


def test_every_bad_row_is_named_with_its_row_field_and_reason(world, session, catalogue):
    with pytest.raises(TableRejected) as refused:
        shortage.preview_import(
            session,
            world.users["bureau"],
            YEAR,
            THIS_YEAR,
            "list.csv",
            _file(
                "6-18-02-04,焊工,非常紧缺",
                "6-00-00-00,,",
                "6-31-01-03,木工,",
                "6-29-03-03,,很缺",
                "6-18-02-04,,",
                "6-99-99-99,,",
            ),
        )
    found = {(p.row, p.column) for p in refused.value.problems}
    assert found == {
        (3, "职业编码"),
        (4, "职业名称"),
        (5, "紧缺程度"),
        (6, "职业编码"),
        (7, "职业编码"),
    }
    details = "\n".join(refused.value.details)
    assert "第 3 行" in details and "不在职业目录中" in details
    assert "与第 2 行重复" in details and "已停用" in details


def test_a_list_changed_after_the_preview_is_a_conflict_and_nothing_is_applied(
    world, session, catalogue
):
    bureau = world.users["bureau"]
    diff = shortage.preview_import(
        session, bureau, YEAR, THIS_YEAR, "list.csv", _file("6-18-02-04,,")
    )
    session.add(
        ShortageListing(region_id=world.region.id, occupation_id=catalogue[1].id, year=YEAR)
    )
    session.commit()
    with pytest.raises(Conflict):
        shortage.apply_import(
            session, bureau, YEAR, THIS_YEAR, shortage.rows_text(diff.rows), diff.fingerprint
        )
    session.rollback()
    assert _listed(session, world.region.id, YEAR) == {"6-31-01-03": ""}


def test_confirmed_rows_are_checked_again(world, session, catalogue):
    """The confirm form is the client's: a row the catalogue refuses applies nothing."""
    bureau = world.users["bureau"]
    fingerprint = shortage.diff(session, world.region.id, YEAR, ()).fingerprint
    with pytest.raises(TableRejected):
        shortage.apply_import(
            session, bureau, YEAR, THIS_YEAR, "6-18-02-04\t\n6-99-99-99\t", fingerprint
        )
    session.rollback()
    assert _listed(session, world.region.id, YEAR) == {}


def test_only_the_officer_imports_and_a_reviewer_reads(world, session, make_user, catalogue):
    reviewer = make_user(Role.BUREAU, StaffRole.REVIEWER, region_id=world.region.id)
    with pytest.raises(PermissionDenied):
        shortage.preview_import(
            session, reviewer, YEAR, THIS_YEAR, "list.csv", _file("6-18-02-04,,")
        )
    assert shortage.list_page(session, reviewer, YEAR, 1).total == 0
    # The positive control: the officer's same request succeeds.
    officer = world.users["bureau"]
    assert shortage.preview_import(
        session, officer, YEAR, THIS_YEAR, "list.csv", _file("6-18-02-04,,")
    ).added


def test_a_year_out_of_range_is_refused(world, session, catalogue):
    from skillbridge.platform.services.errors import InvalidInput

    with pytest.raises(InvalidInput):
        shortage.preview_import(
            session,
            world.users["bureau"],
            THIS_YEAR + 6,
            THIS_YEAR,
            "list.csv",
            _file("6-18-02-04,,"),
        )


def test_the_xlsx_template_reads_back_as_a_valid_import(world, session, catalogue):
    workbook = load_workbook(io.BytesIO(shortage.template_xlsx()))
    header = [c.value for c in next(workbook.active.iter_rows())]
    assert header == ["职业编码*", "职业名称", "紧缺程度"]
    diff = shortage.preview_import(
        session, world.users["bureau"], YEAR, THIS_YEAR, "template.xlsx", shortage.template_xlsx()
    )
    assert [r.code for r in diff.added] == ["6-18-02-04"]
