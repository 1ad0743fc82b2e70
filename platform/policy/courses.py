"""The course catalogue: the kinds of training course and the policies a closed course pays."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CATALOGUE_FILE", "CatalogueError", "CourseKind", "course_kinds"]

CATALOGUE_FILE = Path(__file__).parent / "courses.toml"
_FIELDS = {"code", "name_zh", "name_en", "citation", "policies"}
#: The database column the codes are stored in holds this many characters.
CODE_MAX = 30


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class CourseKind:
    """One kind of course: its stored code, its names, its source and the policies it pays."""

    code: str
    name_zh: str
    name_en: str
    citation: str
    policies: tuple[str, ...]


def _kind(table: object, where: str) -> CourseKind:
    if not isinstance(table, dict):
        raise CatalogueError(f"{where} must be a table")
    extra = sorted(set(table) - _FIELDS)
    if extra:
        raise CatalogueError(f"{where}.{extra[0]}: unknown field; allowed: {sorted(_FIELDS)}")
    for key in sorted(_FIELDS - {"policies"}):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise CatalogueError(f"{where}.{key}: must be a non-empty string")
    policies = table.get("policies", [])
    if not isinstance(policies, list) or not all(isinstance(p, str) for p in policies):
        raise CatalogueError(f"{where}.policies: must be a list of policy ids")
    if len(table["code"]) > CODE_MAX:
        raise CatalogueError(f"{where}.code: longer than {CODE_MAX}")
    return CourseKind(
        table["code"], table["name_zh"], table["name_en"], table["citation"], tuple(policies)
    )


@functools.cache
def course_kinds() -> dict[str, CourseKind]:
    """The kinds by code, in catalogue order."""
    with CATALOGUE_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    extra = sorted(set(data) - {"kinds"})
    if extra:
        raise CatalogueError(f"{CATALOGUE_FILE.name}: unknown section {extra[0]!r}")
    raw = data.get("kinds")
    if not isinstance(raw, list) or not raw:
        raise CatalogueError(f"{CATALOGUE_FILE.name}: [[kinds]] must list at least one entry")
    kinds: dict[str, CourseKind] = {}
    for index, table in enumerate(raw):
        kind = _kind(table, f"{CATALOGUE_FILE.name}: kinds[{index}]")
        if kind.code in kinds:
            raise CatalogueError(f"{CATALOGUE_FILE.name}: kinds[{index}].code: repeated")
        kinds[kind.code] = kind
    return kinds
