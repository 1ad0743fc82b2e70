"""The Wujiang competition subsidy (002 三(三)) claimed from the record: 规模在50人以上 counted
on the participant list, 当年给予 as the pack's condition, one claim per competition."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from support import materials_for

from skillbridge.models import ClaimStatus, CompetitionParticipant, SubsidyClaim
from skillbridge.platform.services.competitions import records, results
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound
from skillbridge.platform.services.subsidies import claims

from .conftest import AFTER, ENDS_ON, competition_with


def _closed(session, scene, participants: int, organiser: str = "enterprise"):  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, participants, organiser)
    first = session.scalars(
        select(CompetitionParticipant).where(
            CompetitionParticipant.competition_id == competition.id
        )
    ).first()
    actor = scene.users[organiser]
    results.record_results(
        session, actor, competition.id, {first.id: results.Result(1, "first")}, ENDS_ON
    )
    records.close_competition(session, actor, competition.id, ENDS_ON)
    return competition


def _claim(app, session, scene, competition, on_date: date = AFTER, who: str = "enterprise"):  # type: ignore[no-untyped-def]
    from support import document_store

    request = claims.ClaimRequest(
        policy_id=scene.policy.id,
        competition_id=competition.id,
        on_date=on_date,
        materials=materials_for(session, scene.policy.id),
    )
    return claims.submit_claim(session, document_store(app), scene.users[who], request)


def _claims(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count(SubsidyClaim.id)))


def test_the_subsidy_is_claimable_online_for_the_enterprise(session, scene):  # type: ignore[no-untyped-def]
    assert "competition_held" in claims.CLAIMABLE_EVENTS
    assert scene.policy in claims.claimable_policies(session, scene.users["enterprise"])
    assert claims.competition_policies(session, scene.users["enterprise"]) == [scene.policy]


def test_fifty_participants_are_paid_and_forty_nine_are_not(app, session, scene):  # type: ignore[no-untyped-def]
    """ "规模在50人以上" includes 50: refused at 49, paid at 50, through the same path."""
    small, enough = _closed(session, scene, 49), _closed(session, scene, 50)
    with pytest.raises(InvalidInput) as refused:
        _claim(app, session, scene, small)
    assert any("参赛49人 < 50人" in d for d in refused.value.details)
    assert _claims(session) == 0
    claim = _claim(app, session, scene, enough)
    assert (claim.status, claim.amount_yuan) == (ClaimStatus.SUBMITTED, 20000)
    assert claim.enterprise_id == scene.enterprise.id and claim.competition_id == enough.id
    assert claim.once_only_key == f"{scene.policy.code}:competition-{enough.id}"
    facts = {row["label"]: row["value"] for row in claim.evaluation["facts"]}
    assert facts["参赛人数"] == "50人（参赛名单记录）"
    assert records.competition_claims(session, enough) == [claim]


def test_the_claim_is_within_the_competition_year(app, session, scene):  # type: ignore[no-untyped-def]
    """ "当年给予": refused on 1 January of the next year, accepted on 31 December."""
    competition = _closed(session, scene, 50)
    with pytest.raises(InvalidInput) as refused:
        _claim(app, session, scene, competition, on_date=date(2027, 1, 1))
    assert any("须当年" in d for d in refused.value.details)
    assert _claims(session) == 0
    assert _claim(app, session, scene, competition, on_date=date(2026, 12, 31)).id


def test_not_before_the_competition_ended(app, session, scene):  # type: ignore[no-untyped-def]
    competition = _closed(session, scene, 50)
    with pytest.raises(InvalidInput) as refused:
        _claim(app, session, scene, competition, on_date=date(2026, 5, 11))
    assert any("无已结束的竞赛" in d for d in refused.value.details)
    assert _claim(app, session, scene, competition, on_date=ENDS_ON).id


def test_one_claim_per_competition(app, session, scene):  # type: ignore[no-untyped-def]
    competition = _closed(session, scene, 50)
    first = _claim(app, session, scene, competition)
    with pytest.raises(Conflict):
        _claim(app, session, scene, competition, who="hr")
    assert _claims(session) == 1
    # The database holds it too: a second live claim under the same key is refused.
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(
            SubsidyClaim(
                policy_id=first.policy_id,
                enterprise_id=first.enterprise_id,
                competition_id=competition.id,
                on_date=AFTER,
                once_only_key=first.once_only_key,
                status=ClaimStatus.SUBMITTED,
            )
        )
        session.flush()
    # A rejected claim frees the key for a corrected one.
    claims.reject_claim(session, scene.users["reviewer"], first.id, "材料不清晰")
    assert _claim(app, session, scene, competition).id != first.id


def test_only_its_organiser_claims_and_only_once_closed(app, session, scene):  # type: ignore[no-untyped-def]
    open_one = competition_with(session, scene, 50)
    with pytest.raises(NotFound):
        _claim(app, session, scene, open_one)
    closed = _closed(session, scene, 50)
    with pytest.raises(NotFound):
        _claim(app, session, scene, closed, who="other_enterprise")
    assert _claims(session) == 0
    assert _claim(app, session, scene, closed).id  # positive control


def test_a_school_or_bureau_competition_offers_no_enterprise_subsidy(session, scene):  # type: ignore[no-untyped-def]
    """The seed pays 举办…竞赛的企业: the claim form offers the enterprise its own competitions."""
    _closed(session, scene, 50, organiser="school")
    mine = _closed(session, scene, 50)
    options = claims.claim_options(session, scene.users["enterprise"])
    assert [c.id for c in options.competitions] == [mine.id]
