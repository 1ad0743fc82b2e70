"""A region (city or district) run by one bureau, and the policy pack that governs it."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Region(Base):
    """An administrative region; `policy_pack` names the pack file in platform/policy/packs."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    policy_pack: Mapped[str] = mapped_column(String(40))
