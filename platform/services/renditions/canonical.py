"""The canonical bytes of a document's content, and the SHA-256 printed on it and signed.

What is hashed: the content as JSON with sorted keys, no insignificant whitespace, non-ASCII
characters kept as themselves, encoded in UTF-8. A PDF cannot contain its own hash, so the PDF
prints the hash of the content it was rendered from; the PDF file's own hash is recorded beside
the version, so an uploaded copy can be checked either way.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def canonical_json(content: dict[str, Any]) -> str:
    """The one textual form of `content` that is stored, rendered and hashed."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def content_sha256(content: dict[str, Any]) -> str:
    """The SHA-256 of the canonical JSON of `content`."""
    return sha256_hex(canonical_json(content).encode("utf-8"))
