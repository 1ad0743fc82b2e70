"""The registry holds every rule of DOMAIN.md once, each automatic or explicitly manual."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from skillbridge.models import Severity
from skillbridge.platform.policy import PlacementRules
from skillbridge.platform.services.oversight.checks import RULES, Rule, rule_by_id

DOMAIN = Path("/work/shared/DOMAIN.md")
EXPECTED = [f"R{i}" for i in range(1, 10)] + [f"N{i}" for i in range(1, 11)]
MANUAL = {"N8", "N10"}


def test_every_domain_rule_is_registered_once_in_order() -> None:
    assert [rule.id for rule in RULES] == EXPECTED
    if DOMAIN.exists():  # the shared reference, when this checkout has it beside
        listed = re.findall(r"^\| (R\d|N\d+) \|", DOMAIN.read_text(encoding="utf-8"), re.M)
        assert listed == EXPECTED


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_has_title_citation_severity_and_a_check_or_a_reason(rule: Rule) -> None:
    assert re.search(r"[\u4e00-\u9fff]", rule.title_zh)
    assert rule.citation.strip()
    assert isinstance(rule.severity, Severity)
    assert rule.automatic == (rule.id not in MANUAL)
    if not rule.automatic:
        assert re.search(r"[\u4e00-\u9fff]", rule.manual_reason_zh)
    if rule.figure is not None:
        assert rule.figure in {f.name for f in fields(PlacementRules)}


def test_a_rule_is_either_checked_or_manual() -> None:
    with pytest.raises(ValueError, match="either"):
        Rule("X1", "测试", "引用", Severity.LOW, check=lambda ctx: [], manual_reason_zh="因为")
    with pytest.raises(ValueError, match="either"):
        Rule("X1", "测试", "引用", Severity.LOW)


def test_lookup_by_id() -> None:
    assert rule_by_id("N3").figure == "max_intern_share_of_post_staff"
    assert rule_by_id("R10") is None
