"""INSERT ... ON CONFLICT in the dialect of the session's database."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def dialect_insert(session: Session, model: type[Any]) -> PgInsert | SqliteInsert:
    """An INSERT into `model` whose ON CONFLICT clauses speak the session's dialect."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(model)


def insert_unless_present(
    session: Session, model: type[Any], keys: list[str], **values: Any
) -> PgInsert | SqliteInsert:
    """An INSERT of `values` that does nothing when a row with the same `keys` exists.

    One statement instead of a savepoint, an INSERT and a release (or a failed transaction):
    the unique index decides, and `.returning(model)` tells whether the row is new.
    """
    return (
        dialect_insert(session, model).values(**values).on_conflict_do_nothing(index_elements=keys)
    )
