"""Concurrent claims against the real database: once-only keys, budgets and quotas hold."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from sqlalchemy import func, select
from support import document_store, materials_for

from skillbridge.models import (
    BudgetLedgerEntry,
    ClaimStatus,
    LedgerKind,
    Placement,
    SubsidyClaim,
    User,
)
from skillbridge.platform.db import get_database
from skillbridge.platform.services.audit import verify_chain
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.subsidies import claims
from skillbridge.platform.services.subsidies.budgets import check_ledger, set_budget_allocation

from .conftest import CLAIM_DAY, YOUTH, fund_of, occupation_of, policy_named

THREADS = 20
ROUNDS = 5
AMOUNT = 2000  # the youth reward


def _run_together(app, work, count: int = THREADS) -> Counter:  # type: ignore[no-untyped-def]
    """Run `work(session, i)` in `count` threads, each with its own session, released at once."""
    database = get_database(app)
    barrier = threading.Barrier(count)

    def one(i: int) -> str:
        # Writing sessions, as a POST request has: on SQLite they take the write lock at BEGIN
        # and queue, instead of reading first and failing to upgrade to a writer.
        with database.write_sessions() as session:
            barrier.wait()
            try:
                outcome = work(session, i)
                session.commit()
                return outcome
            except Conflict:
                session.rollback()
                return "conflict"
            except Exception as exc:  # any other error is the failure we count
                session.rollback()
                return f"error:{type(exc).__name__}:{exc}"

    with ThreadPoolExecutor(max_workers=count) as pool:
        return Counter(pool.map(one, range(count)))


def _eligible_student(session, world, make_student, kit):  # type: ignore[no-untyped-def]
    """A new student of the world's school, eligible for the youth reward on CLAIM_DAY."""
    student = make_student(world.school)
    kit.placement(student, world.enterprise)
    kit.certificate(student, level=3)
    policy = policy_named(session, world.region.id, YOUTH)
    policy.designated_occupations = [
        *policy.designated_occupations,
        occupation_of(session, student).code,
    ]
    session.flush()
    return student


def live(session, key: str) -> int:
    """The id of the live claim under `key`."""
    return session.scalar(
        select(SubsidyClaim.id)
        .where(SubsidyClaim.once_only_key == key)
        .where(SubsidyClaim.status != ClaimStatus.REJECTED)
    )


def _ledger_report(session, world):  # type: ignore[no-untyped-def]
    fund = fund_of(session, policy_named(session, world.region.id, YOUTH))
    return check_ledger(session, fund)


def test_duplicate_claims_pay_exactly_once(youth_case, app, session, make_student, make_user, kit):
    from skillbridge.models import Role

    world, bureau_id = youth_case, youth_case.users["bureau"].id
    request = claims.ClaimRequest(
        policy_named(session, world.region.id, YOUTH).id, on_date=CLAIM_DAY
    )
    store = document_store(app)

    def submit(s, user):  # type: ignore[no-untyped-def]
        materials = materials_for(s, request.policy_id)  # fresh streams for every attempt
        return claims.submit_claim(s, store, user, replace(request, materials=materials))

    per_round = []
    for _ in range(ROUNDS):
        student = _eligible_student(session, world, make_student, kit)
        user_id = make_user(Role.STUDENT, student_id=student.id).id
        session.commit()
        key = f"{YOUTH}:student-{student.id}"

        def work(s, _i, user_id=user_id, key=key):  # type: ignore[no-untyped-def]
            bureau = s.get(User, bureau_id)
            steps = [
                ("submitted", lambda: submit(s, s.get(User, user_id))),
                ("approved", lambda: claims.approve_claim(s, bureau, live(s, key))),
                ("paid", lambda: claims.pay_claim(s, bureau, live(s, key))),
            ]
            done = []
            for name, step in steps:
                try:
                    step()
                    s.commit()
                    done.append(name)
                except Conflict:
                    s.rollback()
            return "+".join(done) or "refused"

        outcomes = _run_together(app, work)
        rows = session.scalars(select(SubsidyClaim).where(SubsidyClaim.once_only_key == key)).all()
        pays = session.scalar(
            select(func.count(BudgetLedgerEntry.id))
            .where(BudgetLedgerEntry.claim_id == rows[0].id)
            .where(BudgetLedgerEntry.kind == LedgerKind.PAY)
        )
        per_round.append(dict(outcomes))
        assert not [o for o in outcomes if o.startswith("error")], outcomes
        assert len(rows) == 1 and rows[0].status == ClaimStatus.PAID
        for step in ("submitted", "approved", "paid"):
            assert sum(n for o, n in outcomes.items() if step in o.split("+")) == 1, outcomes
        assert pays == 1
    report = _ledger_report(session, world)
    print(f"\nduplicate claims, {ROUNDS} rounds x {THREADS} threads: {per_round}")
    print(f"ledger: pays {report.paid_entries} yuan, paid claims {report.paid_claims} yuan, "
          f"discrepancies {list(report.discrepancies)}")  # fmt: skip
    assert report.discrepancies == ()
    assert report.paid_entries == report.paid_claims == ROUNDS * AMOUNT
    assert verify_chain(session).ok


def test_budget_for_ten_pays_ten_of_twenty(youth_case, app, session, make_student, kit):
    world, bureau = youth_case, youth_case.users["bureau"]
    fund = fund_of(session, policy_named(session, world.region.id, YOUTH))
    set_budget_allocation(session, bureau, fund.id, 0)
    session.commit()
    per_round = []
    for round_no in range(1, ROUNDS + 1):
        claim_ids = []
        for _ in range(THREADS):
            student = _eligible_student(session, world, make_student, kit)
            placement = session.scalar(select(Placement).where(Placement.student_id == student.id))
            claim_ids.extend(
                c.id for c in claims.on_placement_months_reached(session, placement, CLAIM_DAY)
            )
        set_budget_allocation(session, bureau, fund.id, round_no * 10 * AMOUNT)
        session.commit()
        assert len(claim_ids) == THREADS

        def work(s, i, claim_ids=claim_ids):  # type: ignore[no-untyped-def]
            actor = s.get(User, bureau.id)
            claims.approve_claim(s, actor, claim_ids[i])
            claims.pay_claim(s, actor, claim_ids[i])
            return "paid"

        outcomes = _run_together(app, work)
        per_round.append(dict(outcomes))
        assert outcomes == Counter({"paid": 10, "conflict": 10}), outcomes
        paid_now = session.scalar(
            select(func.count(SubsidyClaim.id))
            .where(SubsidyClaim.id.in_(claim_ids))
            .where(SubsidyClaim.status == ClaimStatus.PAID)
        )
        assert paid_now == 10
        report = _ledger_report(session, world)
        assert report.discrepancies == ()
        assert report.budget.remaining_yuan == 0
    print(f"\nbudget for 10, {ROUNDS} rounds x {THREADS} claims: {per_round}")
    print(f"ledger: pays {report.paid_entries} yuan = paid claims {report.paid_claims} yuan = "
          f"budget paid {report.budget.paid_yuan}; remaining {report.budget.remaining_yuan}; "
          f"discrepancies {list(report.discrepancies)}")  # fmt: skip
    assert report.paid_entries == ROUNDS * 10 * AMOUNT


def test_quota_caps_concurrent_approvals(youth_case, app, session, make_student, kit):
    world, bureau_id = youth_case, youth_case.users["bureau"].id
    policy = policy_named(session, world.region.id, YOUTH)
    policy.annual_quota = 5
    claim_ids = []
    for _ in range(THREADS):
        student = _eligible_student(session, world, make_student, kit)
        placement = session.scalar(select(Placement).where(Placement.student_id == student.id))
        claim_ids.extend(
            c.id for c in claims.on_placement_months_reached(session, placement, CLAIM_DAY)
        )
    session.commit()

    def work(s, i):  # type: ignore[no-untyped-def]
        claims.approve_claim(s, s.get(User, bureau_id), claim_ids[i])
        return "approved"

    outcomes = _run_together(app, work)
    print(f"\nquota 5, {THREADS} concurrent approvals: {dict(outcomes)}")
    assert outcomes == Counter({"approved": 5, "conflict": 15}), outcomes
    approved = session.scalar(
        select(func.count(SubsidyClaim.id)).where(SubsidyClaim.status == ClaimStatus.APPROVED)
    )
    assert approved == 5
    assert _ledger_report(session, world).discrepancies == ()
