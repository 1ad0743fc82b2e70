"""The thresholds are data (platform/policy/bases.toml), cited to the seeds' wording, and a
review judges each one: the figure itself passes (以上、不少于、不低于 include the number)."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillbridge.models import BaseKind, TrainingBase
from skillbridge.platform.policy import bases, load_pack
from skillbridge.platform.services.bases.reviews import judge

# The seed texts live beside the repository (../shared/seeds), as for the packs' quotes.
SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


def test_zhongkai_figures_come_from_000_sixth_article() -> None:
    """000 第六条(二)4: 不少于500平方米, 4个以上职业工种, 一次性培训规模不低于200人,
    年培训鉴定能力2000人次以上."""
    figures = {
        t.measure: t.minimum
        for t in bases.thresholds_for("zhongkai", "training_base")
        if t.measure != "judged"
    }
    assert figures == {
        "site_m2": 500,
        "occupation_count": 4,
        "capacity": 200,
        "yearly_intake": 2000,
    }
    assert {t.citation for t in bases.thresholds_for("zhongkai", "training_base")} == {
        "000 第六条(二)4"
    }


def test_every_kind_in_the_file_is_a_model_kind_and_every_award_a_pack_policy() -> None:
    assert set(bases.base_kinds()) == {k.value for k in BaseKind}
    for pack in ("wujiang", "zhongkai", "zhanjiang", "dalian", "inner_mongolia"):
        policies = {p.id: p for p in load_pack(pack).policies}
        for kind in bases.kinds_of(pack):
            award = bases.award_for(pack, kind)
            if award is not None:
                assert policies[award.policy].trigger.kind == "studio_recognised"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
def test_every_quote_is_the_seeds_wording() -> None:
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    quoted = [*bases._catalogue().thresholds, *bases._catalogue().unquantified]
    missing = [q for q in quoted if q.quote not in texts[q.citation[:3]]]
    assert missing == []


def _base(**figures: int) -> TrainingBase:
    values = {"occupation_count": 4, "site_m2": 500, "capacity": 200, "yearly_intake": 2000}
    values.update(figures)
    return TrainingBase(kind=BaseKind.TRAINING_BASE, **values)


def test_the_minimum_itself_passes_and_one_below_fails_with_the_figure_shown() -> None:
    thresholds = bases.thresholds_for("zhongkai", "training_base")
    at = judge(thresholds, _base(), {"equipment": True})
    assert all(r["passed"] for r in at)
    below = judge(thresholds, _base(site_m2=499, yearly_intake=1999), {"equipment": True})
    failed = {r["code"]: (r["value"], r["minimum"]) for r in below if not r["passed"]}
    assert failed == {"site": (499, 500), "intake": (1999, 2000)}
    assert next(r for r in below if r["code"] == "site")["quote"] == "建设规模不少于500平方米"


def test_a_judged_threshold_fails_unless_the_reviewer_finds_it_met() -> None:
    thresholds = bases.thresholds_for("zhongkai", "training_base")
    unmet = {r["code"]: r["passed"] for r in judge(thresholds, _base(), {})}
    assert unmet["equipment"] is False
    met = {r["code"]: r["passed"] for r in judge(thresholds, _base(), {"equipment": True})}
    assert met["equipment"] is True


def test_a_malformed_threshold_is_refused_with_its_entry_named(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "bases.toml"
    text = bases.BASES_FILE.read_text().replace("minimum = 500", "minimum = 0", 1)
    broken.write_text(text)
    monkeypatch.setattr(bases, "BASES_FILE", broken)
    bases._catalogue.cache_clear()
    try:
        with pytest.raises(bases.BasesError, match=r"thresholds\[0\]\.minimum"):
            bases._catalogue()
    finally:
        monkeypatch.undo()
        bases._catalogue.cache_clear()
