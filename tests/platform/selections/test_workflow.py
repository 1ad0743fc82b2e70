"""Selections step by step, each refusal with its positive control (大政发[2011]46号 四(一),
仲恺高新区技能人才百千万工程实施办法 第五条(二))."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from skillbridge.models import (
    AuditEvent,
    Award,
    Ballot,
    ClaimStatus,
    Expert,
    NominationStatus,
    ObjectionOutcome,
    Person,
    QuotaUsage,
    Role,
    RoundStatus,
    StaffRole,
    SubsidyClaim,
    SubsidyPolicy,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.selections.decisions import close_round, decide_nomination
from skillbridge.platform.services.selections.nominations import (
    NominationRequest,
    close_nominations,
    nominate,
)
from skillbridge.platform.services.selections.panels import (
    add_expert,
    draw,
    draw_panel,
    eligible_pool,
    record_ballot,
    tallies,
)
from skillbridge.platform.services.selections.publicity import (
    handle_objection,
    raise_objection,
    start_publicity,
)
from skillbridge.platform.services.selections.rounds import (
    RoundRequest,
    open_round,
    publicity_end,
)
from skillbridge.platform.services.subsidies import claims as claims_module
from skillbridge.platform.services.subsidies.budgets import (
    install_region_policies,
    set_budget_allocation,
)
from skillbridge.platform.services.subsidies.claims import approve_claim
from skillbridge.platform.services.subsidies.worker_facts import build_worker_facts
from skillbridge.platform.services.subsidies.workers import current_employment

from .conftest import OUTSTANDING, Bureau, evidence


def _open(bureau: Bureau, panel: int = 3, close_on: date = date(2025, 5, 31)):  # type: ignore[no-untyped-def]
    return open_round(
        bureau.session,
        bureau.officer,
        RoundRequest(bureau.policy().id, 2025, close_on, panel, publicity_working_days=5),
    )


def test_a_call_takes_the_pack_quota_and_the_two_year_period(session, bureau, clock) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        open_round(session, bureau.hr, RoundRequest(bureau.policy().id, 2025, date(2025, 5, 31), 3))
    with pytest.raises(InvalidInput) as missing:
        open_round(
            session, bureau.officer, RoundRequest(bureau.policy().id, 2025, date(2025, 5, 31), 3)
        )
    assert "公示" in missing.value.message  # Dalian's seed names no 公示 length
    row = _open(bureau)
    # 2011 + 2k: the 2025 call covers 2025–2026 (每2年评选一次), with the pack's 10 places.
    assert (row.period_start, row.period_years, row.quota) == (2025, 2, 10)
    assert row.status == RoundStatus.OPEN
    with pytest.raises(Conflict):  # 2026 is the same period
        open_round(
            session,
            bureau.officer,
            RoundRequest(bureau.policy().id, 2026, date(2026, 5, 31), 3, publicity_working_days=5),
        )
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "selection.round_opened"))


def test_zhongkai_publicity_length_is_the_packs_and_its_expired_document_refuses_a_call(
    session, factories, clock
) -> None:  # type: ignore[no-untyped-def]
    region = factories.region(pack="zhongkai")
    officer = factories.user(Role.BUREAU, StaffRole.OFFICER, region_id=region.id)
    install_region_policies(session, region)
    chief = session.scalars(
        select(SubsidyPolicy).where(
            SubsidyPolicy.region_id == region.id,
            SubsidyPolicy.code == "zhongkai.chief_technician_grant",
        )
    ).one()
    # 第十条: in force 2014-05-09 for 2 years; in 2015 the call is published, in 2025 refused.
    clock(date(2015, 5, 6))
    row = open_round(session, officer, RoundRequest(chief.id, 2015, date(2015, 5, 29), 3))
    assert row.publicity_working_days == 5 and "第五条(二)5" in row.publicity_basis
    clock(date(2025, 5, 6))
    with pytest.raises(Conflict) as expired:
        open_round(session, officer, RoundRequest(chief.id, 2025, date(2025, 5, 29), 3))
    assert "届满" in expired.value.details[0]


def test_publicity_counts_chinese_working_days() -> None:
    # 2025-09-29 (Mon): 30 Sep works, 1–8 Oct are the National Day holiday, 11 Oct (Sat) is a
    # swapped working day: 29, 30 Sep, 9, 10, 11 Oct.
    assert publicity_end(date(2025, 9, 29), 5) == date(2025, 10, 11)
    # 31 May–2 June 2025 is the 端午 holiday: a 公示 from Monday 2 June runs 3–6 and 9 June.
    assert publicity_end(date(2025, 6, 2), 5) == date(2025, 6, 9)
    assert publicity_end(date(2025, 6, 3), 1) == date(2025, 6, 3)


def test_nominations_by_enterprise_and_self_with_evidence_and_screening(
    session, bureau, clock, store
) -> None:  # type: ignore[no-untyped-def]
    row = _open(bureau)
    person, _ = bureau.worker(bureau.employer)
    _, worker = bureau.worker(bureau.other_employer)
    stranger, _ = bureau.worker(bureau.other_employer)
    request = NominationRequest(row.id, "技术革新", person_id=person.id, evidence=[evidence()])
    with pytest.raises(NotFound):  # not the enterprise's employee
        nominate(session, store, bureau.hr, NominationRequest(
            row.id, "技术革新", person_id=stranger.id, evidence=[evidence()]))  # fmt: skip
    with pytest.raises(InvalidInput) as no_evidence:
        nominate(session, store, bureau.hr, NominationRequest(row.id, "技术革新", person.id))
    assert "证明材料" in no_evidence.value.details[0]
    nomination = nominate(session, store, bureau.hr, request)
    assert nomination.nominated_by_enterprise_id == bureau.employer.id
    assert nomination.screening["eligible"] is True
    assert any("诚信档案" in c["display"] for c in nomination.screening["conditions"])
    with pytest.raises(Conflict):  # once per person and round
        nominate(session, store, bureau.hr, NominationRequest(
            row.id, "再报", person_id=person.id, evidence=[evidence("二")]))  # fmt: skip
    with pytest.raises(PermissionDenied):  # a worker nominates only themself
        nominate(session, store, worker, NominationRequest(
            row.id, "自荐", person_id=person.id, evidence=[evidence()]))  # fmt: skip
    own = nominate(session, store, worker, NominationRequest(row.id, "自荐", evidence=[evidence()]))
    assert own.nominated_by_enterprise_id is None and own.employer_id == bureau.other_employer.id
    clock(date(2025, 6, 2))
    with pytest.raises(Conflict):
        nominate(session, store, worker, NominationRequest(row.id, "迟报", evidence=[evidence()]))


def test_screening_explains_a_failed_condition(session, factories, clock, store) -> None:  # type: ignore[no-untyped-def]
    region = factories.region(pack="wujiang")
    officer = factories.user(Role.BUREAU, StaffRole.OFFICER, region_id=region.id)
    employer = factories.enterprise(region)
    session.flush()
    hr = factories.user(Role.ENTERPRISE, StaffRole.HR, enterprise_id=employer.id)
    install_region_policies(session, region)
    pay = session.scalars(select(SubsidyPolicy).where(
        SubsidyPolicy.region_id == region.id,
        SubsidyPolicy.code == "wujiang.outstanding_contribution_pay")).one()  # fmt: skip
    row = open_round(session, officer, RoundRequest(pay.id, 2025, date(2025, 5, 31), 3, 5))
    # 002 二(三)1 pays 高级工, 技师, 高级技师: a 中级工 (level 2) has no amount in the table.
    people = []
    for level in (2, 4):
        person = factories.person(birth=date(1980, 1, 1))
        factories.employment(person, employer)
        factories.certificate(person, factories.occupation(), level, issued_on=date(2020, 1, 1))
        session.flush()
        people.append(person)
    low, high = (
        nominate(session, store, hr, NominationRequest(row.id, "事迹", p.id, evidence=[evidence()]))
        for p in people
    )
    assert low.screening["eligible"] is False
    assert any(
        not c["passed"] and "中级工不在补贴标准内" in c["display"]
        for c in low.screening["conditions"]
    )
    assert high.screening["eligible"] is True
    clock(date(2025, 6, 1))
    close_nominations(session, officer, row.id)
    assert (low.status, high.status) == (
        NominationStatus.SCREENED_OUT,
        NominationStatus.SCREENED_IN,
    )


def test_the_panel_draw_is_reproducible_and_skips_conflicted_experts(
    session, bureau, clock, store
) -> None:  # type: ignore[no-untyped-def]
    row = _open(bureau)
    person, _ = bureau.worker(bureau.employer)
    nominate(session, store, bureau.hr, NominationRequest(row.id, "事迹", person.id, evidence=[evidence()]))  # fmt: skip
    conflicted = add_expert(session, bureau.officer, "回避专家", "机械", bureau.employer.id)
    free = [
        add_expert(session, bureau.officer, f"专家{i}", "机械", bureau.other_employer.id if i % 2 else None)
        for i in range(6)
    ]  # fmt: skip
    with pytest.raises(Conflict):  # still taking nominations
        draw_panel(session, bureau.officer, row.id, seed=7)
    clock(date(2025, 6, 1))
    close_nominations(session, bureau.officer, row.id)
    pool = eligible_pool(session, row)
    assert conflicted.id not in pool and sorted(e.id for e in free) == pool
    assert draw(pool, 3, 7) == draw(list(reversed(pool)), 3, 7)  # same seed, same panel
    assert {tuple(draw(pool, 3, seed)) for seed in range(20)} != {tuple(draw(pool, 3, 7))}
    with pytest.raises(PermissionDenied):
        draw_panel(session, bureau.finance, row.id, seed=7)
    members = draw_panel(session, bureau.officer, row.id, seed=7)
    assert [m.expert_id for m in members] == draw(pool, 3, 7)
    assert row.panel_seed == 7
    with pytest.raises(Conflict):
        draw_panel(session, bureau.officer, row.id, seed=8)
    for seed in range(50):  # the conflicted expert is never drawn, whatever the seed
        assert conflicted.id not in draw(pool, 3, seed)


def _through_vote(bureau: Bureau, clock, store, nominees: int, panel: int = 3, yes: int = 2):  # type: ignore[no-untyped-def]
    """A round with `nominees` screened in, a panel drawn and every sheet recorded: the first
    nominee gets `yes` approvals, the others all."""
    session = bureau.session
    row = _open(bureau, panel=panel)
    nominations = []
    for i in range(nominees):
        person, _ = bureau.worker(bureau.employer if i % 2 else bureau.other_employer)
        hr = bureau.hr if i % 2 else bureau.other_hr
        nominations.append(nominate(session, store, hr, NominationRequest(
            row.id, f"事迹{i}", person.id, evidence=[evidence(f"材料{i}")])))  # fmt: skip
    experts = [add_expert(session, bureau.officer, f"专家{i}", "机械", None) for i in range(panel)]
    clock(date(2025, 6, 2))
    close_nominations(session, bureau.officer, row.id)
    draw_panel(session, bureau.officer, row.id, seed=42)
    for k, expert in enumerate(experts):
        scores = {n.id: 80 + k for n in nominations}
        votes = {n.id: (k < yes if n is nominations[0] else True) for n in nominations}
        record_ballot(session, bureau.officer, row.id, expert.id, scores, votes)
    return row, nominations, experts


def test_ballots_are_anonymous_and_complete(session, bureau, clock, store) -> None:  # type: ignore[no-untyped-def]
    row, nominations, experts = _through_vote(bureau, clock, store, nominees=2, yes=1)
    results = tallies(session, row)
    assert (results[nominations[0].id].yes, results[nominations[0].id].no) == (1, 2)
    assert not results[nominations[0].id].approved and results[nominations[1].id].approved
    assert "expert_id" not in Ballot.__table__.columns  # 无记名: a ballot names no expert
    with pytest.raises(Conflict):  # once per expert
        record_ballot(session, bureau.officer, row.id, experts[0].id,
                      {n.id: 90 for n in nominations}, {n.id: True for n in nominations})  # fmt: skip


def test_an_incomplete_sheet_is_refused_naming_the_candidate(session, bureau, clock, store) -> None:  # type: ignore[no-untyped-def]
    row = _open(bureau)
    person, _ = bureau.worker(bureau.employer)
    nomination = nominate(session, store, bureau.hr, NominationRequest(row.id, "事迹", person.id, evidence=[evidence()]))  # fmt: skip
    experts = [add_expert(session, bureau.officer, f"专家{i}", "机械", None) for i in range(3)]
    clock(date(2025, 6, 2))
    close_nominations(session, bureau.officer, row.id)
    draw_panel(session, bureau.officer, row.id, seed=1)
    with pytest.raises(InvalidInput) as incomplete:
        record_ballot(session, bureau.officer, row.id, experts[0].id, {nomination.id: 101}, {})
    assert any(f"申报#{nomination.id}" in d for d in incomplete.value.details)
    member = record_ballot(session, bureau.officer, row.id, experts[0].id, {nomination.id: 90}, {nomination.id: True})  # fmt: skip
    assert member.voted_at is not None


def test_publicity_objection_and_decision_raise_grants_within_the_quota(
    session, bureau, clock, store
) -> None:  # type: ignore[no-untyped-def]
    row, nominations, _ = _through_vote(bureau, clock, store, nominees=3, yes=3)
    clock(date(2025, 6, 3))
    with pytest.raises(Conflict):  # no decision before 公示
        decide_nomination(session, bureau.officer, nominations[0].id)
    start_publicity(session, bureau.officer, row.id)
    assert row.publicity_ends_on == date(2025, 6, 9)  # 3–6 June, then Monday 9 June
    assert all(n.status == NominationStatus.PROPOSED for n in nominations)
    objection = raise_objection(session, bureau.other_hr, nominations[0].id, "材料不实")
    with pytest.raises(Conflict):  # not before the window closes
        decide_nomination(session, bureau.officer, nominations[1].id)
    clock(date(2025, 6, 10))
    with pytest.raises(Conflict):  # after the window
        raise_objection(session, bureau.other_hr, nominations[1].id, "迟到的异议")
    with pytest.raises(Conflict):  # the objection must be handled first
        decide_nomination(session, bureau.officer, nominations[0].id)
    handle_objection(session, bureau.officer, objection.id, ObjectionOutcome.UPHELD, "经核实属实")
    assert nominations[0].status == NominationStatus.STRUCK
    with pytest.raises(Conflict):
        decide_nomination(session, bureau.officer, nominations[0].id)
    award, claim = decide_nomination(session, bureau.officer, nominations[1].id)
    assert (award.year, nominations[1].place_no) == (2025, 1)
    assert claim is not None and claim.selection_round_id == row.id
    assert claim.amount_yuan == 10000 and claim.person_id == nominations[1].person_id
    with pytest.raises(Conflict):
        close_round(session, bureau.officer, row.id)  # one proposed nominee still waits
    decide_nomination(session, bureau.officer, nominations[2].id)
    close_round(session, bureau.officer, row.id)
    assert row.status == RoundStatus.DECIDED and row.selected_count == 2
    assert session.scalar(select(func.count()).select_from(Award)) == 2


def test_a_round_grant_claimed_the_next_year_uses_the_rounds_quota(
    session, bureau, clock, store, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    row, nominations, _ = _through_vote(bureau, clock, store, nominees=1, yes=3)
    clock(date(2025, 6, 3))
    start_publicity(session, bureau.officer, row.id)
    # Decided in January of the period's second year... and the next period's round too.
    clock(date(2026, 1, 12))
    _award, claim = decide_nomination(session, bureau.officer, nominations[0].id)
    assert claim is not None and claim.on_date == date(2026, 1, 12)
    set_budget_allocation(session, bureau.officer, bureau.policy().budget_id, 1_000_000)
    monkeypatch.setattr(claims_module, "today", lambda: date(2026, 1, 12))
    approve_claim(session, bureau.officer, claim.id)
    usage = session.scalars(select(QuotaUsage)).one()
    assert (usage.year, usage.used, usage.quota) == (2025, 1, 10)
    assert claim.status == ClaimStatus.APPROVED


def test_a_2025_round_decided_in_2027_still_counts_against_2025(
    session, bureau, clock, store, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The period holding 2027 is 2027–2028; the claim's round keeps it in 2025–2026."""
    row, nominations, _ = _through_vote(bureau, clock, store, nominees=1, yes=3)
    clock(date(2025, 6, 3))
    start_publicity(session, bureau.officer, row.id)
    clock(date(2027, 1, 5))
    _award, claim = decide_nomination(session, bureau.officer, nominations[0].id)
    set_budget_allocation(session, bureau.officer, bureau.policy().budget_id, 1_000_000)
    monkeypatch.setattr(claims_module, "today", lambda: date(2027, 1, 5))
    approve_claim(session, bureau.officer, claim.id)
    assert session.scalars(select(QuotaUsage.year)).one() == 2025


def test_the_quota_caps_decisions(session, bureau, clock, store) -> None:  # type: ignore[no-untyped-def]
    row, nominations, _ = _through_vote(bureau, clock, store, nominees=2, yes=3)
    clock(date(2025, 6, 3))
    start_publicity(session, bureau.officer, row.id)
    clock(date(2025, 6, 10))
    row.selected_count = 9  # nine places already taken: one is left
    session.flush()
    decide_nomination(session, bureau.officer, nominations[0].id)
    with pytest.raises(Conflict) as full:
        decide_nomination(session, bureau.officer, nominations[1].id)
    assert "名额已满" in full.value.message
    assert nominations[1].status == NominationStatus.PROPOSED and row.selected_count == 10


def test_the_award_feeds_the_persons_facts(session, bureau, clock, store) -> None:  # type: ignore[no-untyped-def]
    row, nominations, _ = _through_vote(bureau, clock, store, nominees=1, yes=3)
    person = session.get(Person, nominations[0].person_id)
    job = current_employment(session, person.id)
    before = build_worker_facts(
        session, bureau.policy(), date(2025, 7, 1), person=person, employment=job
    )
    assert before.facts.selection is None
    clock(date(2025, 6, 3))
    start_publicity(session, bureau.officer, row.id)
    clock(date(2025, 6, 10))
    decide_nomination(session, bureau.officer, nominations[0].id)
    after = build_worker_facts(
        session, bureau.policy(), date(2025, 7, 1), person=person, employment=job
    )
    assert after.facts.selection is not None and after.facts.selection.year == 2025
    assert after.facts.selection.policy_id == OUTSTANDING
    assert session.scalar(select(func.count()).select_from(SubsidyClaim)) == 1
    assert session.scalar(select(func.count()).select_from(Expert)) == 3
