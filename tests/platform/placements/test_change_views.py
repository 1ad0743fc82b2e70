"""The changes of a running placement over HTTP: forms kept on error, who may, the history."""

from __future__ import annotations

from datetime import date, timedelta

from skillbridge.models import PlacementStatus, Role

TODAY = date.today()


def _running(world, accepted, start_running) -> int:  # type: ignore[no-untyped-def]
    return start_running(accepted.placement.id, accepted.student_user)


def test_pause_and_resume_over_http(world, accepted, start_running, login_as, facts) -> None:  # type: ignore[no-untyped-def]
    pid = _running(world, accepted, start_running)
    school = login_as(world.users["school"])
    page = school.get(f"/placements/{pid}").get_data(as_text=True)
    assert "计划月数" in page and "实际已实习月数" in page and "暂停实习" in page
    refused = school.post(f"/placements/{pid}/pause", data={"on": "2026-06-01", "reason": "检修"})
    assert refused.status_code == 400  # before the start: the form comes back as typed
    body = refused.get_data(as_text=True)
    assert "暂停日期须在实习开始日期与今天之间" in body and 'value="检修"' in body
    empty = school.post(f"/placements/{pid}/pause", data={"on": "2026-08-01", "reason": ""})
    assert empty.status_code == 400
    done = school.post(f"/placements/{pid}/pause", data={"on": "2026-08-01", "reason": "检修"})
    assert done.status_code == 302
    page = school.get(f"/placements/{pid}").get_data(as_text=True)
    assert "自 2026-08-01 起暂停" in page and "恢复实习" in page and "实习暂停" in page
    enterprise = login_as(world.users["enterprise"])
    assert (
        enterprise.post(f"/placements/{pid}/resume", data={"on": "2026-09-01"}).status_code == 302
    )
    assert facts.months_used(world.student.id) == facts.counted_months(world.student.id)
    student = login_as(world.users["student"])
    page = student.get(f"/placements/{pid}").get_data(as_text=True)
    assert "实习恢复" in page and "暂停 31 天不计" in page and "终止实习" not in page
    assert student.post(f"/placements/{pid}/pause", data={"on": "2026-10-01"}).status_code == 403


def test_terminate_over_http(world, accepted, start_running, login_as, facts) -> None:  # type: ignore[no-untyped-def]
    pid = _running(world, accepted, start_running)
    enterprise = login_as(world.users["enterprise"])
    other = enterprise.post(
        f"/placements/{pid}/terminate", data={"on": "2026-10-15", "reason": "other"}
    )
    assert other.status_code == 400 and "请填写原因" in other.get_data(as_text=True)
    done = enterprise.post(
        f"/placements/{pid}/terminate", data={"on": "2026-10-15", "reason": "host_closure"}
    )
    assert done.status_code == 302
    assert facts.status(pid) == PlacementStatus.ENDED
    page = login_as(world.users["bureau"]).get(f"/placements/{pid}").get_data(as_text=True)
    assert "实习单位停产或关闭" in page and "原定结束" in page


def test_transfer_over_http(
    session, world, accepted, start_running, make_slot, make_enterprise, make_user, login_as
) -> None:  # type: ignore[no-untyped-def]
    pid = _running(world, accepted, start_running)
    slot = make_slot(make_enterprise(world.region))
    stranger = make_user(Role.SCHOOL, school_id=world.other_school.id)
    session.commit()
    assert login_as(stranger).post(f"/placements/{pid}/transfer").status_code == 403
    assert (
        login_as(world.users["enterprise"]).post(f"/placements/{pid}/transfer").status_code == 403
    )
    school = login_as(world.users["school"])
    last_day = min(TODAY, date(2026, 12, 30)) - timedelta(days=1)
    late = school.post(
        f"/placements/{pid}/transfer",
        data={"slot_id": slot.id, "last_day": "2026-12-31", "note": "停产"},
    )
    assert late.status_code == 400 and 'value="停产"' in late.get_data(as_text=True)
    moved = school.post(
        f"/placements/{pid}/transfer",
        data={"slot_id": slot.id, "last_day": last_day.isoformat(), "note": "停产"},
    )
    assert moved.status_code == 302
    new_page = school.get(moved.headers["Location"]).get_data(as_text=True)
    assert "转岗自" in new_page and "由转岗产生" in new_page


def test_the_student_page_shows_planned_and_actual_months(
    world, accepted, start_running, login_as
) -> None:  # type: ignore[no-untyped-def]
    _running(world, accepted, start_running)
    for role in ("student", "school", "bureau"):
        page = login_as(world.users[role]).get(f"/students/{world.student.id}")
        assert page.status_code == 200, role
        assert "计划月数" in page.get_data(as_text=True) and "实际已实习月数" in page.get_data(
            as_text=True
        )
