"""Four-eyes payments: above the threshold the approver never pays its own approval (finding 12)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from skillbridge.models import ClaimStatus, Placement, Role, SubsidyClaim, SubsidyPolicy
from skillbridge.platform.db import get_database
from skillbridge.platform.services.errors import DomainError, PermissionDenied
from skillbridge.platform.services.subsidies import claims

from .conftest import CLAIM_DAY, fund_of

# The youth reward pays 2000 yuan: a threshold below it needs a second user, at it none.
AMOUNT = 2000


def _raised_claim(session, world) -> SubsidyClaim:  # type: ignore[no-untyped-def]
    placement = session.scalar(select(Placement).where(Placement.student_id == world.student.id))
    claim = claims.on_placement_months_reached(session, placement, CLAIM_DAY)[0]
    session.commit()
    assert claim.amount_yuan == AMOUNT
    return claim


@pytest.fixture
def second_bureau(youth_case, make_user, session):  # type: ignore[no-untyped-def]
    user = make_user(Role.BUREAU, region_id=youth_case.region.id)
    session.commit()
    return user


def test_the_approver_cannot_pay_above_the_threshold_and_a_second_user_can(
    youth_case, second_bureau, session
):  # type: ignore[no-untyped-def]
    bureau = youth_case.users["bureau"]
    claim = _raised_claim(session, youth_case)
    claims.approve_claim(session, bureau, claim.id, four_eyes_above_yuan=AMOUNT - 1)
    session.commit()
    with pytest.raises(PermissionDenied):
        claims.pay_claim(session, bureau, claim.id)
    session.rollback()
    assert session.get(SubsidyClaim, claim.id).status == ClaimStatus.APPROVED
    paid = claims.pay_claim(session, second_bureau, claim.id)  # positive control
    session.commit()
    assert (paid.status, paid.decided_by_id, paid.paid_by_id) == (
        ClaimStatus.PAID,
        bureau.id,
        second_bureau.id,
    )


def test_at_or_below_the_threshold_one_user_may_approve_and_pay(youth_case, session):  # type: ignore[no-untyped-def]
    bureau = youth_case.users["bureau"]
    claim = _raised_claim(session, youth_case)
    claims.approve_claim(session, bureau, claim.id, four_eyes_above_yuan=AMOUNT)
    assert claims.pay_claim(session, bureau, claim.id).status == ClaimStatus.PAID


def test_the_database_refuses_a_self_payment_even_past_the_service(youth_case, session):  # type: ignore[no-untyped-def]
    bureau = youth_case.users["bureau"]
    claim = _raised_claim(session, youth_case)
    claims.approve_claim(session, bureau, claim.id, four_eyes_above_yuan=0)
    session.commit()
    assert session.get(SubsidyClaim, claim.id).needs_second_user
    with pytest.raises(IntegrityError):
        session.execute(
            update(SubsidyClaim)
            .where(SubsidyClaim.id == claim.id)
            .values(status=ClaimStatus.PAID, paid_by_id=bureau.id, paid_at=claim.decided_at)
        )
        session.flush()
    session.rollback()


def test_concurrent_payments_by_approver_and_second_user_pay_once_by_the_second(
    app, youth_case, second_bureau, session
):  # type: ignore[no-untyped-def]
    """The approver and a colleague press "pay" at the same moment: only the colleague's counts."""
    bureau = youth_case.users["bureau"]
    claim = _raised_claim(session, youth_case)
    claims.approve_claim(session, bureau, claim.id, four_eyes_above_yuan=0)
    session.commit()
    database = get_database(app)
    outcomes: dict[int, str] = {}
    barrier = threading.Barrier(2)

    def pay(user_id: int) -> None:
        barrier.wait()
        try:
            with database.session_scope() as s:
                claims.pay_claim(s, s.get(type(bureau), user_id), claim.id)
            outcomes[user_id] = "paid"
        except DomainError as error:
            outcomes[user_id] = type(error).__name__

    threads = [threading.Thread(target=pay, args=(u.id,)) for u in (bureau, second_bureau)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    session.expire_all()
    stored = session.get(SubsidyClaim, claim.id)
    # The approver is refused whichever order the two take: by the rule when it comes first,
    # by the claim's new status when the colleague's payment has already landed.
    assert outcomes[second_bureau.id] == "paid"
    assert outcomes[bureau.id] in {"PermissionDenied", "Conflict"}
    assert (stored.status, stored.paid_by_id) == (ClaimStatus.PAID, second_bureau.id)
    fund = fund_of(session, session.get(SubsidyPolicy, stored.policy_id))
    assert fund.paid_yuan == AMOUNT


def test_the_pay_page_refuses_the_approver_and_serves_the_second_user(
    app, youth_case, second_bureau, session, login_as
):  # type: ignore[no-untyped-def]
    app.config["PAYMENT_FOUR_EYES_ABOVE_YUAN"] = AMOUNT - 1
    claim = _raised_claim(session, youth_case)
    approver = login_as(youth_case.users["bureau"])
    assert approver.post(f"/subsidies/claims/{claim.id}/approve").status_code == 302
    assert "双人复核" in approver.get(f"/subsidies/claims/{claim.id}").get_data(as_text=True)
    assert approver.post(f"/subsidies/claims/{claim.id}/pay").status_code == 403
    colleague = login_as(second_bureau)
    assert colleague.post(f"/subsidies/claims/{claim.id}/pay").status_code == 302
    session.expire_all()
    assert session.get(SubsidyClaim, claim.id).paid_by_id == second_bureau.id
