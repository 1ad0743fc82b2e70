"""Row locks for the invariants that seats, months and money depend on."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from skillbridge.models import Base

ModelT = TypeVar("ModelT", bound=Base)


def lock_row(session: Session, model: type[ModelT], object_id: int) -> ModelT | None:
    """Load one row FOR UPDATE, overwriting whatever this session already holds of it."""
    return session.get(model, object_id, with_for_update=True, populate_existing=True)
