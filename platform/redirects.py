"""Where a `next=` parameter may send the browser: only a path on this site."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

# Browsers drop tabs and newlines anywhere in a URL and trim control characters and spaces at its
# ends, so "/\t/evil.example" is followed as "//evil.example": judge the string a browser would see.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}


def _without_invisible(target: str) -> str:
    return "".join(
        ch
        for ch in target
        if not ch.isspace() and unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a same-site path, else `fallback`.

    Refused: control characters or whitespace anywhere, a scheme or a host, a backslash (browsers
    read `\\` as `/`), a leading `//`, and anything that is not an absolute path.
    """
    if not target:
        return fallback
    cleaned = _without_invisible(target)
    if cleaned != target:
        # No link of this site has them; a browser would follow what is left, so judge no further.
        return fallback
    if not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned:
        return fallback
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return fallback
    return cleaned
