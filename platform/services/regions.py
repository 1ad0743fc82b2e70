"""Regions: creating one under a policy pack, with its subsidy policies and budgets installed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import Region
from skillbridge.platform.policy import REGION_CODES
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.subsidies.budgets import install_region_policies
from skillbridge.platform.text import N_


def create_region(session: Session, code: str, name: str, pack: str) -> int:
    """Create the region (an operator's command-line task); returns how many policies it got."""
    if pack not in REGION_CODES:
        raise InvalidInput(N_("未知的政策包") + f"：{pack}（{', '.join(REGION_CODES)}）")
    if not code.strip() or not name.strip():
        raise InvalidInput(N_("地区代码和名称不能为空"))
    if session.scalar(select(Region.id).where(Region.code == code.strip())) is not None:
        raise Conflict(N_("该地区代码已存在"))
    region = Region(code=code.strip(), name=name.strip(), policy_pack=pack)
    session.add(region)
    session.flush()
    installed = install_region_policies(session, region)
    audit.record(session, None, "region.created", "region", region.id, {"pack": pack})
    return installed.policies_created
