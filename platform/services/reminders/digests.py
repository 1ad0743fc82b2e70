"""The daily digest: what is due for each active user, told once a day in the app and by mail."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import ReminderDigest, User, utcnow
from skillbridge.platform.database import Database
from skillbridge.platform.services.notifications import Link, notify
from skillbridge.platform.services.reporting.todo import TodoItem, todo_items
from skillbridge.platform.text import N_

from .mail import Letter, SmtpSettings, build_message, send_message

log = logging.getLogger(__name__)

DIGEST_KIND = "reminder.digest"
DIGEST_TITLE = N_("今日待办提醒")
# What a failed delivery keeps of the server's answer (the column's width).
MAIL_ERROR_LENGTH = 300

# Turns a user and their due items into the words of their letter (the web layer renders it).
Composer = Callable[[User, list[TodoItem]], Letter]


@dataclass(frozen=True)
class Mailer:
    """Where mail goes and who it comes from; absent when SMTP is not configured."""

    smtp: SmtpSettings
    sender: str


@dataclass(frozen=True)
class Digest:
    """One user's digest of one day, with the items it tells of."""

    digest_id: int
    user: User
    items: list[TodoItem]
    is_new: bool


@dataclass
class ReminderRun:
    """What one run did: digests told in the app, mails sent, mails that failed."""

    notified: int = 0
    mailed: int = 0
    failed: int = 0


def active_user_ids(session: Session) -> list[int]:
    """Every active account, in a stable order."""
    return list(session.scalars(select(User.id).where(User.is_active.is_(True)).order_by(User.id)))


def open_digest(session: Session, user_id: int, day: date) -> Digest | None:
    """The user's digest for `day`: a new one (told in the app now), or today's still unmailed.

    None when nothing is due, or when today's digest was already told and mailed. The row is
    inserted first: UNIQUE(user_id, day) turns a second or concurrent run into a no-op.
    """
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    existing = session.scalar(
        select(ReminderDigest).where(ReminderDigest.user_id == user_id, ReminderDigest.day == day)
    )
    if existing is not None:
        if existing.emailed_at is not None:
            return None
        items = todo_items(session, user)
        return Digest(existing.id, user, items, is_new=False) if items else None
    items = todo_items(session, user)
    if not items:
        return None
    row = ReminderDigest(user_id=user_id, day=day, item_count=sum(i.count for i in items))
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another run told this user first
        return None
    notify(session, [user], DIGEST_KIND, DIGEST_TITLE, link=Link("home.dashboard"))
    return Digest(row.id, user, items, is_new=True)


def record_delivery(session: Session, digest_id: int, error: str | None) -> None:
    """Mark the digest mailed, or keep why the mail failed (the next run of the day retries)."""
    row = session.get(ReminderDigest, digest_id)
    if row is None:
        return
    if error is None:
        row.emailed_at, row.mail_error = utcnow(), None
    else:
        row.mail_error = error[:MAIL_ERROR_LENGTH]
    session.flush()


def send_daily_reminders(
    database: Database, day: date, compose: Composer, mailer: Mailer | None
) -> ReminderRun:
    """Tell every active user with something due what it is, once for `day`.

    One transaction per user, so one user's failure leaves the others' digests; the mail goes
    after the in-app digest is committed, and a server that fails is counted and logged, not
    raised, so the remaining users still get theirs.
    """
    run = ReminderRun()
    with database.sessions() as session:
        user_ids = active_user_ids(session)
    for user_id in user_ids:
        with database.session_scope() as session:
            digest = open_digest(session, user_id, day)
            if digest is None:
                continue
            run.notified += digest.is_new
            if mailer is None or not digest.user.email:
                continue
            message = build_message(
                mailer.sender, digest.user.email, compose(digest.user, digest.items)
            )
        try:
            send_message(mailer.smtp, message)
        except (smtplib.SMTPException, OSError) as error:
            run.failed += 1
            log.warning("reminder mail to user %s failed: %s", user_id, error)
            reason: str | None = f"{type(error).__name__}: {error}"
        else:
            run.mailed += 1
            reason = None
        with database.session_scope() as session:
            record_delivery(session, digest.digest_id, reason)
    return run
