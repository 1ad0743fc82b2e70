"""What a number or a date typed into a request may be: what its column holds, a sane calendar."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.text import N_

# Every integer column (ids, seats, yuan, seeds) is a PostgreSQL `integer`: a larger number
# reached the database and failed there ("integer out of range"), a 500 instead of a 400.
INTEGER_MAX = 2**31 - 1
# Dates people type (agreement terms, insurance, employment, certificates): 0001-01-01 and
# 9999-12-31 were accepted. The earliest covers a long career's start; the latest any term.
EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2099, 12, 31)


def to_int(raw: str, minimum: int = 0, maximum: int = INTEGER_MAX) -> int:
    """`raw` as a plain decimal integer in [minimum, maximum]; ValueError otherwise.

    Only ASCII digits with an optional leading minus: int() would also take "١٢", " 12", "1_000".
    """
    digits = raw[1:] if raw.startswith("-") else raw
    if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(INTEGER_MAX)) + 1:
        raise ValueError(raw)
    value = int(raw)
    if not minimum <= value <= maximum:
        raise ValueError(raw)
    return value


def int_arg(
    args: Mapping[str, str],
    name: str,
    default: int | None = None,
    minimum: int = 0,
    maximum: int = INTEGER_MAX,
) -> int | None:
    """An optional integer request argument; a bad one is an InvalidInput naming it."""
    raw = args.get(name, "")
    if raw == "":
        return default
    try:
        return to_int(raw, minimum, maximum)
    except ValueError:
        raise InvalidInput(
            N_("参数须为允许范围内的整数"), details=[f"{name}: {minimum}–{maximum}"]
        ) from None


def date_in_range(value: date) -> bool:
    """Whether a typed date lies in the calendar this platform deals with."""
    return EARLIEST_DATE <= value <= LATEST_DATE


def page_arg(args: Mapping[str, str]) -> int:
    """The `page` argument of a paged list: 1 when absent, an InvalidInput when not a page number."""
    return int_arg(args, "page", minimum=1) or 1
