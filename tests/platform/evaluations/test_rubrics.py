"""Rubrics as data: the bundled file loads, a school's override wins, a bad file names its fault."""

from __future__ import annotations

import pytest

from skillbridge.models import ReportGrade
from skillbridge.platform.services.evaluations.rubrics import (
    RUBRICS_FILE,
    RubricError,
    load_rubrics,
    rubric_for_school,
    rubrics,
)

GOOD = RUBRICS_FILE.read_text(encoding="utf-8")


def test_the_bundled_file_has_a_default_of_weighted_bilingual_criteria_and_an_override() -> None:
    book = rubrics()
    assert 5 <= len(book.default.criteria) <= 6
    assert sum(c.weight for c in book.default.criteria) == 100
    assert all(c.name_zh and c.name_en for c in book.default.criteria)
    assert (book.default.scale_min, book.default.scale_max) == (1, 5)
    code, override = next(iter(book.schools.items()))
    assert rubric_for_school(code) == override != book.default
    assert rubric_for_school("0000000000") == book.default
    assert book.settings.host_rating_min_shown == 5


def test_scores_map_to_the_five_level_grade_by_the_bands() -> None:
    settings = rubrics().settings
    assert [settings.grade_of(s) for s in (100, 90, 89, 80, 79, 70, 60, 59, 0)] == [
        ReportGrade.EXCELLENT,
        ReportGrade.EXCELLENT,
        ReportGrade.GOOD,
        ReportGrade.GOOD,
        ReportGrade.MEDIUM,
        ReportGrade.MEDIUM,
        ReportGrade.PASS,
        ReportGrade.FAIL,
        ReportGrade.FAIL,
    ]


def test_the_weighted_mean_is_exact_in_hundredths() -> None:
    rubric = rubrics().default
    assert rubric.weighted_centi({c.code: 5 for c in rubric.criteria}) == 500
    scores = {c.code: 3 for c in rubric.criteria} | {rubric.criteria[0].code: 5}
    assert rubric.weighted_centi(scores) == 300 + 2 * rubric.criteria[0].weight


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("weight = 20 }", "weight = 21 }", 1), "weights sum to 101"),
        (
            ('code = "safety", name_zh', 'code = "ethics", name_zh', 1),
            "duplicate criterion code 'ethics'",
        ),
        (
            ('name_en = "Safety awareness"', 'name_en = ""', 1),
            "criteria[1].name_en: must be a non-empty string",
        ),
        (("scale_max = 5", "scale_max = 0", 1), "default.scale_max: must be a whole number ≥ 2"),
        (("[default]", "[defaults]", 1), "unknown field"),
        (("pass = 60, ", "", 1), "grade_bands"),
        (("host_rating_min_shown = 5", "host_rating_min_shown = 0", 1), "host_rating_min_shown"),
        (("weight = 15 }", "weight = 15, colour = 1 }", 1), "colour: unknown field"),
    ],
)
def test_a_bad_rubric_file_is_refused_naming_the_field(
    change: tuple[str, str, int], message: str
) -> None:
    old, new, count = change
    assert old in GOOD
    with pytest.raises(RubricError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_rubrics(GOOD.replace(old, new, count))


def test_not_toml_is_a_clear_error_too() -> None:
    with pytest.raises(RubricError, match="not valid TOML"):
        load_rubrics("[default\n")
