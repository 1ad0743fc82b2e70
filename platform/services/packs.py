"""The policy pack in force in a region, and the placement rules it sets."""

from __future__ import annotations

from sqlalchemy.orm import Session

from skillbridge.models import Region
from skillbridge.platform.policy import PlacementRules, PolicyPack, load_pack
from skillbridge.platform.services.errors import NotFound
from skillbridge.platform.text import N_


def region_pack(region: Region) -> PolicyPack:
    """The policy pack a region is governed by (an upper region without one has no figures)."""
    if region.policy_pack is None:
        raise NotFound(N_("该地区没有自己的政策包：请查看其下级地区"))
    return load_pack(region.policy_pack)


def placement_rules(region: Region) -> PlacementRules:
    """The region's placement-rule figures (N1 minimum age, N4 pay ratio, R1 month cap, ...)."""
    return region_pack(region).placement_rules


def placement_rules_for(session: Session, region_id: int) -> PlacementRules:
    """The placement-rule figures of the policy pack that governs `region_id`."""
    region = session.get(Region, region_id)
    assert region is not None  # every organisation's region_id is a foreign key
    return placement_rules(region)
