"""The bureau's supervision figures: each proven on seeded rows, with its list and its controls."""

from __future__ import annotations

from datetime import date

import pytest
from supervision_support import TODAY, WEEKS_DUE, Seeder

from skillbridge.models import (
    EvaluationStage,
    Evaluator,
    IncidentSeverity,
    IncidentStatus,
    JournalStatus,
    PlacementStatus,
)
from skillbridge.platform.services import paging
from skillbridge.platform.services.errors import PermissionDenied
from skillbridge.platform.services.oversight.supervision import JournalFigures, supervision
from skillbridge.platform.services.reporting import lists as dashboard_lists


@pytest.fixture
def scene(world, session, factories):  # type: ignore[no-untyped-def]
    seed = Seeder(session, factories, world.users["school"])
    other_school = factories.school(world.region)
    a1 = seed.placement(world.school, world.enterprise)
    a2 = seed.placement(world.school, world.enterprise)
    b1 = seed.placement(other_school, world.enterprise, PlacementStatus.ENDED)
    seed.journal(a1, 10, JournalStatus.CONFIRMED, date(2026, 3, 9))
    seed.journal(a1, 11, JournalStatus.SUBMITTED, date(2026, 3, 16))  # waiting 77 days: overdue
    seed.journal(a1, 12, JournalStatus.RESUBMITTED, date(2026, 5, 30))  # waiting 2 days
    seed.journal(a1, 13, JournalStatus.DRAFT, None)  # not submitted
    seed.journal(b1, 10, JournalStatus.RETURNED, date(2026, 3, 9))
    seed.incident(a1, IncidentSeverity.MINOR)
    seed.incident(b1, IncidentSeverity.SERIOUS, IncidentStatus.CLOSED)
    seed.day(a1, date(2026, 3, 7), rest_day=True)  # unfiled rest-day work
    seed.day(a2, date(2026, 3, 14), rest_day=True)
    seed.filed(a2, date(2026, 3, 14))  # filed: not a violation
    seed.day(a2, date(2026, 3, 16))  # an ordinary working day
    factories.finding(world.region, "N7", subject=("placement", a1.id))
    factories.finding(world.region, "N7", subject=("placement", a2.id), resolved=True)
    factories.finding(world.region, "R4", subject=("placement", a1.id))
    seed.evaluation(b1, EvaluationStage.MIDTERM, Evaluator.MENTOR)
    seed.evaluation(b1, EvaluationStage.FINAL, Evaluator.TEACHER)
    seed.evaluation(b1, EvaluationStage.FINAL, Evaluator.SELF)  # the student's own: not due
    seed.evaluation(a1, EvaluationStage.MIDTERM, Evaluator.MENTOR)  # still running: not counted
    session.commit()
    return {"a1": a1, "a2": a2, "b1": b1, "other_school": other_school, "seed": seed}


def test_region_figures(session, world, scene) -> None:  # type: ignore[no-untyped-def]
    figures = supervision(session, world.users["bureau"], TODAY)
    assert figures.totals == JournalFigures(
        weeks_due=3 * WEEKS_DUE, submitted=4, reviewed=2, awaiting=2, overdue=1
    )
    assert (figures.totals.submission_rate, figures.totals.review_rate) == (11, 50)
    assert figures.incidents[IncidentSeverity.MINOR] == {
        IncidentStatus.OPEN: 1,
        IncidentStatus.CLOSED: 0,
    }
    assert figures.incidents[IncidentSeverity.SERIOUS][IncidentStatus.CLOSED] == 1
    assert figures.incidents[IncidentSeverity.CRITICAL] == dict.fromkeys(IncidentStatus, 0)
    assert (figures.breaching_days, figures.open_n7_findings) == (1, 1)
    assert (figures.evaluations_done, figures.evaluations_due) == (2, 4)


def test_per_school_and_per_enterprise_rows(session, world, scene) -> None:  # type: ignore[no-untyped-def]
    figures = supervision(session, world.users["bureau"], TODAY)
    schools = {row.id: row for row in figures.schools.items}
    mine, other = schools[world.school.id], schools[scene["other_school"].id]
    assert mine.journals == JournalFigures(2 * WEEKS_DUE, 3, 1, 2, 1)
    assert (mine.breaching_days, mine.evaluations_done, mine.evaluations_due) == (1, 0, 0)
    assert other.journals == JournalFigures(WEEKS_DUE, 1, 1, 0, 0)
    assert (other.breaching_days, other.evaluations_done, other.evaluations_due) == (0, 2, 4)
    [host] = [row for row in figures.enterprises.items if row.id == world.enterprise.id]
    assert host.journals == figures.totals
    assert (host.breaching_days, host.evaluations_done, host.evaluations_due) == (1, 2, 4)
    assert world.other_enterprise.id not in {row.id for row in figures.enterprises.items}


def test_tables_are_paginated(session, world, scene, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    first = supervision(session, world.users["bureau"], TODAY)
    second = supervision(session, world.users["bureau"], TODAY, school_page=2)
    assert (first.schools.total, first.schools.pages, len(first.schools.items)) == (2, 2, 1)
    assert {first.schools.items[0].id, second.schools.items[0].id} == {
        world.school.id,
        scene["other_school"].id,
    }


def _listed(session, world, name, **args):  # type: ignore[no-untyped-def]
    opened = dashboard_lists.open_list(session, world.users["bureau"], name, args, TODAY)
    return [row.record_id for row in dashboard_lists.page_of(session, opened, 1).items]


def test_each_journal_figure_lists_its_rows(session, world, scene) -> None:  # type: ignore[no-untyped-def]
    assert len(_listed(session, world, "journals", state="submitted")) == 4
    assert len(_listed(session, world, "journals", state="reviewed")) == 2
    assert len(_listed(session, world, "journals", state="awaiting")) == 2
    assert len(_listed(session, world, "journals", state="overdue")) == 1
    assert len(_listed(session, world, "journals", school_id=str(world.school.id))) == 3
    assert (
        len(_listed(session, world, "journals", state="reviewed", school_id=str(world.school.id)))
        == 1
    )


def test_evaluations_due_list_drops_a_placement_once_done(session, world, scene) -> None:  # type: ignore[no-untyped-def]
    assert _listed(session, world, "evaluations_due") == [scene["b1"].id]
    seed = scene["seed"]
    seed.evaluation(scene["b1"], EvaluationStage.MIDTERM, Evaluator.TEACHER)
    seed.evaluation(scene["b1"], EvaluationStage.FINAL, Evaluator.MENTOR)
    session.commit()
    assert _listed(session, world, "evaluations_due") == []
    assert supervision(session, world.users["bureau"], TODAY).evaluations_done == 4


def test_only_the_bureau_sees_it(session, world, scene) -> None:  # type: ignore[no-untyped-def]
    for role in ("school", "enterprise", "student"):
        with pytest.raises(PermissionDenied):
            supervision(session, world.users[role], TODAY)
    assert supervision(session, world.users["bureau"], TODAY).totals.submitted == 4


def test_the_pages_are_the_bureaus(client, login_as, world, scene) -> None:  # type: ignore[no-untyped-def]
    bureau = login_as(world.users["bureau"])
    for url in ("/bureau/dashboard/supervision", "/bureau/dashboard/host-quality"):
        page = bureau.get(url)
        assert page.status_code == 200, url
        assert world.enterprise.name in page.get_data(as_text=True)
        for role in ("school", "enterprise", "student"):
            assert login_as(world.users[role]).get(url).status_code == 403, (url, role)
    listed = bureau.get("/bureau/dashboard/lists/journals?state=overdue")
    assert listed.status_code == 200
    assert bureau.get("/bureau/dashboard/lists/journals?state=nonsense").status_code == 400
