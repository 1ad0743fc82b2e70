"""The run's optional host-quality part: off by default, on from supervision.toml's weight."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from supervision_support import Seeder

from skillbridge.platform.policy.supervision import quality_settings
from skillbridge.platform.services.matching import inputs

RUN_DAY = date(2026, 6, 1)


@pytest.fixture
def low_quality_host(session, world, factories, market):  # type: ignore[no-untyped-def]
    """Three earlier placements at the market's host, each rated 1 of 5: index 70, risk 0.3."""
    seed = Seeder(session, factories, world.users["school"])
    for _ in range(3):
        seed.rating(seed.placement(world.school, world.enterprise), world.enterprise, 1)
    session.commit()
    return world.enterprise


def _scores(session, world):  # type: ignore[no-untyped-def]
    data = inputs.build_match_input(inputs.read_inputs(session, world.region, RUN_DAY))
    return data.problem


def test_off_the_score_is_unchanged_and_on_it_drops_by_the_hosts_risk(
    session, world, low_quality_host, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    off = _scores(session, world)
    assert off.n_pairs > 0 and "host_quality" not in off.part_names
    monkeypatch.setattr(
        inputs, "quality_settings", lambda: replace(quality_settings(), matching_weight=1.0)
    )
    on = _scores(session, world)
    assert on.part_names == (*off.part_names, "host_quality")
    assert on.parts[:, -1] == pytest.approx([-0.3] * on.n_pairs)
    assert (off.score - on.score) == pytest.approx([0.3] * on.n_pairs)
