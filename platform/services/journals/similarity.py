"""Near-copies: a journal's text against the student's own earlier weeks and against the other
interns' journals of the same week at the same host (flagged for the reviewers, never blocked)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from rapidfuzz import fuzz, process, utils
from sqlalchemy import Integer, Select, and_, bindparam, literal, or_, select
from sqlalchemy.orm import Session

from skillbridge.models import Journal, JournalStatus, Placement, Slot

from .rules import SIMILARITY_THRESHOLD

#: Scores are compared rounded to whole points: anything that rounds to the bar counts.
_CUTOFF = SIMILARITY_THRESHOLD - 0.5


def journal_text(journal: Journal) -> str:
    """The three fields as one text (a copy moved between fields is still a copy)."""
    return _joined(journal.work_done, journal.learned, journal.problems)


def _joined(work_done: str, learned: str, problems: str) -> str:
    return "\n".join((work_done, learned, problems))


@cache
def _candidates_statement() -> Select[int, str, str, str]:
    """The candidates of `_candidates`, built once with bound parameters (every submission asks,
    and building the union cost more Python than running it)."""
    columns = (Journal.id, Journal.work_done, Journal.learned, Journal.problems)
    submitted = Journal.status != JournalStatus.DRAFT
    student_id, journal_id = (
        bindparam("student_id", type_=Integer),
        bindparam("journal_id", type_=Integer),
    )
    iso_year, iso_week = bindparam("iso_year", type_=Integer), bindparam("iso_week", type_=Integer)
    own_earlier = (
        select(literal(0).label("part"), *columns)
        .join(Placement, Placement.id == Journal.placement_id)
        .where(
            submitted,
            Placement.student_id == student_id,
            Journal.id != journal_id,
            or_(
                Journal.iso_year < iso_year,
                and_(Journal.iso_year == iso_year, Journal.iso_week < iso_week),
            ),
        )
    )
    enterprise_id = (
        select(Slot.enterprise_id).where(Slot.id == bindparam("slot_id")).scalar_subquery()
    )
    peers_same_week = (
        select(literal(1).label("part"), *columns)
        .join(Placement, Placement.id == Journal.placement_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .where(
            submitted,
            Slot.enterprise_id == enterprise_id,
            Placement.student_id != student_id,
            Journal.iso_year == iso_year,
            Journal.iso_week == iso_week,
        )
    )
    both = own_earlier.union_all(peers_same_week).subquery()
    return select(both.c.id, both.c.work_done, both.c.learned, both.c.problems).order_by(
        both.c.part, both.c.id
    )


def _candidates(
    session: Session, journal: Journal, placement: Placement
) -> Sequence[tuple[int, str, str, str]]:
    """The ids and texts to compare with, in one statement: the student's own earlier weeks,
    then the peers' journals of the week at the host, each by id (the columns only: a host's
    week may hold hundreds, and whole rows cost more to load than the comparison)."""
    rows = session.execute(
        _candidates_statement(),
        {
            "student_id": placement.student_id,
            "journal_id": journal.id,
            "iso_year": journal.iso_year,
            "iso_week": journal.iso_week,
            "slot_id": placement.slot_id,
        },
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def flag_near_copy(session: Session, journal: Journal, placement: Placement) -> None:
    """Set (or clear) the journal's flag: the closest candidate scoring at or above the bar
    (the first in the candidates' order among equals)."""
    candidates = _candidates(session, journal, placement)
    # rapidfuzz scores them all in one call and keeps only those near the bar.
    near = process.extract(
        journal_text(journal),
        [_joined(work, learned, problems) for _id, work, learned, problems in candidates],
        scorer=fuzz.token_set_ratio,
        processor=utils.default_process,
        score_cutoff=_CUTOFF,
        limit=None,
    )
    best: tuple[int, int] | None = None
    for _text, raw, index in sorted(near, key=lambda found: found[2]):
        score = round(raw)
        if score >= SIMILARITY_THRESHOLD and (best is None or score > best[0]):
            best = (score, candidates[index][0])
    journal.similarity, journal.similar_journal_id = best if best else (None, None)
