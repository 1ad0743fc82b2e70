"""Each role's to-do list: a pending step shows with its count and link, and leaves once done."""

from __future__ import annotations

from datetime import date

from skillbridge.models import AgreementStatus, Party, Role
from skillbridge.platform.services.accounts.registration import decide_verification
from skillbridge.platform.services.cooperation.agreements import accept_agreement
from skillbridge.platform.services.reporting.todo import todo_items

TODAY = date(2026, 6, 1)


def _labels(session, user) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {item.label: item.count for item in todo_items(session, user)}


def test_a_proposal_from_the_enterprise_waits_for_the_school_until_accepted(
    session, world, factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    school, enterprise = world.users["school"], world.users["enterprise"]
    assert "企业发来、待接受的合作协议" not in _labels(session, school)
    agreement = factories.cooperation(
        world.school,
        world.enterprise,
        status=AgreementStatus.PROPOSED,
        proposed_by=Party.ENTERPRISE,
    )
    session.commit()
    assert _labels(session, school)["企业发来、待接受的合作协议"] == 1
    # The proposer has nothing to do: it waits for the other side.
    assert "学校发来、待接受的合作协议" not in _labels(session, enterprise)
    page = login_as(school).get("/dashboard").get_data(as_text=True)
    assert "企业发来、待接受的合作协议" in page and 'href="/agreements/"' in page
    assert 'title="待办事项">1</span>' in page  # the count in the navigation

    session.rollback()  # end the read snapshot taken before the page's own transaction
    accept_agreement(session, school, agreement.id, TODAY)
    session.commit()
    assert "企业发来、待接受的合作协议" not in _labels(session, school)
    page = login_as(school).get("/dashboard").get_data(as_text=True)
    assert "暂无待办事项" in page


def test_a_pending_school_waits_for_its_bureau_only(
    session, world, factories, make_region, make_user
) -> None:  # type: ignore[no-untyped-def]
    bureau = world.users["bureau"]
    before = _labels(session, bureau).get("待审核的机构", 0)
    pending = factories.school(world.region, verified=False)
    other_bureau = make_user(Role.BUREAU, region_id=make_region().id)
    session.commit()
    assert _labels(session, bureau)["待审核的机构"] == before + 1
    assert "待审核的机构" not in _labels(session, other_bureau)

    decide_verification(session, bureau, "school", pending.id, approve=True)
    session.commit()
    assert _labels(session, bureau).get("待审核的机构", 0) == before
