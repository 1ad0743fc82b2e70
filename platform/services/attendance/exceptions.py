"""Arrangements outside N7 that the school filed (备案): days they cover are not breaches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import HoursException, User
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.text import N_

from .access import may_file_exception, placement_for
from .days import REASON_MAX

REFERENCE_MAX = 100


@dataclass(frozen=True)
class ExceptionInput:
    """The days covered, why, and the filing's reference number (备案号)."""

    start_day: date
    end_day: date
    reason: str
    reference_no: str


def file_exception(
    session: Session, actor: User, placement_id: int, data: ExceptionInput
) -> HoursException:
    """Record a filed exception for one placement and a range of its days."""
    placement, _student = placement_for(session, actor, placement_id, may_file_exception)
    reason, reference = data.reason.strip(), data.reference_no.strip()
    problems = []
    if data.end_day < data.start_day:
        problems.append(N_("结束日期不能早于开始日期") + " end_day")
    if data.start_day < placement.start_date or data.end_day > placement.end_date:
        problems.append(N_("备案日期须在实习期内") + " start_day")
    if not reason or len(reason) > REASON_MAX:
        problems.append(N_("请填写备案事由（不超过500字）") + " reason")
    if not reference or len(reference) > REFERENCE_MAX:
        problems.append(N_("请填写备案文号（不超过100字）") + " reference_no")
    if problems:
        raise InvalidInput(problems[0], details=problems)
    exception = HoursException(
        placement_id=placement.id,
        start_day=data.start_day,
        end_day=data.end_day,
        reason=reason,
        reference_no=reference,
        filed_by_user_id=actor.id,
    )
    session.add(exception)
    session.flush()
    audit.record(
        session,
        actor,
        "attendance.exception_filed",
        "hours_exception",
        exception.id,
        {
            "placement_id": placement.id,
            "start_day": data.start_day.isoformat(),
            "end_day": data.end_day.isoformat(),
            "reference_no": reference,
        },
    )
    return exception


def placement_exceptions(session: Session, actor: User, placement_id: int) -> list[HoursException]:
    """A placement's filed exceptions, latest first (a placement has a handful)."""
    placement, _student = placement_for(session, actor, placement_id)
    return list(
        session.scalars(
            select(HoursException)
            .where(HoursException.placement_id == placement.id)
            .order_by(HoursException.start_day.desc(), HoursException.id.desc())
        )
    )
