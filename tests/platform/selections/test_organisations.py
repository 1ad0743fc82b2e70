"""A round among organisations: 吴江区 二(三)1 "每年评选表彰在高技能人才培养上做出突出贡献的企业和
培养机构，政府给予2～5万元奖励" — an enterprise applies for itself, the decision pays it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from skillbridge.models import Award, Nomination, NominationStatus, SubsidyClaim
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.selections.decisions import decide_nomination
from skillbridge.platform.services.selections.nominations import (
    NominationRequest,
    close_nominations,
    nominate,
)
from skillbridge.platform.services.selections.panels import add_expert, draw_panel, record_ballot
from skillbridge.platform.services.selections.publicity import start_publicity
from skillbridge.platform.services.selections.rounds import (
    RoundRequest,
    award_policies,
    open_round,
)

from .conftest import Bureau, evidence

AWARD = "wujiang.training_contribution_enterprise_award"


def _open(bureau: Bureau):  # type: ignore[no-untyped-def]
    policy = bureau.policy(AWARD)
    # The award's amount is the bureau's within the seed's 2～5万元.
    policy.amount_yuan = 30000
    return open_round(
        bureau.session, bureau.officer, RoundRequest(policy.id, 2025, date(2025, 5, 31), 3, 5)
    )


def test_the_award_to_organisations_is_offered_for_a_round(wujiang: Bureau) -> None:
    codes = [p.code for p in award_policies(wujiang.session, wujiang.officer)]
    assert AWARD in codes and "wujiang.training_contribution_person_award" in codes


def test_an_enterprise_applies_for_itself_and_only_an_enterprise(
    wujiang: Bureau, clock, store
) -> None:  # type: ignore[no-untyped-def]
    session = wujiang.session
    row = _open(wujiang)
    person, worker = wujiang.worker(wujiang.employer)
    with pytest.raises(PermissionDenied):  # a worker does not apply in a round of organisations
        nominate(session, store, worker, NominationRequest(row.id, "事迹", evidence=[evidence()]))
    with pytest.raises(InvalidInput) as named:  # nor does an enterprise put a person forward
        nominate(session, store, wujiang.hr,
                 NominationRequest(row.id, "事迹", person.id, evidence=[evidence()]))  # fmt: skip
    assert named.value.details == ["person_id"]
    # Positive control: the enterprise applies for itself through the same service.
    own = nominate(session, store, wujiang.hr,
                   NominationRequest(row.id, "培养高技能人才120名", evidence=[evidence()]))  # fmt: skip
    assert (own.person_id, own.employer_id) == (None, wujiang.employer.id)
    assert own.screening["eligible"] is True
    with pytest.raises(Conflict):  # once per round (the partial UNIQUE index)
        nominate(session, store, wujiang.hr,
                 NominationRequest(row.id, "再次申报", evidence=[evidence()]))  # fmt: skip
    other = nominate(session, store, wujiang.other_hr,
                     NominationRequest(row.id, "校企共建实训基地", evidence=[evidence()]))  # fmt: skip
    assert other.employer_id == wujiang.other_employer.id
    assert session.scalar(select(func.count()).select_from(Nomination)) == 2


def test_the_decision_records_the_award_on_the_enterprise_and_pays_it(
    wujiang: Bureau, clock, store
) -> None:  # type: ignore[no-untyped-def]
    session = wujiang.session
    row = _open(wujiang)
    nomination = nominate(session, store, wujiang.hr,
                          NominationRequest(row.id, "培养高技能人才120名", evidence=[evidence()]))  # fmt: skip
    # An expert of the applying enterprise is not drawn (回避), one from elsewhere is.
    conflicted = add_expert(session, wujiang.officer, "本单位专家", "机械", wujiang.employer.id)
    experts = [add_expert(session, wujiang.officer, f"专家{i}", "机械", None) for i in range(3)]
    clock(date(2025, 6, 2))
    close_nominations(session, wujiang.officer, row.id)
    panel = draw_panel(session, wujiang.officer, row.id, seed=3)
    assert conflicted.id not in {m.expert_id for m in panel}
    for expert in experts:
        record_ballot(session, wujiang.officer, row.id, expert.id, {nomination.id: 88},
                      {nomination.id: True})  # fmt: skip
    clock(date(2025, 6, 3))
    start_publicity(session, wujiang.officer, row.id)
    clock(date(2025, 6, 20))
    award, claim = decide_nomination(session, wujiang.officer, nomination.id)
    assert nomination.status == NominationStatus.SELECTED
    assert (award.person_id, award.enterprise_id) == (None, wujiang.employer.id)
    assert claim is not None and award.claim_note is None
    assert (claim.enterprise_id, claim.person_id) == (wujiang.employer.id, None)
    assert claim.selection_round_id == row.id and claim.amount_yuan == 30000
    assert session.scalars(select(Award.enterprise_id)).all() == [wujiang.employer.id]
    assert session.scalar(select(func.count()).select_from(SubsidyClaim)) == 1


def test_the_pages_name_the_applying_organisation(wujiang: Bureau, clock, login_as, store) -> None:  # type: ignore[no-untyped-def]
    session = wujiang.session
    row = _open(wujiang)
    session.commit()
    hr = login_as(wujiang.hr)
    form = hr.get(f"/selections/{row.id}/nominate").get_data(as_text=True)
    assert 'id="applicant"' in form and wujiang.employer.name in form
    assert 'name="person_id"' not in form
    _person, worker = wujiang.worker(wujiang.employer)
    session.commit()
    # The round page offers no application to a worker, and the enterprise has it.
    assert 'id="nominate"' not in login_as(worker).get(f"/selections/{row.id}").get_data(
        as_text=True
    )
    assert 'id="nominate"' in hr.get(f"/selections/{row.id}").get_data(as_text=True)
    nomination = nominate(session, store, wujiang.hr,
                          NominationRequest(row.id, "培养高技能人才", evidence=[evidence()]))  # fmt: skip
    session.commit()
    page = hr.get(f"/selections/nominations/{nomination.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="nominee-organisation"' in text and wujiang.employer.name in text
    # The other enterprise does not read it (positive control: the applicant above did).
    assert (
        login_as(wujiang.other_hr).get(f"/selections/nominations/{nomination.id}").status_code
        == 404
    )
