"""N7: no overtime, night work or statutory-holiday work for interns, unless filed (备案).

Read from the recorded attendance: a day over the daily limit or on a rest day, with night
minutes, or on a statutory holiday breaks the rule, except on the days a filed exception covers.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from sqlalchemy import and_, exists, or_

from skillbridge.models import AttendanceDay, HoursException, Placement
from skillbridge.platform.services.attendance.calendar import DayKind
from skillbridge.platform.services.attendance.hours import (
    DAILY_LIMIT_CITATION,
    DAILY_MINUTES_MAX,
    NIGHT_CITATION,
    Hours,
    breaches,
)
from skillbridge.platform.services.oversight.checks.base import CheckContext, Violation
from skillbridge.platform.services.oversight.checks.placements import (
    placement_evidence,
    placement_query,
    placement_subject,
)
from skillbridge.platform.text import Np_

_DAY = (
    AttendanceDay.day,
    AttendanceDay.minutes,
    AttendanceDay.night_minutes,
    AttendanceDay.rest_day,
    AttendanceDay.statutory_holiday,
)
#: A recorded day that breaks N7 unless a filed exception covers it.
BREACHING = or_(
    AttendanceDay.minutes > DAILY_MINUTES_MAX,
    AttendanceDay.night_minutes > 0,
    AttendanceDay.rest_day.is_(True),
    AttendanceDay.statutory_holiday.is_(True),
)
#: A filed exception (备案) covers the day.
FILED = exists().where(
    and_(
        HoursException.placement_id == AttendanceDay.placement_id,
        HoursException.start_day <= AttendanceDay.day,
        HoursException.end_day >= AttendanceDay.day,
    )
)


def _day_evidence(row: Any) -> dict[str, Any]:
    kind = DayKind(rest_day=row.rest_day, statutory_holiday=row.statutory_holiday)
    return {
        "day": row.day.isoformat(),
        "minutes": row.minutes,
        "night_minutes": row.night_minutes,
        "breaches": breaches(Hours(row.minutes, row.night_minutes), kind),
    }


def placement_hours_breached(ctx: CheckContext) -> Iterator[Violation]:
    """N7: placements with recorded days of overtime, rest-day, night or holiday work not
    covered by a filed exception; the evidence lists every such day."""
    rows = ctx.session.execute(
        placement_query(ctx, *_DAY)
        .join(AttendanceDay, AttendanceDay.placement_id == Placement.id)
        .where(BREACHING, ~FILED, AttendanceDay.day <= ctx.today)
        .order_by(None)
        .order_by(Placement.id, AttendanceDay.day)
    )
    for _placement_id, group in groupby(rows, key=lambda row: row.placement_id):
        days = list(group)
        first = days[0]
        yield Violation(
            subject_key=placement_subject(first),
            object_type="placement",
            object_id=first.placement_id,
            summary_zh=(
                Np_(
                    "%(student)s 在 %(enterprise)s 实习：%(n)d 天加班、夜班或法定节假日工作，未备案",
                    "%(student)s 在 %(enterprise)s 实习：%(n)d 天加班、夜班或法定节假日工作，未备案",
                    len(days),
                    student=first.student_name,
                    enterprise=first.enterprise_name,
                )
            ),
            evidence={
                **placement_evidence(first),
                "daily_minutes_max": DAILY_MINUTES_MAX,
                "daily_limit_citation": DAILY_LIMIT_CITATION,
                "night_citation": NIGHT_CITATION,
                "days": [_day_evidence(row) for row in days],
            },
        )
