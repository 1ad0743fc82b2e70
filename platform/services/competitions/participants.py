"""A competition's participants: persons the platform knows, added one by one or imported.

A participant is found by national ID and must carry the name the platform holds for that ID:
the organiser never creates people here, and learns nothing of a person it cannot name. The
import (CSV or XLSX) reads and checks the file with the shared spreadsheet-import module
(tables): every row written, or none, each problem named by row and column.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import Competition, CompetitionParticipant, Person, User
from skillbridge.platform.services import audit, tables
from skillbridge.platform.services.competitions.records import open_competition
from skillbridge.platform.services.errors import Conflict, NotFound
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.known_persons import known_person
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.tables import TableChecker, file_problem, read_table
from skillbridge.platform.text import N_, Np_

ID_BATCH = 500  # national-ID hashes looked up per query

NAME, NATIONAL_ID = "姓名", "身份证号"
REQUIRED_COLUMNS = (NAME, NATIONAL_ID)
OPTIONAL_COLUMNS: tuple[str, ...] = ()
TEMPLATE_EXAMPLE = ("李四", "11010519491231002X")
UNKNOWN_PERSON = N_("平台上没有该身份证号的人员（参赛人员须已在平台登记）")
NAME_MISMATCH = N_("姓名与平台登记的不符")
ALREADY_ENTERED = N_("该人员已在参赛名单中")
UNKNOWN_ID = N_("身份证号：平台上没有该身份证号的人员（参赛人员须已在平台登记）")


@dataclass(frozen=True)
class ParticipantRow:
    """A participant with the person's name and masked national ID (last 4 only)."""

    participant: CompetitionParticipant
    name: str
    national_id_masked: str


def add_participant(
    session: Session,
    actor: User,
    competition_id: int,
    name: str,
    national_id: str,
    keys: IdentityKeys,
) -> CompetitionParticipant:
    """Enter one known person in an open competition; a person enters once (UNIQUE)."""
    competition = open_competition(session, actor, competition_id)
    person = known_person(session, keys, name, national_id, UNKNOWN_ID)
    if _entered(session, competition.id, [person.id]):
        raise Conflict(ALREADY_ENTERED)
    participant = CompetitionParticipant(
        competition_id=competition.id, person_id=person.id, added_by_id=actor.id
    )
    _insert(session, [participant])
    audit.record(
        session,
        actor,
        "competition.participant_added",
        "competition",
        competition.id,
        {"participant_id": participant.id, "person_id": person.id},
    )
    return participant


def remove_participant(
    session: Session, actor: User, competition_id: int, participant_id: int
) -> None:
    """Take a participant off an open competition's list."""
    competition = open_competition(session, actor, competition_id)
    participant = session.get(CompetitionParticipant, participant_id)
    if participant is None or participant.competition_id != competition.id:
        raise NotFound(N_("参赛人员不存在"))
    person_id = participant.person_id
    session.delete(participant)
    session.flush()
    audit.record(
        session,
        actor,
        "competition.participant_removed",
        "competition",
        competition.id,
        {"participant_id": participant_id, "person_id": person_id},
    )


def _entered(session: Session, competition_id: int, person_ids: list[int]) -> set[int]:
    return set(
        session.scalars(
            select(CompetitionParticipant.person_id)
            .where(CompetitionParticipant.competition_id == competition_id)
            .where(CompetitionParticipant.person_id.in_(person_ids))
        )
    )


def _insert(session: Session, participants: list[CompetitionParticipant]) -> None:
    """A concurrent entry of the same person may win the UNIQUE race after the checks."""
    try:
        with session.begin_nested():
            session.add_all(participants)
    except IntegrityError as exc:
        raise Conflict(N_("参赛名单已被同时修改（重复的参赛人员），请重试")) from exc


def list_participants(
    session: Session, competition: Competition, page: int = 1
) -> Page[ParticipantRow]:
    """A page of the competition's participants: results first by place, then by name.

    The caller has loaded `competition` through get_competition (the actor may see it).
    """
    statement = (
        select(CompetitionParticipant, Person.name, Person.national_id_masked)
        .join(Person, Person.id == CompetitionParticipant.person_id)
        .where(CompetitionParticipant.competition_id == competition.id)
        .order_by(
            CompetitionParticipant.rank.is_(None),
            CompetitionParticipant.rank,
            Person.name,
            CompetitionParticipant.id,
        )
    )
    return paginate(session, statement, page, lambda row: ParticipantRow(row[0], row[1], row[2]))


# --- import ------------------------------------------------------------------------------------


class _Checker(TableChecker):
    """Checks rows against each other, the platform's persons and the list already entered."""

    columns = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    required = REQUIRED_COLUMNS

    def __init__(self, session: Session, competition_id: int, keys: IdentityKeys) -> None:
        super().__init__(keys)
        self.session = session
        self.competition_id = competition_id

    def rows(self, rows: list[list[str]]) -> list[tuple[int, str]]:
        """(row number, the name as written) of every row whose ID cell is valid."""
        positions = self.header(rows[0])
        if self.problems:
            raise self.rejected(N_("参赛名单表头不符合模板"))
        checked = []
        for number, cells in self.data_rows(rows, positions):
            if self.national_id(number, NATIONAL_ID, cells[NATIONAL_ID]) is not None:
                checked.append((number, cells[NAME]))
        return checked

    def persons(self, rows: list[tuple[int, str]]) -> dict[int, int]:
        """The person of each row (by row number); unknown, misnamed or entered rows noted."""
        names = dict(rows)
        ids = {number: raw for number, raw in self.hashes.values()}
        found: dict[int, int] = {}
        known: set[int] = set()
        digests = list(self.hashes)
        for start in range(0, len(digests), ID_BATCH):
            batch = digests[start : start + ID_BATCH]
            for person_id, digest, name in self.session.execute(
                select(Person.id, Person.national_id_hash, Person.name).where(
                    Person.national_id_hash.in_(batch)
                )
            ):
                number = self.hashes[digest][0]
                known.add(number)
                if names.get(number) != name:
                    self.problem(number, NAME, names.get(number, ""), NAME_MISMATCH)
                else:
                    found[number] = person_id
        for number in sorted(set(names) - known):
            self.problem(number, NATIONAL_ID, ids[number], UNKNOWN_PERSON)
        entered = _entered(self.session, self.competition_id, list(found.values()))
        for number, person_id in found.items():
            if person_id in entered:
                self.problem(number, NATIONAL_ID, ids[number], ALREADY_ENTERED)
        return found


def import_participants(
    session: Session,
    actor: User,
    competition_id: int,
    filename: str,
    data: bytes,
    keys: IdentityKeys,
) -> list[CompetitionParticipant]:
    """Enter every row's person in an open competition: every row written, or none."""
    competition = open_competition(session, actor, competition_id)
    rows = read_table(filename, data)
    if not rows:
        raise file_problem(N_("文件中没有表头"))
    checker = _Checker(session, competition.id, keys)
    checked = checker.rows(rows)
    persons = checker.persons(checked)
    if checker.problems:
        raise checker.rejected(
            Np_(
                "参赛名单有 %(n)d 处问题，未导入任何参赛人员",
                "参赛名单有 %(n)d 处问题，未导入任何参赛人员",
                len(checker.problems),
            )
        )
    if not persons:
        raise file_problem(N_("文件中没有参赛人员数据"))
    participants = [
        CompetitionParticipant(
            competition_id=competition.id, person_id=person_id, added_by_id=actor.id
        )
        for _number, person_id in sorted(persons.items())
    ]
    _insert(session, participants)
    audit.record(
        session,
        actor,
        "competition.participants_imported",
        "competition",
        competition.id,
        {"participants": len(participants)},
    )
    return participants


def template_csv() -> bytes:
    """The participant template as CSV: the header (required columns starred) and one example."""
    return tables.template_csv(REQUIRED_COLUMNS, OPTIONAL_COLUMNS, TEMPLATE_EXAMPLE)


def template_xlsx() -> bytes:
    """The participant template as XLSX with a text-formatted ID column."""
    return tables.template_xlsx(
        REQUIRED_COLUMNS, OPTIONAL_COLUMNS, TEMPLATE_EXAMPLE, "参赛名单", (NATIONAL_ID,)
    )
