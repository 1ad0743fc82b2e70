"""A teacher's or mentor's home: the placements assigned to them, each with what waits for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Select, func, select
from sqlalchemy.orm import Session

from skillbridge.models import User
from skillbridge.platform.services.paging import Page
from skillbridge.platform.services.placements.assignment import followed_placements
from skillbridge.platform.services.placements.records import PlacementContext
from skillbridge.platform.services.reporting.todo import TodoItem


@dataclass(frozen=True)
class AssignedPlacement:
    """One listed placement and the to-do items (with their counts for it) that concern it."""

    context: PlacementContext
    due: list[TodoItem]


def _counts_for(
    session: Session,
    statement: Select[Any] | CompoundSelect[Any],
    parameters: dict[str, Any],
    placement_ids: list[int],
) -> dict[int, int]:
    """How many rows of `statement` (placement ids, run with `parameters`) fall on each of
    `placement_ids`."""
    rows = statement.subquery()
    placement_id = next(iter(rows.c))
    return {
        pid: count
        for pid, count in session.execute(
            select(placement_id, func.count())
            .where(placement_id.in_(placement_ids))
            .group_by(placement_id),
            parameters,
        )
    }


def assigned_placements(
    session: Session, actor: User, todo: list[TodoItem], page: int = 1
) -> Page[AssignedPlacement]:
    """Page `page` of the actor's followed placements, each with its share of `todo`.

    `todo` is what its placements wait for (placement_steps). Only items that name their placements
    (`TodoItem.per_placement`) are attributed, and only to the placements of this page: one
    count per kind, for at most a page of ids.
    """
    listing = followed_placements(session, actor, page)
    ids = [context.placement.id for context in listing.items]
    due: dict[int, list[TodoItem]] = {}
    for item in todo if ids else []:
        if item.per_placement is None:
            continue
        for placement_id, count in _counts_for(
            session, item.per_placement, item.parameters, ids
        ).items():
            due.setdefault(placement_id, []).append(
                TodoItem(item.label, count, item.endpoint, item.args)
            )
    rows = [AssignedPlacement(c, due.get(c.placement.id, [])) for c in listing.items]
    return Page(rows, listing.page, listing.per_page, listing.total)
