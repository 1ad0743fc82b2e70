"""Installing a region's policies and budgets from its pack; policy settings; allocations."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from skillbridge.models import AuditEvent, Budget, SubsidyPolicy
from skillbridge.platform.policy import load_pack
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound
from skillbridge.platform.services.subsidies.budgets import (
    install_region_policies,
    set_budget_allocation,
    update_policy_settings,
)

from .conftest import policy_named

MATCHING_FUND = "wujiang.technician_class_matching_fund"  # local, at least 100000 yuan


def _count(session, model, region_id):  # type: ignore[no-untyped-def]
    return session.scalar(
        select(func.count()).select_from(model).where(model.region_id == region_id)
    )


def test_install_creates_budgets_and_monetary_policies_once(world, session):
    result = install_region_policies(session, world.region)
    pack = load_pack("wujiang")
    monetary = [p for p in pack.policies if p.amount.kind != "entitlement"]
    assert (result.budgets_created, result.policies_created) == (1, len(monetary))
    fund = session.scalar(select(Budget).where(Budget.region_id == world.region.id))
    assert (fund.code, fund.allocated_yuan, fund.remaining_yuan) == (
        "wujiang.special_fund",
        30_000_000,
        30_000_000,
    )
    again = install_region_policies(session, world.region)
    assert (again.budgets_created, again.policies_created, again.policies_updated) == (0, 0, 0)
    assert _count(session, SubsidyPolicy, world.region.id) == len(monetary)
    assert _count(session, Budget, world.region.id) == 1
    installs = session.scalar(
        select(func.count()).where(AuditEvent.action == "subsidy.policies_installed")
    )
    assert installs == 1


def test_install_skips_entitlements_and_keeps_caps(make_region, session):
    region = make_region(pack="zhongkai")
    install_region_policies(session, region)
    codes = set(
        session.scalars(select(SubsidyPolicy.code).where(SubsidyPolicy.region_id == region.id))
    )
    assert "zhongkai.paid_training_leave" not in codes
    chief = policy_named(session, region.id, "zhongkai.chief_technician_grant")
    assert (chief.annual_quota, chief.quota_period_years) == (50, 1)
    funds = session.scalars(select(Budget).where(Budget.region_id == region.id)).all()
    assert {f.allocated_yuan for f in funds} == {0}  # the seed names no totals


def test_local_amount_is_null_until_set_within_bounds(installed, session):
    bureau = installed.users["bureau"]
    policy = policy_named(session, installed.region.id, MATCHING_FUND)
    assert (policy.amount_kind, policy.amount_yuan, policy.amount_min_yuan) == (
        "local",
        None,
        100000,
    )
    with pytest.raises(InvalidInput):
        update_policy_settings(session, bureau, policy.id, 99_999, [])
    update_policy_settings(session, bureau, policy.id, 100_000, [])
    assert policy.amount_yuan == 100_000
    install_region_policies(session, installed.region)
    assert policy.amount_yuan == 100_000  # reinstalling keeps the bureau's setting


def test_seed_amount_cannot_be_overridden(installed, session):
    policy = policy_named(session, installed.region.id, "wujiang.settling_subsidy")
    with pytest.raises(InvalidInput):
        update_policy_settings(session, installed.users["bureau"], policy.id, 1000, [])


def test_database_refuses_amount_out_of_bounds(installed, session):
    policy = policy_named(session, installed.region.id, MATCHING_FUND)
    policy.amount_yuan = 50
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_other_regions_policy_is_not_found(installed, session):
    foreign = policy_named(session, installed.other_region.id, MATCHING_FUND)
    with pytest.raises(NotFound):
        update_policy_settings(session, installed.users["bureau"], foreign.id, 100_000, [])


def test_unknown_designated_occupation_is_refused(installed, session):
    policy = policy_named(session, installed.region.id, MATCHING_FUND)
    with pytest.raises(InvalidInput) as error:
        update_policy_settings(session, installed.users["bureau"], policy.id, None, ["X-1"])
    assert "X-1" in error.value.message


def test_allocation_moves_remaining_and_never_below_spent(installed, session):
    bureau = installed.users["bureau"]
    fund = session.scalar(select(Budget).where(Budget.region_id == installed.region.id))
    set_budget_allocation(session, bureau, fund.id, 1_000)
    assert (fund.allocated_yuan, fund.remaining_yuan) == (1_000, 1_000)
    fund.remaining_yuan, fund.committed_yuan = 400, 600
    session.flush()
    with pytest.raises(Conflict):
        set_budget_allocation(session, bureau, fund.id, 599)
    set_budget_allocation(session, bureau, fund.id, 600)
    assert (fund.allocated_yuan, fund.committed_yuan, fund.remaining_yuan) == (600, 600, 0)
