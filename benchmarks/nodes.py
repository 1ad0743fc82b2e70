"""One web node or two, same workers in all: ``python -m benchmarks.nodes``.

The region and the supervision history of benchmarks/supervision.py (``build_region`` and
``supervise``, ``--placements`` active placements) in a fresh PostgreSQL database, and Redis
from SKILLBRIDGE_TEST_REDIS_URL (or ``--redis-url``) shared by the nodes as in production. Each
layout starts its gunicorn nodes (``--workers`` sync workers in all, split evenly between the
nodes) on loopback ports, and one wrk per node drives them at the same time: the student's
check-in (POST, a distinct student per request, each layout and node its own students) and the
mentor's list of check-ins to confirm (GET). A row sums the nodes' requests/s and errors, and
shows the worst node's p50 and p99; the stored column counts the check-ins that reached the
database. The database is dropped unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Row, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from benchmarks.dashboard import build_region
from benchmarks.load import _free_port, _wait_until_up, _wrk, gunicorn_command
from benchmarks.supervision import LUA, WRK_THREADS, Forged, _checkin_body, forge, supervise
from skillbridge.models import Base, User
from skillbridge.platform.app import create_app
from skillbridge.platform.services import audit
from skillbridge.platform.services.attendance.calendar import china_now

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
HEADER = (
    f"{'layout':22s} {'request':24s} {'req/s':>7s} {'p50 ms':>7s} {'p99 ms':>7s} "
    f"{'requests':>8s} {'errors':>6s} {'stored':>6s}"
)


def _layouts(workers: int) -> list[tuple[str, list[int]]]:
    half = workers // 2
    return [
        (f"1 node x {workers} workers", [workers]),
        (f"2 nodes x {half} workers", [half, workers - half]),
    ]


def _start(workers: int, environ: dict[str, str]) -> tuple[str, subprocess.Popen[bytes]]:
    port = _free_port()
    process = subprocess.Popen(
        gunicorn_command(port, workers),
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return f"http://127.0.0.1:{port}", process


def _combined(runs: list[dict[str, float]]) -> dict[str, float]:
    """The nodes' figures as one: throughput and errors add up, the slowest node's latency."""
    return {
        "rps": sum(r["rps"] for r in runs),
        "p50": max(r["p50"] for r in runs),
        "p99": max(r["p99"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
    }


def _print(layout: str, request: str, figures: dict[str, float], stored: str) -> None:
    print(
        f"{layout:22s} {request:24s} {figures['rps']:7.1f} {figures['p50']:7.1f} "
        f"{figures['p99']:7.1f} {int(figures['requests']):8d} {int(figures['errors']):6d} "
        f"{stored:>6s}",
        flush=True,
    )


def run(args: argparse.Namespace) -> int:
    server = make_url(args.server_url)
    name = f"skillbridge_bench_nodes_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    settings = {
        "DATABASE_URL": url,
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "REDIS_URL": args.redis_url,
        "RATELIMIT_ENABLED": "false",  # thousands of students behind one loopback address
    }
    today = china_now().date()
    layouts = _layouts(args.workers)
    failed = 0
    try:
        started = time.perf_counter()
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        with Session(engine) as db:
            audit.ensure_chain_head(db)
            build_region(db, args.placements, args.seed)
            supervise(db, today, args.weeks, args.teachers)
            db.commit()
        with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
        with Session(engine) as db:
            # Odd students have not checked in today (supervise); each node gets its own.
            rows = db.execute(
                text(
                    "SELECT u.id, p.id, p.student_id FROM user_account u "
                    "JOIN placement p ON p.student_id = u.student_id "
                    "WHERE p.student_id % 2 = 1 ORDER BY p.id LIMIT :n"
                ),
                {"n": args.rotate * len(layouts)},
            ).all()
            mentor_id = db.execute(
                text(
                    "SELECT mentor_user_id FROM placement GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
                )
            ).scalar_one()
            users = {u.id: u for u in db.query(User).filter(User.id.in_([r[0] for r in rows]))}
            mentor = db.get_one(User, mentor_id)
            db.expunge_all()
        app = create_app({**settings, "RATELIMIT_ENABLED": False})
        students = forge(app, [users[r[0]] for r in rows])
        mentor_cookie = forge(app, [mentor])[0].cookie
        print(
            f"built {name} in {time.perf_counter() - started:.1f} s: {args.placements:,} "
            f"active placements; {args.workers} sync workers in all, wrk {WRK_THREADS} threads "
            f"x {args.connections} connections in all, {args.duration} s per row, "
            f"all on the same {os.cpu_count()} cores (load average "
            f"{os.getloadavg()[0]:.1f} before the first row)\n"
        )
        print(HEADER)
        print("-" * len(HEADER))
        environ = {**os.environ, **{f"SKILLBRIDGE_{k}": v for k, v in settings.items()}}
        pairs = list(zip(rows, students, strict=True))
        count = f"SELECT count(*) FROM attendance_day WHERE day = '{today.isoformat()}'"
        with tempfile.TemporaryDirectory() as folder:
            for number, (label, nodes) in enumerate(layouts):
                # Each layout its own students, dealt out to its nodes.
                mine = pairs[number * args.rotate : (number + 1) * args.rotate]
                chunks = [mine[i :: len(nodes)] for i in range(len(nodes))]
                layout = Layout(label, nodes, chunks, mentor_cookie, count)
                failed += _layout(args, engine, environ, layout, Path(folder))
        engine.dispose()
        return 1 if failed else 0
    finally:
        if not args.keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class Layout:
    """Nodes (their worker counts), each node's students, the mentor, what counts check-ins."""

    label: str
    nodes: list[int]
    chunks: list[list[tuple[Row[Any], Forged]]]
    mentor_cookie: str
    count_sql: str


def _layout(
    args: argparse.Namespace,
    engine: Engine,
    environ: dict[str, str],
    layout: Layout,
    folder: Path,
) -> int:
    """One layout's rows; the errors it saw."""
    label, count = layout.label, layout.count_sql
    started = [_start(workers, environ) for workers in layout.nodes]
    connections = max(args.connections // len(started), 1)
    try:
        for base, process in started:
            _wait_until_up(base, process)
        scripts = []
        for index, chunk in enumerate(layout.chunks):
            data = folder / f"{index}-{uuid.uuid4().hex[:6]}.tsv"
            data.write_text(
                "".join(
                    f"/attendance/placements/{row[1]}/check-in\t{forged.cookie}\t"
                    f"{_checkin_body(row[2], forged.csrf)}\n"
                    for row, forged in chunk
                )
            )
            scripts.append([str(LUA), str(data), str(WRK_THREADS)])
        with engine.connect() as connection:
            before = connection.scalar(text(count)) or 0
        with ThreadPoolExecutor(len(started)) as pool:
            runs = list(
                pool.map(
                    lambda pair: _wrk(f"{pair[0][0]}/", None, connections, args.duration, pair[1]),
                    zip(started, scripts, strict=True),
                )
            )
        for base, process in started:
            _wait_until_up(base, process)  # what wrk left queued is answered first
        with engine.connect() as connection:
            stored = (connection.scalar(text(count)) or 0) - before
        figures = _combined(runs)
        _print(label, "POST check-in", figures, str(stored))
        errors = int(figures["errors"])
        with ThreadPoolExecutor(len(started)) as pool:
            runs = list(
                pool.map(
                    lambda node: _wrk(
                        f"{node[0]}/attendance/?to_confirm=1",
                        layout.mentor_cookie,
                        connections,
                        args.duration,
                    ),
                    started,
                )
            )
        figures = _combined(runs)
        _print(label, "GET mentor to confirm", figures, "")
        return errors + int(figures["errors"])
    finally:
        for _, process in started:
            process.terminate()
        for _, process in started:
            process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server-url",
        default=os.environ.get("SKILLBRIDGE_TEST_POSTGRES_URL") or DEFAULT_SERVER,
        help="PostgreSQL server URL",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("SKILLBRIDGE_TEST_REDIS_URL") or DEFAULT_REDIS,
        help="Redis shared by the nodes",
    )
    parser.add_argument("--placements", type=int, default=10_000, help="active placements")
    parser.add_argument("--weeks", type=int, default=1, help="weeks of history before this one")
    parser.add_argument("--teachers", type=int, default=5, help="teachers per school")
    parser.add_argument("--rotate", type=int, default=2_400, help="students per layout")
    parser.add_argument("--workers", type=int, default=4, help="sync workers in all")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections in all")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
