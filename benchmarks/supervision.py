"""Supervision under load through gunicorn on PostgreSQL: ``python -m benchmarks.supervision``.

Builds the synthetic region of the dashboard benchmark (``build_region`` of
benchmarks/dashboard.py) in a fresh database on the PostgreSQL server named by ``--server-url``
(default: the test server in SKILLBRIDGE_TEST_POSTGRES_URL), makes every student's placement
ACTIVE around today with an assigned mentor (one per host enterprise) and teacher (``--teachers``
per school), and bulk-inserts ``--weeks`` weeks of history with INSERT ... SELECT generate_series:
a check-in and check-out on every working day (confirmed by the mentor, last week's still to
confirm; one day in 30 runs two hours over the 8-hour day, as the N7 figures then show),
one journal per week (confirmed, last week's awaiting review), and for the even
students today's check-in and this week's journal already done.

Then gunicorn as in production (``--workers`` sync workers on loopback) and wrk: the student's
check-in and journal submit (POST; a wrk Lua script rotates over the odd students' forged session
cookies and CSRF tokens, each request a distinct student, since a check-in is unique per
placement and day and a journal per placement and week), and the supervisors' paginated lists
(GET). Each row prints requests/s, p50 and p99, the errors (wrk's non-2xx answers and socket
errors, plus, for a write, answers that stored nothing), the rows stored, the CPU milliseconds per
request of the gunicorn workers and the database's server processes together, the share of busy
server processes found waiting for a lock, and one such request alone through the Flask test
client (median of five: wall time, SQL statements, SQL time). Then gunicorn is stopped and the
audit chain checked: every entry of the run chained by the processes themselves, and verified.
The database is dropped unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import flask_login
from flask import Flask, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from benchmarks.dashboard import SqlTimer, build_region
from benchmarks.load import (
    USER_AGENT,
    WRK_THREADS,
    CpuMeter,
    _free_port,
    _wait_until_up,
    _wrk,
    gunicorn_command,
)
from skillbridge.models import Base, User
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database
from skillbridge.platform.services import audit
from skillbridge.platform.services.attendance.calendar import china_now
from skillbridge.platform.services.journals.rules import Week

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: The issue's target for each write path under load.
TARGET_RPS, TARGET_P99_MS = 300.0, 200.0
#: ... and for the bureau's supervision view of the region, one request alone.
SUPERVISION_VIEW, TARGET_VIEW_MS = "/bureau/dashboard/supervision", 300.0
#: Nobody logs in through the form (argon2 is slow): sessions are forged with the app's key.
NO_PASSWORD = "!benchmark-no-login"
#: Requests of each row also timed alone through the test client (the median is shown).
ALONE = 5
LUA = Path(__file__).with_name("supervision.lua")
# Words the generated journals are made of, so that texts differ as real ones do.
TASKS: tuple[str, ...] = (
    "数控车床上下料",
    "零件尺寸检测",
    "设备日常点检",
    "装配线巡检",
    "来料检验",
    "5S现场整理",
)
TASKS += ("刀具更换与对刀", "生产报表录入")
LEARNED: tuple[str, ...] = ("读懂工艺卡", "游标卡尺和千分尺的用法", "首件检验流程", "安全操作规程")
LEARNED += ("质量问题的追溯方法", "与班组同事沟通交接")


def _sql_list(words: tuple[str, ...]) -> str:
    return "ARRAY[" + ", ".join(f"'{w}'" for w in words) + "]"


def supervise(
    session: Session, today: date, weeks: int, teachers_per_school: int
) -> dict[str, int]:
    """Active placements with assigned supervisors and `weeks` weeks of history; row counts."""
    start = today - timedelta(weeks=weeks, days=today.weekday())
    params = {"start": start, "end": today + timedelta(days=120), "pw": NO_PASSWORD}
    statements = [
        # Every placement active around today; students without one get their first choice.
        """UPDATE placement SET status = 'active', start_date = :start, started_on = :start,
               end_date = :end, months = 4""",
        """INSERT INTO placement (student_id, slot_id, status, start_date, started_on, end_date,
               months, counts_toward_cap, score, score_breakdown, created_at)
           SELECT sp.student_id, sp.slot_id, 'active', :start, :start, :end, 4, false, 0, '{}',
               now()
           FROM student_preference sp
           WHERE sp.rank = 1
             AND NOT EXISTS (SELECT 1 FROM placement p WHERE p.student_id = sp.student_id)""",
        """INSERT INTO user_account (email, display_name, password_hash, role, student_id,
               staff_role, session_token, is_active, locale, created_at)
           SELECT 'student' || s.id || '@bench.cn', s.name, :pw, 'student', s.id, 'self',
               md5('s' || s.id), true, 'zh', now()
           FROM student s""",
        """INSERT INTO user_account (email, display_name, password_hash, role, enterprise_id,
               staff_role, session_token, is_active, locale, created_at)
           SELECT 'mentor' || e.id || '@bench.cn', '师傅' || e.id, :pw, 'enterprise', e.id,
               'mentor', md5('m' || e.id), true, 'zh', now()
           FROM enterprise e""",
        """INSERT INTO user_account (email, display_name, password_hash, role, school_id,
               staff_role, session_token, is_active, locale, created_at)
           SELECT 'teacher' || sc.id || '-' || t || '@bench.cn', '老师' || sc.id || '-' || t,
               :pw, 'school', sc.id, 'teacher', md5('t' || sc.id || '-' || t), true, 'zh', now()
           FROM school sc CROSS JOIN generate_series(0, :teachers - 1) AS t""",
        """INSERT INTO user_account (email, display_name, password_hash, role, school_id,
               staff_role, session_token, is_active, locale, created_at)
           SELECT 'admin' || sc.id || '@bench.cn', '管理员' || sc.id, :pw, 'school', sc.id,
               'admin', md5('a' || sc.id), true, 'zh', now()
           FROM school sc""",
        """UPDATE placement p SET mentor_user_id = u.id
           FROM slot s JOIN user_account u
             ON u.enterprise_id = s.enterprise_id AND u.staff_role = 'mentor'
           WHERE s.id = p.slot_id""",
        # Each school's students dealt out to its teachers in turn.
        """UPDATE placement p SET teacher_user_id = u.id
           FROM (SELECT id, school_id,
                     row_number() OVER (PARTITION BY school_id ORDER BY id) % :teachers AS t
                 FROM student) st
           JOIN user_account u ON u.email = 'teacher' || st.school_id || '-' || st.t || '@bench.cn'
           WHERE st.id = p.student_id""",
        # Every working day since the start: checked in and out; the mentor confirmed all but
        # the last seven days.
        """INSERT INTO attendance_day (placement_id, day, check_in_at, check_out_at, minutes,
               night_minutes, rest_day, statutory_holiday, calendar_known, status,
               confirmed_by_user_id, confirmed_at, created_at)
           SELECT p.id, d::date, d + interval '8 hours 30 minutes' + (p.id % 20) * interval '1 minute',
               d + CASE WHEN (p.id + extract(doy FROM d)::int) % 30 = 0
                   THEN interval '18 hours 30 minutes' ELSE interval '16 hours 30 minutes' END,
               CASE WHEN (p.id + extract(doy FROM d)::int) % 30 = 0 THEN 600 ELSE 480 END
                   - p.id % 20, 0, false, false, true,
               CASE WHEN d::date < :today - 7 THEN 'confirmed' ELSE 'recorded' END,
               CASE WHEN d::date < :today - 7 THEN p.mentor_user_id END,
               CASE WHEN d::date < :today - 7 THEN d + interval '18 hours' END, now()
           FROM placement p
           CROSS JOIN generate_series(CAST(:start AS timestamp), CAST(:today AS timestamp)
               - interval '1 day', interval '1 day') AS d
           WHERE extract(isodow FROM d) < 6""",
        """INSERT INTO attendance_day (placement_id, day, check_in_at, minutes, night_minutes,
               rest_day, statutory_holiday, calendar_known, status, created_at)
           SELECT p.id, :today, CAST(:today AS timestamp) + interval '8 hours 30 minutes', 0, 0,
               false, false, true, 'checked_in', now()
           FROM placement p WHERE p.student_id % 2 = 0""",
    ]
    params |= {"today": today, "teachers": teachers_per_school}
    # The rows are consistent by construction: skip the foreign-key triggers of millions of
    # history rows for this transaction (a superuser setting; the test server's user is one).
    session.execute(text("SET LOCAL session_replication_role = replica"))
    for statement in statements:
        session.execute(text(statement), params)
    this_week = Week.of(today)
    for back in range(weeks + 1):
        week = Week.of(today - timedelta(weeks=back))
        status = "confirmed" if back >= 2 else "submitted"
        only_even = "AND p.student_id % 2 = 0" if week == this_week else ""
        confirmed = status == "confirmed"
        confirmed_at = "CAST(:at AS timestamptz) + interval '2 days'" if confirmed else "NULL"
        confirmed_by = "p.mentor_user_id" if confirmed else "NULL"
        session.execute(
            text(
                f"""INSERT INTO journal (placement_id, iso_year, iso_week, status, work_done,
                       learned, problems, late, first_submitted_at, submitted_at, confirmed_at,
                       confirmed_by_id, created_at, updated_at)
                   SELECT p.id, {week.iso_year}, {week.iso_week}, '{status}',
                       '第{week.iso_week}周：协助师傅完成' || ({_sql_list(TASKS)})[1 + (p.id * 7 + {week.iso_week}) % {len(TASKS)}]
                           || '，共完成' || (p.id % 37 + 10) || '件，' || ({_sql_list(TASKS)})[1 + (p.id + {week.iso_week}) % {len(TASKS)}]
                           || '跟班' || (p.id % 5 + 1) || '天。',
                       '学会了' || ({_sql_list(LEARNED)})[1 + (p.id * 3 + {week.iso_week}) % {len(LEARNED)}]
                           || '，也理解了' || ({_sql_list(LEARNED)})[1 + (p.id + {2 * week.iso_week}) % {len(LEARNED)}] || '。',
                       CASE WHEN p.id % 3 = 0 THEN '无' ELSE '第' || (p.id % 4 + 1) || '道工序的节拍还跟不上。' END,
                       false, CAST(:at AS timestamptz), CAST(:at AS timestamptz), {confirmed_at},
                       {confirmed_by}, CAST(:at AS timestamptz), CAST(:at AS timestamptz)
                   FROM placement p WHERE true {only_even}"""
            ),
            {"at": week.sunday if week != this_week else today},
        )
    session.execute(
        text(
            """INSERT INTO journal_event (journal_id, actor_id, action, comment, at)
               SELECT j.id, u.id, 'submitted', '', j.submitted_at
               FROM journal j JOIN placement p ON p.id = j.placement_id
               JOIN user_account u ON u.student_id = p.student_id"""
        )
    )
    return {
        name: session.scalar(text(f"SELECT count(*) FROM {table}")) or 0
        for name, table in (
            ("active placements", "placement"),
            ("accounts", "user_account"),
            ("attendance days", "attendance_day"),
            ("journals", "journal"),
        )
    }


@dataclass(frozen=True)
class Forged:
    """A signed session cookie and the CSRF token that goes with it."""

    cookie: str
    csrf: str


def forge(app: Flask, users: list[User]) -> list[Forged]:
    """Log each user in without the login form: the session gunicorn would have set.

    Flask-Login's "strong" protection binds the session to the address and agent, and the user
    id carries the account's session token (platform/auth.py), so the request context has both.
    """
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": USER_AGENT}
    forged = []
    for user in users:
        with app.test_request_context(environ_base=environ):
            flask_login.login_user(user)
            token = generate_csrf()
            forged.append(Forged(serializer.dumps(dict(session)), token))
    return forged


def _journal_body(student_id: int, csrf: str) -> str:
    work = f"本周协助师傅完成{TASKS[student_id % len(TASKS)]}，共{student_id % 41 + 5}件；"
    work += f"另做{TASKS[(student_id // 7) % len(TASKS)]}。"
    learned = f"学会了{LEARNED[student_id % len(LEARNED)]}。"
    return urllib.parse.urlencode(
        {
            "csrf_token": csrf,
            "work_done": work,
            "learned": learned,
            "problems": "无" if student_id % 3 else "换型时间偏长，需要再练习。",
            "submit": "提交给导师",
        }
    )


def _checkin_body(student_id: int, csrf: str) -> str:
    return urllib.parse.urlencode(
        {
            "csrf_token": csrf,
            "consent": "y",
            "latitude": f"31.{student_id % 100:02d}",
            "longitude": f"120.{student_id % 97:02d}",
            "submit": "签到",
        }
    )


@dataclass(frozen=True)
class Write:
    """A write path: its label, its URL and body for one student, the table its rows land in."""

    label: str
    path: Any
    body: Any
    count_sql: str


def _writes(today: date) -> list[Write]:
    week = Week.of(today)
    return [
        Write(
            "POST check-in",
            lambda placement_id: f"/attendance/placements/{placement_id}/check-in",
            _checkin_body,
            f"SELECT count(*) FROM attendance_day WHERE day = '{today.isoformat()}'",
        ),
        Write(
            "POST journal submit",
            lambda placement_id: (
                f"/journals/placements/{placement_id}/{week.iso_year}/{week.iso_week}"
            ),
            _journal_body,
            "SELECT count(*) FROM journal WHERE iso_year = "
            f"{week.iso_year} AND iso_week = {week.iso_week} AND status = 'submitted'",
        ),
    ]


# The supervisors' paginated lists (the mentor and teacher with the most students) and the
# bureau's supervision view of the whole region (the target: ≤ 300 ms).
PAGES = [
    ("mentor", "/attendance/?to_confirm=1"),
    ("mentor", "/attendance/"),
    ("mentor", "/journals/queue"),
    ("teacher", "/attendance/"),
    ("teacher", "/journals/queue"),
    ("school admin", "/attendance/"),
    ("bureau", SUPERVISION_VIEW),
]


def _busiest(engine: Engine, column: str) -> tuple[int, int]:
    """The supervisor with the most placements, and how many."""
    query = f"SELECT {column}, count(*) FROM placement GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
    with engine.connect() as connection:
        found, count = connection.execute(text(query)).one()
    return int(found), int(count)


class LockSampler:
    """Samples the database's busy server processes every few milliseconds while wrk runs: the
    share of them waiting for a row lock (every write appends to the audit log, whose chain
    head row each transaction locks until it commits)."""

    def __init__(self, engine: Engine, database: str) -> None:
        self.engine, self.database = engine, database
        self.busy = self.waiting = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        query = text(
            "SELECT count(*), count(*) FILTER (WHERE wait_event_type = 'Lock') "
            "FROM pg_stat_activity WHERE datname = :name AND state = 'active' "
            "AND pid <> pg_backend_pid()"
        )
        with self.engine.connect() as connection:
            while not self._stop.wait(0.02):
                busy, waiting = connection.execute(query, {"name": self.database}).one()
                connection.rollback()  # a fresh snapshot of the statistics each time
                self.busy, self.waiting = self.busy + busy, self.waiting + waiting

    def __enter__(self) -> LockSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def share(self) -> float:
        return self.waiting / self.busy if self.busy else 0.0


@dataclass(frozen=True)
class Alone:
    """One request through the Flask test client: wall time, SQL statements and SQL time."""

    wall_ms: float
    statements: int
    sql_ms: float


def _median(runs: Iterable[Alone]) -> Alone:
    done = list(runs)
    return Alone(
        statistics.median(a.wall_ms for a in done),
        done[-1].statements,
        statistics.median(a.sql_ms for a in done),
    )


def _alone(
    app: Flask, timer: SqlTimer, forged: Forged, method: str, path: str, body: str = ""
) -> Alone:
    client = app.test_client()
    client.set_cookie("session", forged.cookie)
    chainer = app.extensions.get("skillbridge.audit_chainer")
    if chainer is not None:
        # The previous request's entries are chained by now: the chainer's statements are not
        # this request's (they start `linger` after its commit, when it has answered).
        chainer.wait_idle(10)
    timer.reset()
    started = time.perf_counter()
    response = client.open(
        path,
        method=method,
        data=body or None,
        content_type="application/x-www-form-urlencoded" if body else None,
        environ_base={"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": USER_AGENT},
    )
    wall = time.perf_counter() - started
    expected = 302 if method == "POST" else 200
    if response.status_code != expected or "/login" in response.headers.get("Location", ""):
        raise RuntimeError(f"{method} {path}: {response.status_code} {response.location}")
    return Alone(wall * 1000, timer.statements, timer.seconds * 1000)


HEADER = (
    f"{'request':36s} {'req/s':>7s} {'p50 ms':>7s} {'p99 ms':>7s} {'requests':>8s} "
    f"{'errors':>6s} {'stored':>6s} {'CPU ms':>6s} {'locked':>6s} {'alone ms':>8s} {'SQL':>4s} {'SQL ms':>6s}"
    "  target"
)


def _print_row(
    label: str, figures: dict[str, float], stored: int | None, alone: Alone, target: str
) -> None:
    print(
        f"{label:36s} {figures['rps']:7.1f} {figures['p50']:7.1f} {figures['p99']:7.1f} "
        f"{int(figures['requests']):8d} {int(figures['errors']):6d} "
        f"{'' if stored is None else stored:>6} "
        f"{figures['cpu'] * 1000 / max(figures['requests'], 1):6.1f} "
        f"{figures['locked']:6.0%} {alone.wall_ms:8.1f} {alone.statements:4d} "
        f"{alone.sql_ms:6.1f}  {target}",
        flush=True,
    )


def run(args: argparse.Namespace) -> int:
    server = make_url(args.server_url)
    name = f"skillbridge_bench_supervision_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    settings = {
        "DATABASE_URL": url,
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "RATELIMIT_ENABLED": "false",  # thousands of students behind one loopback address
    }
    environ = {**os.environ, **{f"SKILLBRIDGE_{k}": v for k, v in settings.items()}}
    today = china_now().date()  # the check-in's day; the journal's week is the same
    gunicorn = None
    try:
        started = time.perf_counter()
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        with Session(engine) as db:
            audit.ensure_chain_head(db)
            build_region(db, args.placements, args.seed)
            counts = supervise(db, today, args.weeks, args.teachers)
            db.commit()
        with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
            # As autovacuum leaves a live database: the bulk updates' dead rows gone, statistics
            # fresh (a bloated placement table turned the lists' plans into sequential scans).
            connection.execute(text("VACUUM ANALYZE"))
        print(
            f"built {name} in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
        app = create_app({**settings, "RATELIMIT_ENABLED": False})
        timer = SqlTimer(get_database(app).engine)
        (mentor, mentored), (teacher, taught) = (
            _busiest(engine, "mentor_user_id"),
            _busiest(engine, "teacher_user_id"),
        )
        print(f"lists of the mentor of {mentored} and the teacher of {taught} placements")
        with Session(engine) as db:
            # The odd students have neither checked in today nor submitted this week's journal.
            rows = db.execute(
                text(
                    "SELECT u.id, p.student_id, p.id FROM user_account u "
                    "JOIN placement p ON p.student_id = u.student_id "
                    "WHERE p.student_id % 2 = 1 ORDER BY p.id LIMIT :n"
                ),
                {"n": args.rotate + ALONE},
            ).all()
            by_id = {
                u.id: u for u in db.scalars(select(User).where(User.id.in_([r[0] for r in rows])))
            }
            staff = {
                role: db.scalars(select(User).where(User.email == email)).one()
                for role, email in (
                    ("school admin", "admin1@bench.cn"),
                    ("bureau", "bureau@bench.cn"),
                )
            }
            staff["mentor"], staff["teacher"] = db.get_one(User, mentor), db.get_one(User, teacher)
            db.expunge_all()
        started = time.perf_counter()
        students = forge(app, [by_id[r[0]] for r in rows])
        cookies = dict(zip(staff, forge(app, list(staff.values())), strict=True))
        print(
            f"forged {len(students) + len(staff):,} sessions in {time.perf_counter() - started:.1f} s"
        )
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn = subprocess.Popen(
            gunicorn_command(
                port, args.workers, "-k", args.worker_class, "--threads", str(args.threads)
            ),
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_until_up(base, gunicorn)
        cpu = CpuMeter(gunicorn.pid, engine, name)
        print(
            f"gunicorn {args.workers} {args.worker_class} workers ({args.threads} threads each), "
            f"wrk 2 threads x {args.connections} "
            f"connections, {args.duration} s per row, both on the same {os.cpu_count()} cores\n"
        )
        print(HEADER)
        print("-" * len(HEADER))
        failed = 0
        pairs = list(zip(rows, students, strict=True))
        rotation, spares = pairs[:-ALONE], pairs[-ALONE:]
        with tempfile.TemporaryDirectory() as folder:
            for write in _writes(today):
                data = Path(folder) / "requests.tsv"
                data.write_text(
                    "".join(
                        f"{write.path(row[2])}\t{forged.cookie}\t"
                        f"{write.body(row[1], forged.csrf)}\n"
                        for row, forged in rotation
                    )
                )
                with engine.connect() as connection:
                    before = connection.scalar(text(write.count_sql)) or 0
                script = [str(LUA), str(data), str(WRK_THREADS)]
                cpu.begin()
                with LockSampler(engine, name) as locks:
                    figures = _wrk(f"{base}/", None, args.connections, args.duration, script)
                _wait_until_up(base, gunicorn)  # what wrk left queued is answered first
                figures["cpu"], figures["locked"] = cpu.spent(), locks.share
                with engine.connect() as connection:
                    stored = (connection.scalar(text(write.count_sql)) or 0) - before
                # Answers wrk took for success that stored nothing (a redirect to the login
                # page) are errors too; a request still in flight when wrk stopped may have been
                # stored without being counted, hence the floor.
                missing = max(int(figures["requests"] - figures["errors"]) - stored, 0)
                figures["errors"] += missing
                alone = _median(
                    _alone(app, timer, f, "POST", write.path(r[2]), write.body(r[1], f.csrf))
                    for r, f in spares
                )
                met = figures["rps"] >= TARGET_RPS and figures["p99"] <= TARGET_P99_MS
                met = met and not figures["errors"]
                target = f"≥{TARGET_RPS:.0f}/s, p99 ≤{TARGET_P99_MS:.0f} ms, 0 errors: "
                _print_row(
                    write.label, figures, stored, alone, target + ("met" if met else "NOT met")
                )
                failed += int(figures["errors"])
        for role, path in [] if args.writes_only else PAGES:
            if path == SUPERVISION_VIEW:
                # The region's first view counts its figures and stores them; later views (and
                # wrk's) show them, refreshed in the background once they are 5 minutes old.
                counting = _alone(app, timer, cookies[role], "GET", path)
            cpu.begin()
            with LockSampler(engine, name) as locks:
                figures = _wrk(
                    f"{base}{path}", cookies[role].cookie, args.connections, args.duration
                )
            _wait_until_up(base, gunicorn)
            figures["cpu"], figures["locked"] = cpu.spent(), locks.share
            alone = _median(_alone(app, timer, cookies[role], "GET", path) for _ in range(ALONE))
            target = ""
            if path == SUPERVISION_VIEW:
                met = alone.wall_ms <= TARGET_VIEW_MS
                target = f"alone ≤{TARGET_VIEW_MS:.0f} ms: " + ("met" if met else "NOT met")
            _print_row(f"{role} {path}", figures, None, alone, target)
            if path == SUPERVISION_VIEW:
                print(
                    f"{'  its count (first view; then background)':36s} {'':>53s}"
                    f"{counting.wall_ms:8.1f} {counting.statements:4d} {counting.sql_ms:6.1f}",
                    flush=True,
                )
            failed += int(figures["errors"])
        # Every worker chains its audit entries in a thread and what it left when it exits, as
        # does the in-process app: with gunicorn stopped, the writes' entries must all be in one
        # chain without help (no `chain(wait=True)` here), and it verifies.
        gunicorn.terminate()
        gunicorn.wait(timeout=60)
        chainer = app.extensions.get("skillbridge.audit_chainer")
        if chainer is not None:
            chainer.close()
        with Session(engine) as db:
            unchained, result = audit.unchained_count(db), audit.verify_chain(db)
        print(
            f"\naudit chain after the run: {result.checked:,} entries, {unchained} unchained, "
            + ("verified" if result.ok else f"BROKEN: {result.reason}")
        )
        failed += unchained + (not result.ok)
        get_database(app).engine.dispose()
        engine.dispose()
        return 1 if failed else 0
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        if not args.keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server-url",
        default=os.environ.get("SKILLBRIDGE_TEST_POSTGRES_URL") or DEFAULT_SERVER,
        help="PostgreSQL server URL",
    )
    parser.add_argument("--placements", type=int, default=100_000, help="active placements")
    parser.add_argument("--weeks", type=int, default=2, help="weeks of history before this one")
    parser.add_argument("--teachers", type=int, default=50, help="teachers per school")
    parser.add_argument(
        "--rotate", type=int, default=20_000, help="students the writes rotate over"
    )
    parser.add_argument("--workers", type=int, default=4)
    # Production runs sync workers (README, Production): one request at a time, the connection
    # closed after each answer. gthread keeps connections alive (wrk then reconnects no more).
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--writes-only", action="store_true", help="the two POST rows only")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
