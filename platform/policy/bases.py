"""Training bases and master studios as policy data: kinds, yearly-review thresholds, awards."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BASES_FILE",
    "MEASURES",
    "BaseAward",
    "BaseKindEntry",
    "BasesError",
    "Threshold",
    "Unquantified",
    "award_for",
    "base_kinds",
    "kinds_of",
    "thresholds_for",
    "unquantified_for",
]

BASES_FILE = Path(__file__).parent / "bases.toml"
#: What a threshold measures: a figure of the record (compared with `minimum`), or `judged`
#: by the reviewer where the seed states the condition in words only.
MEASURES = ("site_m2", "occupation_count", "capacity", "yearly_intake", "judged")


class BasesError(ValueError):
    """The bases file is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class BaseKindEntry:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Threshold:
    """One condition a base of `kind` meets in the region of `pack`, cited to its seed."""

    pack: str
    kind: str
    code: str
    measure: str
    name_zh: str
    name_en: str
    citation: str
    quote: str
    minimum: int | None = None


@dataclass(frozen=True)
class BaseAward:
    """The pack policy (trigger `studio_recognised`) a recognition of `kind` pays."""

    pack: str
    kind: str
    policy: str


@dataclass(frozen=True)
class Unquantified:
    """Support a seed names for `kind` without a figure, and why no claim is raised for it."""

    pack: str
    kind: str
    citation: str
    quote: str
    reason_zh: str
    reason_en: str


_TEXT = {"code", "name_zh", "name_en"}
_THRESHOLD = {"pack", "kind", "code", "measure", "name_zh", "name_en", "citation", "quote"}
_AWARD = {"pack", "kind", "policy"}
_UNQUANTIFIED = {"pack", "kind", "citation", "quote", "reason_zh", "reason_en"}


def _tables(data: Mapping[str, object], section: str, fields: set[str]) -> list[dict[str, object]]:
    raw = data.get(section)
    if not isinstance(raw, list) or not raw:
        raise BasesError(f"{BASES_FILE.name}: [[{section}]] must list at least one entry")
    tables = []
    for index, table in enumerate(raw):
        where = f"{BASES_FILE.name}: {section}[{index}]"
        if not isinstance(table, dict):
            raise BasesError(f"{where} must be a table")
        allowed = fields | ({"minimum"} if section == "thresholds" else set())
        extra = sorted(set(table) - allowed)
        if extra:
            raise BasesError(f"{where}.{extra[0]}: unknown field; allowed: {sorted(allowed)}")
        for key in sorted(fields):
            if not isinstance(table.get(key), str) or not str(table[key]).strip():
                raise BasesError(f"{where}.{key}: must be a non-empty string")
        tables.append({"_where": where, **table})
    return tables


def _threshold(table: dict[str, object], kinds: Mapping[str, BaseKindEntry]) -> Threshold:
    where = str(table.pop("_where"))
    if table["kind"] not in kinds:
        raise BasesError(f"{where}.kind: {table['kind']!r} is not a kind of [[kinds]]")
    if table["measure"] not in MEASURES:
        raise BasesError(f"{where}.measure: {table['measure']!r}; allowed: {MEASURES}")
    minimum = table.get("minimum")
    if table["measure"] == "judged":
        if minimum is not None:
            raise BasesError(f"{where}.minimum: a judged threshold has no minimum")
    elif isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise BasesError(f"{where}.minimum: a positive integer is required for a figure")
    text = {k: str(v) for k, v in table.items() if k != "minimum"}
    return Threshold(**text, minimum=minimum if isinstance(minimum, int) else None)


@dataclass(frozen=True)
class _Catalogue:
    kinds: dict[str, BaseKindEntry]
    thresholds: tuple[Threshold, ...]
    awards: tuple[BaseAward, ...]
    unquantified: tuple[Unquantified, ...]


def _strip(table: dict[str, object]) -> dict[str, str]:
    return {k: str(v) for k, v in table.items() if k != "_where"}


@functools.cache
def _catalogue() -> _Catalogue:
    with BASES_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    extra = sorted(set(data) - {"kinds", "thresholds", "awards", "unquantified"})
    if extra:
        raise BasesError(f"{BASES_FILE.name}: unknown section {extra[0]!r}")
    kinds = {str(t["code"]): BaseKindEntry(**_strip(t)) for t in _tables(data, "kinds", _TEXT)}
    thresholds = tuple(_threshold(t, kinds) for t in _tables(data, "thresholds", _THRESHOLD))
    seen = [(t.pack, t.kind, t.code) for t in thresholds]
    repeated = sorted({key for key in seen if seen.count(key) > 1})
    if repeated:
        raise BasesError(f"{BASES_FILE.name}: threshold {repeated[0]} is repeated")
    awards = tuple(BaseAward(**_strip(t)) for t in _tables(data, "awards", _AWARD))
    unquantified = tuple(
        Unquantified(**_strip(t)) for t in _tables(data, "unquantified", _UNQUANTIFIED)
    )
    named: tuple[BaseAward | Unquantified, ...] = (*awards, *unquantified)
    for entry in named:
        if entry.kind not in kinds:
            raise BasesError(f"{BASES_FILE.name}: {entry.pack} names unknown kind {entry.kind!r}")
    return _Catalogue(kinds, thresholds, awards, unquantified)


def base_kinds() -> dict[str, BaseKindEntry]:
    """Every kind by code, in file order."""
    return _catalogue().kinds


def thresholds_for(pack: str, kind: str) -> tuple[Threshold, ...]:
    """The thresholds a base of `kind` is reviewed against in the region of `pack`."""
    return tuple(t for t in _catalogue().thresholds if t.pack == pack and t.kind == kind)


def kinds_of(pack: str) -> tuple[str, ...]:
    """The kinds a region keeps: those its seed gives thresholds for, in file order."""
    kept = {t.kind for t in _catalogue().thresholds if t.pack == pack}
    return tuple(code for code in base_kinds() if code in kept)


def award_for(pack: str, kind: str) -> BaseAward | None:
    """The award a recognition of `kind` pays in the region of `pack`, if its seed sets one."""
    return next((a for a in _catalogue().awards if a.pack == pack and a.kind == kind), None)


def unquantified_for(pack: str) -> tuple[Unquantified, ...]:
    """The region's base and studio support that its seed names without a figure."""
    return tuple(u for u in _catalogue().unquantified if u.pack == pack)
