"""Writing and reviewing a week's journal: the student saves and submits, the mentor confirms or
returns it with a comment; every step is kept in the journal's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import ExecutableReturnsRows

from skillbridge.models import (
    AWAITING_REVIEW,
    EDITABLE,
    JOURNAL_COMMENT_MAX,
    JOURNAL_FIELD_MAX,
    Journal,
    JournalAction,
    JournalEvent,
    JournalStatus,
    PlacementStatus,
    User,
    utcnow,
)
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.notifications import Link
from skillbridge.platform.services.placements import ledger
from skillbridge.platform.services.placements.records import PlacementContext, load_placement
from skillbridge.platform.services.policies import (
    can_review_journal,
    can_view_placement,
    can_write_journal,
)
from skillbridge.platform.services.upserts import bound_values, insert_select_unless_present
from skillbridge.platform.text import N_

from .rules import Week, placement_weeks, week_paused
from .similarity import flag_near_copy

JOURNAL_SUBMITTED = "journal.submitted"
JOURNAL_RETURNED = "journal.returned"
JOURNAL_CONFIRMED = "journal.confirmed"
#: session.info key: the week `writable_week` settled in the open transaction, and for whom.
_WRITABLE = "journals.writable"

STATUS_LABELS = {
    JournalStatus.DRAFT: N_("草稿"),
    JournalStatus.SUBMITTED: N_("待审阅"),
    JournalStatus.RETURNED: N_("被退回"),
    JournalStatus.RESUBMITTED: N_("重新提交，待审阅"),
    JournalStatus.CONFIRMED: N_("已确认"),
}
ACTION_LABELS = {
    JournalAction.SUBMITTED: N_("提交"),
    JournalAction.RETURNED: N_("退回"),
    JournalAction.RESUBMITTED: N_("重新提交"),
    JournalAction.CONFIRMED: N_("确认"),
}

# What each field is called in an error, and the messages for a field left empty or too long.
REQUIRED = {
    "work_done": N_("请填写“本周工作内容”"),
    "learned": N_("请填写“学习收获”"),
    "problems": N_("请填写“遇到的问题”（没有问题请写“无”）"),
}
TOO_LONG = {
    "work_done": N_("“本周工作内容”超过字数上限"),
    "learned": N_("“学习收获”超过字数上限"),
    "problems": N_("“遇到的问题”超过字数上限"),
}


@dataclass(frozen=True)
class JournalText:
    """The three structured parts of a week's entry."""

    work_done: str
    learned: str
    problems: str

    def normalised(self) -> JournalText:
        return JournalText(self.work_done.strip(), self.learned.strip(), self.problems.strip())


def check_text(text: JournalText, *, complete: bool) -> JournalText:
    """The stripped text; InvalidInput naming every field too long, or empty when `complete`."""
    text = text.normalised()
    problems = []
    for name in REQUIRED:
        value = getattr(text, name)
        if len(value) > JOURNAL_FIELD_MAX:
            problems.append(TOO_LONG[name])
        elif complete and not value:
            problems.append(REQUIRED[name])
    if problems:
        raise InvalidInput(N_("周志填写不完整，未提交"), details=problems)
    return text


@dataclass(frozen=True)
class JournalContext:
    """A journal with its placement and the placement's parties."""

    journal: Journal
    placement: PlacementContext

    @property
    def week(self) -> Week:
        return Week(self.journal.iso_year, self.journal.iso_week)


def journal_link(journal_id: int) -> Link:
    return Link("journals.detail", {"journal_id": journal_id})


def load_journal(session: Session, actor: User, journal_id: int) -> JournalContext:
    """The journal, for those who may see its placement (404 for everyone else)."""
    journal = session.get(Journal, journal_id)
    if journal is None:
        raise NotFound(N_("周志不存在"))
    try:
        context = load_placement(session, actor, journal.placement_id)
    except PermissionDenied:
        raise NotFound(N_("周志不存在")) from None
    return JournalContext(journal, context)


def writable_week(
    session: Session, actor: User, placement_id: int, iso_year: int, iso_week: int, today: date
) -> tuple[PlacementContext, Week]:
    """The placement and week the actor may write: its own active placement, a week inside the
    placement's period and not after the current week.

    Settled once per transaction: the view asks before it reads the form (404 and 403 before
    400) and `save_journal` asks again, on the same identity-mapped rows.
    """
    asked = (session.get_transaction(), actor.id, placement_id, iso_year, iso_week, today)
    kept = session.info.get(_WRITABLE)
    if kept is not None and kept[0] == asked:
        return kept[1]
    found = _writable_week(session, actor, placement_id, iso_year, iso_week, today)
    session.info[_WRITABLE] = (asked, found)
    return found


def _writable_week(
    session: Session, actor: User, placement_id: int, iso_year: int, iso_week: int, today: date
) -> tuple[PlacementContext, Week]:
    context = load_placement(session, actor, placement_id)
    if not can_write_journal(actor, context.placement):
        raise PermissionDenied(N_("只有实习学生本人可以填写周志"))
    if context.placement.status != PlacementStatus.ACTIVE:
        raise Conflict(N_("只有进行中的实习可以填写周志"))
    week = Week.parse(iso_year, iso_week)
    placement = context.placement
    if week is None or week not in placement_weeks(placement.start_date, placement.end_date, today):
        raise NotFound(N_("该周不在实习期内，或尚未到来"))
    return context, week


def journal_of_week(
    session: Session, placement_id: int, week: Week, *, for_update: bool = False
) -> Journal | None:
    statement = select(Journal).where(
        Journal.placement_id == placement_id,
        Journal.iso_year == week.iso_year,
        Journal.iso_week == week.iso_week,
    )
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return session.scalars(statement).one_or_none()


_ADD_EVENT = insert(cast(Table, JournalEvent.__table__))
_NEW_WEEK_COLUMNS = ("placement_id", "iso_year", "iso_week", "status")


@cache
def _new_week_insert(dialect: str) -> ExecutableReturnsRows:
    """A week's new draft row unless it exists, built once per dialect (every submission)."""
    values = bound_values(dialect, Journal, _NEW_WEEK_COLUMNS)
    return insert_select_unless_present(
        dialect,
        Journal,
        ["placement_id", "iso_year", "iso_week"],
        _NEW_WEEK_COLUMNS,
        select(*values),
    )


def _journal_for_writing(session: Session, placement_id: int, week: Week) -> Journal:
    """The week's journal, locked; created as a draft if there is none.

    The INSERT comes first: a week is most often submitted without a draft, and then this is
    its one statement. UNIQUE per week: when the row exists (or a concurrent request is creating
    it, which this INSERT waits for) it inserts nothing, and the row is read under the lock.
    """
    journal = session.scalars(
        _new_week_insert(session.get_bind().dialect.name),
        {
            "placement_id": placement_id,
            "iso_year": week.iso_year,
            "iso_week": week.iso_week,
            "status": JournalStatus.DRAFT,
        },
    ).one_or_none()
    if journal is None:
        journal = journal_of_week(session, placement_id, week, for_update=True)
        if journal is None:
            raise Conflict(N_("操作与当前数据冲突，请刷新后重试"))
    return journal


def save_journal(
    session: Session,
    actor: User,
    placement_id: int,
    iso_year: int,
    iso_week: int,
    text: JournalText,
    today: date,
    *,
    submit: bool,
) -> Journal:
    """Save the week's draft, or submit it for the mentor's review (again, after a return)."""
    context, week = writable_week(session, actor, placement_id, iso_year, iso_week, today)
    text = check_text(text, complete=submit)
    journal = _journal_for_writing(session, placement_id, week)
    if journal.status not in EDITABLE:
        raise Conflict(N_("该周周志已提交，审阅完成前不能修改"))
    # The row is written once, with everything, at the flush below (not once per step).
    with session.no_autoflush:
        journal.work_done, journal.learned, journal.problems = (
            text.work_done,
            text.learned,
            text.problems,
        )
        if submit:
            placement = context.placement
            pauses = ledger.placement_pauses(session, placement.id)
            if week_paused(pauses, week, placement.start_date, placement.end_date):
                raise Conflict(N_("该周实习全部处于暂停期，无需提交周志"))
            _submit(session, actor, context, journal, week, today)
    session.flush()
    audit.record(
        session,
        actor,
        "journal.submitted" if submit else "journal.saved",
        "journal",
        journal.id,
        {"week": f"{week.iso_year}-W{week.iso_week:02d}", "status": journal.status.value},
    )
    return journal


def _submit(
    session: Session,
    actor: User,
    context: PlacementContext,
    journal: Journal,
    week: Week,
    today: date,
) -> None:
    again = journal.status == JournalStatus.RETURNED
    now = utcnow()
    journal.status = JournalStatus.RESUBMITTED if again else JournalStatus.SUBMITTED
    if journal.first_submitted_at is None:  # lateness is settled by the first submission
        journal.first_submitted_at = now
        journal.late = week.is_late(today)
    journal.submitted_at = now
    flag_near_copy(session, journal, context.placement)
    action = JournalAction.RESUBMITTED if again else JournalAction.SUBMITTED
    # A Core INSERT: nothing reads the event back here, and the flush below is then left with
    # the journal's own row and the notification.
    session.execute(
        _ADD_EVENT,
        {"journal_id": journal.id, "actor_id": actor.id, "action": action, "at": now},
    )
    mentor = context.placement.mentor_user_id
    if mentor is not None:
        notifications.notify(
            session,
            [mentor],
            JOURNAL_SUBMITTED,
            N_("有新的周志待审阅"),
            f"{context.student.name} {week.iso_year} 年第 {week.iso_week} 周",
            journal_link(journal.id),
        )


def reviewable_journal(session: Session, actor: User, journal_id: int) -> JournalContext:
    """The journal, if the actor is its mentor (404 before 403); decided before any form is read."""
    context = load_journal(session, actor, journal_id)
    if not can_review_journal(actor, context.placement.placement):
        raise PermissionDenied(N_("只有指派的企业导师可以审阅周志"))
    return context


def _decide(
    session: Session, actor: User, journal_id: int, action: JournalAction, comment: str
) -> Journal:
    context = reviewable_journal(session, actor, journal_id)
    journal = session.get_one(Journal, journal_id, with_for_update=True, populate_existing=True)
    if journal.status not in AWAITING_REVIEW:
        raise Conflict(N_("该周志不在待审阅状态"))
    now = utcnow()
    if action == JournalAction.CONFIRMED:
        journal.status = JournalStatus.CONFIRMED
        journal.confirmed_at, journal.confirmed_by_id = now, actor.id
        title = N_("周志已确认")
    else:
        journal.status = JournalStatus.RETURNED
        title = N_("周志被退回，请修改后重新提交")
    session.add(
        JournalEvent(journal_id=journal.id, actor_id=actor.id, action=action, comment=comment)
    )
    week = context.week
    notifications.notify(
        session,
        notifications.student_users(session, context.placement.student.id),
        JOURNAL_CONFIRMED if action == JournalAction.CONFIRMED else JOURNAL_RETURNED,
        title,
        f"{week.iso_year} 年第 {week.iso_week} 周" + (f"：{comment}" if comment else ""),
        journal_link(journal.id),
    )
    session.flush()
    audit.record(session, actor, f"journal.{action.value}", "journal", journal.id)
    return journal


def confirm_journal(session: Session, actor: User, journal_id: int) -> Journal:
    """The mentor confirms a submitted journal."""
    return _decide(session, actor, journal_id, JournalAction.CONFIRMED, "")


def return_journal(session: Session, actor: User, journal_id: int, comment: str) -> Journal:
    """The mentor returns a submitted journal with a comment saying what to change."""
    comment = comment.strip()
    if not comment:
        raise InvalidInput(N_("退回周志须写明意见"), details=[N_("请填写“退回意见”")])
    if len(comment) > JOURNAL_COMMENT_MAX:
        raise InvalidInput(N_("退回意见超过字数上限"))
    return _decide(session, actor, journal_id, JournalAction.RETURNED, comment)


@dataclass(frozen=True)
class HistoryEntry:
    event: JournalEvent
    actor_name: str


def journal_history(session: Session, context: JournalContext) -> list[HistoryEntry]:
    """The journal's steps, oldest first, with who took each."""
    rows = session.execute(
        select(JournalEvent, User.display_name)
        .join(User, User.id == JournalEvent.actor_id)
        .where(JournalEvent.journal_id == context.journal.id)
        .order_by(JournalEvent.id)
    )
    return [HistoryEntry(event, name) for event, name in rows]


def similar_journal(
    session: Session, actor: User, context: JournalContext
) -> JournalContext | None:
    """The journal the flag points to, if the actor may see it (else the flag stands alone)."""
    other_id = context.journal.similar_journal_id
    if other_id is None:
        return None
    try:
        return load_journal(session, actor, other_id)
    except NotFound:
        return None


def sees_flags(actor: User, context: JournalContext) -> bool:
    """The near-copy flag is for the reviewers (the mentor and the teacher) and the school."""
    placement = context.placement
    return can_view_placement(
        actor, placement.student, placement.slot, placement.region_ids, placement.placement
    ) and not can_write_journal(actor, placement.placement)
