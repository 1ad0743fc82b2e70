"""Inspection sampling: seeded, reproducible, stratified by enterprise in proportion; outcomes."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from skillbridge.models import (
    AuditEvent,
    Inspection,
    InspectionOutcome,
    InspectionSample,
    PlacementStatus,
    Role,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.oversight import inspections

TODAY = date.today()
AS_OF = date(2026, 7, 1)


def test_allocation_is_proportional_and_sums_to_the_size() -> None:
    strata = {1: 50, 2: 30, 3: 15, 4: 5}
    counts = inspections.allocate(strata, 20, random.Random(1))
    assert counts == {1: 10, 2: 6, 3: 3, 4: 1}
    for seed in range(200):
        rng = random.Random(seed)
        sizes = {k: rng.randint(1, 40) for k in range(rng.randint(1, 12))}
        size = rng.randint(0, sum(sizes.values()))
        counts = inspections.allocate(sizes, size, random.Random(seed))
        assert sum(counts.values()) == size
        for key, n in sizes.items():
            share = size * n / sum(sizes.values())
            assert int(share) <= counts[key] <= int(share) + 1, (seed, key)


def test_the_same_seed_draws_the_same_sample_and_another_seed_another() -> None:
    strata = {e: list(range(e * 100, e * 100 + 10 * e)) for e in range(1, 6)}
    first = inspections.draw(strata, 15, seed=42)
    assert first == inspections.draw({k: list(reversed(v)) for k, v in strata.items()}, 15, 42)
    assert any(inspections.draw(strata, 15, seed) != first for seed in range(43, 48))
    for key, chosen in first.items():
        assert set(chosen) <= set(strata[key])
        assert len(chosen) == len(set(chosen))


def test_every_stratum_is_represented_in_proportion() -> None:
    strata = {1: list(range(40)), 2: list(range(100, 120)), 3: list(range(200, 220))}
    chosen = inspections.draw(strata, 8, seed=7)
    assert {k: len(v) for k, v in chosen.items()} == {1: 4, 2: 2, 3: 2}


def test_the_draw_is_not_biased_toward_low_ids() -> None:
    strata = {1: list(range(10))}
    picks = [inspections.draw(strata, 1, seed)[1][0] for seed in range(500)]
    assert min(picks) == 0 and max(picks) == 9
    assert all(picks.count(i) > 20 for i in range(10))


@pytest.fixture
def placements(session, world, make_enterprise, make_student, make_slot, add_placement):  # type: ignore[no-untyped-def]
    """12 placements at three enterprises (6, 4, 2), and some that cannot be sampled."""
    firms = [world.enterprise, make_enterprise(world.region), make_enterprise(world.region)]
    for firm, count in zip(firms, (6, 4, 2), strict=True):
        slot = make_slot(firm, seats=10)
        for _ in range(count):
            add_placement(make_student(world.school), slot, PlacementStatus.ACTIVE)
    add_placement(make_student(world.school), make_slot(firms[0]), PlacementStatus.DECLINED)
    add_placement(world.other_student, make_slot(world.other_enterprise), PlacementStatus.ACTIVE)
    session.commit()
    return firms


def _drawn_by_firm(session, sample: InspectionSample) -> dict[int, int]:  # type: ignore[no-untyped-def]
    return {int(k): v[1] for k, v in sample.parameters["strata"].items()}


def test_draw_sample_stores_a_reproducible_stratified_sample(session, world, placements) -> None:
    bureau = world.users["bureau"]
    first = inspections.draw_sample(session, bureau, 6, AS_OF, seed=2026)
    second = inspections.draw_sample(session, bureau, 6, AS_OF, seed=2026)
    session.commit()

    def ids(sample):  # type: ignore[no-untyped-def]
        return sorted(
            session.scalars(
                select(Inspection.placement_id).where(Inspection.sample_id == sample.id)
            )
        )

    assert ids(first) == ids(second) and len(ids(first)) == 6
    assert first.parameters["population"] == 12
    assert first.parameters["population_sha256"] == second.parameters["population_sha256"]
    assert _drawn_by_firm(session, first) == {
        placements[0].id: 3,
        placements[1].id: 2,
        placements[2].id: 1,
    }
    events = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "inspection_sample")
    ).all()
    assert events == ["inspection_sample.drawn", "inspection_sample.drawn"]


def test_draw_sample_chooses_and_records_a_seed_when_none_is_given(
    session, world, placements
) -> None:
    sample = inspections.draw_sample(session, world.users["bureau"], 4, AS_OF)
    again = inspections.draw(
        inspections.population(session, world.region.id, AS_OF), 4, sample.seed
    )
    stored = sorted(
        session.scalars(select(Inspection.placement_id).where(Inspection.sample_id == sample.id))
    )
    assert stored == sorted(pid for ids in again.values() for pid in ids)


def test_draw_sample_refusals(session, world, placements) -> None:
    bureau = world.users["bureau"]
    with pytest.raises(InvalidInput):
        inspections.draw_sample(session, bureau, 0, AS_OF, seed=1)
    with pytest.raises(Conflict):
        inspections.draw_sample(session, bureau, 5, AS_OF + timedelta(days=3650), seed=1)
    with pytest.raises(PermissionDenied):
        inspections.draw_sample(session, world.users["school"], 5, AS_OF, seed=1)
    oversized = inspections.draw_sample(session, bureau, 500, AS_OF, seed=1)
    assert oversized.size == 12


def test_pages_draw_and_record_an_outcome(session, world, login_as, placements) -> None:
    client = login_as(world.users["bureau"])
    assert client.get("/bureau/inspections/").status_code == 200
    response = client.post(
        "/bureau/inspections/", data={"size": "5", "seed": "9", "as_of": AS_OF.isoformat()}
    )
    assert response.status_code == 302
    sample_id = session.scalar(select(func.max(InspectionSample.id)))
    assert response.location.endswith(f"/bureau/inspections/{sample_id}")
    page = client.get(f"/bureau/inspections/{sample_id}")
    assert page.status_code == 200 and page.text.count('id="visit-') == 5

    visit_id = session.scalar(select(Inspection.id).where(Inspection.sample_id == sample_id))
    done = client.post(
        f"/bureau/inspections/visits/{visit_id}",
        data={
            "outcome": "issues_found",
            "inspector_name": "王检查",
            "inspected_on": TODAY.isoformat(),
            "notes": "未签三方协议",
        },
    )
    assert done.status_code == 302
    session.rollback()  # end the test's read snapshot before looking at the request's write
    visit = session.get(Inspection, visit_id)
    assert (visit.outcome, visit.inspector_name, visit.notes) == (
        InspectionOutcome.ISSUES_FOUND,
        "王检查",
        "未签三方协议",
    )
    assert visit.recorded_by_id == world.users["bureau"].id
    assert (
        session.scalar(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "inspection", AuditEvent.object_id == str(visit_id)
            )
        )
        == "inspection.recorded"
    )

    export = client.get(f"/bureau/inspections/{sample_id}.csv")
    assert export.status_code == 200 and "未签三方协议" in export.text
    with client.get(f"/bureau/inspections/{sample_id}.xlsx") as xlsx:
        assert xlsx.status_code == 200


def test_issues_need_notes_and_a_pending_outcome_is_refused(session, world, placements) -> None:
    bureau = world.users["bureau"]
    sample = inspections.draw_sample(session, bureau, 2, AS_OF, seed=3)
    visit_id = session.scalar(select(Inspection.id).where(Inspection.sample_id == sample.id))
    for outcome, notes in ((InspectionOutcome.ISSUES_FOUND, " "), (InspectionOutcome.PENDING, "x")):
        with pytest.raises(InvalidInput):
            inspections.record_outcome(
                session, bureau, visit_id, inspections.Outcome(outcome, "王", TODAY, notes), TODAY
            )
    with pytest.raises(InvalidInput):
        inspections.record_outcome(
            session,
            bureau,
            visit_id,
            inspections.Outcome(InspectionOutcome.COMPLIANT, "王", TODAY + timedelta(days=1), ""),
            TODAY,
        )


def test_another_regions_bureau_cannot_see_or_record(
    session, world, placements, make_user, login_as
) -> None:
    sample = inspections.draw_sample(session, world.users["bureau"], 2, AS_OF, seed=3)
    visit_id = session.scalar(select(Inspection.id).where(Inspection.sample_id == sample.id))
    neighbour = make_user(Role.BUREAU, region_id=world.other_region.id)
    session.commit()
    client = login_as(neighbour)
    assert client.get(f"/bureau/inspections/{sample.id}").status_code == 403
    assert client.get(f"/bureau/inspections/{sample.id}.csv").status_code == 403
    assert client.get("/bureau/inspections/987654").status_code == 404
    refused = client.post(
        f"/bureau/inspections/visits/{visit_id}",
        data={"outcome": "compliant", "inspector_name": "李", "inspected_on": TODAY.isoformat()},
    )
    assert refused.status_code == 403
    school = login_as(world.users["school"])
    assert school.get("/bureau/inspections/").status_code == 403
