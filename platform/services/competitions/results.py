"""Results of a competition (rank and prize per participant), and a person's results over time.

Results are recorded while the competition is open and once it has started; closing it
(records.close_competition) makes them final. A person's results are read by their own page and
their employer's, and by later features (awards, promotions: 004 (九), 003 二(二)).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Competition,
    CompetitionParticipant,
    CompetitionStatus,
    Occupation,
    Person,
    User,
)
from skillbridge.platform.policy.competitions import competition_prizes
from skillbridge.platform.services import audit
from skillbridge.platform.services.competitions.records import (
    open_competition,
    participant_count,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.text import N_


@dataclass(frozen=True)
class Result:
    """One participant's result as entered: a place (1 = first) and/or a prize code."""

    rank: int | None = None
    prize: str | None = None


def record_results(
    session: Session,
    actor: User,
    competition_id: int,
    results: Mapping[int, Result],
    today: date,
) -> list[CompetitionParticipant]:
    """Set the results of the participants named in `results` (by participant id).

    Every entry is checked first; any problem (a participant not of this competition, a place
    outside 1..participants, an unknown prize) refuses them all, each named with its field.
    """
    competition = open_competition(session, actor, competition_id)
    if competition.starts_on > today:
        raise Conflict(N_("竞赛尚未开始，不能录入成绩"))
    if not results:
        raise InvalidInput(N_("请至少录入一名参赛人员的成绩"))
    rows = {
        p.id: (p, name)
        for p, name in session.execute(
            select(CompetitionParticipant, Person.name)
            .join(Person, Person.id == CompetitionParticipant.person_id)
            .where(CompetitionParticipant.competition_id == competition.id)
            .where(CompetitionParticipant.id.in_(list(results)))
        )
    }
    count = participant_count(session, competition.id)
    prizes = competition_prizes()
    problems = []
    for participant_id, result in results.items():
        if participant_id not in rows:
            problems.append(N_("参赛人员 #%(id)d：不在本竞赛的参赛名单中", id=participant_id))
            continue
        name = rows[participant_id][1]
        if result.rank is not None and not 1 <= result.rank <= count:
            problems.append(N_("%(name)s：名次应在 1 至 %(count)d 之间", name=name, count=count))
        if result.prize is not None and result.prize not in prizes:
            problems.append(N_("%(name)s：奖项应从竞赛奖项中选择", name=name))
    if problems:
        raise InvalidInput(N_("成绩有误，未保存任何成绩"), details=problems)
    changed = []
    for participant_id, result in results.items():
        participant = rows[participant_id][0]
        if (participant.rank, participant.prize) != (result.rank, result.prize):
            participant.rank, participant.prize = result.rank, result.prize
            changed.append(participant)
    session.flush()
    audit.record(
        session,
        actor,
        "competition.results_recorded",
        "competition",
        competition.id,
        {
            "results": {
                str(p.id): {"person_id": p.person_id, "rank": p.rank, "prize": p.prize}
                for p in changed
            }
        },
    )
    return changed


@dataclass(frozen=True)
class PersonResult:
    """One competition a person took part in, with the result and the competition's facts."""

    participant: CompetitionParticipant
    competition: Competition
    occupation_name: str


def results_of_person(session: Session, person_id: int, page: int = 1) -> Page[PersonResult]:
    """A page of the closed competitions the person took part in, latest first, with results.

    Only a closed competition's results are final (a participant without a place or prize
    took part); the caller has checked that the actor may
    see the person (the person themself, or their employer's staff).
    """
    statement = (
        select(CompetitionParticipant, Competition, Occupation.name)
        .join(Competition, Competition.id == CompetitionParticipant.competition_id)
        .join(Occupation, Occupation.id == Competition.occupation_id)
        .where(CompetitionParticipant.person_id == person_id)
        .where(Competition.status == CompetitionStatus.CLOSED)
        .order_by(Competition.ends_on.desc(), Competition.id.desc())
    )
    return paginate(session, statement, page, lambda row: PersonResult(row[0], row[1], row[2]))
