"""A slot's shortage priority reads the list of the year the slot starts, not the run's year."""

from __future__ import annotations

from datetime import date

from skillbridge.models import ShortageListing
from skillbridge.platform.services.matching import inputs

RUN_DAY = date(2026, 6, 1)
NEXT_YEAR_START = date(2027, 1, 4)  # slot B starts next year, inside the cohort's window


def _shortage_by_slot(session, world) -> dict[int, set[float]]:  # type: ignore[no-untyped-def]
    data = inputs.build_match_input(inputs.read_inputs(session, world.region, RUN_DAY))
    problem = data.problem
    column = problem.part_names.index("shortage")
    found: dict[int, set[float]] = {}
    for pair in range(problem.n_pairs):
        slot_id = int(data.slot_ids[problem.slot[pair]])
        found.setdefault(slot_id, set()).add(float(problem.parts[pair, column]))
    return found


def test_next_years_list_scores_the_slots_starting_next_year_only(session, world, market):  # type: ignore[no-untyped-def]
    slot_a, slot_b = market.slots[0], market.slots[1]
    slot_b.start_date, slot_b.duration_months = NEXT_YEAR_START, 3  # ends inside the window
    occupation_id = slot_a.occupation_id
    session.add(ShortageListing(region_id=world.region.id, occupation_id=occupation_id, year=2026))
    session.commit()
    before = _shortage_by_slot(session, world)
    assert before[slot_a.id] == {0.5} and before[slot_b.id] == {0.0}

    session.add(ShortageListing(region_id=world.region.id, occupation_id=occupation_id, year=2027))
    session.commit()
    after = _shortage_by_slot(session, world)
    assert after[slot_a.id] == {0.5} and after[slot_b.id] == {0.5}
