"""Bulk inserts for the demo seed: many rows in one statement, their ids back in order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> list[int]:
    """Bulk INSERT ... RETURNING id, ids in the order of `rows`."""
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))
