"""INSERT ... ON CONFLICT in the dialect of the session's database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from typing import cast as typed

from sqlalchemy import ColumnElement, Select, Table, bindparam, cast, select, true
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import ExecutableReturnsRows


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


def bound_values(dialect: str, model: type[Any], names: Sequence[str]) -> list[ColumnElement[Any]]:
    """One bound parameter per column of `model` named, typed as the column, for the SELECT of
    an INSERT … SELECT built once and run with each request's values.

    PostgreSQL types a SELECT's parameters apart from the INSERT's columns (a NULL would be
    text), hence the casts; SQLite must not cast: CAST(? AS DATE) makes a number of an ISO date.
    """
    columns = typed(Table, model.__table__).c
    values: list[ColumnElement[Any]] = [bindparam(name, type_=columns[name].type) for name in names]
    if dialect == "postgresql":
        values = [cast(value, value.type) for value in values]
    return values


def insert_select_unless_present(
    dialect: str, model: type[Any], keys: list[str], names: Sequence[str], values: Select[Any]
) -> ExecutableReturnsRows:
    """INSERT … SELECT `values` into the columns `names`, doing nothing when a row with the same
    `keys` exists, the new row read back as `model` (none when nothing was inserted).

    For a statement built once with bound parameters: SQLAlchemy's recipe of a Core INSERT
    under `select(model).from_statement` (an ORM INSERT given parameters is a bulk insert).
    """
    table = typed(Table, model.__table__)
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(table)
        # SQLite's documented cure for the parsing ambiguity of INSERT … SELECT … ON CONFLICT.
        .from_select(list(names), values.where(true()))
        .on_conflict_do_nothing(index_elements=keys)
        .returning(*table.c)
    )
    return select(model).from_statement(statement)
