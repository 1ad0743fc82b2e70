"""Students rank eligible open slots; enterprises rank or screen their eligible candidates."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from skillbridge.models import (
    EnterpriseRanking,
    Role,
    SlotStatus,
    StudentPreference,
    User,
)
from skillbridge.platform.db import get_database
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.slots import preferences

TODAY = date(2025, 6, 1)


def _stored(session, student_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    rows = session.scalars(
        select(StudentPreference)
        .where(StudentPreference.student_id == student_id)
        .order_by(StudentPreference.rank)
    ).all()
    session.commit()
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    return [r.slot_id for r in rows]


def test_ranking_replaces_the_whole_list(session, world, make_slot, make_agreement):
    make_agreement()
    a, b, c = make_slot(), make_slot(), make_slot()
    student = world.users["student"]
    preferences.set_student_preferences(session, student, [a.id, b.id, c.id], TODAY)
    session.commit()
    assert _stored(session, world.student.id) == [a.id, b.id, c.id]
    preferences.set_student_preferences(session, student, [c.id, a.id], TODAY)
    session.commit()
    assert _stored(session, world.student.id) == [c.id, a.id]


def test_an_ineligible_slot_is_refused_with_its_reason(session, world, make_slot, make_agreement):
    make_agreement()
    good, too_long = make_slot(), make_slot(duration_months=13)
    student = world.users["student"]
    preferences.set_student_preferences(session, student, [good.id], TODAY)
    session.commit()
    with pytest.raises(InvalidInput) as excinfo:
        preferences.set_student_preferences(session, student, [too_long.id, good.id], TODAY)
    session.rollback()
    assert any("大政发[2011]46号 二(三)" in d for d in excinfo.value.details)
    assert _stored(session, world.student.id) == [good.id]


def test_duplicates_closed_slots_and_other_roles_are_refused(
    session, world, make_slot, make_agreement
):
    make_agreement()
    slot, closed = make_slot(), make_slot(status=SlotStatus.CLOSED)
    student = world.users["student"]
    with pytest.raises(InvalidInput):
        preferences.set_student_preferences(session, student, [slot.id, slot.id], TODAY)
    with pytest.raises(InvalidInput):
        preferences.set_student_preferences(session, student, [closed.id], TODAY)
    with pytest.raises(PermissionDenied):
        preferences.set_student_preferences(session, world.users["school"], [slot.id], TODAY)


def test_options_explain_ineligible_slots_and_show_ranks(session, world, make_slot, make_agreement):
    make_agreement()
    good, bad = make_slot(), make_slot(min_level=4)
    preferences.set_student_preferences(session, world.users["student"], [good.id], TODAY)
    session.commit()
    choices = preferences.slot_choices(session, world.users["student"], TODAY, "", 1, 10)
    assert [(o.slot.id, o.rank, o.eligible) for o in choices.rankable] == [(good.id, 1, True)]
    assert [(o.slot.id, [f.rule for f in o.failures]) for o in choices.others.items] == [
        (bad.id, ["level"])
    ]


def test_candidates_are_eligible_students_who_ranked_the_slot(
    session, world, make_slot, make_agreement, make_student
):
    make_agreement()
    slot = make_slot()
    preferences.set_student_preferences(session, world.users["student"], [slot.id], TODAY)
    # A classmate whose ranking predates a rule change: stored, but no longer eligible.
    classmate = make_student(world.school, cohort=None)
    session.add(StudentPreference(student_id=classmate.id, slot_id=slot.id, rank=1))
    session.commit()
    _slot, candidates = preferences.slot_candidates(
        session, world.users["enterprise"], slot.id, TODAY
    )
    assert [c.student.id for c in candidates] == [world.student.id]


def test_enterprise_ranks_and_screens_and_replaces(session, world, make_slot, make_agreement):
    make_agreement()
    slot = make_slot()
    preferences.set_student_preferences(session, world.users["student"], [slot.id], TODAY)
    session.commit()
    enterprise = world.users["enterprise"]
    preferences.rank_candidates(session, enterprise, slot.id, [world.student.id], [], TODAY)
    session.commit()
    preferences.rank_candidates(session, enterprise, slot.id, [], [world.student.id], TODAY)
    session.commit()
    rows = session.scalars(
        select(EnterpriseRanking).where(EnterpriseRanking.slot_id == slot.id)
    ).all()
    assert [(r.student_id, r.rank, r.screened_out) for r in rows] == [
        (world.student.id, None, True)
    ]
    with pytest.raises(InvalidInput):
        preferences.rank_candidates(
            session, enterprise, slot.id, [world.other_student.id], [], TODAY
        )


def test_another_enterprise_cannot_see_or_rank_candidates(session, world, make_slot, make_user):
    slot = make_slot()
    stranger = make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id)
    with pytest.raises(PermissionDenied):
        preferences.slot_candidates(session, stranger, slot.id, TODAY)
    with pytest.raises(PermissionDenied):
        preferences.rank_candidates(session, stranger, slot.id, [], [], TODAY)


def test_ranking_a_closed_slot_is_a_conflict(session, world, make_slot):
    slot = make_slot(status=SlotStatus.CLOSED)
    with pytest.raises(Conflict):
        preferences.rank_candidates(session, world.users["enterprise"], slot.id, [], [], TODAY)


def test_concurrent_rerankings_store_exactly_one_submitted_list(
    app, session, world, make_slot, make_agreement
):
    make_agreement()
    ids = [make_slot().id for _ in range(4)]
    lists = [ids[i:] + ids[:i] for i in range(4)] + [ids[:2], ids[2:], list(reversed(ids))]
    database, user_id, errors = get_database(app), world.users["student"].id, []
    barrier = threading.Barrier(len(lists))

    def submit(slot_ids: list[int]) -> None:
        with database.write_sessions() as own:
            actor = own.get(User, user_id)
            own.commit()
            barrier.wait()
            try:
                preferences.set_student_preferences(own, actor, slot_ids, TODAY)
                own.commit()
            except Exception as exc:  # any failure is what this test looks for
                errors.append(repr(exc))

    for _round in range(5):
        threads = [threading.Thread(target=submit, args=(lst,)) for lst in lists]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert _stored(session, world.student.id) in lists
