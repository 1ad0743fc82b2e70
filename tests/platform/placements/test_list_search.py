"""The placement list: search by student, slot, school or enterprise; filter; sort; pages."""

from __future__ import annotations

from skillbridge.models import SlotKind
from skillbridge.platform.services.listing import ListQuery
from skillbridge.platform.services.placements import records as placements


def _ids(session, user, **args: str) -> list[int]:  # type: ignore[no-untyped-def]
    """The list's ids as asked, the same from the contexts (the API's) and the page's rows."""
    query = ListQuery.parse(args, placements.PLACEMENT_LIST)
    ids = [c.placement.id for c in placements.placements_page(session, user, 1, query=query).items]
    assert [r.id for r in placements.placement_rows_page(session, user, 1, query).items] == ids
    return ids


def test_the_school_finds_a_placement_by_name_kind_and_status(
    session, world, make_slot, make_offer, make_student, login_as
):  # type: ignore[no-untyped-def]
    lathe = make_slot(world.enterprise, seats=3)
    apprenticeship = make_slot(world.enterprise, kind=SlotKind.APPRENTICESHIP, seats=3)
    zhang, li = make_student(world.school), make_student(world.school)
    zhang.name, li.name = "张小明", "李小红"
    first = make_offer(zhang, lathe)
    second = make_offer(li, apprenticeship)
    school = world.users["school"]
    assert _ids(session, school) == [second.id, first.id]  # positive control: both, newest first
    assert _ids(session, school, q="小明") == [first.id]
    assert _ids(session, school, kind="apprenticeship") == [second.id]
    assert _ids(session, school, status="offered") == [second.id, first.id]
    assert _ids(session, school, status="active") == []
    assert _ids(session, school, sort="start") == [first.id, second.id]  # same day: by id
    assert _ids(session, school, q="小 明") == [first.id]  # every word, each a parameter
    for role in ("enterprise", "bureau"):
        assert _ids(session, world.users[role], q="小红") == [second.id]
    assert _ids(session, world.users["enterprise"], kind="post_internship") == [first.id]
    page = login_as(school).get("/placements/?q=小红").get_data(as_text=True)
    assert "李小红" in page and "张小明" not in page


def test_the_school_exports_its_list_as_asked_and_the_student_may_not(
    session, world, make_slot, make_offer, make_student, login_as
):  # type: ignore[no-untyped-def]
    import io

    from openpyxl import load_workbook

    slot = make_slot(world.enterprise, seats=3)
    zhang, li = make_student(world.school), make_student(world.school)
    zhang.name, li.name = "张小明", "李小红"
    make_offer(zhang, slot)
    make_offer(li, slot)
    school = login_as(world.users["school"])
    listed = school.get("/placements/?q=小红").get_data(as_text=True)
    assert "/placements/export.csv?q=" in listed
    csv_text = school.get("/placements/export.csv?q=小红").get_data(as_text=True)
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("学生,学校,实习单位,岗位")
    assert len(lines) == 2 and lines[1].startswith("李小红,") and "待答复" in lines[1]
    workbook = school.get("/placements/export.xlsx")
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    workbook.close()
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and {r[0] for r in rows[1:]} == {"张小明", "李小红"}
    # The student's own list has no export: the page is the school's, enterprise's or bureau's.
    assert login_as(world.users["student"]).get("/placements/export.csv").status_code == 403
