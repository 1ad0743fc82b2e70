"""R9 from the returns: the front-line share (Zhongkai, Zhanjiang) and the payroll rate (Inner
Mongolia), each with its violating and compliant cases at the boundary, and the evidence."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from skillbridge.models import ComplianceFinding, EducationFundReturn, Region
from skillbridge.platform.services.oversight.checks import CheckContext, Violation, rule_by_id
from skillbridge.platform.services.oversight.compliance import run_compliance
from skillbridge.platform.services.packs import placement_rules

TODAY = date(2026, 3, 1)


@pytest.fixture
def file(session, factories):  # type: ignore[no-untyped-def]
    def add(region: Region, **figures: int) -> EducationFundReturn:
        values = {
            "payroll_yuan": 10_000_000,
            "extracted_yuan": 150_000,
            "spent_yuan": 100_000,
            "front_line_yuan": 60_000,
            "mentoring_yuan": 0,
            "school_enterprise_yuan": 0,
            **figures,
        }
        fund = EducationFundReturn(
            enterprise_id=factories.enterprise(region).id, year=2025, **values
        )
        session.add(fund)
        session.flush()
        return fund

    return add


def _r9(session, region: Region) -> list[Violation]:  # type: ignore[no-untyped-def]
    rule = rule_by_id("R9")
    assert rule is not None and rule.check is not None
    return list(rule.check(CheckContext(session, region, placement_rules(region), TODAY)))


@pytest.mark.parametrize("pack", ["zhongkai", "zhanjiang"])
def test_front_line_share_below_60_percent_is_a_finding(session, factories, file, pack) -> None:  # type: ignore[no-untyped-def]
    region = factories.region(pack=pack)
    short = file(
        region, front_line_yuan=59_999, mentoring_yuan=9_600, school_enterprise_yuan=20_000
    )
    file(region, front_line_yuan=60_000)  # exactly 60%: 60%以上 includes the number
    file(region, spent_yuan=0, front_line_yuan=0)  # nothing spent: nothing to share
    [violation] = _r9(session, region)
    assert violation.subject_key == f"education_fund_return:{short.id}:front_line"
    assert violation.object_id == short.enterprise_id
    assert "59.99%" in violation.summary_zh and "低于 60%" in violation.summary_zh
    evidence = violation.evidence
    assert (evidence["front_line_yuan"], evidence["spent_yuan"]) == (59_999, 100_000)
    assert (evidence["mentoring_yuan"], evidence["school_enterprise_yuan"]) == (9_600, 20_000)
    assert evidence["min_front_line_share"]["value"] == 60
    citation = {"zhongkai": "第六条(二)3", "zhanjiang": "(二十)"}[pack]
    assert citation in evidence["min_front_line_share"]["citation"]


def test_extraction_outside_1_5_to_2_5_percent_of_payroll_is_a_finding(
    session, factories, file
) -> None:  # type: ignore[no-untyped-def]
    region = factories.region(pack="inner_mongolia")
    low = file(region, extracted_yuan=149_999)
    file(region, extracted_yuan=150_000)  # 1.5% exactly
    file(region, extracted_yuan=250_000)  # 2.5% exactly (training-heavy firms)
    high = file(region, extracted_yuan=250_001)
    found = {v.subject_key: v for v in _r9(session, region)}
    assert set(found) == {
        f"education_fund_return:{low.id}:extraction",
        f"education_fund_return:{high.id}:extraction",
    }
    low_finding = found[f"education_fund_return:{low.id}:extraction"]
    assert "未足额提取" in low_finding.summary_zh
    assert low_finding.evidence["payroll_rate"] == {
        "value": 150,
        "unit": "basis_points",
        "citation": "内党办发〔2007〕4号 (十六)",
    }
    assert "超过可提取上限" in found[f"education_fund_return:{high.id}:extraction"].summary_zh
    # Inner Mongolia's pack has no front-line figure: a 10% share is not an R9 finding there.
    file(region, front_line_yuan=10_000)
    assert len(_r9(session, region)) == 2


def test_a_region_whose_pack_has_no_figures_has_no_r9_findings(session, factories, file) -> None:  # type: ignore[no-untyped-def]
    region = factories.region(pack="wujiang")
    file(region, extracted_yuan=1, front_line_yuan=0)
    assert _r9(session, region) == []


def test_a_run_records_r9_findings_and_resolves_them_when_corrected(
    session, factories, file
) -> None:  # type: ignore[no-untyped-def]
    region = factories.region(pack="zhongkai")
    fund = file(region, front_line_yuan=50_000)
    run = run_compliance(session, region.id, TODAY)
    assert run.stats["R9"] == {"found": 1, "new": 1, "resolved": 0}
    finding = session.scalar(select(ComplianceFinding).where(ComplianceFinding.rule_id == "R9"))
    assert finding.evidence["return_id"] == fund.id and finding.resolved_at is None
    fund.front_line_yuan = 70_000
    session.flush()
    run = run_compliance(session, region.id, TODAY)
    assert run.stats["R9"]["resolved"] == 1
