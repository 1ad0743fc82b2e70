"""The bureau's supervision figures of a region, kept between refreshes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class SupervisionSnapshot(Base):
    """One region's grouped journal, hours and evaluation figures, as computed at `computed_at`.

    Counting them takes seconds on a city's region (millions of attendance days): the view reads
    this row and a refresh replaces it in the background once it is older than supervision.toml
    allows. `refresh_claimed_at` marks a refresh under way, so that one process computes it.
    """

    __tablename__ = "supervision_snapshot"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), primary_key=True)
    #: The day the figures were counted for (weeks due and deadlines depend on it).
    computed_for: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    refresh_claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
