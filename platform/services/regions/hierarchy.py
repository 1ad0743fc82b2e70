"""Regions: creating one, under a policy pack or as an upper level, and the regions below one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import Region, RegionLevel, User
from skillbridge.platform.policy import REGION_CODES
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import UPPER_LEVELS
from skillbridge.platform.services.subsidies.budgets import install_region_policies
from skillbridge.platform.text import N_

CODE_MAX, NAME_MAX = 40, 100


@dataclass(frozen=True)
class NewRegion:
    """What an operator (CLI) or the officer above (the onboarding page) fills in."""

    code: str
    name: str
    pack: str | None
    level: RegionLevel = RegionLevel.CITY
    parent: Region | None = None


def _problems(session: Session, data: NewRegion) -> list[str]:
    """Every reason the region cannot be created, each naming its field."""
    problems = []
    code, name = data.code.strip(), data.name.strip()
    if not code or len(code) > CODE_MAX:
        problems.append(N_("地区代码：不能为空，且不超过 40 个字符"))
    if not name or len(name) > NAME_MAX:
        problems.append(N_("地区名称：不能为空，且不超过 100 个字符"))
    if data.pack is not None and data.pack not in REGION_CODES:
        problems.append(N_("政策包：未知的政策包") + f" {data.pack}（{', '.join(REGION_CODES)}）")
    if data.pack is None and data.level not in UPPER_LEVELS:
        problems.append(N_("政策包：市、区必须有自己的政策包"))
    if data.parent is not None and data.parent.level not in UPPER_LEVELS:
        problems.append(N_("上级地区：只有省、自治区或地级市、盟可以有下级地区"))
    return problems


def create_region(session: Session, data: NewRegion, actor: User | None = None) -> Region:
    """Create the region, with its pack's subsidy policies and budgets installed (audited)."""
    problems = _problems(session, data)
    if problems:
        raise InvalidInput(problems[0], details=problems)
    if session.scalar(select(Region.id).where(Region.code == data.code.strip())) is not None:
        raise Conflict(N_("地区代码：该地区代码已存在"))
    region = Region(
        code=data.code.strip(),
        name=data.name.strip(),
        policy_pack=data.pack,
        level=data.level,
        parent_id=data.parent.id if data.parent is not None else None,
    )
    session.add(region)
    session.flush()
    if region.policy_pack is not None:
        install_region_policies(session, region)
    audit.record(
        session,
        actor,
        "region.created",
        "region",
        region.id,
        {"pack": data.pack, "level": data.level.value, "parent_id": region.parent_id},
    )
    return region


def region_by_code(session: Session, code: str) -> Region:
    """The region with `code`, or InvalidInput naming it."""
    region = session.scalar(select(Region).where(Region.code == code))
    if region is None:
        raise InvalidInput(N_("上级地区：没有这个地区代码") + f" {code}")
    return region


def children(session: Session, parent_id: int, page: int = 1) -> Page[Region]:
    """One page of the regions directly below `parent_id`, by name."""
    return paginate(
        session,
        select(Region).where(Region.parent_id == parent_id).order_by(Region.name, Region.id),
        page,
        first_column,
    )


def child_ids(session: Session, parent_id: int) -> list[int]:
    """Every region directly below `parent_id` (a province has tens, never thousands)."""
    return list(session.scalars(select(Region.id).where(Region.parent_id == parent_id)))


def has_children(session: Session, region_id: int) -> bool:
    """Whether any region lies below `region_id`."""
    return (
        session.scalar(select(Region.id).where(Region.parent_id == region_id).limit(1)) is not None
    )


def is_upper_level(session: Session, region_id: int) -> bool:
    """Whether the region is a province, autonomous region or prefecture (it holds regions)."""
    region = session.get_one(Region, region_id)
    return region.level in UPPER_LEVELS
