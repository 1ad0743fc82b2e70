"""Weekly journals as an organisation's systems read them: states for every party, text for the host."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import Journal, JournalStatus, Placement, Slot, User
from skillbridge.platform.services.paging import AnyRow, Page, paginate
from skillbridge.platform.services.placements.records import placements_statement
from skillbridge.platform.services.policies import can_read_journal_text

from .entries import JournalText


@dataclass(frozen=True)
class JournalRow:
    """A submitted journal, with its student and, for the host only, its text."""

    journal: Journal
    student_id: int
    text: JournalText | None

    @property
    def week(self) -> str:
        """The ISO week as ISO 8601 writes it: 2026-W10."""
        return f"{self.journal.iso_year}-W{self.journal.iso_week:02d}"


def list_journals(
    session: Session, actor: User, page: int = 1, placement_id: int | None = None
) -> Page[JournalRow]:
    """The submitted journals of the placements the actor may see, newest week first.

    A student's draft is its own until it submits it, so no list holds one.
    """
    visible = placements_statement(actor, signatures=False).with_only_columns(Placement.id)
    statement = (
        select(Journal, Placement.student_id, Slot.enterprise_id)
        .join(Placement, Placement.id == Journal.placement_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .where(Journal.placement_id.in_(visible), Journal.status != JournalStatus.DRAFT)
        .order_by(Journal.iso_year.desc(), Journal.iso_week.desc(), Journal.id.desc())
    )
    if placement_id is not None:
        statement = statement.where(Journal.placement_id == placement_id)

    def row(found: AnyRow) -> JournalRow:
        journal, student_id, enterprise_id = found
        shown = can_read_journal_text(actor, enterprise_id)
        text = JournalText(journal.work_done, journal.learned, journal.problems) if shown else None
        return JournalRow(journal, student_id, text)

    return paginate(session, statement, page, row)
