"""The competition catalogue: the levels competitions are held at and the prizes they award."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CATALOGUE_FILE",
    "CatalogueError",
    "Entry",
    "competition_levels",
    "competition_prizes",
]

CATALOGUE_FILE = Path(__file__).parent / "competitions.toml"
_LEVEL_FIELDS = {"code", "name_zh", "name_en", "citation"}
_PRIZE_FIELDS = {"code", "name_zh", "name_en"}
#: The database column the codes are stored in holds this many characters.
CODE_MAX = 20


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class Entry:
    """One level or prize: its stored code and its names."""

    code: str
    name_zh: str
    name_en: str
    citation: str = ""


def _entries(raw: object, section: str, fields: set[str]) -> dict[str, Entry]:
    if not isinstance(raw, list) or not raw:
        raise CatalogueError(f"{CATALOGUE_FILE.name}: [[{section}]] must list at least one entry")
    entries: dict[str, Entry] = {}
    for index, table in enumerate(raw):
        where = f"{CATALOGUE_FILE.name}: {section}[{index}]"
        if not isinstance(table, dict):
            raise CatalogueError(f"{where} must be a table")
        extra = sorted(set(table) - fields)
        if extra:
            raise CatalogueError(f"{where}.{extra[0]}: unknown field; allowed: {sorted(fields)}")
        for key in sorted(fields):
            if not isinstance(table.get(key), str) or not table[key].strip():
                raise CatalogueError(f"{where}.{key}: must be a non-empty string")
        code = table["code"]
        if len(code) > CODE_MAX or code in entries:
            raise CatalogueError(f"{where}.code: {code!r} is repeated or longer than {CODE_MAX}")
        entries[code] = Entry(**table)
    return entries


@functools.cache
def _catalogue() -> tuple[dict[str, Entry], dict[str, Entry]]:
    with CATALOGUE_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    extra = sorted(set(data) - {"levels", "prizes"})
    if extra:
        raise CatalogueError(f"{CATALOGUE_FILE.name}: unknown section {extra[0]!r}")
    return (
        _entries(data.get("levels"), "levels", _LEVEL_FIELDS),
        _entries(data.get("prizes"), "prizes", _PRIZE_FIELDS),
    )


def competition_levels() -> dict[str, Entry]:
    """The levels by code, in catalogue order."""
    return _catalogue()[0]


def competition_prizes() -> dict[str, Entry]:
    """The prizes by code, in catalogue order (highest first)."""
    return _catalogue()[1]
