"""The catalogue of document kinds: size limit, accepted types and retention period of each."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CATALOGUE_FILE", "DocumentKind", "DocumentKindError", "document_kind", "document_kinds"]

CATALOGUE_FILE = Path(__file__).parent / "document_kinds.toml"
#: The content types the upload checks can verify; a kind may accept only these.
CHECKED_TYPES = ("application/pdf", "image/jpeg", "image/png")
_FIELDS = {"code", "name_zh", "name_en", "max_mib", "types", "retention_years", "citation", "note"}
MIB = 1024 * 1024


class DocumentKindError(ValueError):
    """The catalogue file is malformed; the message names the kind and the field."""


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: ``max_bytes`` and ``types`` bound uploads, retention its deletion."""

    code: str
    name_zh: str
    name_en: str
    max_bytes: int
    types: tuple[str, ...]
    retention_years: int
    citation: str
    note: str = ""


def _kind(index: int, table: object) -> DocumentKind:
    where = f"{CATALOGUE_FILE.name}: kinds[{index}]"
    if not isinstance(table, dict):
        raise DocumentKindError(f"{where} must be a table")
    extra = sorted(set(table) - _FIELDS)
    if extra:
        raise DocumentKindError(f"{where}.{extra[0]}: unknown field; allowed: {sorted(_FIELDS)}")
    for key in ("code", "name_zh", "name_en", "citation"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise DocumentKindError(f"{where}.{key}: must be a non-empty string")
    for key in ("max_mib", "retention_years"):
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise DocumentKindError(f"{where}.{key}: must be a positive integer, got {value!r}")
    types = table.get("types")
    if not isinstance(types, list) or not types or not set(types) <= set(CHECKED_TYPES):
        raise DocumentKindError(f"{where}.types: must be a non-empty subset of {CHECKED_TYPES}")
    return DocumentKind(
        code=table["code"],
        name_zh=table["name_zh"],
        name_en=table["name_en"],
        max_bytes=table["max_mib"] * MIB,
        types=tuple(types),
        retention_years=table["retention_years"],
        citation=table["citation"],
        note=table.get("note", ""),
    )


@functools.cache
def document_kinds() -> dict[str, DocumentKind]:
    """Every kind of the bundled catalogue by code, in file order."""
    doc = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    kinds: dict[str, DocumentKind] = {}
    for index, table in enumerate(doc.get("kinds", [])):
        kind = _kind(index, table)
        if kind.code in kinds:
            raise DocumentKindError(f"{CATALOGUE_FILE.name}: duplicate kind {kind.code!r}")
        kinds[kind.code] = kind
    return kinds


def document_kind(code: str) -> DocumentKind:
    """The kind named `code`; raise ``KeyError`` for a code the catalogue does not have."""
    return document_kinds()[code]
