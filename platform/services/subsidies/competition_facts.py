"""Facts of a competition for the eligibility engine, read from its record (002 三(三))."""

from __future__ import annotations

from sqlalchemy.orm import Session

from skillbridge.models import Competition, Occupation
from skillbridge.platform import policy as engine
from skillbridge.platform.services.competitions.records import participant_count


def competition_key(competition_id: int) -> str:
    """The competition's id as once-only keys and explanations name it."""
    return f"competition-{competition_id}"


def competition_facts(session: Session, competition: Competition) -> engine.CompetitionFacts:
    """The record's occupation, dates and participant count (rows, never a declared number)."""
    occupation = session.get_one(Occupation, competition.occupation_id)
    return engine.CompetitionFacts(
        competition_key(competition.id),
        occupation.code,
        competition.starts_on,
        competition.ends_on,
        participant_count(session, competition.id),
    )
