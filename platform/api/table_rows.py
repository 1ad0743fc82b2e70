"""JSON records as the rows of a spreadsheet import, and the import's problems named by field."""

from __future__ import annotations

from typing import Any

from skillbridge.platform.services import tables
from skillbridge.platform.services.errors import DomainError
from skillbridge.platform.text import Np_, field_problem


class RowsRejected(DomainError):
    """Some records' values failed the import's checks: nothing was written."""

    status = 422


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def as_rows(columns: dict[str, str], records: list[dict[str, Any]]) -> list[list[str]]:
    """The records as the template's rows: the header (`columns`' values), then one row each."""
    header = list(columns.values())
    return [header] + [[_cell(r[f]) if f in r else "" for f in columns] for r in records]


def rejected(error: tables.TableRejected, columns: dict[str, str], records: str) -> RowsRejected:
    """The import's refusal with each problem named as the body spells it: `students[2].phone`."""
    fields = {column: field for field, column in columns.items()}
    details = [
        # A problem of the whole request (no records left after blanks, say) has no record.
        problem.why
        if problem.row < 2
        else field_problem(
            f"{records}[{problem.row - 2}].{fields.get(problem.column, problem.column)}",
            problem.why,
        )
        for problem in error.problems
    ]
    message = Np_(
        "%(n)d 处问题，未写入任何记录", "%(n)d 处问题，未写入任何记录", len(error.problems)
    )
    return RowsRejected(message, details=details)
