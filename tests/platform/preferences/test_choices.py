"""The preference page reads the student and every open slot in two statements, and its rules
agree with those of one (student, slot) pair."""

from __future__ import annotations

from datetime import date, timedelta

from support import statements_sent

from skillbridge.models import Certificate, CreditRecord, Slot, SlotKind, utcnow
from skillbridge.platform.services.slots import preferences
from skillbridge.platform.services.slots.eligibility import explain

TODAY = date(2025, 6, 1)


def _record(session, world, ends_on: date, **changes) -> None:  # type: ignore[no-untyped-def]
    values = dict(
        student_id=world.student.id,
        rule="R6",
        reason="证书造假",
        starts_on=TODAY - timedelta(days=30),
        ends_on=ends_on,
        recorded_by_id=world.users["bureau"].id,
    )
    values.update(changes)
    session.add(CreditRecord(**values))


def test_the_page_names_the_failures_of_each_pair_in_two_statements(
    session, world, specialty, make_slot, make_agreement
):
    make_agreement()
    certified = make_slot(certificate_required=True, title="持证岗位")
    session.add(
        Certificate(
            person_id=world.student.person_id,
            occupation_id=certified.occupation_id,
            level=2,
            issued_on=date(2025, 1, 10),
            number="CERT-CHOICES-1",
        )
    )
    slots = [
        make_slot(title="合格岗位"),
        certified,
        make_slot(min_level=4, title="高级岗位"),
        make_slot(duration_months=13, title="超期岗位"),
        make_slot(kind=SlotKind.SHADOW_INTERNSHIP, start_date=date(2027, 1, 1), title="跟岗岗位"),
    ]
    preferences.set_student_preferences(session, world.users["student"], [slots[0].id], TODAY)
    session.commit()
    with statements_sent(session) as sent:
        choices = preferences.slot_choices(session, world.users["student"], TODAY, "", 1, 10)
    assert len(sent) == 2
    shown = choices.rankable + choices.others.items
    assert [(o.slot.id, o.rank) for o in choices.rankable] == [
        (slots[0].id, 1),
        (certified.id, None),
    ]
    assert sorted(o.slot.id for o in shown) == sorted(s.id for s in slots)
    for option in shown:
        slot = session.get(Slot, option.slot.id)
        assert option.failures == explain(session, world.student, slot, TODAY)
    assert [f.rule for o in choices.others.items for f in o.failures] == ["level", "R1", "window"]


def test_r6_names_the_latest_record_in_force_that_bars_slots(
    session, world, make_slot, make_agreement
):
    make_agreement()
    slot = make_slot()
    _record(session, world, date(2025, 9, 30))
    _record(session, world, date(2025, 12, 31))
    # Out of force, or not barring slots: none of these counts.
    _record(
        session,
        world,
        date(2026, 6, 30),
        revoked_at=utcnow(),
        revoked_by_id=world.users["bureau"].id,
    )
    _record(session, world, date(2026, 6, 30), blocks_slots=False)
    _record(session, world, date(2026, 6, 30), starts_on=TODAY + timedelta(days=1))
    _record(session, world, TODAY - timedelta(days=1))
    session.commit()
    (failure,) = explain(session, world.student, slot, TODAY)
    assert failure.rule == "R6" and "2025-12-31" in failure.reason
    choices = preferences.slot_choices(session, world.users["student"], TODAY, "", 1, 10)
    assert [o.failures for o in choices.others.items] == [[failure]]
