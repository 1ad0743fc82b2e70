"""Subsidies read the reference data of the claim's year: next year's list changes next year only."""

from __future__ import annotations

from datetime import date

from skillbridge.models import EnterpriseDesignation, Region, SchoolDesignation
from skillbridge.platform.policy import evaluate
from skillbridge.platform.services.packs import region_pack
from skillbridge.platform.services.reference_data import shortage_lists
from skillbridge.platform.services.subsidies.facts import build_facts, parse_declared

from .conftest import occupation_of, policy_named

INTRODUCTION = "wujiang.introduction_reward"  # its conditions include shortage_occupation
THIS_YEAR, NEXT_YEAR = 2025, 2026


def _shortage_passed(session, world, on_date: date) -> bool:  # type: ignore[no-untyped-def]
    policy = policy_named(session, world.region.id, INTRODUCTION)
    pack_policy = region_pack(session.get_one(Region, world.region.id)).policy(INTRODUCTION)
    built = build_facts(session, policy, on_date, student=world.student)
    outcome = evaluate(pack_policy, built.facts, on_date)
    return next(c.passed for c in outcome.conditions if c.code == "shortage_occupation")


def test_a_shortage_list_imported_for_next_year_changes_eligibility_from_next_year_only(
    youth_case, session
):
    world, bureau = youth_case, youth_case.users["bureau"]
    code = occupation_of(session, world.student).code
    this_year_claim, next_year_claim = date(THIS_YEAR, 12, 31), date(NEXT_YEAR, 1, 1)
    assert not _shortage_passed(session, world, this_year_claim)
    assert not _shortage_passed(session, world, next_year_claim)

    data = f"{shortage_lists.CODE},{shortage_lists.GRADE}\n{code},非常紧缺\n".encode()
    diff = shortage_lists.preview_import(session, bureau, NEXT_YEAR, THIS_YEAR, "list.csv", data)
    assert not _shortage_passed(session, world, next_year_claim)  # a preview applies nothing
    shortage_lists.apply_import(
        session, bureau, NEXT_YEAR, THIS_YEAR, shortage_lists.rows_text(diff.rows), diff.fingerprint
    )
    session.commit()

    assert not _shortage_passed(session, world, this_year_claim)
    assert _shortage_passed(session, world, next_year_claim)


def test_the_years_school_record_beats_a_declaration_and_other_years_keep_theirs(
    youth_case, session
):
    world = youth_case
    policy = policy_named(session, world.region.id, INTRODUCTION)
    declared = parse_declared({"designated_school": True})
    session.add(
        SchoolDesignation(
            school_id=world.school.id, year=NEXT_YEAR, designated=False, education_base=True
        )
    )
    session.flush()
    this_year = build_facts(
        session, policy, date(THIS_YEAR, 6, 1), student=world.student, declared=declared
    )
    next_year = build_facts(
        session, policy, date(NEXT_YEAR, 6, 1), student=world.student, declared=declared
    )
    assert this_year.facts.person.student.designated_school  # no record for the year: declared
    assert not this_year.facts.person.student.in_education_base
    assert not next_year.facts.person.student.designated_school  # the bureau's record
    assert next_year.facts.person.student.in_education_base


def test_the_years_key_industry_record_decides_and_other_years_keep_the_registered_flag(
    youth_case, session
):
    world = youth_case
    world.enterprise.is_key_industry = False
    session.add(
        EnterpriseDesignation(enterprise_id=world.enterprise.id, year=NEXT_YEAR, key_industry=True)
    )
    session.flush()
    policy = policy_named(session, world.region.id, INTRODUCTION)
    for year, expected in ((THIS_YEAR, False), (NEXT_YEAR, True)):
        built = build_facts(session, policy, date(year, 6, 1), student=world.student)
        assert built.facts.employer.key_industry is expected
