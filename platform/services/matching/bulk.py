"""Write many rows of one table at once: COPY on PostgreSQL, one executemany elsewhere."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

# The driver's positional parameter marker, by DB-API paramstyle.
PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def insert_columns(
    session: Session,
    table: Table,
    columns: Mapping[str, Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
) -> int:
    """Insert one row per position of the equally long `columns`, with `constants` in every row.

    Values go through each column's SQLAlchemy type (enums, JSON, dates), as an ORM insert
    would send them, but no Python-side column default runs: give every NOT NULL column.
    Runs in the session's transaction; returns the number of rows.

    Raises
    ------
    ValueError
        If the columns differ in length or name a column the table does not have.
    """
    constants = constants or {}
    names = [*columns, *constants]
    unknown = [name for name in names if name not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(unknown)}")
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of {table.name} differ in length: {sorted(lengths)}")
    n_rows = lengths.pop() if lengths else 0
    if n_rows == 0:
        return 0
    connection = session.connection()
    dialect = connection.dialect

    def processed(name: str, values: Sequence[Any]) -> Sequence[Any]:
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        return values if process is None else [process(value) for value in values]

    fixed = [processed(name, [value])[0] for name, value in constants.items()]
    varying = [processed(name, values) for name, values in columns.items()]
    rows = [(*row, *fixed) for row in zip(*varying, strict=True)]
    quote = dialect.identifier_preparer.quote
    target = f"{quote(table.name)} ({', '.join(quote(name) for name in names)})"
    if dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None  # a checked-out connection always has its driver's
        with driver.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marker = PLACEHOLDERS[dialect.paramstyle]
        values = ", ".join([marker] * len(names))
        connection.exec_driver_sql(f"INSERT INTO {target} VALUES ({values})", rows)
    return n_rows
