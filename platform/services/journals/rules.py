"""The journal calendar in one place: ISO weeks of a placement, each week's deadline, when an
overdue week escalates, and how similar two journals must be to be flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from skillbridge.models import EscalationLevel
from skillbridge.platform.services.placements.ledger import Pauses, wholly_paused

#: A week's journal is due by the end of the Wednesday after the week (its Sunday + 3 days); one
#: submitted later is late. Three days leave the weekend and two working days to write it up,
#: as the host's mentors asked (a Monday deadline collides with the week's planning meeting).
DUE_DAYS_AFTER_WEEK = 3
#: Who is told of a week still not submitted, once it is more than this many days overdue: the
#: student at once, the teacher after one day, the school's admin after eight (a week more).
ESCALATE_AFTER_DAYS: dict[EscalationLevel, int] = {
    EscalationLevel.STUDENT: 0,
    EscalationLevel.TEACHER: 1,
    EscalationLevel.SCHOOL_ADMIN: 8,
}
#: rapidfuzz token_set_ratio (0–100) at or above which two journals are flagged as near-copies.
SIMILARITY_THRESHOLD = 85
_THURSDAY = 4


@dataclass(frozen=True, order=True)
class Week:
    """One ISO week (Monday to Sunday)."""

    iso_year: int
    iso_week: int

    @classmethod
    def of(cls, day: date) -> Week:
        year, week, _weekday = day.isocalendar()
        return cls(year, week)

    @classmethod
    def parse(cls, iso_year: int, iso_week: int) -> Week | None:
        """The week, or None when the pair names no ISO week (week 53 of a 52-week year)."""
        try:
            date.fromisocalendar(iso_year, iso_week, 1)
        except ValueError:
            return None
        return cls(iso_year, iso_week)

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.iso_year, self.iso_week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def deadline(self) -> date:
        """The last day on which the week's journal is on time."""
        return self.sunday + timedelta(days=DUE_DAYS_AFTER_WEEK)

    @property
    def month(self) -> tuple[int, int]:
        """The month the week counts in for countersigning: its Thursday's (the ISO rule that
        gives every week exactly one month)."""
        thursday = date.fromisocalendar(self.iso_year, self.iso_week, _THURSDAY)
        return thursday.year, thursday.month

    def is_late(self, submitted_on: date) -> bool:
        return submitted_on > self.deadline

    def days_overdue(self, today: date) -> int:
        return (today - self.deadline).days


def placement_weeks(start: date, end: date, until: date | None = None) -> list[Week]:
    """The weeks that overlap the placement's period, up to the week of `until` if given."""
    last = end if until is None else min(end, until)
    weeks: list[Week] = []
    monday = Week.of(start).monday
    while monday <= last:
        weeks.append(Week.of(monday))
        monday += timedelta(days=7)
    return weeks


def week_paused(pauses: Pauses, week: Week, start: date, end: date) -> bool:
    """Whether every day of the week inside the placement's period is paused: nothing to report."""
    return wholly_paused(pauses, max(week.monday, start), min(week.sunday, end))
