"""R1 on months worked: a started placement counts its real start, its pauses and its early end."""

from __future__ import annotations

from datetime import date, timedelta

from skillbridge.models import EndReason, PlacementPause, PlacementStatus
from skillbridge.platform.services.placements.months import add_months

from .conftest import START, figures


def _started(kit, status, end, months, **values):  # type: ignore[no-untyped-def]
    placement = kit.placement(kit.world.student, kit.slot(), status, START, end, months)
    placement.started_on = values.pop("started_on", START)
    for name, value in values.items():
        setattr(placement, name, value)
    kit.session.flush()
    return placement


def test_r1_pauses_are_not_worked(kit, check, world, session) -> None:  # type: ignore[no-untyped-def]
    cap = figures(world.region).post_internship_max_months.value
    end = add_months(START, cap + 1)
    placement = _started(kit, PlacementStatus.ACTIVE, end, cap + 1)
    [violation] = check("R1")  # positive control: the same placement without its pause is over
    assert violation.evidence["total_months"] == cap + 1
    session.add(
        PlacementPause(
            placement_id=placement.id,
            starts_on=START + timedelta(days=30),
            ends_on=START + timedelta(days=61),
            reason="停工整顿",
        )
    )
    assert check("R1") == []  # 31 days paused: 12 months worked


def test_r1_an_early_end_counts_the_months_worked(kit, check, world) -> None:  # type: ignore[no-untyped-def]
    cap = figures(world.region).post_internship_max_months.value
    planned = add_months(START, cap)
    _started(
        kit,
        PlacementStatus.ENDED,
        add_months(START, 6),
        cap,
        planned_end_date=planned,
        end_reason=EndReason.HEALTH,
    )
    kit.placement(world.student, kit.slot(), PlacementStatus.ACCEPTED, months=cap - 6)
    assert check("R1") == []  # 6 worked + cap - 6 planned
    kit.placement(world.student, kit.slot(), PlacementStatus.ACCEPTED, months=1)
    [violation] = check("R1")
    assert violation.evidence["total_months"] == cap + 1


def test_r1_a_late_start_counts_from_the_first_day_worked(kit, check, world) -> None:  # type: ignore[no-untyped-def]
    cap = figures(world.region).post_internship_max_months.value
    _started(kit, PlacementStatus.ACTIVE, add_months(START, cap + 1), cap + 1,
             started_on=add_months(START, 1))  # fmt: skip
    assert check("R1") == []


def test_r1_a_transfer_continues_the_ledger(kit, check, world) -> None:  # type: ignore[no-untyped-def]
    cap = figures(world.region).post_internship_max_months.value
    last_day = add_months(START, 5) - timedelta(days=1)
    old = _started(kit, PlacementStatus.ENDED, last_day, 5, end_reason=EndReason.TRANSFER)
    new = kit.placement(
        world.student,
        kit.slot(),
        PlacementStatus.ACTIVE,
        last_day + timedelta(days=1),
        add_months(last_day + timedelta(days=1), cap - 4),
        cap - 4,
    )
    new.started_on, new.transferred_from_id = new.start_date, old.id
    [violation] = check("R1")
    assert violation.evidence["total_months"] == cap + 1
    assert {p["placement_id"] for p in violation.evidence["placements"]} == {old.id, new.id}
    new.end_date = add_months(new.start_date, cap - 5)
    new.months = cap - 5
    assert check("R1") == []


def test_r1_evidence_names_the_worked_and_booked_months(kit, check, world) -> None:  # type: ignore[no-untyped-def]
    cap = figures(world.region).post_internship_max_months.value
    _started(kit, PlacementStatus.ACTIVE, add_months(START, cap + 1), cap + 2)
    [violation] = check("R1", today=date(2026, 3, 1))
    [entry] = violation.evidence["placements"]
    assert (entry["months"], entry["booked_months"], entry["paused_days"]) == (cap + 1, cap + 2, 0)
