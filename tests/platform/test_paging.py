"""paginate() and its edges, and every list page cut into pages through it and the one pager."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from support import LoginAs, World

from skillbridge.models import (
    BudgetLedgerEntry,
    CreditRecord,
    FilingStatus,
    InspectionSample,
    LedgerKind,
    Occupation,
    PlacementAgreement,
    PlacementAgreementKind,
    PlacementStatus,
    Student,
)
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services import notifications, paging
from skillbridge.platform.services.accounts import registration
from skillbridge.platform.services.errors import NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page, clamp_page, first_column, paginate

# --- paginate() itself ---------------------------------------------------------------------------

# `numbered(n)`: a statement over n fresh occupations in creation order, and their ids.
Numbered = Callable[[int], tuple[Select[tuple[Occupation]], list[int]]]


@pytest.fixture
def numbered(session: Session, factories: Factories) -> Numbered:
    """`numbered(n)`: a statement over n fresh occupations in creation order, and their ids."""

    def make(n: int) -> tuple[Select[tuple[Occupation]], list[int]]:
        ids = [factories.occupation("分页").id for _ in range(n)]
        statement = select(Occupation).where(Occupation.id.in_(ids)).order_by(Occupation.id)
        return statement, ids

    return make


def _ids(page: Page[Occupation]) -> list[int]:
    return [o.id for o in page.items]


def test_an_empty_list_has_one_empty_page(session: Session, numbered: Numbered) -> None:
    statement, _ids_made = numbered(0)
    page = paginate(session, statement, 1, first_column, per_page=10)
    assert (page.items, page.page, page.pages, page.total) == ([], 1, 1, 0)
    assert not page.has_prev and not page.has_next


def test_an_exact_multiple_fills_its_last_page(session: Session, numbered: Numbered) -> None:
    statement, ids = numbered(6)
    assert paginate(session, statement, 1, first_column, per_page=3).pages == 2
    last = paginate(session, statement, 2, first_column, per_page=3)
    assert (_ids(last), last.has_prev, last.has_next) == (ids[3:], True, False)
    first = paginate(session, statement, 1, first_column, per_page=3)
    assert (_ids(first), first.has_prev, first.has_next) == (ids[:3], False, True)


@pytest.mark.parametrize(("asked", "shown"), [(0, 1), (-5, 1), (1, 1), (3, 3), (4, 3), (99, 3)])
def test_out_of_range_pages_are_clamped_to_the_first_or_last(
    session: Session, numbered: Numbered, asked: int, shown: int
) -> None:
    statement, ids = numbered(7)
    page = paginate(session, statement, asked, first_column, per_page=3)
    assert (page.page, page.pages, page.total) == (shown, 3, 7)
    assert _ids(page) == ids[(shown - 1) * 3 : shown * 3]


def test_a_page_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="per_page"):
        clamp_page(1, 10, 0)
    assert clamp_page(1, 10, 1) == 1


def test_each_row_is_turned_into_an_item(session: Session, numbered: Numbered) -> None:
    statement, ids = numbered(3)
    page = paginate(session, statement, 1, lambda row: f"#{row[0].id}", per_page=2)
    assert page.items == [f"#{ids[0]}", f"#{ids[1]}"]
    assert page.with_items([1, 2]).items == [1, 2] and page.with_items([]).total == 3


def test_the_page_size_is_read_when_a_list_is_cut(
    session: Session, numbered: Numbered, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The views pass no size: they get PAGE_SIZE as it is then, which the tests below shrink."""
    statement, _made = numbered(9)
    assert paginate(session, statement, 1, first_column).per_page == paging.PAGE_SIZE == 50
    monkeypatch.setattr(paging, "PAGE_SIZE", 7)
    assert len(paginate(session, statement, 1, first_column).items) == 7


# --- every list page -----------------------------------------------------------------------------


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Two rows a page, so three rows make two pages."""
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    yield


def two_pages(
    client: FlaskClient, url: str, first_only: str, second_only: str, param: str = "page"
) -> None:
    """Page 1 and page 2 of `url` render, each says where it is, and they show other rows."""
    one = client.get(url)
    two = client.get(f"{url}{'&' if '?' in url else '?'}{param}=2")
    assert one.status_code == 200 and two.status_code == 200
    first, second = one.get_data(as_text=True), two.get_data(as_text=True)
    assert "1 / 2" in first and "2 / 2" in second
    assert f"{param}=2" in first, "page 1 links to page 2"
    assert first_only in first and first_only not in second
    assert second_only in second and second_only not in first


def href(path: str) -> str:
    return f'href="{path}"'


@pytest.mark.usefixtures("small_pages")
def test_notifications_come_in_pages(session: Session, world: World, login_as: LoginAs) -> None:
    user = world.users["student"]
    for body in ("甲号通知", "乙号通知", "丙号通知"):
        notifications.notify(session, [user], "test", "测试通知", body)
    session.commit()
    two_pages(login_as(user), "/notifications/", "丙号通知", "甲号通知")


@pytest.mark.usefixtures("small_pages")
def test_cooperation_agreements_come_in_pages(
    session: Session, world: World, factories: Factories, login_as: LoginAs
) -> None:
    made = [factories.cooperation(world.school, world.enterprise) for _ in range(3)]
    session.commit()
    two_pages(
        login_as(world.users["school"]),
        "/agreements/",
        href(f"/agreements/{made[2].id}"),
        href(f"/agreements/{made[0].id}"),
    )


@pytest.mark.usefixtures("small_pages")
def test_cohorts_come_in_pages(
    session: Session, world: World, factories: Factories, login_as: LoginAs
) -> None:
    # The world student's cohort (intake 2023) comes first, newest intake first.
    made = [factories.cohort(world.school, intake_year=year) for year in (2022, 2021, 2020)]
    session.commit()
    two_pages(
        login_as(world.users["school"]),
        "/school/cohorts",
        href(f"/school/cohorts/{made[0].id}"),
        href(f"/school/cohorts/{made[2].id}"),
    )


@pytest.mark.usefixtures("small_pages")
def test_a_cohort_roster_comes_in_pages(
    session: Session,
    world: World,
    factories: Factories,
    make_student: Callable[..., Student],
    login_as: LoginAs,
) -> None:
    cohort = factories.cohort(world.school)
    students = [make_student(world.school, cohort=cohort) for _ in range(3)]
    session.commit()
    two_pages(
        login_as(world.users["school"]),
        f"/school/cohorts/{cohort.id}",
        href(f"/students/{students[0].id}"),
        href(f"/students/{students[2].id}"),
    )


@pytest.mark.usefixtures("small_pages")
def test_an_enterprises_own_slots_come_in_pages(
    session: Session, world: World, factories: Factories, login_as: LoginAs
) -> None:
    made = [factories.slot(world.enterprise) for _ in range(3)]
    session.commit()
    two_pages(
        login_as(world.users["enterprise"]),
        "/slots/mine",
        href(f"/slots/{made[2].id}"),
        href(f"/slots/{made[0].id}"),
    )


@pytest.mark.usefixtures("small_pages")
def test_open_slots_come_in_pages_keeping_the_filter(
    session: Session, world: World, factories: Factories, login_as: LoginAs
) -> None:
    made = [factories.slot(world.enterprise) for _ in range(3)]
    session.commit()
    url = "/slots/?kind=post_internship"
    client = login_as(world.users["student"])
    two_pages(client, url, href(f"/slots/{made[0].id}"), href(f"/slots/{made[2].id}"))
    assert (
        "kind=post_internship"
        in client.get(url).get_data(as_text=True).split('class="pagination')[1]
    )


@pytest.mark.usefixtures("small_pages")
def test_a_students_offers_come_in_pages(
    session: Session, world: World, factories: Factories, login_as: LoginAs
) -> None:
    made = []
    for _ in range(3):
        placement = factories.placement(
            world.student, factories.slot(world.enterprise), status=PlacementStatus.OFFERED
        )
        placement.offer_deadline = date.today() + timedelta(days=7)
        made.append(placement)
    session.commit()
    two_pages(
        login_as(world.users["student"]),
        "/placements/offers",
        href(f"/placements/{made[2].id}"),
        href(f"/placements/{made[0].id}"),
    )


@pytest.mark.usefixtures("small_pages")
def test_the_placement_list_page_comes_in_pages(
    session: Session, world: World, factories: Factories, login_as: LoginAs
) -> None:
    active = PlacementStatus.ACTIVE
    made = [
        factories.placement(world.student, factories.slot(world.enterprise), status=active)
        for _ in range(3)
    ]
    session.commit()
    two_pages(
        login_as(world.users["bureau"]),
        "/placements/",
        href(f"/placements/{made[2].id}"),
        href(f"/placements/{made[0].id}"),
    )


@pytest.mark.usefixtures("small_pages")
def test_filed_plans_come_in_pages_oldest_first(
    session: Session,
    world: World,
    factories: Factories,
    make_student: Callable[..., Student],
    login_as: LoginAs,
) -> None:
    made = []
    for day in (1, 2, 3):
        student = make_student(world.school)
        placement = factories.placement(
            student, factories.slot(world.enterprise), status=PlacementStatus.ACCEPTED
        )
        session.add(
            PlacementAgreement(
                placement_id=placement.id,
                kind=PlacementAgreementKind.TRIPARTITE_INTERNSHIP,
                internship_plan="安全培训",
                plan_status=FilingStatus.FILED,
                plan_filed_at=datetime(2026, 5, day, tzinfo=UTC),
            )
        )
        made.append(placement)
    session.commit()
    two_pages(
        login_as(world.users["bureau"]),
        "/placements/plans",
        href(f"/placements/{made[0].id}"),
        href(f"/placements/{made[2].id}"),
    )


@pytest.mark.usefixtures("small_pages")
def test_students_near_the_cap_come_in_pages(
    session: Session, world: World, make_student: Callable[..., Student], login_as: LoginAs
) -> None:
    made = []
    for used in (12, 11, 10):
        student = make_student(world.school)
        student.months_used = used
        made.append(student)
    session.commit()
    two_pages(
        login_as(world.users["school"]),
        "/placements/near-cap",
        href(f"/students/{made[0].id}"),
        href(f"/students/{made[2].id}"),
    )


def _paid_claims(session: Session, world: World, factories: Factories) -> list[int]:
    budget, policy = factories.budget(world.region)
    paid_at = datetime(2026, 3, 1, tzinfo=UTC)
    bureau = world.users["bureau"]
    ids = [
        factories.paid_claim(budget, policy, world.student, 100, paid_at, bureau).id
        for _ in range(3)
    ]
    session.commit()
    return ids


@pytest.mark.usefixtures("small_pages")
def test_ones_own_claims_come_in_pages(
    session: Session, world: World, factories: Factories, login_as: LoginAs
) -> None:
    ids = _paid_claims(session, world, factories)
    two_pages(
        login_as(world.users["student"]),
        "/subsidies/claims",
        href(f"/subsidies/claims/{ids[2]}"),
        href(f"/subsidies/claims/{ids[0]}"),
    )


@pytest.mark.usefixtures("small_pages")
def test_the_review_queue_comes_in_pages_keeping_its_filters(
    session: Session, world: World, factories: Factories, login_as: LoginAs
) -> None:
    ids = _paid_claims(session, world, factories)
    url = "/subsidies/review?status=paid"
    client = login_as(world.users["bureau"])
    two_pages(client, url, href(f"/subsidies/claims/{ids[2]}"), href(f"/subsidies/claims/{ids[0]}"))
    assert "status=paid" in client.get(url).get_data(as_text=True).split('class="pagination')[1]


@pytest.mark.usefixtures("small_pages")
def test_funds_come_in_pages(
    session: Session, world: World, factories: Factories, login_as: LoginAs
) -> None:
    made = [factories.budget(world.region)[0] for _ in range(3)]
    session.commit()
    two_pages(
        login_as(world.users["bureau"]),
        "/subsidies/budgets",
        href(f"/subsidies/budgets/{made[0].id}"),
        href(f"/subsidies/budgets/{made[2].id}"),
    )


@pytest.mark.usefixtures("small_pages")
def test_a_funds_ledger_comes_in_pages(
    session: Session, world: World, factories: Factories, login_as: LoginAs
) -> None:
    budget, policy = factories.budget(world.region)
    paid_at = datetime(2026, 3, 1, tzinfo=UTC)
    claims = [
        factories.paid_claim(budget, policy, world.student, 100, paid_at, world.users["bureau"])
        for _ in range(3)
    ]
    for claim in claims:
        session.add(
            BudgetLedgerEntry(
                budget_id=budget.id, claim_id=claim.id, kind=LedgerKind.PAY, amount_yuan=100
            )
        )
    session.commit()
    two_pages(
        login_as(world.users["bureau"]),
        f"/subsidies/budgets/{budget.id}",
        href(f"/subsidies/claims/{claims[2].id}"),
        href(f"/subsidies/claims/{claims[0].id}"),
    )


@pytest.mark.usefixtures("small_pages")
def test_credit_records_come_in_pages(session: Session, world: World, login_as: LoginAs) -> None:
    for reason in ("甲号失信", "乙号失信", "丙号失信"):
        session.add(
            CreditRecord(
                school_id=world.school.id,
                rule="R6",
                reason=reason,
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 12, 31),
                recorded_by_id=world.users["bureau"].id,
            )
        )
    session.commit()
    two_pages(login_as(world.users["bureau"]), "/subsidies/credit", "丙号失信", "甲号失信")


@pytest.mark.usefixtures("small_pages")
def test_inspection_samples_come_in_pages(
    session: Session, world: World, login_as: LoginAs
) -> None:
    made = []
    for seed in (1, 2, 3):
        sample = InspectionSample(
            region_id=world.region.id,
            seed=seed,
            size=0,
            as_of=date(2026, 3, 1),
            drawn_by_id=world.users["bureau"].id,
            parameters={"population": 0},
        )
        session.add(sample)
        session.flush()
        made.append(sample)
    session.commit()
    two_pages(
        login_as(world.users["bureau"]),
        "/bureau/inspections/",
        href(f"/bureau/inspections/{made[2].id}"),
        href(f"/bureau/inspections/{made[0].id}"),
    )


@pytest.mark.usefixtures("small_pages")
def test_compliance_findings_come_in_pages_keeping_the_filters(
    session: Session, world: World, factories: Factories, login_as: LoginAs
) -> None:
    made = [factories.finding(world.region) for _ in range(3)]
    session.commit()
    url = "/bureau/compliance/findings?state=open"
    two_pages(
        login_as(world.users["bureau"]),
        url,
        href(f"/bureau/compliance/findings/{made[2].id}"),
        href(f"/bureau/compliance/findings/{made[0].id}"),
    )


@pytest.mark.usefixtures("small_pages")
def test_verification_queues_page_each_on_its_own(
    session: Session, world: World, factories: Factories, login_as: LoginAs
) -> None:
    pending = [factories.school(world.region, verified=False) for _ in range(3)]
    enterprise = factories.enterprise(world.region, verified=False)
    session.commit()
    client = login_as(world.users["bureau"])
    action = '"/bureau/verifications/school/{}"'
    two_pages(
        client,
        "/bureau/verifications",
        action.format(pending[0].id),
        action.format(pending[2].id),
        param="school_page",
    )
    # The enterprise queue stays on its first page while the schools turn theirs.
    second = client.get("/bureau/verifications?school_page=2").get_data(as_text=True)
    assert f"/bureau/verifications/enterprise/{enterprise.id}" in second


def test_only_the_bureau_reads_the_verification_queues(
    session: Session, world: World, factories: Factories
) -> None:
    factories.school(world.region, verified=False)
    queue = registration.pending_verifications(session, world.users["bureau"], "school")
    assert queue.total == 1
    with pytest.raises(PermissionDenied):
        registration.pending_verifications(session, world.users["school"], "school")
    with pytest.raises(NotFound):
        registration.pending_verifications(session, world.users["bureau"], "student")
