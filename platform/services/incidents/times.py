"""Incident times are entered and shown in local time (Asia/Shanghai) and stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TIME = ZoneInfo("Asia/Shanghai")


def from_local(moment: datetime) -> datetime:
    """A wall-clock time typed in Asia/Shanghai as an aware UTC datetime."""
    return moment.replace(tzinfo=LOCAL_TIME).astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    """A stored time in Asia/Shanghai (SQLite hands back naive UTC values)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TIME)


def local_day(moment: datetime) -> date:
    """The local calendar day of a stored time: what an insurance period is counted in."""
    return to_local(moment).date()
