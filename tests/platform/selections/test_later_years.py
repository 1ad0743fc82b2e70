"""An award paid over several years: 吴江区 二(三)1 "五年内享受政府薪酬补贴，分别是每年5000元、
1万元、1.5万元" — the decision raises the first year's claim, the nightly run each later year's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import ClaimStatus, QuotaUsage, SubsidyClaim
from skillbridge.platform.services.selections.decisions import decide_nomination
from skillbridge.platform.services.selections.nominations import (
    NominationRequest,
    close_nominations,
    nominate,
)
from skillbridge.platform.services.selections.panels import add_expert, draw_panel, record_ballot
from skillbridge.platform.services.selections.publicity import start_publicity
from skillbridge.platform.services.selections.rounds import RoundRequest, open_round
from skillbridge.platform.services.subsidies import claims as claims_module
from skillbridge.platform.services.subsidies.awards import raise_later_years
from skillbridge.platform.services.subsidies.budgets import (
    set_budget_allocation,
)
from skillbridge.platform.services.subsidies.claims import approve_claim, reject_claim

from .conftest import Bureau, evidence

PAY = "wujiang.outstanding_contribution_pay"


def _selected_in_2025(bureau: Bureau, clock, store) -> SubsidyClaim:  # type: ignore[no-untyped-def]
    """A technician (技师) selected in the 2025 round; the claim its decision raised."""
    session = bureau.session
    policy = bureau.policy(PAY)
    row = open_round(
        session, bureau.officer, RoundRequest(policy.id, 2025, date(2025, 5, 31), 3, 5)
    )
    person, _account = bureau.worker(bureau.employer, level=4)
    nomination = nominate(
        session,
        store,
        bureau.hr,
        NominationRequest(row.id, "事迹", person.id, evidence=[evidence()]),
    )
    experts = [add_expert(session, bureau.officer, f"专家{i}", "机械", None) for i in range(3)]
    clock(date(2025, 6, 2))
    close_nominations(session, bureau.officer, row.id)
    draw_panel(session, bureau.officer, row.id, seed=7)
    for expert in experts:
        record_ballot(session, bureau.officer, row.id, expert.id, {nomination.id: 90},
                      {nomination.id: True})  # fmt: skip
    clock(date(2025, 6, 3))
    start_publicity(session, bureau.officer, row.id)
    clock(date(2025, 6, 20))
    _award, claim = decide_nomination(session, bureau.officer, nomination.id)
    assert claim is not None
    return claim


def _claims(session: Session) -> list[tuple[int | None, int | None]]:
    rows = session.execute(
        select(SubsidyClaim.pays_for_year, SubsidyClaim.amount_yuan).order_by(SubsidyClaim.id)
    )
    return [(year, amount) for year, amount in rows]


def test_each_later_year_is_raised_once_by_the_nightly_run_for_five_years(
    session, wujiang, clock, store
) -> None:  # type: ignore[no-untyped-def]
    _selected_in_2025(wujiang, clock, store)
    assert _claims(session) == [(2025, 10000)]  # 技师: 1万元 a year
    assert raise_later_years(session, date(2025, 12, 31)) == 0  # the first year is the decision's
    assert raise_later_years(session, date(2026, 1, 2)) == 1
    assert raise_later_years(session, date(2026, 1, 3)) == 0  # a year is raised once
    for year in (2027, 2028, 2029):
        assert raise_later_years(session, date(year, 1, 2)) == 1
    assert raise_later_years(session, date(2030, 1, 2)) == 0  # 五年内: 2025–2029
    assert _claims(session) == [(year, 10000) for year in range(2025, 2030)]
    keys = session.scalars(select(SubsidyClaim.once_only_key)).all()
    assert len(set(keys)) == 5


def test_a_rejected_later_year_is_not_raised_again_every_night(
    session, wujiang, clock, store
) -> None:  # type: ignore[no-untyped-def]
    _selected_in_2025(wujiang, clock, store)
    assert raise_later_years(session, date(2026, 3, 1)) == 1
    later = session.scalars(select(SubsidyClaim).where(SubsidyClaim.pays_for_year == 2026)).one()
    reject_claim(session, wujiang.officer, later.id, "银行账户证明不清晰")
    assert later.status == ClaimStatus.REJECTED
    assert raise_later_years(session, date(2026, 3, 2)) == 0
    # The positive control: the next year is raised as usual.
    assert raise_later_years(session, date(2027, 3, 1)) == 1


def test_only_the_first_year_takes_a_place_of_the_rounds_quota(
    session, wujiang, clock, store, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """No pack caps a multi-year award today; a bureau-set cap counts people, not payments."""
    policy = wujiang.policy(PAY)
    policy.annual_quota = 1
    first = _selected_in_2025(wujiang, clock, store)
    set_budget_allocation(session, wujiang.officer, policy.budget_id, 1_000_000)
    monkeypatch.setattr(claims_module, "today", lambda: date(2025, 7, 1))
    approve_claim(session, wujiang.officer, first.id)
    usage = session.scalars(select(QuotaUsage)).one()
    assert (usage.year, usage.used, usage.quota) == (2025, 1, 1)
    raise_later_years(session, date(2026, 1, 2))
    later = session.scalars(select(SubsidyClaim).where(SubsidyClaim.pays_for_year == 2026)).one()
    monkeypatch.setattr(claims_module, "today", lambda: date(2026, 1, 5))
    approve_claim(session, wujiang.officer, later.id)
    assert later.status == ClaimStatus.APPROVED
    assert session.scalars(select(QuotaUsage.used)).all() == [1]  # the quota's place unchanged
