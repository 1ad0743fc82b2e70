"""Calendar months as the ledger keeps them: the first day of the month."""

from __future__ import annotations

import re
from datetime import date

from skillbridge.platform.services.bounds import EARLIEST_DATE, LATEST_DATE
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.text import N_

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(raw: str, field: str) -> date:
    """``YYYY-MM`` as the first day of that month; InvalidInput naming `field` otherwise."""
    match = _MONTH.match(raw.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(N_("月份格式应为 YYYY-MM"), details=[field])
    month = date(int(match.group(1)), int(match.group(2)), 1)
    if not EARLIEST_DATE <= month <= LATEST_DATE:
        raise InvalidInput(N_("月份超出允许范围"), details=[field])
    return month


def months_in(start: date, end: date) -> int:
    """How many months from `start` to `end`, both first days and both counted."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def label(month: date) -> str:
    """A month as ``YYYY-MM``."""
    return f"{month.year:04d}-{month.month:02d}"
