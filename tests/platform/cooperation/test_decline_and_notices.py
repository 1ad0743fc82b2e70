"""The other side hears of every step of an agreement, may decline a proposal with a reason,
and a notice leaves the unread count once the step it asks for is done."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from skillbridge.models import (
    AgreementStatus,
    CooperationAgreement,
    CooperationKind,
    Notification,
    Role,
)
from skillbridge.platform.services import notifications
from skillbridge.platform.services.cooperation import agreements as cooperation
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied

TODAY = date(2025, 6, 1)


def _propose(session, world, specialty, by: str = "school"):  # type: ignore[no-untyped-def]
    counterpart = world.enterprise.id if by == "school" else world.school.id
    data = cooperation.AgreementInput(
        counterpart_id=counterpart,
        kind=CooperationKind.INTERNSHIP_BASE,
        specialty_ids=(specialty.id,),
        valid_from=date(2025, 7, 1),
        valid_to=date(2027, 6, 30),
    )
    agreement = cooperation.propose_agreement(session, world.users[by], data, TODAY)
    session.commit()
    return agreement


def _notices(session, user, agreement_id: int) -> list[Notification]:  # type: ignore[no-untyped-def]
    rows = session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id, Notification.endpoint == "cooperation.detail")
        .order_by(Notification.id)
    )
    return [n for n in rows if n.link_args == {"agreement_id": agreement_id}]


def test_each_step_tells_the_next_actor_and_settles_the_last_one(session, world, specialty):
    users = world.users
    agreement = _propose(session, world, specialty)
    (asked,) = _notices(session, users["enterprise"], agreement.id)
    assert asked.kind == "cooperation.proposed" and asked.read_at is None
    assert world.school.name in asked.body
    unread_before = notifications.unread_count(session, users["enterprise"])

    cooperation.accept_agreement(session, users["enterprise"], agreement.id, TODAY)
    session.commit()
    session.refresh(asked)
    assert asked.read_at is not None  # the enterprise answered: its notice is settled
    assert notifications.unread_count(session, users["enterprise"]) == unread_before - 1
    kinds = [n.kind for n in _notices(session, users["school"], agreement.id)]
    assert kinds == ["cooperation.accepted"]

    cooperation.file_agreement(session, users["school"], agreement.id)
    session.commit()
    assert all(n.read_at for n in _notices(session, users["school"], agreement.id))
    (review,) = _notices(session, users["bureau"], agreement.id)
    assert review.kind == "cooperation.filed" and review.read_at is None

    cooperation.decide_agreement(session, users["bureau"], agreement.id, False, "专业不符", TODAY)
    session.commit()
    session.refresh(review)
    assert review.read_at is not None
    decided = [n for n in _notices(session, users["school"], agreement.id) if n.read_at is None]
    assert [(n.kind, "专业不符" in n.body) for n in decided] == [("cooperation.decided", True)]


def test_the_side_that_did_not_propose_declines_with_a_reason(session, world, specialty):
    users = world.users
    agreement = _propose(session, world, specialty, by="enterprise")
    with pytest.raises(PermissionDenied):  # the proposer cannot decline its own proposal
        cooperation.decline_agreement(session, users["enterprise"], agreement.id, "改主意")
    session.rollback()
    with pytest.raises(InvalidInput):
        cooperation.decline_agreement(session, users["school"], agreement.id, "  ")
    session.rollback()
    assert session.get(CooperationAgreement, agreement.id).status == AgreementStatus.PROPOSED

    declined = cooperation.decline_agreement(session, users["school"], agreement.id, "名额已满")
    session.commit()
    assert declined.status == AgreementStatus.DECLINED
    assert declined.declined_reason == "名额已满" and declined.declined_at is not None
    (told,) = _notices(session, users["enterprise"], agreement.id)
    assert told.kind == "cooperation.declined" and "名额已满" in told.body
    assert all(n.read_at for n in _notices(session, users["school"], agreement.id))
    with pytest.raises(Conflict):  # answered once: neither accepted nor declined again
        cooperation.accept_agreement(session, users["school"], agreement.id, TODAY)


def test_the_decline_button_works_and_a_stranger_is_refused_first(
    session, world, specialty, login_as, make_enterprise, make_user
):  # type: ignore[no-untyped-def]
    agreement = _propose(session, world, specialty)
    other = make_enterprise(world.region)
    outsider = make_user(Role.ENTERPRISE, enterprise_id=other.id)
    session.commit()
    stranger = login_as(outsider)
    # No reason at all: the stranger still learns nothing but a refusal.
    refused = stranger.post(f"/agreements/{agreement.id}/decline", data={})
    assert refused.status_code in (403, 404)
    enterprise = login_as(world.users["enterprise"])
    page = enterprise.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert f"/agreements/{agreement.id}/decline" in page
    answer = enterprise.post(f"/agreements/{agreement.id}/decline", data={"reason": "暂无岗位"})
    assert answer.status_code == 302
    session.expire_all()
    assert session.get(CooperationAgreement, agreement.id).status == AgreementStatus.DECLINED
    assert "暂无岗位" in enterprise.get(f"/agreements/{agreement.id}").get_data(as_text=True)
