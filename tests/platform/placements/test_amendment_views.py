"""Amending a running placement over HTTP: the proposal, the pending amendment on the page with
who still has to sign, its signing on the agreement page, the withdrawal."""

from __future__ import annotations


def test_propose_show_and_withdraw_over_http(world, accepted, start_running, login_as) -> None:  # type: ignore[no-untyped-def]
    pid = start_running(accepted.placement.id, accepted.student_user)
    enterprise = login_as(world.users["enterprise"])
    assert "变更实习协议" in enterprise.get(f"/placements/{pid}").get_data(as_text=True)
    empty = enterprise.post(f"/placements/{pid}/amendment", data={"end_date": "2027-01-31"})
    assert empty.status_code == 400  # no reason: the form comes back
    same = enterprise.post(
        f"/placements/{pid}/amendment", data={"end_date": "2026-12-31", "reason": "延长"}
    )
    assert same.status_code == 400 and "新的结束日期与现行结束日期相同" in same.get_data(
        as_text=True
    )
    done = enterprise.post(
        f"/placements/{pid}/amendment", data={"end_date": "2027-01-31", "reason": "订单延长"}
    )
    assert done.status_code == 302
    student = login_as(world.users["student"])
    page = student.get(f"/placements/{pid}").get_data(as_text=True)
    assert "待签署的协议变更" in page and "2027-01-31" in page and "订单延长" in page
    assert "阅读并签署协议" in page and "撤回变更" not in page
    agreement = student.get(f"/placements/{pid}/agreement").get_data(as_text=True)
    assert "四、协议变更" in agreement and "重新输入登录密码" in agreement
    assert student.post(f"/placements/{pid}/amendment/withdraw").status_code == 403
    school = login_as(world.users["school"])
    assert school.post(f"/placements/{pid}/amendment/withdraw").status_code == 403
    enterprise = login_as(world.users["enterprise"])
    assert enterprise.post(f"/placements/{pid}/amendment/withdraw").status_code == 302
    page = enterprise.get(f"/placements/{pid}").get_data(as_text=True)
    assert "待签署的协议变更" not in page and "撤回协议变更" in page
