"""The demo's regions above cities: each pack's city under its province (DOMAIN.md, seeds)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from skillbridge.models import Region, RegionLevel
from skillbridge.platform.policy import load_pack
from skillbridge.platform.services.regions.hierarchy import NewRegion, create_region

# The seeded demo city (苏州市吴江区, seed 003) lies in 江苏省; its province's code and name.
DEMO_PROVINCE = ("jiangsu", "江苏省")
# The other packs' regions, empty but governed, under their provinces: 000 大连 in 辽宁省,
# 001 仲恺 (惠州) and 002 湛江 in 广东省. The 004 pack is the autonomous region's own (全区,
# 内党办发〔2007〕4号), so 内蒙古自治区 is the region, with no province above and its 盟市 to
# be onboarded below it.
PROVINCES = (("liaoning", "辽宁省"), ("guangdong", "广东省"))
CITIES = (
    ("dalian", RegionLevel.CITY, "liaoning"),
    ("zhongkai", RegionLevel.DISTRICT, "guangdong"),
    ("zhanjiang", RegionLevel.CITY, "guangdong"),
)
REGION_WIDE = ("inner_mongolia", RegionLevel.AUTONOMOUS_REGION)
OTHER_REGIONS = len(PROVINCES) + len(CITIES) + 1


def seed_other_regions(session: Session) -> int:
    """Create the provinces and the packs' other regions (audited); returns how many."""
    provinces: dict[str, Region] = {
        code: create_region(session, NewRegion(code, name, None, RegionLevel.PROVINCE))
        for code, name in PROVINCES
    }
    for pack, level, province in CITIES:
        create_region(
            session, NewRegion(pack, load_pack(pack).name_zh, pack, level, provinces[province])
        )
    pack, level = REGION_WIDE
    create_region(session, NewRegion(pack, load_pack(pack).name_zh, pack, level))
    return OTHER_REGIONS
