"""Competition records: who records them, what is checked, participants (one or imported, all or
nothing), results, closing, what the bureau sees, and the database's own constraints."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from skillbridge.models import (
    AuditEvent,
    Competition,
    CompetitionParticipant,
    CompetitionStatus,
    OrganiserKind,
)
from skillbridge.platform.services.competitions import participants as entries
from skillbridge.platform.services.competitions import records, results
from skillbridge.platform.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from skillbridge.platform.services.listing import ListQuery
from skillbridge.platform.services.tables import TableRejected

from .conftest import (
    AFTER,
    ENDS_ON,
    STARTS_ON,
    as_csv,
    as_xlsx,
    competition_input,
    competition_with,
)

HEADER = ["姓名", "身份证号"]


def _participants(session, competition) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(
        select(func.count())
        .select_from(CompetitionParticipant)
        .where(CompetitionParticipant.competition_id == competition.id)
    )


def _actions(session, competition) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "competition")
            .where(AuditEvent.object_id == str(competition.id))
            .order_by(AuditEvent.id)
        )
    )


# --- create, edit ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "kind"),
    [
        ("enterprise", OrganiserKind.ENTERPRISE),
        ("hr", OrganiserKind.ENTERPRISE),
        ("school", OrganiserKind.SCHOOL),
        ("officer", OrganiserKind.BUREAU),
    ],
)
def test_each_organiser_records_a_competition_of_its_own(session, scene, who, kind):  # type: ignore[no-untyped-def]
    competition = records.create_competition(session, scene.users[who], competition_input(scene))
    assert competition.organiser_kind == kind
    assert competition.region_id == scene.region.id
    assert competition.status == CompetitionStatus.OPEN
    assert (competition.enterprise_id is not None) == (kind == OrganiserKind.ENTERPRISE)
    assert (competition.school_id is not None) == (kind == OrganiserKind.SCHOOL)
    assert _actions(session, competition) == ["competition.created"]


@pytest.mark.parametrize("who", ["mentor", "teacher", "reviewer"])
def test_narrow_staff_record_no_competition(session, scene, who):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        records.create_competition(session, scene.users[who], competition_input(scene))
    assert session.scalar(select(func.count(Competition.id))) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "竞赛名称"),
        ({"level": "galactic"}, "竞赛级别"),
        ({"occupation_id": 999_999}, "职业（工种）"),
        ({"ends_on": date(2026, 5, 9)}, "结束日期"),
        ({"starts_on": None}, "开始日期"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(session, scene, changes, field):  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        records.create_competition(
            session, scene.users["enterprise"], competition_input(scene, **changes)
        )
    assert any(d.startswith(field) for d in refused.value.details)
    assert session.scalar(select(func.count(Competition.id))) == 0
    # Positive control: the same input without the fault is recorded.
    assert records.create_competition(
        session, scene.users["enterprise"], competition_input(scene)
    ).id


def test_a_one_day_competition_is_valid(session, scene):  # type: ignore[no-untyped-def]
    one_day = competition_input(scene, starts_on=STARTS_ON, ends_on=STARTS_ON)
    assert (
        records.create_competition(session, scene.users["enterprise"], one_day).ends_on == STARTS_ON
    )


def test_edit_while_open_and_not_after_closing(session, scene):  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 2)
    organiser = scene.users["enterprise"]
    records.update_competition(
        session, organiser, competition.id, competition_input(scene, title="改名后的竞赛")
    )
    assert competition.title == "改名后的竞赛"
    first = session.scalars(
        select(CompetitionParticipant).where(
            CompetitionParticipant.competition_id == competition.id
        )
    ).first()
    results.record_results(
        session, organiser, competition.id, {first.id: results.Result(1, "first")}, AFTER
    )
    records.close_competition(session, organiser, competition.id, AFTER)
    with pytest.raises(Conflict):
        records.update_competition(session, organiser, competition.id, competition_input(scene))
    assert _actions(session, competition) == [
        "competition.created",
        "competition.updated",
        "competition.results_recorded",
        "competition.closed",
    ]


def test_another_organisation_neither_sees_nor_edits(session, scene):  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 1)
    for who in ("other_enterprise", "school", "other_bureau"):
        with pytest.raises(NotFound):
            records.get_competition(session, scene.users[who], competition.id)
    # The region's bureau sees it (every bureau user) but does not edit an enterprise's record.
    assert records.get_competition(session, scene.users["reviewer"], competition.id) is competition
    with pytest.raises(PermissionDenied):
        records.update_competition(
            session, scene.users["officer"], competition.id, competition_input(scene)
        )


def test_the_bureau_lists_every_competition_of_its_region(session, scene):  # type: ignore[no-untyped-def]
    held = [
        records.create_competition(
            session, scene.users[who], competition_input(scene, title=f"{who}赛")
        )
        for who in ("enterprise", "school", "officer")
    ]
    records.create_competition(
        session, scene.users["other_enterprise"], competition_input(scene, title="外区赛")
    )
    listed = records.list_competitions(session, scene.users["reviewer"])
    assert {c.id for c in listed.items} == {c.id for c in held}
    own = records.list_competitions(session, scene.users["enterprise"])
    assert [c.title for c in own.items] == ["enterprise赛"]
    searched = records.list_competitions(
        session, scene.users["officer"], query=ListQuery(q="school")
    )
    assert [c.title for c in searched.items] == ["school赛"]
    by_occupation = records.list_competitions(
        session, scene.users["officer"], query=ListQuery(q=scene.occupation.name)
    )
    assert by_occupation.total == 3
    with pytest.raises(PermissionDenied):
        records.list_competitions(session, scene.users["mentor"])


# --- participants ------------------------------------------------------------------------------


def test_a_known_person_is_added_once(session, scene, app):  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 0)
    person, national_id = scene.person()
    organiser = scene.users["enterprise"]
    added = entries.add_participant(
        session, organiser, competition.id, person.name, national_id, scene.keys
    )
    assert added.person_id == person.id
    with pytest.raises(Conflict):
        entries.add_participant(
            session, organiser, competition.id, person.name, national_id, scene.keys
        )
    assert _participants(session, competition) == 1


@pytest.mark.parametrize(
    ("name", "national_id", "field"),
    [
        (None, "440303199904019999", "身份证号"),  # no such ID format / checksum
        ("别人", None, "姓名"),  # the ID is known, the name is not the person's
    ],
)
def test_an_unknown_or_misnamed_person_is_refused(session, scene, name, national_id, field):  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 0)
    person, real_id = scene.person()
    with pytest.raises(InvalidInput) as refused:
        entries.add_participant(
            session,
            scene.users["enterprise"],
            competition.id,
            name or person.name,
            national_id or real_id,
            scene.keys,
        )
    assert refused.value.message.startswith(field)
    assert _participants(session, competition) == 0


def test_an_unregistered_valid_id_is_refused(session, scene):  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 0)
    from skillbridge.platform.demo.factories import valid_national_id

    with pytest.raises(InvalidInput, match="平台上没有该身份证号"):
        entries.add_participant(
            session,
            scene.users["enterprise"],
            competition.id,
            "无名氏",
            valid_national_id(997, date(2001, 1, 1)),
            scene.keys,
        )


@pytest.mark.parametrize(("filename", "encode"), [("list.csv", as_csv), ("list.xlsx", as_xlsx)])
def test_import_enters_every_row(session, scene, filename, encode):  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 0)
    people = [scene.person() for _ in range(3)]
    data = encode([HEADER, *([p.name, nid] for p, nid in people)])
    imported = entries.import_participants(
        session, scene.users["enterprise"], competition.id, filename, data, scene.keys
    )
    assert {p.person_id for p in imported} == {p.id for p, _ in people}
    assert "competition.participants_imported" in _actions(session, competition)


def test_a_bad_import_names_each_row_and_field_and_writes_nothing(session, scene):  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 0)
    organiser = scene.users["enterprise"]
    good, misnamed, entered, nameless = (scene.person() for _ in range(4))
    entries.add_participant(
        session, organiser, competition.id, entered[0].name, entered[1], scene.keys
    )
    from skillbridge.platform.demo.factories import valid_national_id

    rows = [
        HEADER,
        [good[0].name, good[1]],  # row 2: fine
        ["别人", misnamed[1]],  # row 3: name not the person's
        ["某人", "12345"],  # row 4: not an ID
        ["无名氏", valid_national_id(996, date(2001, 1, 1))],  # row 5: nobody on the platform
        [entered[0].name, entered[1]],  # row 6: already entered
        [good[0].name, good[1]],  # row 7: repeats row 2
        ["", ""],  # a blank row is skipped
        ["", nameless[1]],  # row 9: name missing
    ]
    with pytest.raises(TableRejected) as refused:
        entries.import_participants(
            session, organiser, competition.id, "list.csv", as_csv(rows), scene.keys
        )
    named = {(p.row, p.column) for p in refused.value.problems}
    assert named == {
        (3, "姓名"),
        (4, "身份证号"),
        (5, "身份证号"),
        (6, "身份证号"),
        (7, "身份证号"),
        (9, "姓名"),
    }
    assert all(f"第 {row} 行" in " ".join(refused.value.details) for row, _ in named)
    assert _participants(session, competition) == 1  # only the one added before
    # Positive control: the good row alone imports through the same path.
    entries.import_participants(
        session, organiser, competition.id, "list.csv", as_csv([HEADER, rows[1]]), scene.keys
    )
    assert _participants(session, competition) == 2


def test_a_wrong_header_is_refused_before_any_row(session, scene):  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 0)
    with pytest.raises(TableRejected) as refused:
        entries.import_participants(
            session,
            scene.users["enterprise"],
            competition.id,
            "list.csv",
            as_csv([["名字", "身份证号"], ["张三", "x"]]),
            scene.keys,
        )
    assert {(p.row, p.column) for p in refused.value.problems} == {(1, "名字"), (1, "姓名")}


def test_remove_a_participant_while_open(session, scene):  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 2)
    first = session.scalars(
        select(CompetitionParticipant).where(
            CompetitionParticipant.competition_id == competition.id
        )
    ).first()
    entries.remove_participant(session, scene.users["enterprise"], competition.id, first.id)
    assert _participants(session, competition) == 1
    with pytest.raises(NotFound):
        entries.remove_participant(session, scene.users["enterprise"], competition.id, first.id)


# --- results and closing -----------------------------------------------------------------------


def _entered(session, competition) -> list[CompetitionParticipant]:  # type: ignore[no-untyped-def]
    return list(
        session.scalars(
            select(CompetitionParticipant)
            .where(CompetitionParticipant.competition_id == competition.id)
            .order_by(CompetitionParticipant.id)
        )
    )


def test_results_are_checked_together_and_kept_on_the_person(session, scene):  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 3)
    organiser = scene.users["enterprise"]
    a, b, c = _entered(session, competition)
    with pytest.raises(InvalidInput) as refused:
        results.record_results(
            session,
            organiser,
            competition.id,
            {
                a.id: results.Result(1, "first"),
                b.id: results.Result(4, None),
                c.id: results.Result(None, "gold"),
            },
            AFTER,
        )
    assert len(refused.value.details) == 2  # place 4 of 3, unknown prize
    assert (a.rank, a.prize) == (None, None)  # nothing kept
    with pytest.raises(Conflict):  # not before it starts
        results.record_results(
            session, organiser, competition.id, {a.id: results.Result(1)}, date(2026, 5, 9)
        )
    results.record_results(
        session,
        organiser,
        competition.id,
        {a.id: results.Result(1, "first"), b.id: results.Result(2, "second")},
        STARTS_ON,
    )
    assert (a.rank, a.prize, b.rank) == (1, "first", 2)
    # Not final until closed: the person's history shows closed competitions only.
    assert results.results_of_person(session, a.person_id).total == 0
    records.close_competition(session, organiser, competition.id, ENDS_ON)
    history = results.results_of_person(session, a.person_id)
    assert [(r.competition.id, r.participant.rank, r.participant.prize) for r in history.items] == [
        (competition.id, 1, "first")
    ]
    assert results.results_of_person(session, c.person_id).items[0].participant.rank is None
    with pytest.raises(Conflict):
        results.record_results(session, organiser, competition.id, {c.id: results.Result(3)}, AFTER)


def test_closing_waits_for_the_end_participants_and_results(session, scene):  # type: ignore[no-untyped-def]
    organiser = scene.users["enterprise"]
    empty = competition_with(session, scene, 0)
    with pytest.raises(Conflict, match="没有参赛人员"):
        records.close_competition(session, organiser, empty.id, AFTER)
    competition = competition_with(session, scene, 2)
    with pytest.raises(Conflict, match="录入竞赛成绩"):
        records.close_competition(session, organiser, competition.id, AFTER)
    first = _entered(session, competition)[0]
    results.record_results(session, organiser, competition.id, {first.id: results.Result(1)}, AFTER)
    with pytest.raises(Conflict, match="尚未结束"):
        records.close_competition(session, organiser, competition.id, date(2026, 5, 11))
    closed = records.close_competition(session, organiser, competition.id, ENDS_ON)
    assert closed.status == CompetitionStatus.CLOSED and closed.closed_by_id == organiser.id


# --- the database's own constraints ------------------------------------------------------------


def test_the_database_refuses_a_second_entry_a_bad_place_and_a_reversed_period(session, scene):  # type: ignore[no-untyped-def]
    competition = competition_with(session, scene, 1)
    entry = _entered(session, competition)[0]
    organiser = scene.users["enterprise"]
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(
            CompetitionParticipant(
                competition_id=competition.id, person_id=entry.person_id, added_by_id=organiser.id
            )
        )
        session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        entry.rank = 0
        session.flush()
    session.refresh(entry)
    with pytest.raises(IntegrityError), session.begin_nested():
        competition.ends_on = date(2026, 5, 1)
        session.flush()
    session.refresh(competition)
    with pytest.raises(IntegrityError), session.begin_nested():
        competition.status = CompetitionStatus.CLOSED  # without who closed it, and when
        session.flush()
    session.refresh(competition)
    # Positive control: a place of 1 and a one-day period are accepted.
    entry.rank = 1
    competition.ends_on = competition.starts_on
    session.flush()
    assert (entry.rank, competition.ends_on) == (1, STARTS_ON)
