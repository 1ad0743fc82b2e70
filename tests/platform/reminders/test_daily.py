"""`skillbridge daily` tells each user what is due, once a day, in the app and by real mail."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select
from support import free_port

from skillbridge.models import (
    AgreementStatus,
    Notification,
    Party,
    ReminderDigest,
    Role,
    StaffRole,
    User,
)
from skillbridge.platform.db import get_database
from skillbridge.platform.services.reminders.digests import DIGEST_KIND, open_digest
from skillbridge.platform.services.reminders.mail import Security, SmtpSettings

TODAY = "2026-06-01"
BASE = "https://skillbridge.example.cn"
RUNS = 8  # concurrent `daily` runs racing for one user's digest


@pytest.fixture
def due(session, world, factories, make_enterprise, make_user):
    """A Chinese school user with a proposal to accept, an English enterprise user with another,
    and a school user of the other region with nothing due."""
    factories.cooperation(
        world.school,
        world.enterprise,
        status=AgreementStatus.PROPOSED,
        proposed_by=Party.ENTERPRISE,
    )
    english_host = make_enterprise(world.region)
    factories.cooperation(
        world.school, english_host, status=AgreementStatus.PROPOSED, proposed_by=Party.SCHOOL
    )
    english = make_user(Role.ENTERPRISE, enterprise_id=english_host.id)
    english.locale = "en"
    idle = make_user(Role.SCHOOL, school_id=world.other_school.id)
    session.commit()
    return {"zh": world.users["school"], "en": english, "idle": idle}


def _daily(app, runner, smtp_url=None):  # type: ignore[no-untyped-def]
    app.config.update(
        SMTP_URL=smtp_url, BASE_URL=BASE, MAIL_FROM="校企通 <noreply@skillbridge.example.cn>"
    )
    result = runner.invoke(args=["daily", "--today", TODAY])
    assert result.exit_code == 0, result.output
    return result


def _digests(session, user) -> int:  # type: ignore[no-untyped-def]
    session.rollback()  # a fresh snapshot: the runs committed in their own sessions
    return session.scalar(
        select(func.count()).where(
            Notification.user_id == user.id, Notification.kind == DIGEST_KIND
        )
    )


def test_each_user_gets_one_mail_in_its_language_with_links(
    app, runner, session, due, smtp_server, compiled_catalogue
):  # type: ignore[no-untyped-def]
    result = _daily(app, runner, smtp_server.url)
    assert "reminders: " in result.output and "mailed" in result.output

    [zh] = smtp_server.to(due["zh"].email)
    assert zh["To"] == due["zh"].email and "noreply@skillbridge.example.cn" in zh["From"]
    assert zh["Subject"] == "校企通：您有 1 项待办"
    text = zh.get_body(("plain",)).get_content()
    html = zh.get_body(("html",)).get_content()
    assert "企业发来、待接受的合作协议：1" in text
    assert f"{BASE}/agreements/" in text and f'href="{BASE}/agreements/"' in html
    assert f"{BASE}/dashboard" in text and "以下事项正在等您处理" in html

    [en] = smtp_server.to(due["en"].email)
    assert en["Subject"] == "SkillBridge: 1 to-do items"
    text = en.get_body(("plain",)).get_content()
    assert "Cooperation agreements proposed by schools, awaiting your acceptance" in text
    assert "学校发来" not in text and f"{BASE}/agreements/" in text
    assert "Cooperation agreements proposed by schools" in en.get_body(("html",)).get_content()

    assert smtp_server.to(due["idle"].email) == []  # nothing due, nothing sent
    assert _digests(session, due["idle"]) == 0
    assert _digests(session, due["zh"]) == 1 and _digests(session, due["en"]) == 1


def test_a_second_run_the_same_day_sends_nothing_more(app, runner, session, due, smtp_server):  # type: ignore[no-untyped-def]
    _daily(app, runner, smtp_server.url)
    sent = len(smtp_server.mails)
    assert sent >= 2
    again = _daily(app, runner, smtp_server.url)
    assert "0 digests in the app, 0 mailed" in again.output
    assert len(smtp_server.mails) == sent
    assert _digests(session, due["zh"]) == 1
    rows = session.scalars(select(ReminderDigest).where(ReminderDigest.user_id == due["zh"].id))
    [row] = rows.all()
    assert row.day == date.fromisoformat(TODAY) and row.emailed_at is not None


def test_without_smtp_the_digest_is_in_the_app_only(app, runner, session, due):  # type: ignore[no-untyped-def]
    result = _daily(app, runner, None)
    assert "no SMTP configured" in result.output
    assert _digests(session, due["zh"]) == 1 and _digests(session, due["en"]) == 1
    # The page links the notification to the dashboard.
    notification = session.scalar(
        select(Notification).where(
            Notification.user_id == due["zh"].id, Notification.kind == DIGEST_KIND
        )
    )
    assert notification.endpoint == "home.dashboard" and notification.title == "今日待办提醒"


def test_a_digest_told_without_smtp_is_mailed_by_a_later_run_with_it(
    app, runner, session, due, smtp_server
):  # type: ignore[no-untyped-def]
    _daily(app, runner, None)
    _daily(app, runner, smtp_server.url)
    _daily(app, runner, smtp_server.url)
    assert len(smtp_server.to(due["zh"].email)) == 1 and _digests(session, due["zh"]) == 1


def test_a_server_that_is_down_is_counted_and_the_next_run_mails_without_a_second_digest(
    app, runner, session, due, smtp_server
):  # type: ignore[no-untyped-def]
    down = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    result = _daily(app, runner, down)
    assert "0 mailed" in result.output and "mails FAILED" in result.output
    assert _digests(session, due["zh"]) == 1 and _digests(session, due["en"]) == 1
    row = session.scalar(select(ReminderDigest).where(ReminderDigest.user_id == due["zh"].id))
    assert row.emailed_at is None and "ConnectionRefusedError" in row.mail_error

    _daily(app, runner, smtp_server.url)  # the server is back: the unsent mail goes, once
    assert len(smtp_server.to(due["zh"].email)) == 1
    assert _digests(session, due["zh"]) == 1


def test_one_refused_recipient_does_not_stop_the_others(app, runner, session, due, smtp_server):  # type: ignore[no-untyped-def]
    smtp_server.refuse.add(due["zh"].email)
    result = _daily(app, runner, smtp_server.url)
    assert "1 mails FAILED" in result.output
    assert smtp_server.to(due["zh"].email) == []
    assert len(smtp_server.to(due["en"].email)) == 1
    row = session.scalar(select(ReminderDigest).where(ReminderDigest.user_id == due["zh"].id))
    assert "SMTPRecipientsRefused" in row.mail_error


# aiosmtpd warns that AUTH over a plain connection is unsafe; the test server is on loopback.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_mail_goes_through_a_server_that_requires_login(app, runner, due, smtp_auth_server):  # type: ignore[no-untyped-def]
    wrong = smtp_auth_server.url.replace("mail-secret", "wrong")
    assert "mails FAILED" in _daily(app, runner, wrong).output
    assert smtp_auth_server.mails == []
    _daily(app, runner, smtp_auth_server.url)
    assert len(smtp_auth_server.to(due["zh"].email)) == 1


def test_mail_goes_over_starttls_to_a_trusted_server_only(
    app, runner, due, smtp_starttls_server, monkeypatch
):  # type: ignore[no-untyped-def]
    inbox, certificate = smtp_starttls_server
    # The certificate is nobody's: the client refuses it, the mail is owed, nothing was sent.
    assert "mails FAILED" in _daily(app, runner, inbox.url).output
    assert inbox.mails == []
    # Trusted the way an operator trusts a private CA (OpenSSL reads SSL_CERT_FILE): it goes.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    _daily(app, runner, inbox.url)
    assert len(inbox.to(due["zh"].email)) == 1 and len(inbox.to(due["en"].email)) == 1


def test_an_inactive_user_gets_nothing(app, runner, session, due, smtp_server):  # type: ignore[no-untyped-def]
    due["zh"].is_active = False
    session.commit()
    _daily(app, runner, smtp_server.url)
    assert smtp_server.to(due["zh"].email) == [] and _digests(session, due["zh"]) == 0


def test_a_wrong_smtp_url_stops_the_run_before_anything(app, runner, session, due):  # type: ignore[no-untyped-def]
    app.config["SMTP_URL"] = "http://mail.example.cn"
    result = runner.invoke(args=["daily", "--today", TODAY])
    assert result.exit_code != 0 and "SKILLBRIDGE_SMTP_URL" in result.output
    assert _digests(session, due["zh"]) == 0


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.cn", ("mail.example.cn", 25, Security.PLAIN, None, None)),
        (
            "smtp://a%40b:p%3Ass@mail.example.cn:2525?starttls=true",
            ("mail.example.cn", 2525, Security.STARTTLS, "a@b", "p:ss"),
        ),
        (
            "smtp://u:p@mail.example.cn?starttls=1",
            ("mail.example.cn", 587, Security.STARTTLS, "u", "p"),
        ),
        ("smtps://u:p@mail.example.cn", ("mail.example.cn", 465, Security.SSL, "u", "p")),
    ],
)
def test_smtp_urls(url, expected):  # type: ignore[no-untyped-def]
    settings = SmtpSettings.from_url(url, timeout=5)
    assert (
        settings.host,
        settings.port,
        settings.security,
        settings.username,
        settings.password,
    ) == expected


@pytest.mark.parametrize("url", ["http://mail.example.cn", "smtp://", "mail.example.cn:25"])
def test_bad_smtp_urls_are_refused(url):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="SKILLBRIDGE_SMTP_URL"):
        SmtpSettings.from_url(url, timeout=5)


def test_a_teacher_is_not_reminded_of_the_schools_steps(
    app, runner, session, world, due, make_user, smtp_server
):  # type: ignore[no-untyped-def]
    teacher = make_user(Role.SCHOOL, StaffRole.TEACHER, school_id=world.school.id)
    session.commit()
    _daily(app, runner, smtp_server.url)
    # The school's admin has the step (positive control); its teacher cannot open that page.
    assert len(smtp_server.to(due["zh"].email)) == 1
    assert smtp_server.to(teacher.email) == [] and _digests(session, teacher) == 0


def _race(app, user_id):  # type: ignore[no-untyped-def]
    """RUNS concurrent runs opening one user's digest; how many got it to tell or mail."""
    database = get_database(app)
    barrier = threading.Barrier(RUNS)

    def run(_: int) -> bool:
        barrier.wait()
        with database.session_scope() as own:
            opened = open_digest(
                own, user_id, date.fromisoformat(TODAY), lambda _u, _e: True, can_mail=True
            )
            return opened is not None

    with ThreadPoolExecutor(RUNS) as pool:
        return list(pool.map(run, range(RUNS))).count(True)


def test_concurrent_runs_tell_a_user_once_and_claim_a_retry_once(app, session, due):  # type: ignore[no-untyped-def]
    user_id = due["zh"].id
    assert _race(app, user_id) == 1
    assert _digests(session, due["zh"]) == 1
    [row] = session.scalars(select(ReminderDigest).where(ReminderDigest.user_id == user_id)).all()
    row.mail_error = "SMTPServerDisconnected: Connection unexpectedly closed"
    session.commit()
    assert _race(app, user_id) == 1  # one run retries the failed mail, the others leave it
    assert _digests(session, due["zh"]) == 1


def test_the_language_chosen_on_the_site_is_the_mails(session, due, login_as):  # type: ignore[no-untyped-def]
    user_id = due["zh"].id
    client = login_as(due["zh"])

    def locale() -> str:
        session.rollback()  # a fresh snapshot: the page committed in its own session
        return session.scalar(select(User.locale).where(User.id == user_id))

    assert client.get("/lang/en?next=/dashboard").status_code == 302
    assert locale() == "en"
    client.get("/lang/zh")
    assert locale() == "zh"
    client.get("/lang/fr")  # an unknown language changes nothing
    assert locale() == "zh"
