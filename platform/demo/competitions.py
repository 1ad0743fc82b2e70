"""A demo skill competition held by the demo enterprise: 60 participants, results, closed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    CompetitionParticipant,
    Employment,
    EmploymentStatus,
    School,
    Slot,
    Student,
    User,
)
from skillbridge.platform.demo.region import DEMO_LOGINS, REFERENCE_DATE
from skillbridge.platform.services.competitions import records, results

#: Above the Wujiang pack's 50 (002 三(三)), so the demo enterprise can claim its subsidy.
PARTICIPANTS = 60
STARTS_ON = date(REFERENCE_DATE.year, 6, 10)
ENDS_ON = date(REFERENCE_DATE.year, 6, 12)
PRIZES = ("first", "second", "third", "excellence", "excellence", "excellence")


def _login(session: Session, name: str) -> User:
    return session.scalars(select(User).where(User.email == DEMO_LOGINS[name])).one()


def seed_demo_competitions(session: Session) -> dict[str, int]:
    """The demo enterprise's single-occupation competition, entered by its employees and the
    region's students, with six prize winners, closed: its subsidy is claimable in its year."""
    enterprise = _login(session, "enterprise")
    assert enterprise.enterprise_id is not None
    occupation_id = session.scalars(
        select(Slot.occupation_id).where(Slot.enterprise_id == enterprise.enterprise_id)
    ).first()
    assert occupation_id is not None  # the demo enterprise posts slots
    competition = records.create_competition(
        session,
        enterprise,
        records.CompetitionInput(
            title="吴江职业技能联赛（演示）",
            occupation_id=occupation_id,
            level="enterprise",
            starts_on=STARTS_ON,
            ends_on=ENDS_ON,
            venue="演示企业实训车间",
        ),
    )
    employees = session.scalars(
        select(Employment.person_id)
        .where(Employment.enterprise_id == enterprise.enterprise_id)
        .where(Employment.status == EmploymentStatus.CONFIRMED)
        .order_by(Employment.person_id)
    ).all()
    students = session.scalars(
        select(Student.person_id)
        .join(School, School.id == Student.school_id)
        .where(School.region_id == competition.region_id)
        .order_by(Student.person_id)
        .limit(PARTICIPANTS)
    ).all()
    people = list(dict.fromkeys([*employees, *students]))[:PARTICIPANTS]
    # The rows themselves, as an import writes them: the demo holds no raw national IDs to type.
    entered = [
        CompetitionParticipant(
            competition_id=competition.id, person_id=person_id, added_by_id=enterprise.id
        )
        for person_id in people
    ]
    session.add_all(entered)
    session.flush()
    results.record_results(
        session,
        enterprise,
        competition.id,
        {
            p.id: results.Result(rank, prize)
            for rank, (p, prize) in enumerate(zip(entered, PRIZES, strict=False), start=1)
        },
        REFERENCE_DATE,
    )
    records.close_competition(session, enterprise, competition.id, REFERENCE_DATE)
    return {"competitions": 1, "competition participants": len(entered)}
