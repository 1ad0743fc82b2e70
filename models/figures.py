"""A region's figures of one board (the dashboard, the supervision view), kept between counts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class FiguresSnapshot(Base):
    """One region's grouped figures of one board, as counted at `computed_at`.

    Counting them takes a second or more on a city's region (hundreds of thousands of
    placements, millions of attendance days): the board's page reads this row, and a refresh
    replaces it in the background once it is older than supervision.toml allows.
    `refresh_claimed_at` marks a refresh under way, so that one process counts at a time.
    """

    __tablename__ = "figures_snapshot"

    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), primary_key=True)
    #: Which board: "dashboard" or "supervision" (services/reporting/snapshots.py).
    board: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: The day the figures were counted for (weeks due and deadlines depend on it).
    computed_for: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    refresh_claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
