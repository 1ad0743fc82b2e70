"""The commands of the `skillbridge` script: thin click wrappers over services (db, demo, audit)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app, render_template
from flask.cli import with_appcontext

from skillbridge.models import RegionLevel, StaffRole, User

from .auth import may_reach
from .db import get_database
from .document_store import get_document_store
from .keys import id_keys
from .migrate import check_migrations, upgrade_database

if TYPE_CHECKING:
    from skillbridge.platform.services.reminders.digests import Mailer
    from skillbridge.platform.services.reminders.mail import Letter
    from skillbridge.platform.services.reporting.todo import TodoItem

CHECKPOINT_PREFIX = "checkpoint-"
log = logging.getLogger(__name__)


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every migration (alembic upgrade head)."""
    upgrade_database(current_app.config["DATABASE_URL"])
    click.echo("database is at the latest migration")


@db_group.command("check")
@with_appcontext
def db_check() -> None:
    """Fail when the models differ from the migrations (alembic check)."""
    check_migrations(current_app.config["DATABASE_URL"])
    click.echo("models and migrations agree")


@click.command("seed-demo")
@click.option("--seed", default=2026, show_default=True, help="Random seed; same seed, same data.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has data.")
@click.option(
    "--history/--no-history",
    default=True,
    show_default=True,
    help="Also play the first season: a published match run, answered offers, started placements.",
)
@with_appcontext
def seed_demo(seed: int, if_empty: bool, history: bool) -> None:
    """Fill the database with a realistic demo region and print the demo logins."""
    from skillbridge.platform.demo.region import DEMO_PASSWORD, database_is_empty, seed_demo_region
    from skillbridge.platform.services.errors import DomainError

    database = get_database()
    try:
        with database.session_scope() as session:
            if if_empty and not database_is_empty(session):
                click.echo("demo data already present; logins below")
                logins = None
            else:
                logins = seed_demo_region(session, seed=seed, keys=id_keys())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if logins is not None and history:
        from skillbridge.platform.demo.history import seed_demo_history

        season = seed_demo_history(database, seed)
        click.echo("First season: " + ", ".join(f"{n} {what}" for what, n in season.items()))
    if logins is not None:
        database.refresh_statistics()
    if logins is None:
        from skillbridge.platform.demo.region import DEMO_LOGINS

        logins = DEMO_LOGINS
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    # Two lines: the organisations' admins and the student, then the staff with a narrow job.
    names = list(logins)
    for line in (names[:4], names[4:]):
        click.echo("  " + "  ".join(f"{name}: {logins[name]}" for name in line))


@click.command("create-region")
@click.option("--code", required=True, help="Short code, e.g. wujiang.")
@click.option("--name", required=True, help="The region's name, e.g. 苏州市吴江区.")
@click.option(
    "--pack",
    default=None,
    help="Policy pack: zhongkai, zhanjiang, wujiang, dalian, inner_mongolia (none: an upper level).",
)
@click.option(
    "--level",
    type=click.Choice([level.value for level in RegionLevel]),
    default=RegionLevel.CITY.value,
    show_default=True,
)
@click.option("--parent", "parent_code", default=None, help="The code of the region above it.")
@with_appcontext
def create_region(
    code: str, name: str, pack: str | None, level: str, parent_code: str | None
) -> None:
    """Create a region governed by a policy pack (or an upper level without one), and install
    its subsidy policies and budgets."""
    from skillbridge.platform.services.errors import DomainError
    from skillbridge.platform.services.regions.hierarchy import NewRegion, region_by_code
    from skillbridge.platform.services.regions.hierarchy import create_region as create

    try:
        with get_database().session_scope() as session:
            parent = region_by_code(session, parent_code) if parent_code else None
            create(session, NewRegion(code, name, pack, RegionLevel(level), parent))
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"region {code} created")


@click.command("create-bureau-user")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--region", "region_code", required=True, help="Region code, e.g. wujiang.")
@click.option(
    "--staff-role",
    type=click.Choice(["officer", "reviewer", "finance"]),
    default="officer",
    show_default=True,
    help="officer: verifies, files, runs and invites; reviewer: approves; finance: pays.",
)
@click.password_option()
@with_appcontext
def create_bureau_user(
    email: str, display_name: str, region_code: str, staff_role: str, password: str
) -> None:
    """Create a bureau (人社局) account; bureau users cannot self-register."""
    from skillbridge.platform.services.accounts.registration import create_bureau_user as create
    from skillbridge.platform.services.errors import DomainError

    try:
        with get_database().session_scope() as session:
            create(session, email, password, display_name, region_code, StaffRole(staff_role))
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"bureau user {email} created")


@click.group("audit")
def audit_group() -> None:
    """Audit log commands."""


def _checkpoint_key(key_file: str) -> bytes:
    """The bureau's checkpoint key: a file it keeps outside the application database."""
    key = Path(key_file).read_bytes().strip()
    if len(key) < 32:
        raise click.ClickException("the checkpoint key must be at least 32 bytes")
    return key


def _configured_key_file(key_file: str | None) -> str | None:
    return key_file or current_app.config.get("CHECKPOINT_KEY_FILE")


def newest_checkpoint(directory: Path) -> Path | None:
    """The checkpoint with the highest sequence number (file names sort by it, then by time)."""
    files = sorted(directory.glob(f"{CHECKPOINT_PREFIX}*.json"))
    return files[-1] if files else None


@audit_group.command("verify")
@click.option("--checkpoint", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False), default=None)
@with_appcontext
def audit_verify(checkpoint: str | None, key_file: str | None) -> None:
    """Verify the whole hash chain and a signed checkpoint (by default the newest one in
    CHECKPOINT_DIR); exit 1 naming the first bad entry."""
    from skillbridge.platform.services.audit import verify_chain
    from skillbridge.platform.services.errors import DomainError
    from skillbridge.platform.services.oversight.checkpoints import (
        load_checkpoint,
        verify_with_checkpoint,
    )

    directory = current_app.config.get("CHECKPOINT_DIR")
    if checkpoint is None and directory:
        found = newest_checkpoint(Path(directory))
        if found is None:
            click.echo(f"no checkpoint in {directory} yet: the chain alone is verified", err=True)
        checkpoint = str(found) if found else None
    key_file = _configured_key_file(key_file)
    if checkpoint and not key_file:
        raise click.UsageError("--checkpoint needs --key-file (or SKILLBRIDGE_CHECKPOINT_KEY_FILE)")
    _chain_waiting_entries()
    with get_database().session_scope() as session:
        if checkpoint and key_file:
            try:
                signed = load_checkpoint(Path(checkpoint).read_text(), _checkpoint_key(key_file))
            except DomainError as error:
                click.echo(f"checkpoint refused: {error.message}", err=True)
                sys.exit(1)
            result = verify_with_checkpoint(session, signed)
        else:
            result = verify_chain(session)
    if not result.ok:
        click.echo(
            f"audit chain BROKEN at entry #{result.first_bad_seq}: {result.reason}", err=True
        )
        sys.exit(1)
    against = f" against checkpoint {checkpoint}" if checkpoint else ""
    click.echo(
        f"audit chain OK{against}: {result.checked} entries, "
        f"head #{result.last_seq} {result.last_hash}"
    )


@audit_group.command("checkpoint")
@click.option("--key-file", type=click.Path(exists=True, dir_okay=False), required=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
@with_appcontext
def audit_checkpoint(key_file: str, out: str) -> None:
    """Write a signed checkpoint of the chain's head (keep it, and the key, off this server)."""
    from skillbridge.platform.services.errors import DomainError
    from skillbridge.platform.services.oversight.checkpoints import make_checkpoint

    _chain_waiting_entries()
    try:
        with get_database().session_scope() as session:
            document = make_checkpoint(session, _checkpoint_key(key_file))
    except DomainError as error:
        raise click.ClickException(error.message) from error
    Path(out).write_text(json.dumps(document, indent=2))
    click.echo(f"checkpoint #{document['seq']} written to {out}")


@click.command("daily")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The date to act as of (default: today).",
)
@with_appcontext
def daily(today: datetime | None) -> None:
    """Nightly housekeeping for cron: expire offers and agreements, raise due subsidy claims
    (months reached, an award's later years), run the compliance checks, escalate overdue
    journals, then send each user the digest of what is due (once a day; a second run on the
    same day tells nobody twice)."""
    from skillbridge.platform.services.cooperation.agreements import expire_agreements
    from skillbridge.platform.services.journals.escalation import escalate_overdue_journals
    from skillbridge.platform.services.placements.offers import expire_offers
    from skillbridge.platform.services.subsidies.awards import raise_later_years
    from skillbridge.platform.services.subsidies.sweep import (
        raise_employment_claims,
        raise_placement_claims,
    )

    as_of = today.date() if today else date.today()
    mailer = _reminder_mailer()  # a wrong SMTP URL stops the run before anything is done
    with get_database().session_scope() as session:
        offers = expire_offers(session, as_of)
        agreements = expire_agreements(session, as_of)
    with get_database().session_scope() as session:
        claims = raise_placement_claims(session, as_of)
        claims += raise_employment_claims(session, as_of)
        claims += raise_later_years(session, as_of)
    click.echo(
        f"{as_of}: {offers} offers expired, {agreements} agreements expired, "
        f"{claims} subsidy claims raised"
    )
    _run_compliance_everywhere(as_of, region_code=None)
    # Before the digests: tonight's overdue notices are in the app when the mail sends people there.
    with get_database().session_scope() as session:
        escalated = escalate_overdue_journals(session, as_of)
    click.echo(f"{as_of}: {escalated} overdue-journal notifications sent")
    _chain_waiting_entries()
    _write_daily_checkpoint()
    _send_reminders(as_of, mailer)
    _sweep_webhooks()


def _sweep_webhooks() -> None:
    from .webhook_jobs import sweep

    click.echo(f"webhooks: {sweep(current_app)} lost deliveries enqueued again")


@click.command("webhooks-sweep")
@with_appcontext
def webhooks_sweep() -> None:
    """Enqueue again the webhook deliveries whose job was lost (Redis down at commit, a worker
    killed): pending ones 5 minutes past due. For cron, every few minutes."""
    _sweep_webhooks()


def _chain_waiting_entries() -> None:
    """Chain the audit entries whose own chaining after commit failed (a dropped connection)."""
    from skillbridge.platform.services.audit import chain

    chained = chain(get_database().engine, wait=True)
    if chained:
        click.echo(f"{chained} audit entries chained that were waiting", err=True)


def _write_daily_checkpoint() -> None:
    """Sign the chain's head into CHECKPOINT_DIR, so `audit verify` can catch a cut tail."""
    from skillbridge.platform.services.errors import DomainError
    from skillbridge.platform.services.oversight.checkpoints import make_checkpoint

    directory, key_file = (
        current_app.config.get("CHECKPOINT_DIR"),
        current_app.config.get("CHECKPOINT_KEY_FILE"),
    )
    if not directory:
        return
    if not key_file:
        raise click.ClickException(
            "SKILLBRIDGE_CHECKPOINT_DIR needs SKILLBRIDGE_CHECKPOINT_KEY_FILE"
        )
    try:
        with get_database().session_scope() as session:
            document = make_checkpoint(session, _checkpoint_key(key_file))
    except DomainError as error:
        raise click.ClickException(error.message) from error
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = document["created_at"].replace(":", "").replace("+", "Z")
    out = folder / f"{CHECKPOINT_PREFIX}{document['seq']:012d}-{stamp}.json"
    out.write_text(json.dumps(document, indent=2))
    click.echo(f"checkpoint #{document['seq']} written to {out}")


# ── reminders ──
def _reminder_mailer() -> Mailer | None:
    """The mail settings of the reminders, or None when SKILLBRIDGE_SMTP_URL is not set."""
    from skillbridge.platform.services.reminders.digests import Mailer
    from skillbridge.platform.services.reminders.mail import SmtpSettings

    url = current_app.config.get("SMTP_URL")
    if not url:
        return None
    try:
        smtp = SmtpSettings.from_url(str(url), float(current_app.config["SMTP_TIMEOUT_SECONDS"]))
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    return Mailer(smtp, str(current_app.config["MAIL_FROM"]))


def _compose_digest(user: User, items: list[TodoItem]) -> Letter:
    """The digest's words in the user's language, its links absolute under BASE_URL."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from skillbridge.platform.services.reminders.mail import Letter

    languages = current_app.config["LANGUAGES"]
    locale = user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        subject = _("校企通：您有 %(n)d 项待办", n=sum(item.count for item in items))
        context = {"user": user, "items": items, "subject": subject, "locale": locale}
        return Letter(
            subject=subject,
            text=render_template("reminders/digest_text.html", **context),
            html=render_template("reminders/digest.html", **context),
        )


def _send_reminders(as_of: date, mailer: Mailer | None) -> None:
    """Tell every user what is due today, in the app and by mail; failed mails are counted."""
    from skillbridge.platform.services.reminders.digests import send_daily_reminders

    # url_for needs a request to build absolute links: one for the site's public address.
    with current_app.test_request_context(base_url=str(current_app.config["BASE_URL"])):
        run = send_daily_reminders(get_database(), as_of, _compose_digest, mailer, may_reach)
    mail = "no SMTP configured" if mailer is None else f"{run.mailed} mailed"
    click.echo(f"{as_of}: reminders: {run.notified} digests in the app, {mail}")
    if run.failed:
        log.error("%s: %d reminder mails failed", as_of, run.failed)
        click.echo(
            f"{as_of}: reminders: {run.failed} mails FAILED (retried by the next run)", err=True
        )


def _run_compliance_everywhere(as_of: date, region_code: str | None) -> None:
    """One transaction per region, so a failure in one region keeps the others' findings."""
    from sqlalchemy import select

    from skillbridge.models import Region
    from skillbridge.platform.services.oversight.compliance import run_compliance

    database = get_database()
    with database.sessions() as session:
        # An upper region without a pack holds no schools or enterprises: nothing to check.
        query = (
            select(Region.id, Region.code)
            .where(Region.policy_pack.is_not(None))
            .order_by(Region.id)
        )
        if region_code:
            query = query.where(Region.code == region_code)
        regions = session.execute(query).all()
    if region_code and not regions:
        raise click.ClickException(f"no region {region_code}")
    for region_id, code in regions:
        with database.session_scope() as session:
            run = run_compliance(session, region_id, as_of)
            found = sum(counts["found"] for counts in run.stats.values())
        click.echo(f"{as_of}: compliance checks in {code}: {found} open findings")


@click.command("compliance")
@click.option("--region", "region_code", default=None, help="Region code (default: every region).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@with_appcontext
def compliance(region_code: str | None, today: datetime | None) -> None:
    """Run the compliance rule checks now and store their findings."""
    _run_compliance_everywhere(today.date() if today else date.today(), region_code)


@click.command("policy-table")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The date the policies' validity is read on (default: today).",
)
def policy_table(today: datetime | None) -> None:
    """Print, as a Markdown table, every policy of every region's pack: claimable on the
    platform by which event and route, or why not yet."""
    from skillbridge.platform.services.policy_catalogue.table import claimability_table

    click.echo(claimability_table(today.date() if today else date.today()))


@click.command("rotate-id-keys")
@with_appcontext
def rotate_id_keys() -> None:
    """Re-encrypt every stored national ID and webhook secret under the newest of
    SKILLBRIDGE_ID_ENCRYPTION_KEYS.

    Put the new key first in the list, run this, then drop the old keys from the list.
    """
    from skillbridge.platform.services.errors import DomainError
    from skillbridge.platform.services.schools.students import rotate_national_id_keys
    from skillbridge.platform.services.webhooks.endpoints import rotate_secrets

    try:
        with get_database().session_scope() as session:
            rotated = rotate_national_id_keys(session, id_keys())
            secrets = rotate_secrets(session, id_keys())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"{rotated} national IDs re-encrypted under the newest key")
    click.echo(f"{secrets} webhook secrets re-encrypted under the newest key")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Serve background jobs from Redis: match runs, supervision figures, webhook deliveries
    with their scheduled retries (SKILLBRIDGE_REDIS_URL)."""
    from .background import run_worker

    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        raise click.ClickException(
            "set SKILLBRIDGE_REDIS_URL; without Redis, background jobs use threads"
        )
    run_worker(redis_url, burst=burst)


@click.command("documents-retention")
@click.option(
    "--now",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Treat this day (UTC midnight) as now: documents whose period ended before it go.",
)
@with_appcontext
def documents_retention(now: datetime | None) -> None:
    """Delete the documents whose kind's retention period has ended (audited, one by one)."""
    from datetime import UTC

    from skillbridge.platform.services.documents import retention

    moment = now.replace(tzinfo=UTC) if now is not None else None
    with get_database().session_scope() as session:
        expired = retention.expire_documents(session, moment)
    # Only once the deletions are committed do the bytes go (see retention.expire_documents).
    removed = retention.remove_blobs(get_document_store().storage, expired.unreferenced)
    click.echo(f"{expired.documents} documents past retention deleted, {removed} blobs removed")


def register_commands(app: Flask) -> None:
    """Attach every command to the app's CLI."""
    for command in (
        db_group,
        seed_demo,
        create_region,
        create_bureau_user,
        audit_group,
        daily,
        compliance,
        policy_table,
        rotate_id_keys,
        worker,
        documents_retention,
        webhooks_sweep,
    ):
        app.cli.add_command(command)
