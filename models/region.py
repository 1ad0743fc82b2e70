"""A region run by one bureau, the policy pack that governs it, and the region above it."""

from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, enum_column


class RegionLevel(enum.StrEnum):
    """Administrative levels (DOMAIN.md): the upper ones read the figures of the regions below."""

    PROVINCE = "province"  # 省
    AUTONOMOUS_REGION = "autonomous_region"  # 自治区
    PREFECTURE = "prefecture"  # 地级市、盟
    CITY = "city"  # 市
    DISTRICT = "district"  # 区、县、开发区


class Region(Base):
    """An administrative region; `policy_pack` names the pack file in platform/policy/packs.

    A city or district is governed by its own pack; an upper region (a province) may have none,
    and then holds no schools or enterprises of its own, only the regions below it.
    """

    __tablename__ = "region"
    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint(
            "policy_pack IS NOT NULL OR level IN ('province', 'autonomous_region', 'prefecture')",
            name="pack_or_upper_level",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    policy_pack: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[RegionLevel] = mapped_column(
        enum_column(RegionLevel, "region_level"), default=RegionLevel.CITY
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
