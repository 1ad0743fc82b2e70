"""The host-quality index: each part from seeded rows, the ranking order, insufficient data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from supervision_support import TODAY, Seeder

from skillbridge.models import IncidentSeverity, JournalStatus, Role
from skillbridge.platform.policy.supervision import (
    SETTINGS_FILE,
    load_settings,
    quality_settings,
)
from skillbridge.platform.services.errors import PermissionDenied
from skillbridge.platform.services.oversight import host_quality


@pytest.fixture
def hosts(world, session, factories):  # type: ignore[no-untyped-def]
    """A bad host (the world's), a good one, a small one, and a host of the other region."""
    seed = Seeder(session, factories, world.users["school"])
    bad, good = world.enterprise, factories.enterprise(world.region)
    small, far = factories.enterprise(world.region), world.other_enterprise
    bad_p = [seed.placement(world.school, bad) for _ in range(3)]
    good_p = [seed.placement(world.school, good) for _ in range(3)]
    seed.placement(world.school, small)
    far_p = seed.placement(world.other_school, far)
    for p in bad_p:
        seed.rating(p, bad, 1)
    seed.incident(bad_p[0], IncidentSeverity.CRITICAL)
    seed.day(bad_p[0], date(2026, 3, 7), rest_day=True)  # a Saturday, not filed: breaks N7
    seed.day(bad_p[1], date(2026, 3, 9))  # a working day within the limit: no breach
    seed.day(bad_p[2], date(2026, 6, 6), rest_day=True)  # after TODAY: not counted yet
    seed.journal(bad_p[0], 10, JournalStatus.SUBMITTED, date(2026, 3, 9))
    seed.journal(bad_p[1], 10, JournalStatus.RESUBMITTED, date(2026, 3, 9))
    seed.journal(bad_p[2], 10, JournalStatus.DRAFT, None)  # never submitted: not counted
    for p in good_p:
        seed.rating(p, good, 5)
    seed.day(good_p[0], date(2026, 3, 7), rest_day=True)
    seed.filed(good_p[0], date(2026, 3, 7))  # filed (备案): not a breach
    seed.journal(good_p[0], 10, JournalStatus.CONFIRMED, date(2026, 3, 9))
    seed.journal(good_p[1], 10, JournalStatus.RETURNED, date(2026, 3, 9))
    seed.incident(far_p, IncidentSeverity.CRITICAL)
    session.commit()
    return {"bad": bad, "good": good, "small": small, "far": far}


def _by_id(session, world):  # type: ignore[no-untyped-def]
    return {h.enterprise_id: h for h in host_quality.host_quality(session, world.region.id, TODAY)}


def test_each_part_is_computed_from_its_rows(session, world, hosts) -> None:  # type: ignore[no-untyped-def]
    found = _by_id(session, world)
    bad = found[hosts["bad"].id]
    assert bad.facts.placements == 3
    assert (bad.facts.ratings, bad.facts.rating_mean) == (3, 1.0)
    assert (bad.facts.incidents, bad.facts.incident_points) == (1, 9)
    assert (bad.facts.breached_placements, bad.facts.breaching_days) == (1, 1)
    assert (bad.facts.journals_submitted, bad.facts.journals_reviewed) == (2, 0)
    assert bad.risks == {
        "ratings": 1.0,
        "incidents": 1.0,  # 9 points over 3 placements × 3 points
        "working_time": pytest.approx(1 / 3),
        "journal_review": 1.0,
    }
    # 100 × (1 − (3·1 + 4·1 + 3·⅓ + 2·1) / 12) = 16.7
    assert bad.index == 17
    # The positive control: the good host's filed day, confirmed and returned journals count as
    # no risk, and its 5-of-5 ratings as none either.
    good = found[hosts["good"].id]
    assert (good.facts.breaching_days, good.facts.journals_reviewed) == (0, 2)
    assert good.risks == {
        "ratings": 0.0,
        "incidents": 0.0,
        "working_time": 0.0,
        "journal_review": 0.0,
    }
    assert good.index == 100
    assert hosts["far"].id not in found  # another region's host


def test_parts_without_data_are_left_out_of_the_weights(session, world, factories) -> None:  # type: ignore[no-untyped-def]
    seed = Seeder(session, factories, world.users["school"])
    placements = [seed.placement(world.school, world.enterprise) for _ in range(3)]
    seed.incident(placements[0], IncidentSeverity.SERIOUS)
    session.commit()
    host = _by_id(session, world)[world.enterprise.id]
    assert host.risks["ratings"] is None and host.risks["journal_review"] is None
    # Incidents 3/9 with weight 4, working time 0 with weight 3: 100 × (1 − 4/3 / 7) = 81.
    assert host.index == 81


def test_ranking_is_worst_first_and_small_hosts_are_not_ranked(session, world, hosts) -> None:  # type: ignore[no-untyped-def]
    page = host_quality.risk_ranking(session, world.users["bureau"], TODAY, 1)
    assert [h.enterprise_id for h in page.items] == [
        hosts["bad"].id,
        hosts["good"].id,
        hosts["small"].id,
    ]
    small = page.items[-1]
    assert small.insufficient and small.index is None and small.facts.placements == 1
    assert not page.items[0].insufficient


def test_ranking_is_the_bureaus(session, world, hosts) -> None:  # type: ignore[no-untyped-def]
    for role in ("school", "enterprise", "student"):
        with pytest.raises(PermissionDenied):
            host_quality.risk_ranking(session, world.users[role], TODAY, 1)
    assert world.users["bureau"].role == Role.BUREAU
    assert host_quality.risk_ranking(session, world.users["bureau"], TODAY, 1).total == 3


def test_host_risks_feed_matching_for_ranked_hosts_only(session, world, hosts) -> None:  # type: ignore[no-untyped-def]
    risks = host_quality.host_risks(session, world.region.id, TODAY)
    assert risks == {hosts["bad"].id: pytest.approx(0.83), hosts["good"].id: 0.0}


def test_the_bundled_weights_load_and_a_bad_figure_is_named() -> None:
    settings = quality_settings()
    assert settings.matching_weight == 0.0  # the optional matching part is off by default
    assert settings.min_placements == 3
    text = SETTINGS_FILE.read_text(encoding="utf-8").replace("incidents = 4", "incidents = -1")
    with pytest.raises(ValueError, match="weights.incidents"):
        load_settings(text)
    assert replace(settings, matching_weight=1.0).matching_weight == 1.0
