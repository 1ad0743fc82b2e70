"""The bureau decides many filed agreements at once: every one or none, each refusal named."""

from __future__ import annotations

from datetime import date

import pytest

from skillbridge.models import AgreementStatus, CooperationAgreement
from skillbridge.platform.services.bulk import BULK_MAX, BatchRefused
from skillbridge.platform.services.cooperation import agreements as cooperation
from skillbridge.platform.services.errors import InvalidInput

TODAY = date(2025, 6, 1)


def _statuses(session, ids):  # type: ignore[no-untyped-def]
    session.expire_all()
    return [session.get(CooperationAgreement, i).status for i in ids]


def test_all_are_approved_together(session, world, make_agreement):
    ids = [make_agreement(status=AgreementStatus.FILED).id for _ in range(3)]
    decided = cooperation.decide_agreements(session, world.users["bureau"], ids, True, "", TODAY)
    session.commit()
    assert [a.id for a in decided] == ids
    assert _statuses(session, ids) == [AgreementStatus.APPROVED] * 3


def test_one_refusal_keeps_nothing_and_names_the_row(session, world, make_agreement):
    filed = [make_agreement(status=AgreementStatus.FILED).id for _ in range(2)]
    approved = make_agreement(status=AgreementStatus.APPROVED).id
    with pytest.raises(BatchRefused) as refused:
        cooperation.decide_agreements(
            session, world.users["bureau"], [*filed, approved], True, "", TODAY
        )
    session.rollback()
    assert refused.value.status == 409
    assert [r.object_id for r in refused.value.refusals] == [approved]
    assert _statuses(session, filed) == [AgreementStatus.FILED] * 2


def test_another_regions_agreement_makes_the_batch_a_refusal(
    session, world, make_agreement, make_user
):  # type: ignore[no-untyped-def]
    from skillbridge.models import Role

    mine = make_agreement(status=AgreementStatus.FILED).id
    far_bureau = make_user(Role.BUREAU, region_id=world.other_region.id)
    session.commit()
    with pytest.raises(BatchRefused) as refused:
        cooperation.decide_agreements(session, far_bureau, [mine], True, "", TODAY)
    session.rollback()
    assert refused.value.status == 403
    with pytest.raises(InvalidInput):
        cooperation.decide_agreements(session, world.users["bureau"], [], True, "", TODAY)
    with pytest.raises(InvalidInput):
        ids = list(range(1, BULK_MAX + 2))
        cooperation.decide_agreements(session, world.users["bureau"], ids, True, "", TODAY)


def test_the_list_page_approves_the_ticked_ones(session, world, make_agreement, login_as):
    first, second, third = (make_agreement(status=AgreementStatus.FILED).id for _ in range(3))
    client = login_as(world.users["bureau"])
    page = client.get("/agreements/?status=filed").get_data(as_text=True)
    assert 'name="agreement_ids"' in page and "/agreements/decide-many" in page
    answer = client.post(
        "/agreements/decide-many", data={"agreement_ids": [first, third], "approve": "1"}
    )
    assert answer.status_code == 302
    assert _statuses(session, [first, second, third]) == [
        AgreementStatus.APPROVED,
        AgreementStatus.FILED,
        AgreementStatus.APPROVED,
    ]
    # A rejection without a reason is refused for each row, and nothing changes.
    refused = client.post(
        "/agreements/decide-many", data={"agreement_ids": [second], "reject": "1"}
    )
    assert refused.status_code == 302
    assert _statuses(session, [second]) == [AgreementStatus.FILED]
    assert f"协议 #{second}" in client.get(refused.headers["Location"]).get_data(as_text=True)
    # The school has no such step.
    school = login_as(world.users["school"])
    assert (
        school.post("/agreements/decide-many", data={"agreement_ids": [second]}).status_code == 403
    )
