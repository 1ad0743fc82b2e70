"""A board's figures as last counted, per region, and their refresh once they grow old."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import CursorResult, or_, update
from sqlalchemy.orm import Session

from skillbridge.models import FiguresSnapshot, User
from skillbridge.platform.database import Database
from skillbridge.platform.policy.supervision import quality_settings
from skillbridge.platform.services.reporting.dashboard import readable_region
from skillbridge.platform.services.upserts import dialect_insert

Figures = TypeVar("Figures")


@dataclass(frozen=True)
class Board(Generic[Figures]):
    """A page's counted figures: how to count them for a region and day, and their JSON form."""

    name: str
    count: Callable[[Session, int, date, datetime], Figures]
    encode: Callable[[Figures], dict[str, Any]]
    #: The figures back from their JSON form and the time they were counted.
    decode: Callable[[dict[str, Any], datetime], Figures]


def max_age() -> timedelta:
    """How old figures may be before a view has them counted again (supervision.toml)."""
    return timedelta(minutes=quality_settings().figures_max_age_minutes)


def store(
    session: Session,
    board: Board[Figures],
    region_id: int,
    today: date,
    now: datetime,
    figures: Figures,
) -> None:
    """Replace the region's snapshot of the board (of two counts at once, the later one stays)."""
    values = {
        "computed_for": today,
        "computed_at": now,
        "figures": board.encode(figures),
        "refresh_claimed_at": None,
    }
    session.execute(
        dialect_insert(session, FiguresSnapshot)
        .values(region_id=region_id, board=board.name, **values)
        .on_conflict_do_update(index_elements=["region_id", "board"], set_=values)
    )
    session.expire_all()


def _claim_refresh(
    session: Session, board: Board[Any], region_id: int, today: date, now: datetime
) -> bool:
    """Mark an old snapshot (older than the maximum age, or counted for another day) as being
    refreshed; True for the one caller that marked it.

    A mark older than the maximum age is taken for a refresh that died (its process was
    stopped) and may be taken over.
    """
    old = now - max_age()
    claimed = cast(
        "CursorResult[Any]",
        session.execute(
            update(FiguresSnapshot)
            .where(
                FiguresSnapshot.region_id == region_id,
                FiguresSnapshot.board == board.name,
                or_(FiguresSnapshot.computed_at < old, FiguresSnapshot.computed_for != today),
                or_(
                    FiguresSnapshot.refresh_claimed_at.is_(None),
                    FiguresSnapshot.refresh_claimed_at < old,
                ),
            )
            .values(refresh_claimed_at=now)
            .execution_options(synchronize_session=False),
        ),
    )
    return claimed.rowcount == 1


def current(
    session: Session, board: Board[Figures], region_id: int, today: date, now: datetime
) -> tuple[Figures, bool]:
    """The region's figures of the board, and whether the caller refreshes them after commit.

    The caller has checked that its actor reads the region. The first view of a region counts
    the figures and stores them. Later views show the stored ones, and one caller refreshes
    them in the background once they are older than the maximum age or were counted for
    another day (weeks due and deadlines move with the date): the page says when they were
    counted, and no view waits for a count.
    """
    row = session.get(FiguresSnapshot, (region_id, board.name))
    if row is None:
        figures = board.count(session, region_id, today, now)
        store(session, board, region_id, today, now, figures)
        return figures, False
    return board.decode(row.figures, row.computed_at), _claim_refresh(
        session, board, region_id, today, now
    )


def fresh(
    session: Session, board: Board[Figures], region_id: int, today: date, now: datetime
) -> Figures | None:
    """The region's stored figures of the board if no view need recount them (counted for
    `today` and within the maximum age), read without writing; None when `current` decides.

    Most views find them fresh: they then need no writing transaction beside the request's,
    nor the claim's UPDATE, which could not match such a row.
    """
    row = session.get(FiguresSnapshot, (region_id, board.name))
    if row is None or row.computed_for != today:
        return None
    # SQLite gives the stored time back without its zone; it was stored in UTC.
    at = row.computed_at if row.computed_at.tzinfo else row.computed_at.replace(tzinfo=UTC)
    if at < now - max_age():
        return None
    return board.decode(row.figures, row.computed_at)


def fresh_for_bureau(
    session: Session,
    board: Board[Figures],
    actor: User,
    today: date,
    now: datetime,
    region_id: int | None = None,
) -> Figures | None:
    """`fresh` for the bureau's region (or `region_id`'s, read from above); PermissionDenied
    for anyone but a bureau user, as `for_bureau`."""
    return fresh(session, board, readable_region(session, actor, region_id), today, now)


def for_bureau(
    session: Session,
    board: Board[Figures],
    actor: User,
    today: date,
    now: datetime,
    region_id: int | None = None,
) -> tuple[Figures, int | None]:
    """The bureau's region's figures of the board (or `region_id`'s, read from above), and the
    region the caller refreshes after commit (None when they are fresh); PermissionDenied for
    anyone but a bureau user."""
    region_id = readable_region(session, actor, region_id)
    figures, stale = current(session, board, region_id, today, now)
    return figures, region_id if stale else None


def refresh(
    database: Database, board: Board[Any], region_id: int, today: date, now: datetime
) -> None:
    """Count the figures in a read-only transaction, then store them in a short writing one."""
    with database.sessions() as session:
        figures = board.count(session, region_id, today, now)
    with database.session_scope() as session:
        store(session, board, region_id, today, now, figures)
