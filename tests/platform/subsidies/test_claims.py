"""Claims: raised by events and by beneficiaries, decided, paid, audited, blocked by R6."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from support import document_store, materials_for

from skillbridge.models import (
    AuditEvent,
    BudgetLedgerEntry,
    ClaimStatus,
    Placement,
    QuotaUsage,
    Role,
    SubsidyClaim,
)
from skillbridge.platform.services.credit import CreditInput, record_credit, revoke_credit
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.subsidies import claims
from skillbridge.platform.services.subsidies.budgets import check_ledger

from .conftest import (
    CLAIM_DAY,
    IN_HOUSE,
    TRAINING_GRANT,
    YOUTH,
    fund_of,
    occupation_of,
    policy_named,
)


def _placement_of(session, student):  # type: ignore[no-untyped-def]
    return session.scalar(select(Placement).where(Placement.student_id == student.id))


def _placement(session, world):  # type: ignore[no-untyped-def]
    return _placement_of(session, world.student)


def _submit(app, session, user, request):  # type: ignore[no-untyped-def]
    """Submit with fresh copies of every material the policy requires."""
    with_materials = replace(request, materials=materials_for(session, request.policy_id))
    return claims.submit_claim(session, document_store(app), user, with_materials)


def _audit_actions(session, claim_id):  # type: ignore[no-untyped-def]
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "subsidy_claim", AuditEvent.object_id == str(claim_id))
            .order_by(AuditEvent.seq)
        )
    )


def test_placement_months_raise_the_youth_reward_with_its_evaluation(youth_case, session):
    placement = _placement(session, youth_case)
    placement_claims = claims.on_placement_months_reached(session, placement, CLAIM_DAY)
    assert [c.amount_yuan for c in placement_claims] == [2000]
    claim = placement_claims[0]
    assert claim.automatic and claim.student_id == youth_case.student.id
    assert claim.once_only_key == f"{YOUTH}:student-{youth_case.student.id}"
    shown = [c["display"] for c in claim.evaluation["conditions"]]
    assert "✔ 年龄 申报日2025-09-01 20周岁 ≤ 40周岁 (吴政规字〔2012〕13号 二(二)2)" in shown
    assert any(f["source"] == "derived" for f in claim.evaluation["facts"])
    assert _audit_actions(session, claim.id) == ["claim.raised"]


def test_event_a_day_short_raises_nothing_and_a_repeat_raises_no_duplicate(youth_case, session):
    placement = _placement(session, youth_case)
    assert claims.on_placement_months_reached(session, placement, date(2025, 8, 31)) == []
    assert len(claims.on_placement_months_reached(session, placement, CLAIM_DAY)) == 1
    assert claims.on_placement_months_reached(session, placement, date(2025, 10, 1)) == []
    assert session.scalar(select(func.count(SubsidyClaim.id))) == 1


def test_certificate_event_raises_the_enterprise_claim(installed, session, kit):
    world = installed
    kit.placement(world.student, world.enterprise)
    certificate = kit.certificate(world.student, level=4, issued_on=date(2025, 6, 1))
    raised = claims.on_certificate_recorded(
        session, certificate, on_date=CLAIM_DAY, route="in_house_evaluation"
    )
    assert [(c.enterprise_id, c.amount_yuan) for c in raised] == [(world.enterprise.id, 750)]
    assert raised[0].evaluation["declared"] == {"certificate_route": "in_house_evaluation"}
    route = next(c for c in raised[0].evaluation["conditions"] if c["code"] == "certificate_route")
    assert route["declared"] is True
    assert policy_named(session, world.region.id, IN_HOUSE).id == raised[0].policy_id


def test_student_claims_manually_with_declared_facts(app, installed, session, kit):
    world = installed
    student_user = world.users["student"]
    certificate = kit.certificate(world.student, level=3, issued_on=date(2025, 5, 1))
    policy = kit.designate(world.region.id, TRAINING_GRANT, occupation_of(session, world.student))
    request = claims.ClaimRequest(
        policy.id,
        certificate_id=certificate.id,
        on_date=CLAIM_DAY,
        declared={"certificate_route": "designated_training", "training_ended_on": "2025-04-20"},
    )
    # Non-local hukou and no contract declared: 户籍或社保 fails, and the refusal says so.
    world.student.is_local = False
    with pytest.raises(InvalidInput) as refused:
        _submit(app, session, student_user, request)
    assert any("户籍或社保" in d for d in refused.value.details)
    world.student.is_local = True
    claim = _submit(app, session, student_user, request)
    assert (claim.amount_yuan, claim.automatic, claim.claimed_by_id) == (
        1000,
        False,
        student_user.id,
    )
    with pytest.raises(Conflict):
        _submit(app, session, student_user, request)


def test_claim_lifecycle_moves_money_and_audits_every_decision(youth_case, session):
    bureau = youth_case.users["bureau"]
    claim = claims.on_placement_months_reached(session, _placement(session, youth_case), CLAIM_DAY)[
        0
    ]
    claims.approve_claim(session, bureau, claim.id)
    fund = fund_of(session, policy_named(session, youth_case.region.id, YOUTH))
    session.refresh(fund)
    assert (fund.committed_yuan, fund.remaining_yuan) == (2000, 30_000_000 - 2000)
    with pytest.raises(Conflict):
        claims.approve_claim(session, bureau, claim.id)
    claims.pay_claim(session, bureau, claim.id)
    session.refresh(fund)
    assert (fund.committed_yuan, fund.paid_yuan, claim.status) == (0, 2000, ClaimStatus.PAID)
    assert check_ledger(session, fund).discrepancies == ()
    assert _audit_actions(session, claim.id) == ["claim.raised", "claim.approved", "claim.paid"]
    approved = session.scalar(select(AuditEvent).where(AuditEvent.action == "claim.approved"))
    assert approved.actor_id == bureau.id and '"evaluation"' in approved.payload


def test_paying_when_the_policy_lost_its_fund_is_refused_and_moves_nothing(youth_case, session):
    bureau = youth_case.users["bureau"]
    claim = claims.on_placement_months_reached(session, _placement(session, youth_case), CLAIM_DAY)[
        0
    ]
    claims.approve_claim(session, bureau, claim.id)
    policy = policy_named(session, youth_case.region.id, YOUTH)
    fund = fund_of(session, policy)
    policy.budget_id = None
    session.flush()
    with pytest.raises(Conflict) as refused:
        claims.pay_claim(session, bureau, claim.id)
    assert refused.value.message == "该政策没有关联资金"
    session.refresh(fund)
    session.refresh(claim)
    assert (claim.status, fund.committed_yuan, fund.paid_yuan) == (ClaimStatus.APPROVED, 2000, 0)


def test_rejection_needs_a_reason_and_frees_the_key(youth_case, session):
    bureau = youth_case.users["bureau"]
    placement = _placement(session, youth_case)
    claim = claims.on_placement_months_reached(session, placement, CLAIM_DAY)[0]
    with pytest.raises(InvalidInput):
        claims.reject_claim(session, bureau, claim.id, "  ")
    claims.reject_claim(session, bureau, claim.id, "合同未满")
    assert claim.status == ClaimStatus.REJECTED and claim.decision_reason == "合同未满"
    with pytest.raises(Conflict):
        claims.pay_claim(session, bureau, claim.id)
    assert len(claims.on_placement_months_reached(session, placement, CLAIM_DAY)) == 1


def test_budget_shortfall_is_a_conflict_and_moves_nothing(youth_case, session):
    bureau = youth_case.users["bureau"]
    claim = claims.on_placement_months_reached(session, _placement(session, youth_case), CLAIM_DAY)[
        0
    ]
    fund = fund_of(session, policy_named(session, youth_case.region.id, YOUTH))
    fund.allocated_yuan = fund.remaining_yuan = 1999
    session.flush()
    with pytest.raises(Conflict):
        claims.approve_claim(session, bureau, claim.id)
    session.refresh(claim)
    assert claim.status == ClaimStatus.SUBMITTED
    assert session.scalar(select(func.count(BudgetLedgerEntry.id))) == 0


def test_quota_caps_approvals_per_period(youth_case, session, make_student, kit):
    bureau = youth_case.users["bureau"]
    policy = policy_named(session, youth_case.region.id, YOUTH)
    policy.annual_quota = 1
    other = make_student(youth_case.school)
    kit.placement(other, youth_case.enterprise)
    kit.certificate(other, level=3)
    policy.designated_occupations = [
        *policy.designated_occupations,
        occupation_of(session, other).code,
    ]
    session.flush()
    first = claims.on_placement_months_reached(session, _placement(session, youth_case), CLAIM_DAY)
    second = claims.on_placement_months_reached(session, _placement_of(session, other), CLAIM_DAY)
    claims.approve_claim(session, bureau, first[0].id)
    with pytest.raises(Conflict):
        claims.approve_claim(session, bureau, second[0].id)
    usage = session.scalar(select(QuotaUsage).where(QuotaUsage.policy_id == policy.id))
    assert (usage.year, usage.used, usage.quota) == (2025, 1, 1)


def _credit(session, world, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "subject_kind": "student",
        "subject_id": world.student.id,
        "reason": "技能评价中弄虚作假",
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2027, 12, 31),
        **overrides,
    }
    return record_credit(session, world.users["bureau"], CreditInput(**data))


def test_credit_record_blocks_event_claims_for_its_term(youth_case, session):
    record = _credit(session, youth_case)
    placement = _placement(session, youth_case)
    assert claims.on_placement_months_reached(session, placement, CLAIM_DAY) == []
    revoke_credit(session, youth_case.users["bureau"], record.id, "复核撤销")
    assert len(claims.on_placement_months_reached(session, placement, CLAIM_DAY)) == 1
    with pytest.raises(Conflict):
        revoke_credit(session, youth_case.users["bureau"], record.id, "再次撤销")


def test_credit_record_blocks_approval_of_a_pending_claim(youth_case, session, monkeypatch):
    claim = claims.on_placement_months_reached(session, _placement(session, youth_case), CLAIM_DAY)[
        0
    ]
    _credit(session, youth_case, starts_on=date(2025, 9, 2))
    monkeypatch.setattr(claims, "today", lambda: date(2025, 9, 3))
    with pytest.raises(Conflict) as refused:
        claims.approve_claim(session, youth_case.users["bureau"], claim.id)
    assert "R6" in refused.value.message


def test_enterprise_credit_record_blocks_its_claims(installed, session, kit):
    world = installed
    _credit(session, world, subject_kind="enterprise", subject_id=world.enterprise.id)
    kit.placement(world.student, world.enterprise)
    certificate = kit.certificate(world.student, level=4, issued_on=date(2025, 6, 1))
    raised = claims.on_certificate_recorded(
        session, certificate, on_date=CLAIM_DAY, route="in_house_evaluation"
    )
    assert raised == []


def test_credit_records_are_the_regions_bureaus(installed, session):
    with pytest.raises(NotFound):
        _credit(session, installed, subject_id=installed.other_student.id)
    with pytest.raises(InvalidInput):
        _credit(session, installed, ends_on=date(2024, 1, 1))


def test_claims_are_seen_by_beneficiary_and_region_bureau_only(youth_case, session, make_user):
    from skillbridge.models import Role

    claim = claims.on_placement_months_reached(session, _placement(session, youth_case), CLAIM_DAY)[
        0
    ]
    student_user = youth_case.users["student"]
    assert claims.get_claim(session, student_user, claim.id) is claim
    assert [r.claim.id for r in claims.list_my_claims(session, student_user).items] == [claim.id]
    with pytest.raises(PermissionDenied):
        claims.approve_claim(session, student_user, claim.id)
    for outsider in (
        youth_case.users["enterprise"],
        youth_case.users["school"],
        make_user(Role.BUREAU, region_id=youth_case.other_region.id),
    ):
        with pytest.raises(NotFound):
            claims.get_claim(session, outsider, claim.id)
        with pytest.raises(NotFound):
            claims.approve_claim(session, outsider, claim.id)


def test_review_queue_filters(youth_case, session):
    bureau = youth_case.users["bureau"]
    claim = claims.on_placement_months_reached(session, _placement(session, youth_case), CLAIM_DAY)[
        0
    ]
    queue = claims.review_queue
    assert [r.claim.id for r in queue(session, bureau, claims.QueueFilter()).items] == [claim.id]
    by_school = claims.QueueFilter(organisation=f"school-{youth_case.school.id}")
    assert [r.claim.id for r in queue(session, bureau, by_school).items] == [claim.id]
    assert queue(session, bureau, claims.QueueFilter(status=ClaimStatus.PAID)).items == []
    assert queue(session, bureau, claims.QueueFilter(policy_id=claim.policy_id + 1)).items == []
    other = claims.QueueFilter(organisation=f"enterprise-{youth_case.enterprise.id}")
    assert queue(session, bureau, other).items == []


def test_enterprise_may_claim_only_for_its_placed_students(app, installed, session, kit):
    world = installed
    policy = policy_named(session, world.region.id, IN_HOUSE)
    request = claims.ClaimRequest(policy.id, student_id=world.student.id, on_date=CLAIM_DAY)
    with pytest.raises(NotFound):
        _submit(app, session, world.users["enterprise"], request)
    kit.placement(world.student, world.enterprise)
    certificate = kit.certificate(world.student, level=5, issued_on=date(2025, 6, 1))
    request = claims.ClaimRequest(
        policy.id,
        student_id=world.student.id,
        certificate_id=certificate.id,
        on_date=CLAIM_DAY,
        declared={"certificate_route": "in_house_evaluation"},
    )
    claim = _submit(app, session, world.users["enterprise"], request)
    assert (claim.enterprise_id, claim.amount_yuan) == (world.enterprise.id, 1000)
    assert claim.evaluation["subject_student_id"] == world.student.id


def test_beneficiary_and_bureau_are_notified(youth_case, session):
    from skillbridge.models import Notification

    bureau = youth_case.users["bureau"]
    claim = claims.on_placement_months_reached(session, _placement(session, youth_case), CLAIM_DAY)[
        0
    ]
    claims.approve_claim(session, bureau, claim.id)
    claims.pay_claim(session, bureau, claim.id)

    def titles(user):  # type: ignore[no-untyped-def]
        return list(
            session.scalars(
                select(Notification.title)
                .where(Notification.user_id == user.id)
                .order_by(Notification.id)
            )
        )

    assert titles(youth_case.users["student"]) == [
        "系统已为您发起补贴申领",
        "您的补贴申领已批准",
        "您的补贴已支付",
    ]
    assert titles(bureau) == ["新的补贴申领待审核"]
    link = session.execute(
        select(Notification.endpoint, Notification.link_args).where(
            Notification.user_id == bureau.id
        )
    ).one()
    assert tuple(link) == ("subsidies.claim", {"claim_id": claim.id})


def _fund_with_earmark(monkeypatch, yuan: int) -> None:  # type: ignore[no-untyped-def]
    """Wujiang's pack with the 师资队伍建设 line of 002 四 set at `yuan` by a recorded decision."""
    from skillbridge.platform.policy import load_pack
    from skillbridge.platform.services.subsidies import budgets

    pack = load_pack("wujiang")
    [fund] = pack.budgets
    lines = tuple(
        replace(e, yuan=yuan, reference="吴人社〔2013〕1号") if e.name_zh == "师资队伍建设" else e
        for e in fund.earmarks
    )
    extended = replace(pack, budgets=(replace(fund, earmarks=lines),))
    monkeypatch.setattr(budgets, "region_pack", lambda region: extended)


@pytest.mark.parametrize(("earmarked", "approved"), [(29_998_000, True), (29_998_001, False)])
def test_claims_cannot_spend_what_is_earmarked(
    youth_case, session, monkeypatch, earmarked, approved
):  # type: ignore[no-untyped-def]
    """002 四: the 3000万 fund is "用于高技能人才引进、培养、评价、竞赛、表彰、师资队伍建设、职业标准
    建设、题库建设…". With 师资队伍建设 set aside, a 2000-yuan claim is approved while 2000 remain
    beyond the earmark (the control) and refused, moving nothing, one yuan short of it."""
    _fund_with_earmark(monkeypatch, earmarked)
    bureau = youth_case.users["bureau"]
    placement = _placement(session, youth_case)
    [claim] = claims.on_placement_months_reached(session, placement, CLAIM_DAY)
    fund = fund_of(session, policy_named(session, youth_case.region.id, YOUTH))
    if approved:
        claims.approve_claim(session, bureau, claim.id)
        session.refresh(fund)
        assert (fund.committed_yuan, fund.remaining_yuan) == (2000, earmarked)
        return
    with pytest.raises(Conflict, match="扣除专项列支"):
        claims.approve_claim(session, bureau, claim.id)
    session.rollback()
    session.refresh(fund)
    assert (fund.committed_yuan, fund.remaining_yuan) == (0, 30_000_000)


def test_the_allocation_cannot_drop_below_the_earmarks(youth_case, session, monkeypatch):  # type: ignore[no-untyped-def]
    from skillbridge.platform.services.subsidies.budgets import set_budget_allocation

    _fund_with_earmark(monkeypatch, 1_000_000)
    bureau = youth_case.users["bureau"]
    fund = fund_of(session, policy_named(session, youth_case.region.id, YOUTH))
    with pytest.raises(Conflict, match="专项列支"):
        set_budget_allocation(session, bureau, fund.id, 999_999)
    session.rollback()
    assert set_budget_allocation(session, bureau, fund.id, 1_000_000).allocated_yuan == 1_000_000


def test_each_beneficiary_lists_its_own_claims_and_others_none(session, world, factories):  # type: ignore[no-untyped-def]
    # The list's statement is built once per role with the owner bound: a second student of
    # the same role must not be shown the first one's claims.
    paid_at = datetime(2026, 3, 1, tzinfo=UTC)
    bureau = world.users["bureau"]
    budget, policy = factories.budget(world.region)
    own = [factories.paid_claim(budget, policy, world.student, 100, paid_at, bureau).id for _ in range(2)]  # fmt: skip
    other = factories.paid_claim(budget, policy, world.other_student, 50, paid_at, bureau).id
    other_user = factories.user(Role.STUDENT, student_id=world.other_student.id)
    session.commit()

    def listed(user):  # type: ignore[no-untyped-def]
        return [row.claim.id for row in claims.list_my_claims(session, user).items]

    assert listed(world.users["student"]) == own[::-1]  # newest first
    assert listed(other_user) == [other]
    assert listed(world.users["enterprise"]) == listed(bureau) == []
