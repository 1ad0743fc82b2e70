"""The `skillbridge` command: database commands, bureau users and the nightly sweep."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from skillbridge.models import (
    AgreementStatus,
    CooperationAgreement,
    Role,
    User,
)


def test_create_bureau_user_needs_a_known_region(runner, session, world):
    bad = runner.invoke(
        args=["create-bureau-user", "--email", "b@hr.gov.cn", "--name", "王科长", "--region", "x"],
        input="long enough password\nlong enough password\n",
    )
    assert bad.exit_code != 0 and "x 不存在" in bad.output
    ok = runner.invoke(
        args=[
            "create-bureau-user",
            "--email",
            "b@hr.gov.cn",
            "--name",
            "王科长",
            "--region",
            world.region.code,
        ],
        input="long enough password\nlong enough password\n",
    )
    assert ok.exit_code == 0, ok.output
    user = session.scalar(select(User).where(User.email == "b@hr.gov.cn"))
    assert user.role == Role.BUREAU and user.region_id == world.region.id


def test_daily_sweep_expires_lapsed_agreements(runner, session, world, factories):
    agreement = factories.cooperation(
        world.school, world.enterprise, valid_from=date(2024, 1, 1), valid_to=date(2025, 12, 31)
    )
    session.commit()
    result = runner.invoke(args=["daily", "--today", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "1 agreements expired" in result.output
    session.expire_all()
    assert session.get(CooperationAgreement, agreement.id).status == AgreementStatus.EXPIRED


def test_compliance_command_stores_findings(runner, session, world):
    from skillbridge.models import ComplianceFinding

    world.region.policy_pack = "dalian"  # R3's basis: 大政发[2011]46号 二(三), Dalian's own
    session.commit()
    result = runner.invoke(args=["compliance", "--region", world.region.code])
    assert result.exit_code == 0, result.output
    assert "open findings" in result.output
    # The world's school teaches a specialty with no partner enterprise: an R3 finding.
    rules = set(session.scalars(select(ComplianceFinding.rule_id)))
    assert "R3" in rules
    unknown = runner.invoke(args=["compliance", "--region", "nowhere"])
    assert unknown.exit_code != 0 and "no region nowhere" in unknown.output


def test_create_region_installs_its_policies(runner, session):
    from skillbridge.models import Region, SubsidyPolicy

    result = runner.invoke(
        args=["create-region", "--code", "dalian", "--name", "大连市", "--pack", "dalian"]
    )
    assert result.exit_code == 0, result.output
    region = session.scalar(select(Region).where(Region.code == "dalian"))
    assert region.policy_pack == "dalian"
    policies = session.scalars(select(SubsidyPolicy).where(SubsidyPolicy.region_id == region.id))
    assert len(policies.all()) >= 3
    again = runner.invoke(
        args=["create-region", "--code", "dalian", "--name", "大连市", "--pack", "dalian"]
    )
    assert again.exit_code != 0
    unknown = runner.invoke(args=["create-region", "--code", "x", "--name", "x", "--pack", "mars"])
    assert unknown.exit_code != 0 and "mars" in unknown.output


def test_policy_table_prints_every_pack_policy_with_its_route_or_reason(runner) -> None:  # type: ignore[no-untyped-def]
    from skillbridge.platform.policy import load_all_packs
    from skillbridge.platform.services.policy_catalogue.table import claimability_table

    result = runner.invoke(args=["policy-table", "--today", "2026-12-03"])
    assert result.exit_code == 0, result.output
    assert result.output == claimability_table(date(2026, 12, 3)) + "\n"
    for pack in load_all_packs().values():
        for policy in pack.policies:
            assert f"| `{policy.id}` |" in result.output
    bad = runner.invoke(args=["policy-table", "--today", "2026-13-01"])
    assert bad.exit_code != 0 and "--today" in bad.output
