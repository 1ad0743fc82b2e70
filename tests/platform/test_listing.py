"""A list's search, filters and sort: what the reader asked, and nothing it did not."""

from __future__ import annotations

from datetime import date

from skillbridge.models import AgreementStatus, CooperationAgreement, CooperationKind, Party
from skillbridge.platform.services.cooperation import agreements as cooperation
from skillbridge.platform.services.cooperation import rows as cooperation_rows
from skillbridge.platform.services.listing import ListQuery

SPEC = cooperation.AGREEMENT_LIST


def _agreement(session, school, enterprise, status, valid_to):  # type: ignore[no-untyped-def]
    agreement = CooperationAgreement(
        school_id=school.id,
        enterprise_id=enterprise.id,
        kind=CooperationKind.ORDER_TRAINING,
        valid_from=date(2026, 1, 1),
        valid_to=valid_to,
        status=status,
        proposed_by=Party.SCHOOL,
        decision_reason="x" if status == AgreementStatus.REJECTED else None,
    )
    session.add(agreement)
    session.flush()
    return agreement


def _named(enterprise, name: str):  # type: ignore[no-untyped-def]
    enterprise.name = name
    return enterprise


def _ids(session, actor, **args: str) -> list[int]:  # type: ignore[no-untyped-def]
    """The list's ids as asked, the same from the objects (the API's) and the page's rows."""
    query = ListQuery.parse(args, SPEC)
    ids = [a.id for a in cooperation.list_agreements(session, actor, 1, query).items]
    assert [
        r.id for r in cooperation_rows.agreement_rows_page(session, actor, 1, query).items
    ] == ids
    return ids


def test_search_filter_and_sort_narrow_the_bureaus_list(session, world, make_enterprise):
    bureau = world.users["bureau"]
    alpha = _named(make_enterprise(world.region), "甲机械有限公司")
    beta = _named(make_enterprise(world.region), "乙_电子%有限公司")
    first = _agreement(session, world.school, alpha, AgreementStatus.APPROVED, date(2028, 1, 1))
    second = _agreement(session, world.school, beta, AgreementStatus.FILED, date(2027, 1, 1))
    third = _agreement(session, world.school, alpha, AgreementStatus.FILED, date(2029, 1, 1))
    session.commit()
    # Positive control: unasked, the whole list, newest first.
    assert _ids(session, bureau) == [third.id, second.id, first.id]
    assert _ids(session, bureau, q="甲机械") == [third.id, first.id]
    assert _ids(session, bureau, status="filed") == [third.id, second.id]
    assert _ids(session, bureau, q="甲机械", status="filed") == [third.id]
    assert _ids(session, bureau, sort="ending") == [second.id, first.id, third.id]
    # The school's name is searched too, and every word must match somewhere.
    assert _ids(session, bureau, q=f"{world.school.name} 乙") == [second.id]
    # LIKE's wildcards are searched as the characters they are.
    assert _ids(session, bureau, q="_电子%") == [second.id]
    assert _ids(session, bureau, q="%") == [second.id]


def test_what_the_list_does_not_know_is_left_out():
    query = ListQuery.parse(
        {"q": "  a  b c d e f g ", "status": "bogus", "kind": "order_training", "sort": "x"},
        SPEC,
    )
    assert query.q == "a b c d e"  # at most five words
    assert query.filters == {"kind": "order_training"}
    assert query.sort == "newest"
    assert query.args() == {"kind": "order_training", "q": "a b c d e", "sort": "newest"}
    assert query.narrowed and not ListQuery.parse({}, SPEC).narrowed


def test_the_agreements_page_searches_and_keeps_the_query_in_its_pager(
    session, world, login_as, make_enterprise, monkeypatch
):  # type: ignore[no-untyped-def]
    from skillbridge.platform.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    alpha = _named(make_enterprise(world.region), "甲机械有限公司")
    beta = _named(make_enterprise(world.region), "乙电子有限公司")
    for valid_to in (date(2027, 1, 1), date(2028, 1, 1)):
        _agreement(session, world.school, alpha, AgreementStatus.APPROVED, valid_to)
    _agreement(session, world.school, beta, AgreementStatus.APPROVED, date(2027, 1, 1))
    session.commit()
    client = login_as(world.users["school"])
    page = client.get("/agreements/?q=甲机械&sort=ending").get_data(as_text=True)
    assert "甲机械有限公司" in page and "乙电子有限公司" not in page
    assert "1 / 2" in page and "sort=ending" in page and "page=2" in page
    empty = client.get("/agreements/?q=丙").get_data(as_text=True)
    assert "没有符合条件的合作协议" in empty


def test_students_search_open_slots_by_title_place_or_enterprise_and_filter_by_kind(
    session, world, login_as, factories
):  # type: ignore[no-untyped-def]
    from skillbridge.models import SlotKind, SlotStatus

    welding = factories.slot(
        world.enterprise, title="焊接学徒", location="吴江区", status=SlotStatus.OPEN,
        kind=SlotKind.APPRENTICESHIP,
    )  # fmt: skip
    wiring = factories.slot(
        world.enterprise, title="电工实习", location="苏州工业园区", status=SlotStatus.OPEN,
        kind=SlotKind.POST_INTERNSHIP,
    )  # fmt: skip
    session.commit()
    client = login_as(world.users["student"])

    def titles(query: str) -> set[str]:
        page = client.get(f"/slots/?{query}").get_data(as_text=True)
        return {title for title in ("焊接学徒", "电工实习") if title in page}

    assert titles("") == {welding.title, wiring.title}  # positive control: both are open
    assert titles("q=焊接") == {welding.title}
    assert titles("q=工业园") == {wiring.title}
    assert titles(f"q={world.enterprise.name}") == {welding.title, wiring.title}
    assert titles("kind=apprenticeship") == {welding.title}
    assert titles("kind=apprenticeship&q=电工") == set()
