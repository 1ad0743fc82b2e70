"""The optional host-quality part: absent by default, a weighted penalty on risky hosts when on."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from skillbridge.matching import ScoreWeights, SlotArrays, StudentArrays, build_candidates


def _problem(weights: ScoreWeights | None, host_risk: list[float] | None):  # type: ignore[no-untyped-def]
    students = StudentArrays(
        specialty=[0],
        level=[3],
        certificates=csr_matrix((1, 1)),
        age=[17],
        months_used=[0],
        credit_blocked=[False],
        window_start=[0],
        window_end=[400],
        agreement_key=[0],
    )
    slots = SlotArrays(
        occupation=[0, 0],
        post=[True, True],
        min_level=[2, 2],
        certificate_required=[False, False],
        start=[10, 10],
        months=[6, 6],
        enterprise=[0, 1],
        capacity=[1, 1],
        host_risk=None if host_risk is None else np.array(host_risk),
    )
    return build_candidates(
        students, slots, csr_matrix([[1]]), csr_matrix([[1, 1]]), weights=weights
    )


def test_off_by_default_the_score_and_its_parts_are_unchanged() -> None:
    plain = _problem(None, None)
    with_risks = _problem(None, [0.5, 0.0])  # risks given, weight 0: ignored
    assert "host_quality" not in with_risks.part_names
    assert with_risks.part_names == plain.part_names
    assert with_risks.score.tolist() == plain.score.tolist()


def test_on_it_lowers_only_the_risky_hosts_slot() -> None:
    off = _problem(None, [0.5, 0.0])
    on = _problem(ScoreWeights(host_quality=2.0), [0.5, 0.0])
    assert on.part_names[-1] == "host_quality"
    assert on.parts[:, -1].tolist() == [-1.0, 0.0]  # 2.0 × 0.5 on slot 0, nothing on slot 1
    assert (off.score - on.score).tolist() == [1.0, 0.0]


def test_a_risk_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="host_risk"):
        _problem(ScoreWeights(host_quality=1.0), [1.5, 0.0])
