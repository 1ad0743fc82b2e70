"""The daily digest: what is due for each active user, told once a day in the app and by mail."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
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
# Why a digest's mail is still owed when the run could not even try.
NO_SMTP = "not mailed: SKILLBRIDGE_SMTP_URL was not set"
NO_ADDRESS = "not mailed: the account has no e-mail address"

# Turns a user and their due items into the words of their letter (the web layer renders it).
Composer = Callable[[User, list[TodoItem]], Letter]
# Whether a user may open an endpoint: a digest names only steps whose page the user can reach
# (a teacher is not reminded of the school's signatures). The web layer knows the staff roles.
Reachable = Callable[[User, str], bool]


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
    is_new: bool  # told in the app by this run
    mail: bool  # this run mails it


@dataclass
class ReminderRun:
    """What one run did: digests told in the app, mails sent, mails that failed."""

    notified: int = 0
    mailed: int = 0
    failed: int = 0


def active_user_ids(session: Session) -> list[int]:
    """Every active account, in a stable order."""
    return list(session.scalars(select(User.id).where(User.is_active.is_(True)).order_by(User.id)))


def _due(session: Session, user: User, reachable: Reachable) -> list[TodoItem]:
    return [item for item in todo_items(session, user) if reachable(user, item.endpoint)]


def _claim_mail(session: Session, digest_id: int) -> bool:
    """Take over a digest whose mail has not gone (it failed, or could not be sent then).

    A conditional UPDATE: of concurrent runs exactly one sees its row change, so one mails.
    """
    result = cast(
        CursorResult[Any],
        session.execute(
            update(ReminderDigest)
            .where(
                ReminderDigest.id == digest_id,
                ReminderDigest.emailed_at.is_(None),
                ReminderDigest.mail_error.is_not(None),
            )
            .values(mail_error=None)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def open_digest(
    session: Session, user_id: int, day: date, reachable: Reachable, can_mail: bool
) -> Digest | None:
    """The user's digest for `day`: a new one (told in the app now), or today's unmailed one.

    None when nothing is due, or today's digest was told already and its mail has gone, is
    going, or cannot go (`can_mail`: this run has SMTP). The row is inserted first, so
    UNIQUE(user_id, day) turns a second or concurrent run into a no-op; its `mail_error` says
    why the mail is still owed, and a later run of the day claims it (`_claim_mail`). A run that
    dies between claiming and sending loses that mail: a digest is sent at most once.
    """
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    mailable = can_mail and bool(user.email)
    existing = session.scalar(
        select(ReminderDigest.id).where(
            ReminderDigest.user_id == user_id, ReminderDigest.day == day
        )
    )
    if existing is not None:
        if not mailable or not _claim_mail(session, existing):
            return None
        items = _due(session, user, reachable)
        return Digest(existing, user, items, is_new=False, mail=True) if items else None
    items = _due(session, user, reachable)
    if not items:
        return None
    owed = None if mailable else NO_SMTP if user.email else NO_ADDRESS
    row = ReminderDigest(
        user_id=user_id, day=day, item_count=sum(i.count for i in items), mail_error=owed
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another run told this user first
        return None
    notify(session, [user], DIGEST_KIND, DIGEST_TITLE, link=Link("home.dashboard"))
    return Digest(row.id, user, items, is_new=True, mail=mailable)


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
    database: Database,
    day: date,
    compose: Composer,
    mailer: Mailer | None,
    reachable: Reachable,
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
            digest = open_digest(session, user_id, day, reachable, can_mail=mailer is not None)
            if digest is None:
                continue
            run.notified += digest.is_new
            if mailer is None or not digest.mail or not digest.user.email:
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
