"""Zhanjiang (征求意见稿 2024) and Inner Mongolia (内党办发〔2007〕4号) packs."""

from datetime import date

import pytest

from skillbridge.platform.policy import (
    AwardSelection,
    CourseFacts,
    Facts,
    PersonFacts,
    evaluate,
    load_pack,
    policies_triggered_by,
)

TRAINING = load_pack("zhanjiang").policy("zhanjiang.subsidised_vocational_training")
COURSE = CourseFacts("course-7", "4-07-05", date(2024, 4, 30), completed=40, subject_completed=True)


@pytest.mark.parametrize(
    ("on", "credit", "failed"),
    [
        (date(2024, 4, 30), False, set()),
        (date(2024, 4, 29), False, {"trigger.programme_held"}),
        (date(2024, 5, 1), True, {"no_credit_record"}),  # 001 (十三) itself
    ],
)
def test_zhanjiang_subsidised_training(on, credit, failed):
    facts = Facts(person=PersonFacts("p", credit_record_active=credit), course=COURSE)
    result = evaluate(TRAINING, facts, on, amount_override=1200)
    assert {c.code for c in result.failed} == failed
    assert result.amount == (None if failed else 1200)


def test_a_trainee_who_did_not_complete_the_course_is_refused():
    """The course was held, but this trainee has no 结业 on its record: the trigger fails."""
    absent = CourseFacts("course-7", "4-07-05", date(2024, 4, 30), 40, subject_completed=False)
    result = evaluate(TRAINING, Facts(person=PersonFacts("p"), course=absent), date(2024, 5, 1))
    assert {c.code for c in result.failed} == {"trigger.programme_held"}
    done = evaluate(TRAINING, Facts(person=PersonFacts("p"), course=COURSE), date(2024, 5, 1))
    assert done.eligible


def test_zhanjiang_target_and_schedule():
    quota = TRAINING.quota
    assert (quota.count, quota.year, quota.kind) == (13000, 2024, "target")
    assert "粤人社规〔2023〕13号" in TRAINING.amount.schedule_zh
    pending = evaluate(TRAINING, Facts(person=PersonFacts("p"), course=COURSE), date(2024, 5, 1))
    assert (pending.amount, pending.amount_pending) == (None, True)
    assert pending.once_only_key == f"{TRAINING.id}:p:course-7"


IM = load_pack("inner_mongolia")


def test_inner_mongolia_award_bonuses_are_set_locally():
    awards = policies_triggered_by(IM, "award_selected")
    assert len(awards) == 4
    for policy in awards:
        facts = Facts(person=PersonFacts("p"), selection=AwardSelection(policy.id, 2024))
        result = evaluate(policy, facts, date(2024, 10, 1), amount_override=3000)
        assert (result.eligible, result.amount) == (True, 3000)
        assert policy.source.citation == "内党办发〔2007〕4号 (十三)"
        assert policy.amount.kind == "local"


def test_inner_mongolia_has_no_certificate_policies():
    assert policies_triggered_by(IM, "certificate_recorded") == ()
