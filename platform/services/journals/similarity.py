"""Near-copies: a journal's text against the student's own earlier weeks and against the other
interns' journals of the same week at the same host (flagged for the reviewers, never blocked)."""

from __future__ import annotations

from rapidfuzz import fuzz, utils
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from skillbridge.models import Journal, JournalStatus, Placement, Slot

from .rules import SIMILARITY_THRESHOLD


def journal_text(journal: Journal) -> str:
    """The three fields as one text (a copy moved between fields is still a copy)."""
    return "\n".join((journal.work_done, journal.learned, journal.problems))


def _candidates(session: Session, journal: Journal, placement: Placement) -> list[Journal]:
    own_earlier = (
        select(Journal)
        .join(Placement, Placement.id == Journal.placement_id)
        .where(
            Placement.student_id == placement.student_id,
            Journal.id != journal.id,
            or_(
                Journal.iso_year < journal.iso_year,
                and_(Journal.iso_year == journal.iso_year, Journal.iso_week < journal.iso_week),
            ),
        )
    )
    enterprise_id = select(Slot.enterprise_id).where(Slot.id == placement.slot_id).scalar_subquery()
    peers_same_week = (
        select(Journal)
        .join(Placement, Placement.id == Journal.placement_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .where(
            Slot.enterprise_id == enterprise_id,
            Placement.student_id != placement.student_id,
            Journal.iso_year == journal.iso_year,
            Journal.iso_week == journal.iso_week,
        )
    )
    submitted = Journal.status != JournalStatus.DRAFT
    return [
        *session.scalars(own_earlier.where(submitted).order_by(Journal.id)),
        *session.scalars(peers_same_week.where(submitted).order_by(Journal.id)),
    ]


def flag_near_copy(session: Session, journal: Journal, placement: Placement) -> None:
    """Set (or clear) the journal's flag: the closest candidate scoring at or above the bar."""
    text = journal_text(journal)
    best: tuple[int, int] | None = None
    for other in _candidates(session, journal, placement):
        score = round(
            fuzz.token_set_ratio(text, journal_text(other), processor=utils.default_process)
        )
        if score >= SIMILARITY_THRESHOLD and (best is None or score > best[0]):
            best = (score, other.id)
    journal.similarity, journal.similar_journal_id = best if best else (None, None)
