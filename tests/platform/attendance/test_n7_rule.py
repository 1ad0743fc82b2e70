"""N7 is automatic: recorded overtime, rest-day, night and holiday work are breaches unless a
filed exception (备案) covers the day; the finding lists the breaching days."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from skillbridge.platform.policy import load_pack
from skillbridge.platform.services.attendance import days, exceptions
from skillbridge.platform.services.errors import InvalidInput, PermissionDenied
from skillbridge.platform.services.oversight.checks import CheckContext, rule_by_id

TODAY = date(2024, 6, 30)


def _n7(session, world) -> list:  # type: ignore[no-untyped-def]
    session.flush()
    rules = load_pack(world.region.policy_pack).placement_rules
    return list(rule_by_id("N7").check(CheckContext(session, world.region, rules, TODAY)))


def _work(session, internship, start: datetime, end: datetime) -> None:  # type: ignore[no-untyped-def]
    days.check_in(session, internship.student, internship.placement.id, start)
    days.check_out(session, internship.student, internship.placement.id, end)


def test_n7_is_automatic_and_lists_the_breaching_days(session, world, internship) -> None:  # type: ignore[no-untyped-def]
    assert rule_by_id("N7").automatic
    _work(session, internship, datetime(2024, 5, 6, 8), datetime(2024, 5, 6, 16))  # fine
    _work(session, internship, datetime(2024, 5, 11, 8), datetime(2024, 5, 11, 16))  # 调休 Saturday
    assert _n7(session, world) == []
    _work(session, internship, datetime(2024, 5, 7, 8), datetime(2024, 5, 7, 18))  # 10 hours
    _work(session, internship, datetime(2024, 5, 8, 15), datetime(2024, 5, 8, 22, 30))  # night
    _work(session, internship, datetime(2024, 5, 12, 9), datetime(2024, 5, 12, 12))  # Sunday
    _work(session, internship, datetime(2024, 6, 10, 9), datetime(2024, 6, 10, 12))  # 端午节
    (violation,) = _n7(session, world)
    assert violation.subject_key == f"placement:{internship.placement.id}"
    assert [(d["day"], d["breaches"]) for d in violation.evidence["days"]] == [
        ("2024-05-07", ["overtime"]),
        ("2024-05-08", ["night"]),
        ("2024-05-12", ["rest_day"]),
        ("2024-06-10", ["statutory_holiday"]),
    ]
    assert violation.evidence["daily_minutes_max"] == 480
    assert "4 天" in violation.summary_zh


def test_a_filed_exception_covers_its_days(session, world, internship) -> None:  # type: ignore[no-untyped-def]
    _work(session, internship, datetime(2024, 5, 7, 8), datetime(2024, 5, 7, 18))
    _work(session, internship, datetime(2024, 5, 20, 8), datetime(2024, 5, 20, 18))
    data = exceptions.ExceptionInput(
        date(2024, 5, 1), date(2024, 5, 10), "设备调试", "吴教备〔2024〕7号"
    )
    with pytest.raises(PermissionDenied):
        exceptions.file_exception(session, internship.teacher, internship.placement.id, data)
    exceptions.file_exception(session, internship.school, internship.placement.id, data)
    (violation,) = _n7(session, world)
    assert [d["day"] for d in violation.evidence["days"]] == ["2024-05-20"]
    listed = exceptions.placement_exceptions(session, internship.teacher, internship.placement.id)
    assert [e.reference_no for e in listed] == ["吴教备〔2024〕7号"]
    with pytest.raises(InvalidInput):
        exceptions.file_exception(
            session,
            internship.school,
            internship.placement.id,
            exceptions.ExceptionInput(date(2024, 5, 1), date(2024, 5, 10), "x", " "),
        )


def test_another_region_is_not_audited(session, world, internship) -> None:  # type: ignore[no-untyped-def]
    _work(session, internship, datetime(2024, 5, 7, 8), datetime(2024, 5, 7, 18))
    session.flush()
    rules = load_pack(world.other_region.policy_pack).placement_rules
    context = CheckContext(session, world.other_region, rules, TODAY)
    assert list(rule_by_id("N7").check(context)) == []
