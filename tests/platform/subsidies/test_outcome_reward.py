"""The recorded employment outcome is the fact the Wujiang youth reward (002 二(二)2) counts from."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from skillbridge.models import (
    ContractType,
    OutcomeKind,
    Placement,
    PlacementStatus,
    SlotKind,
    SubsidyClaim,
    SubsidyPolicy,
)
from skillbridge.platform.services.evaluations import outcomes
from skillbridge.platform.services.subsidies.sweep import raise_placement_claims

from .conftest import YOUTH, occupation_of

HIRED_ON = date(2025, 9, 1)
HALF_YEAR_ON = date(2026, 3, 1)  # 上岗半年后


def _ended_internship(session, world, kit) -> Placement:  # type: ignore[no-untyped-def]
    """A 6-month post internship at a cooperating district enterprise, ended; 高级工 held."""
    slot = kit.factories.slot(
        world.enterprise,
        occupation_of(session, world.student),
        kind=SlotKind.POST_INTERNSHIP,
        title="数控车工岗位实习",
        start_date=date(2025, 3, 1),
        duration_months=6,
        seats_taken=1,
    )
    placement = kit.factories.placement(
        world.student,
        slot,
        status=PlacementStatus.ENDED,
        start_date=date(2025, 3, 1),
        end_date=date(2025, 8, 31),
        months=6,
    )
    kit.cooperation(world.school.id, world.enterprise.id)
    kit.certificate(world.student, level=3, issued_on=date(2025, 1, 10))
    kit.designate(world.region.id, YOUTH, occupation_of(session, world.student))
    session.commit()
    return placement


def _hire(session, world, placement, insured: bool = True) -> None:  # type: ignore[no-untyped-def]
    outcomes.record_outcome(
        session,
        world.users["school"],
        placement.id,
        outcomes.OutcomeInput(
            OutcomeKind.HIRED_BY_HOST,
            started_on=HIRED_ON,
            contract_type=ContractType.FIXED_TERM,
            contract_months=36,
            social_insurance=insured,
        ),
    )


def _youth_claims(session, world):  # type: ignore[no-untyped-def]
    return list(
        session.scalars(
            select(SubsidyClaim)
            .join(SubsidyPolicy, SubsidyPolicy.id == SubsidyClaim.policy_id)
            .where(SubsidyPolicy.code == YOUTH, SubsidyClaim.student_id == world.student.id)
        )
    )


def test_the_hosts_confirmed_hire_raises_the_youth_reward_half_a_year_on(installed, session, kit):  # type: ignore[no-untyped-def]
    world = installed
    placement = _ended_internship(session, world, kit)
    # Without an outcome the ended internship is not swept: no labour contract is known.
    assert raise_placement_claims(session, HALF_YEAR_ON) == 0
    _hire(session, world, placement)
    # Recorded by the school only: the host has not confirmed, nothing is raised.
    assert raise_placement_claims(session, HALF_YEAR_ON) == 0
    outcomes.confirm_outcome(session, world.users["enterprise"], placement.id)
    session.commit()
    # A day short of six months on the hired post: nothing; on the day: the reward.
    assert raise_placement_claims(session, date(2026, 2, 28)) == 0
    assert raise_placement_claims(session, HALF_YEAR_ON) == 1
    (claim,) = _youth_claims(session, world)
    assert claim.amount_yuan == 2000
    facts = {f["label"]: f["value"] for f in claim.evaluation["facts"]}
    assert facts["上岗日期"].startswith(HIRED_ON.isoformat())
    assert facts["劳动合同和社会保险（录用）"] == HIRED_ON.isoformat()
    assert any(f"{world.enterprise.name} {HIRED_ON.isoformat()}" in v for v in facts.values())


def test_a_hire_without_social_insurance_is_no_fact_for_the_reward(installed, session, kit):  # type: ignore[no-untyped-def]
    world = installed
    placement = _ended_internship(session, world, kit)
    _hire(session, world, placement, insured=False)
    outcomes.confirm_outcome(session, world.users["enterprise"], placement.id)
    session.commit()
    assert raise_placement_claims(session, HALF_YEAR_ON) == 0
    assert _youth_claims(session, world) == []
