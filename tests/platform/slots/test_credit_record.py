"""R6: an enterprise under an active credit record that blocks slots cannot open new ones."""

from __future__ import annotations

from datetime import date

import pytest

from skillbridge.models import CreditRecord, SlotStatus, utcnow
from skillbridge.platform.services.errors import PermissionDenied
from skillbridge.platform.services.slots import postings as slots

TODAY = date(2025, 6, 1)


@pytest.fixture
def record(session, world):  # type: ignore[no-untyped-def]
    def factory(**changes) -> CreditRecord:  # type: ignore[no-untyped-def]
        values = dict(
            enterprise_id=world.enterprise.id,
            rule="R6",
            reason="虚报培训人数",
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 12, 31),
            blocks_slots=True,
            recorded_by_id=world.users["bureau"].id,
        )
        values.update(changes)
        credit = CreditRecord(**values)
        session.add(credit)
        session.commit()
        return credit

    return factory


def test_an_active_blocking_record_refuses_opening_with_the_citation(session, world, draft, record):
    slot = draft()
    record()
    with pytest.raises(PermissionDenied) as excinfo:
        slots.open_slot(session, world.users["enterprise"], slot.id, TODAY)
    assert "(十三)" in excinfo.value.message and "2025-12-31" in excinfo.value.message


@pytest.mark.parametrize(
    "changes",
    [
        {"blocks_slots": False},
        {"ends_on": date(2025, 5, 31)},
        {"starts_on": date(2025, 6, 2)},
        {"revoked_at": utcnow(), "revocation_reason": "复核撤销"},
    ],
    ids=["not-blocking", "ended", "not-yet", "revoked"],
)
def test_records_out_of_force_do_not_block(session, world, draft, record, changes):
    slot = draft()
    if "revoked_at" in changes:
        changes["revoked_by_id"] = world.users["bureau"].id
    record(**changes)
    assert slots.open_slot(session, world.users["enterprise"], slot.id, TODAY).status == (
        SlotStatus.OPEN
    )


def test_a_record_on_another_enterprise_does_not_block(session, world, draft, record):
    slot = draft()
    record(enterprise_id=world.other_enterprise.id)
    assert slots.open_slot(session, world.users["enterprise"], slot.id, TODAY).status == "open"
