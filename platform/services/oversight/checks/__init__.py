"""The compliance rule registry: one check per rule of DOMAIN.md, each a SQL query over a region."""

from skillbridge.platform.services.oversight.checks.base import CheckContext, Rule, Violation
from skillbridge.platform.services.oversight.checks.registry import RULES, rule_by_id

__all__ = ["RULES", "CheckContext", "Rule", "Violation", "rule_by_id"]
