"""The dashboard's charts count the region's rows, and every bar's link lists exactly those rows."""

from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Budget,
    Cohort,
    FiguresSnapshot,
    PlacementStatus,
    Role,
    Severity,
    SlotKind,
    SlotStatus,
    Specialty,
    Student,
    User,
)
from skillbridge.platform.db import get_database
from skillbridge.platform.services.errors import PermissionDenied
from skillbridge.platform.services.packs import placement_rules_for
from skillbridge.platform.services.reporting import dashboard, dashboard_snapshot, snapshots
from skillbridge.platform.services.reporting import lists as dashboard_lists

TODAY = date.today()


@dataclass
class Scene:
    bureau: User
    budget: Budget
    occupations: dict[str, int]
    cap: int
    required: int
    covered_specialty: int


@pytest.fixture
def scene(  # type: ignore[no-untyped-def]
    session: Session,
    world,
    make_enterprise,
    make_student,
    make_occupation,
    make_slot,
    add_placement,
    add_finding,
    make_budget,
    pay_claim,
    add_partner,
) -> Scene:
    """Two enterprises and four students in the region, and one of everything next door."""
    it = make_enterprise(world.region)
    it.industry = "信息技术"
    lathe, weld = make_occupation("车工"), make_occupation("焊工")
    post = make_slot(world.enterprise, SlotKind.POST_INTERNSHIP, seats=5, occupation=lathe)
    apprentice = make_slot(it, SlotKind.APPRENTICESHIP, seats=3, occupation=weld)
    make_slot(it, SlotKind.ORDER_CLASS, seats=9, status=SlotStatus.DRAFT)
    elsewhere = make_slot(world.other_enterprise, seats=4, occupation=lathe)
    s1, s2, s3, s4 = (make_student(world.school) for _ in range(4))
    add_placement(s1, post, PlacementStatus.ACTIVE, months=6, rank=1)
    add_placement(s2, post, PlacementStatus.ENDED, months=12, rank=2)
    add_placement(s3, apprentice, PlacementStatus.ACCEPTED, months=8)
    add_placement(s4, post, PlacementStatus.DECLINED, months=6, rank=12)
    add_placement(s4, apprentice, PlacementStatus.PROPOSED, months=6, rank=1)
    add_placement(world.other_student, elsewhere, PlacementStatus.ACTIVE, months=3, rank=1)

    for severity in (Severity.HIGH, Severity.HIGH, Severity.LOW):
        add_finding(world.region, "R4", severity)
    add_finding(world.region, "N2", Severity.MEDIUM, ("enterprise", world.enterprise.id))
    add_finding(world.region, "R4", Severity.HIGH, resolved=True)
    add_finding(world.other_region, "R4", Severity.HIGH)

    bureau = world.users["bureau"]
    budget, policy = make_budget(world.region, allocated=1000)
    for amount, month in ((100, 1), (50, 1), (200, 3)):
        pay_claim(budget, policy, s1, amount, datetime(2025, month, 15, tzinfo=UTC), bureau)
    other_budget, other_policy = make_budget(world.other_region)
    pay_claim(other_budget, other_policy, world.other_student, 70, datetime(2025, 1, 9, tzinfo=UTC), bureau)  # fmt: skip

    specialty = session.get(Specialty, session.get(Cohort, s1.cohort_id).specialty_id)
    rules = placement_rules_for(session, world.region.id)
    for _ in range(rules.min_partner_enterprises_per_specialty.value):
        add_partner(world.school, make_enterprise(world.region), specialty)
    session.commit()
    return Scene(
        bureau,
        budget,
        {"lathe": lathe.id, "weld": weld.id},
        rules.post_internship_max_months.value,
        rules.min_partner_enterprises_per_specialty.value,
        specialty.id,
    )


def _charts(session: Session, bureau: User) -> dict[str, dashboard.Chart]:
    board = dashboard.build_dashboard(session, bureau, TODAY)
    return {chart.key: chart for chart in board.charts}


def _values(chart: dashboard.Chart) -> dict[str, list[int]]:
    return {bar.label: [s.value for s in bar.segments] for bar in chart.bars}


def test_placements_by_occupation_and_industry_count_seat_holding_rows_of_the_region(
    session, scene
) -> None:
    charts = _charts(session, scene.bureau)
    assert sorted(b.total for b in charts["occupation"].bars) == [1, 2]
    assert _values(charts["industry"]) == {"制造业": [2], "信息技术": [1]}


def test_fill_rate_counts_placement_rows_against_seats_of_opened_slots(session, scene) -> None:
    fill = _values(_charts(session, scene.bureau)["fill"])
    assert fill == {"岗位实习": [2, 3], "学徒": [1, 2]}


def test_rank_distribution_uses_the_students_rank_of_the_placements_slot(session, scene) -> None:
    ranks = _values(_charts(session, scene.bureau)["rank"])
    assert ranks["第 1 志愿"] == [1]
    assert ranks["第 2 志愿"] == [1]
    assert ranks["第 11+ 志愿"] == [1]
    assert ranks["未排序"] == [1]
    assert sum(v[0] for v in ranks.values()) == 4  # proposals and the other region left out


def test_months_histogram_runs_to_the_cap_and_counts_students(session, scene) -> None:
    chart = _charts(session, scene.bureau)["months"]
    values = [bar.total for bar in chart.bars]
    assert len(values) == scene.cap
    assert values[6 - 1] == 1 and values[scene.cap - 1] == (1 if scene.cap == 12 else 0)
    assert sum(values) == 2  # the post internships of s1 and s2; apprenticeships do not count


def test_open_findings_by_rule_and_severity(session, scene) -> None:
    findings = _values(_charts(session, scene.bureau)["findings"])
    assert findings == {"N2": [0, 1, 0], "R4": [2, 0, 1]}  # high, medium, low


def test_coverage_counts_schools_meeting_r3_per_specialty(session, scene) -> None:
    chart = _charts(session, scene.bureau)["coverage"]
    per_specialty = {
        int(bar.segments[0].filters["specialty_id"]): [s.value for s in bar.segments]
        for bar in chart.bars
    }
    assert per_specialty.pop(scene.covered_specialty) == [1, 0]
    assert per_specialty and all(v == [0, 1] for v in per_specialty.values())


def test_budget_series_accumulates_payments_by_month(session, scene) -> None:
    board = dashboard.build_dashboard(session, scene.bureau, TODAY)
    (series,) = board.budgets
    assert series.budget.id == scene.budget.id
    assert series.months == (("2025-01", 150, 150), ("2025-03", 200, 350))
    assert series.top == 1000


def test_a_fund_without_payments_has_an_empty_series(session, scene, world, make_budget) -> None:  # type: ignore[no-untyped-def]
    empty, _policy = make_budget(world.region, allocated=500)
    session.commit()
    board = dashboard.build_dashboard(session, scene.bureau, TODAY)
    months = {series.budget.id: series.months for series in board.budgets}
    assert months == {scene.budget.id: (("2025-01", 150, 150), ("2025-03", 200, 350)), empty.id: ()}


def test_every_bar_links_to_a_list_with_exactly_its_rows(session, scene) -> None:
    checked = 0
    for chart in _charts(session, scene.bureau).values():
        if chart.list_name == "slots":
            continue  # bars are seats there; checked below
        for bar in chart.bars:
            for segment in bar.segments:
                listing = dashboard_lists.open_list(
                    session, scene.bureau, chart.list_name, segment.filters, TODAY
                )
                page = dashboard_lists.page_of(session, listing, 1, per_page=1000)
                assert page.total == segment.value, (chart.key, bar.label, segment.filters)
                checked += 1
    assert checked > 20


def test_fill_rate_bars_link_to_the_slots_behind_them(session, scene) -> None:
    fill = _charts(session, scene.bureau)["fill"]
    for bar in fill.bars:
        taken, free = bar.segments
        listing = dashboard_lists.open_list(session, scene.bureau, "slots", taken.filters, TODAY)
        rows = dashboard_lists.page_of(session, listing, 1).items
        assert sum(r.cells[6] for r in rows) == taken.value + free.value
        assert sum(r.cells[7] for r in rows) == taken.value


def test_each_budget_month_links_to_its_paid_claims(session, scene) -> None:
    (series,) = dashboard.build_dashboard(session, scene.bureau, TODAY).budgets
    for month, paid, _cumulative in series.months:
        listing = dashboard_lists.open_list(
            session,
            scene.bureau,
            "paid_claims",
            {"budget_id": str(scene.budget.id), "month": month},
            TODAY,
        )
        rows = dashboard_lists.page_of(session, listing, 1).items
        assert sum(r.cells[3] for r in rows) == paid


def test_another_regions_bureau_sees_only_its_own_region(session, scene, world, make_user) -> None:
    neighbour = make_user(Role.BUREAU, region_id=world.other_region.id)
    session.commit()
    board = dashboard.build_dashboard(session, neighbour, TODAY)
    assert board.totals == {"students": 1, "placements": 1, "findings": 1}
    (series,) = board.budgets
    assert series.months == (("2025-01", 70, 70),)


def test_only_the_bureau_builds_a_dashboard(session, world) -> None:
    for role in ("school", "enterprise", "student"):
        with pytest.raises(PermissionDenied):
            dashboard.build_dashboard(session, world.users[role], TODAY)


def test_dashboard_page_renders_svg_whose_links_all_answer(scene, world, login_as) -> None:
    client = login_as(world.users["bureau"])
    response = client.get("/bureau/dashboard/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<svg") == 8  # seven charts and one fund
    links = {html.unescape(h) for h in re.findall(r'href="(/bureau/dashboard/lists/[^"]+)"', page)}
    assert len(links) > 20
    for link in links:
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("role", ["school", "enterprise", "student"])
def test_dashboard_refuses_other_roles(world, login_as, role) -> None:
    assert login_as(world.users[role]).get("/bureau/dashboard/").status_code == 403


def test_dashboard_sends_anonymous_users_to_login(client) -> None:
    response = client.get("/bureau/dashboard/")
    assert response.status_code == 302
    assert "/login" in response.location


def test_students_list_filters_by_months_used(session, scene, world) -> None:
    listing = dashboard_lists.open_list(
        session, scene.bureau, "students", {"months_used": "12"}, TODAY
    )
    rows = dashboard_lists.page_of(session, listing, 1).items
    ids = [r.subject[1] for r in rows]
    assert ids == list(session.scalars(select(Student.id).where(Student.months_used == 12)))
    assert all(r.subject[0] == "student" for r in rows)


def test_the_stored_charts_are_the_counted_ones(session, scene) -> None:  # type: ignore[no-untyped-def]
    counted = dashboard.count_charts(session, scene.bureau.region_id, TODAY, datetime.now(UTC))
    data = json.loads(json.dumps(dashboard_snapshot.BOARD.encode(counted)))  # as the row keeps it
    assert dashboard_snapshot.BOARD.decode(data, counted.at) == counted
    assert any(bar.segments for chart in counted.charts for bar in chart.bars)  # not empty


def test_the_page_shows_the_charts_as_last_counted(
    app, scene, world, login_as, factories, session
) -> None:  # type: ignore[no-untyped-def]
    client = login_as(world.users["bureau"])
    first = client.get("/bureau/dashboard/").get_data(as_text=True)
    assert 'id="dashboard-counted"' in first
    key = (world.region.id, dashboard_snapshot.BOARD.name)
    row = session.get(FiguresSnapshot, key)
    students = row.figures["totals"]["students"]
    factories.student(world.school)
    session.commit()
    # Within the maximum age the stored totals are shown; the live count has the new student.
    with get_database(app).session_scope() as writer:
        kept, stale = snapshots.for_bureau(
            writer, dashboard_snapshot.BOARD, scene.bureau, TODAY, datetime.now(UTC)
        )
    assert (kept.totals["students"], stale) == (students, None)
    live = dashboard.build_dashboard(session, scene.bureau, TODAY)
    assert live.totals["students"] == students + 1
    session.rollback()
    # Once old, a view shows them and has them counted again (a thread: no Redis here).
    app.config["REDIS_URL"] = None
    row = session.get(FiguresSnapshot, key)
    row.computed_at = datetime.now(UTC) - snapshots.max_age() - timedelta(minutes=1)
    session.commit()
    assert client.get("/bureau/dashboard/").status_code == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        session.rollback()  # a new transaction sees the refresh's commit (SQLite's WAL too)
        row = session.get(FiguresSnapshot, key, populate_existing=True)
        if row.figures["totals"]["students"] == students + 1:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the charts were not counted again")


def test_fresh_figures_are_read_as_stored_and_old_ones_left_to_the_recount(
    session, scene, world
) -> None:  # type: ignore[no-untyped-def]
    board, region_id, now = dashboard_snapshot.BOARD, world.region.id, datetime.now(UTC)
    assert snapshots.fresh(session, board, region_id, TODAY, now) is None  # none stored yet
    counted = board.count(session, region_id, TODAY, now)
    snapshots.store(session, board, region_id, TODAY, now, counted)
    session.commit()
    fresh = snapshots.fresh_for_bureau(session, board, scene.bureau, TODAY, now)
    assert fresh is not None and (fresh.totals, fresh.charts) == (counted.totals, counted.charts)
    # What `current` would claim for a recount is not fresh: too old, or counted another day.
    old = now + snapshots.max_age() + timedelta(seconds=1)
    assert snapshots.fresh(session, board, region_id, TODAY, old) is None
    assert snapshots.fresh(session, board, region_id, TODAY + timedelta(days=1), now) is None
    with pytest.raises(PermissionDenied):
        snapshots.fresh_for_bureau(session, board, world.users["school"], TODAY, now)


def test_the_charts_rendered_once_follow_each_recount_and_language(  # type: ignore[no-untyped-def]
    app, scene, world, login_as, factories, session
) -> None:
    # The cards are rendered once per snapshot, language and page: a new count shows, and so
    # does the reader's language.
    client = login_as(world.users["bureau"])

    def charts() -> str:
        page = client.get("/bureau/dashboard/").get_data(as_text=True)
        return page.split('id="chart-occupation"')[1].split('id="chart-budgets"')[0]

    first = charts()
    assert charts() == first and "按职业" in first
    board, region_id = dashboard_snapshot.BOARD, world.region.id
    factories.placement(
        factories.student(world.school),
        factories.slot(world.enterprise, factories.occupation("钳工")),
        status=PlacementStatus.ACTIVE,
    )
    session.commit()
    later = datetime.now(UTC)
    snapshots.store(session, board, region_id, TODAY, later, board.count(session, region_id, TODAY, later))  # fmt: skip
    session.commit()
    recounted = charts()
    assert "钳工" in recounted and "钳工" not in first
    client.get("/lang/en")
    english = charts()
    assert "按职业" not in english and "钳工" in english
