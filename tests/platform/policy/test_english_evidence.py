"""Every condition and trigger of the registry words its evidence in English from the catalogue."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.support import Translations

from skillbridge.platform.policy import facts as f
from skillbridge.platform.policy.conditions import (
    CONDITIONS,
    TRIGGERS,
    ConditionOutcome,
    Context,
    parse_condition,
    parse_params,
)
from skillbridge.platform.text import Text, message_from

CJK = re.compile(r"[\u4e00-\u9fff]")
TRANSLATIONS = Path(__file__).resolve().parents[3] / "platform" / "translations"
ON = date(2025, 6, 30)
POLICY = "TEST-1"

#: Parameters of a sample of every registered condition and trigger; pack text without an
#: English counterpart (an issue, a reading's label) is given in ASCII, since it stays as written.
SAMPLES: dict[str, dict[str, object]] = {
    "age_max": {"years": 40},
    "age_min": {"years": 18},
    "contract_insured_months": {"months": 6},
    "contract_and_insurance": {},
    "local_hukou_or_insured_months": {"months": 6},
    "min_employer_service_years": {"years": 2},
    "min_district_service_years": {"years": 2},
    "first_job_in_district": {},
    "newly_introduced": {},
    "front_line_post": {},
    "holds_level_at_least": {"level": "senior"},
    "certificate_level_in": {"levels": ["senior", "technician"]},
    "certificate_route": {"routes": ["social_appraisal", "school_enterprise"]},
    "certificate_in_claim_year": {},
    "certificate_in_training_year": {},
    "shortage_occupation": {},
    "designated_occupation": {},
    "employer_in_district": {},
    "key_industry_employer": {},
    "employer_extracts_education_fund": {},
    "student_full_time": {},
    "student_track_at_least": {"level": "senior"},
    "designated_school": {},
    "school_in_education_base": {},
    "specialty_on_shortage_list": {},
    "selection_criterion": {"criteria": ["(1)", "(2)"]},
    "claim_in_programme_year": {},
    "claim_in_competition_year": {},
    "no_credit_record": {"beneficiary": "person"},
    "any_of": {"options": [[{"code": "age_max", "years": 40}], [{"code": "newly_introduced"}]]},
    "contested": {
        "issue_zh": "Provision 2(1)",
        "readings": [
            {"id": "a", "label_zh": "Reading A", "conditions": [{"code": "age_max", "years": 30}]},
            {"id": "b", "label_zh": "Reading B", "conditions": [{"code": "age_min", "years": 18}]},
        ],
    },
    "certificate_obtained": {"levels": ["senior"]},
    "placed_months_on_post": {"months": 6},
    "talent_introduced": {"months": 6},
    "award_selected": {"pay_years": 3},
    "studio_recognised": {"pay_years": 3},
    "enrolment_year": {},
    "competition_held": {"min_participants": 10},
    "programme_held": {},
    "programme_completed": {},
    "service_years_reached": {"years": 2},
}

_CERTIFICATE = f.Certificate(
    "6-01-01", "senior", date(2025, 1, 10), training_ended_on=date(2024, 12, 20)
)
_STUDENT = f.StudentFacts(True, "intermediate", ("6-01-01",), designated_school=True)


def _person(**changes: object) -> f.PersonFacts:
    values: dict[str, object] = {
        "person_id": "p-1",
        "birth_date": date(1990, 5, 1),
        "certificates": (_CERTIFICATE,),
        "contract_insured_since": date(2024, 1, 1),
        "on_post_since": date(2024, 10, 1),
        "employer_since": date(2020, 1, 1),
        "district_work_since": date(2021, 3, 1),
        "introduced_on": date(2024, 1, 1),
        "student": _STUDENT,
        **changes,
    }
    return f.PersonFacts(**values)  # type: ignore[arg-type]


def _facts(**changes: object) -> f.Facts:
    values: dict[str, object] = {
        "person": _person(),
        "employer": f.EnterpriseFacts("e-1", in_district=True),
        "school": f.SchoolFacts("s-1"),
        "certificate": _CERTIFICATE,
        "programme": f.ProgrammeFacts("A-1", "6-01-01", date(2025, 3, 1), completed=True),
        "competition": f.CompetitionFacts("C-1", "6-01-01", date(2025, 4, 1), ON, 12),
        "course": f.CourseFacts("K-1", "6-01-01", date(2025, 5, 1), 3, subject_completed=False),
        "selection": f.AwardSelection(POLICY, 2024, "senior", "(2)"),
        "shortage_occupations": frozenset({"6-01-01"}),
        **changes,
    }
    return f.Facts(**values)  # type: ignore[arg-type]


#: Facts that lead each evaluator down its other branches: nothing known, flags the other way.
VARIANTS = {
    "full": _facts(),
    "nothing": f.Facts(),
    "local": _facts(
        person=_person(hukou_local=True, newly_introduced=True, certificates=()),
        certificate=None,
        course=f.CourseFacts("K-2", "6-01-01", date(2025, 5, 1), 0),
    ),
    "uninsured": _facts(
        person=_person(contract_insured_since=None, introduced_on=None, student=None),
        competition=f.CompetitionFacts("C-2", "6-01-01", date(2025, 4, 1), date(2025, 12, 1), 3),
        selection=f.AwardSelection("OTHER", 2024),
        course=f.CourseFacts("K-3", "6-01-01", date(2025, 5, 1), 2, subject_completed=True),
    ),
}


@pytest.fixture
def english(compiled_catalogue) -> Translations:  # type: ignore[no-untyped-def]
    return Translations.load(str(TRANSLATIONS), ["en"])


def _refs(code: str) -> list[tuple[object, object]]:
    """(check, params) of the sample; a contested provision also with a ruling."""
    table = SAMPLES[code]
    if code in CONDITIONS:
        ref = parse_condition({"code": code, **table}, code)
        refs = [(CONDITIONS[code], ref.params)]
        if code == "contested":
            ruling = {"reading": "a", "decided_by": "Bureau", "reference": "Ruling 1"}
            ruled = parse_condition({"code": code, **table, "ruling": ruling}, code)
            refs.append((CONDITIONS[code], ruled.params))
        return refs
    return [(TRIGGERS[code], parse_params(TRIGGERS[code], table, code))]


def test_every_registered_code_has_a_sample() -> None:
    assert set(SAMPLES) == set(CONDITIONS) | set(TRIGGERS)


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_the_evidence_of_every_condition_renders_in_english(code: str, english) -> None:  # type: ignore[no-untyped-def]
    seen = set()
    for variant, facts in VARIANTS.items():
        for check, params in _refs(code):
            passed, evidence = check.evaluate(params, Context(facts, ON, POLICY))  # type: ignore[attr-defined]
            assert isinstance(evidence, Text), (variant, evidence)
            outcome = ConditionOutcome(
                code,
                check.label_zh,
                check.label_en,
                passed,
                evidence,
                "Art. 2",  # type: ignore[attr-defined]
            )
            for text in (evidence, outcome.display_zh()):
                shown = text.render(english, english=True)
                assert not CJK.search(shown), (variant, str(text), shown)
                # What a snapshot stores renders the same, and its Chinese is the text itself.
                stored = message_from(text.to_json())
                assert stored.render(english, english=True) == shown and stored == text
            seen.add(str(evidence))
    assert seen  # the variants reached at least one branch of the evaluator
