"""run_compliance: findings inserted, refreshed, resolved and reopened; one audit event per run."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from skillbridge.models import (
    AuditEvent,
    ComplianceFinding,
    ComplianceRun,
    PlacementAgreement,
    Role,
)
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import PermissionDenied
from skillbridge.platform.services.oversight.compliance import run_checks_now, run_compliance

from .conftest import END, START, TODAY


def _findings(session, rule_id=None):  # type: ignore[no-untyped-def]
    statement = select(ComplianceFinding).order_by(ComplianceFinding.id)
    if rule_id:
        statement = statement.where(ComplianceFinding.rule_id == rule_id)
    return session.scalars(statement).all()


@pytest.fixture
def uninsured(kit, session):  # type: ignore[no-untyped-def]
    """An active post internship with no insurance: R4 and N6 report it. The region is Dalian's,
    whose own 大政发[2011]46号 二(三) is R4's basis (no other region applies R4)."""
    kit.world.region.policy_pack = "dalian"
    placement = kit.placement(kit.world.student, kit.slot())
    agreement = kit.agreement(placement, insured=None)
    kit.cooperation()
    session.commit()
    return agreement


def test_run_twice_keeps_one_open_finding_per_rule_and_subject(session, world, uninsured) -> None:  # type: ignore[no-untyped-def]
    first = run_compliance(session, world.region.id, TODAY)
    session.commit()
    [r4] = _findings(session, "R4")
    assert r4.first_run_id == r4.last_run_id == first.id
    assert r4.subject_key == f"placement:{uninsured.placement_id}"
    assert r4.severity.value == "high" and r4.resolved_at is None
    count = len(_findings(session))
    second = run_compliance(session, world.region.id, TODAY)
    session.commit()
    session.expire_all()
    assert len(_findings(session)) == count
    [r4] = _findings(session, "R4")
    assert (r4.first_run_id, r4.last_run_id) == (first.id, second.id)
    assert r4.last_seen_at >= r4.first_seen_at
    assert second.stats["R4"] == {"found": 1, "new": 0, "resolved": 0}


def test_fixing_the_violation_resolves_and_a_relapse_opens_a_new_finding(
    session, world, uninsured
) -> None:  # type: ignore[no-untyped-def]
    run_compliance(session, world.region.id, TODAY)
    session.commit()
    agreement = session.get(PlacementAgreement, uninsured.id)
    agreement.insurer, agreement.insurance_policy_no = "平安财险", "PA-1"
    agreement.insurance_start, agreement.insurance_end = START, END
    session.commit()
    fixed = run_compliance(session, world.region.id, TODAY)
    session.commit()
    session.expire_all()
    [r4] = _findings(session, "R4")
    assert r4.resolved_at is not None and r4.last_run_id != fixed.id
    assert fixed.stats["R4"]["resolved"] == 1 and fixed.stats["N6"]["resolved"] == 1
    agreement = session.get(PlacementAgreement, uninsured.id)
    agreement.insurer = None
    session.commit()
    run_compliance(session, world.region.id, TODAY)
    session.commit()
    old, new = _findings(session, "R4")
    assert old.resolved_at is not None and new.resolved_at is None
    assert new.first_seen_at > old.first_seen_at


def test_a_run_covers_its_own_region_only_and_is_audited_once(session, world, kit) -> None:  # type: ignore[no-untyped-def]
    world.region.policy_pack = world.other_region.policy_pack = "dalian"  # R3, R4 apply there
    other = kit.placement(world.other_student, kit.slot(world.other_enterprise))
    kit.agreement(other, insured=None)
    session.commit()
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    run = run_compliance(session, world.region.id, TODAY)
    session.commit()
    assert _findings(session, "R4") == []
    assert {f.region_id for f in _findings(session)} == {world.region.id}
    events = session.scalars(select(AuditEvent).where(AuditEvent.seq > before)).all()
    assert [(e.action, e.object_id) for e in events] == [("compliance.run", str(run.id))]
    assert run.finished_at is not None and run.triggered_by_id is None
    assert audit.verify_chain(session).ok


def test_bureau_runs_its_own_region_and_nobody_else_may(session, world, make_user) -> None:  # type: ignore[no-untyped-def]
    run = run_checks_now(session, world.users["bureau"], TODAY)
    session.commit()
    assert run.region_id == world.region.id and run.triggered_by_id == world.users["bureau"].id
    stranger = make_user(Role.BUREAU, region_id=world.other_region.id)
    with pytest.raises(PermissionDenied):
        run_compliance(session, world.region.id, TODAY, stranger)
    session.rollback()
    with pytest.raises(PermissionDenied):
        run_checks_now(session, world.users["school"], TODAY)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ComplianceRun)) == 1
