"""The public catalogue of every region's policies: what each pays, on what, and how it is claimed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from skillbridge.platform.policy import REGION_CODES, Policy, PolicyPack, Validity, load_pack
from skillbridge.platform.policy.bases import Unquantified, unquantified_for
from skillbridge.platform.services.errors import NotFound
from skillbridge.platform.services.paging import Page, page_of
from skillbridge.platform.text import N_

from .claimability import Claimability, claimability
from .wording import (
    Contested,
    Named,
    Value,
    Worded,
    amount_words,
    beneficiary_words,
    condition_words,
    contested_words,
    quota_words,
    trigger_words,
)

__all__ = [
    "PER_PAGE",
    "PolicyEntry",
    "RegionCatalogue",
    "RegionSummary",
    "ValidityState",
    "policy_entry",
    "region_catalogue",
    "regions",
]

# Policies per page: an entry (citation, quote, amount, conditions, route) fills a phone screen
# or two, so a region's list is cut short of a long scroll (Wujiang's pack has 15).
PER_PAGE = 5


@dataclass(frozen=True)
class ValidityState:
    """A policy document's term on a given day: in force or expired, and any extension."""

    validity: Validity
    on: date

    @property
    def in_force(self) -> bool:
        return self.validity.in_force(self.on)

    @property
    def expired(self) -> bool:
        return self.on > self.validity.ends_on

    @property
    def not_yet(self) -> bool:
        return self.on < self.validity.effective_from


@dataclass(frozen=True)
class PolicyEntry:
    """One policy as the public page shows it."""

    policy: Policy
    name: Named
    beneficiary: Value
    trigger: Value
    amount: tuple[Value, ...]
    quota: Value | None
    conditions: tuple[Worded, ...]
    contested: tuple[Contested, ...]
    validity: ValidityState | None
    claim: Claimability


def policy_entry(policy: Policy, on: date) -> PolicyEntry:
    """Everything the page says about ``policy`` on the day ``on``."""
    return PolicyEntry(
        policy=policy,
        name=Named(policy.name_zh, policy.name_en),
        beneficiary=beneficiary_words(policy.beneficiary),
        trigger=trigger_words(policy.trigger),
        amount=amount_words(policy.amount),
        quota=quota_words(policy.quota) if policy.quota is not None else None,
        conditions=tuple(condition_words(c) for c in policy.conditions),
        contested=tuple(contested_words(c) for c in policy.conditions if c.code == "contested"),
        validity=ValidityState(policy.validity, on) if policy.validity is not None else None,
        claim=claimability(policy),
    )


@dataclass(frozen=True)
class RegionSummary:
    """A region on the index: its pack, how many policies, how many are claimable here."""

    pack: PolicyPack
    name: Named
    policies: int
    claimable: int
    validity: ValidityState | None


def regions(on: date) -> list[RegionSummary]:
    """Every region with a policy pack, in the packs' order."""
    found = []
    for code in REGION_CODES:
        pack = load_pack(code)
        found.append(
            RegionSummary(
                pack=pack,
                name=Named(pack.name_zh, pack.name_en),
                policies=len(pack.policies),
                claimable=sum(claimability(p).claimable for p in pack.policies),
                validity=ValidityState(pack.validity, on) if pack.validity is not None else None,
            )
        )
    return found


@dataclass(frozen=True)
class RegionCatalogue:
    """A region's pack and one page of its policies."""

    summary: RegionSummary
    entries: Page[PolicyEntry]
    #: Base and studio support the seed names without a figure, each with why no claim.
    unquantified: tuple[Unquantified, ...] = ()


def region_catalogue(code: str, page: int, on: date) -> RegionCatalogue:
    """Page ``page`` of the policies of the region whose pack is ``code``."""
    summary = next((s for s in regions(on) if s.pack.region == code), None)
    if summary is None:
        raise NotFound(N_("没有该地区的政策"))
    entries = [policy_entry(p, on) for p in summary.pack.policies]
    return RegionCatalogue(summary, page_of(entries, page, PER_PAGE), unquantified_for(code))
