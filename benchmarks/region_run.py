"""Time a region-wide match run from the database: ``python -m benchmarks.region_run --students 100000``.

Builds the 100k-student benchmark region of ``benchmarks/dashboard.py`` in a fresh database on
each backend (a database ``bench_region_run`` on the PostgreSQL server named by ``--server-url``,
default SKILLBRIDGE_TEST_POSTGRES_URL or the local test server; a temporary file for SQLite), has
the bureau start a region-wide run and executes it as the background worker does. Prints, per
backend, the phases the run records (read the rows, build the engine's arrays, solve, store the
result) and the wall time from the start to the stored result, then the time to explain the run
page's first 200 students from the stored arrays (cold: first view in a process; warm: again).
Every database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from benchmarks.dashboard import DEFAULT_SERVER, build_region
from skillbridge.models import Base, MatchRun, MatchRunArrays, Role, User
from skillbridge.platform.db import Database
from skillbridge.platform.services import audit
from skillbridge.platform.services.matching import runs as match_runs

DATABASE_NAME = "bench_region_run"
PAGE_ROWS = 200
PHASES = ("read_s", "build_s", "solve_s", "compare_s", "store_s")


def _postgres_url(server_url: str) -> tuple[str, object]:
    server = make_url(server_url)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE_NAME}"'))
    return server.set(database=DATABASE_NAME).render_as_string(hide_password=False), admin


def _drop_postgres(admin) -> None:  # type: ignore[no-untyped-def]
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)'))
    admin.dispose()


def measure(url: str, students: int, seed: int) -> dict[str, object]:
    """Build the region at `url`, run and time one bureau run; returns the figures."""
    database = Database(url)
    Base.metadata.create_all(database.engine)
    began = time.perf_counter()
    with Session(database.engine) as session:
        audit.ensure_chain_head(session)
        counts = build_region(session, students, seed)
        session.commit()
    region_s = time.perf_counter() - began
    with database.session_scope() as session:
        bureau = session.scalars(select(User).where(User.role == Role.BUREAU)).one()
        run_id = match_runs.start_run(session, bureau, match_runs.RunRequest()).id
    began = time.perf_counter()
    match_runs.execute_run(database, run_id, date.today())
    total_s = time.perf_counter() - began
    with database.sessions() as session:
        run = session.get(MatchRun, run_id)
        assert run is not None and run.error is None, run and run.error
        stats = dict(run.stats)
        arrays = session.get(MatchRunArrays, run_id)
        stored_bytes = len(arrays.data) if arrays is not None else 0
        page = []
        for _label in ("cold", "warm"):
            began = time.perf_counter()
            rows = match_runs.run_outcomes(session, run, limit=PAGE_ROWS)
            page.append(time.perf_counter() - began)
        assert len(rows) == min(PAGE_ROWS, stats["students"])
    database.engine.dispose()
    return {
        "region_s": region_s,
        "counts": counts,
        "stats": stats,
        "total_s": total_s,
        "stored_bytes": stored_bytes,
        "page_s": page,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server-url", default=None, help="PostgreSQL server URL")
    parser.add_argument(
        "--backends", default="postgresql,sqlite", help="comma-separated: postgresql, sqlite"
    )
    args = parser.parse_args()
    server_url = (
        args.server_url or os.environ.get("SKILLBRIDGE_TEST_POSTGRES_URL") or DEFAULT_SERVER
    )
    results = {}
    for backend in args.backends.split(","):
        if backend == "postgresql":
            url, admin = _postgres_url(server_url)
            try:
                results[backend] = measure(url, args.students, args.seed)
            finally:
                _drop_postgres(admin)
        elif backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{Path(folder) / 'region_run.db'}"
                results[backend] = measure(url, args.students, args.seed)
        else:
            raise SystemExit(f"unknown backend {backend!r}")
        figures = results[backend]
        stats = figures["stats"]
        print(
            f"{backend}: region built in {figures['region_s']:.1f} s (not timed below); "
            f"run: {stats['students']:,} students to place, {stats['slots']:,} slots, "
            f"{stats['seats']:,} seats, {stats['candidates']:,} candidate pairs, "
            f"{stats['placed']:,} placed",
            flush=True,
        )
    print(
        f"\n{'backend':<12}"
        + "".join(f"{p.removesuffix('_s'):>8}" for p in PHASES)
        + f"{'start→stored':>14}{'stored MB':>11}{'page cold':>11}{'page warm':>11}"
    )
    for backend, figures in results.items():
        timings = figures["stats"]["timings"]
        cold, warm = figures["page_s"]
        print(
            f"{backend:<12}"
            + "".join(f"{timings.get(p, float('nan')):>8.2f}" for p in PHASES)
            + f"{figures['total_s']:>14.2f}{figures['stored_bytes'] / 2**20:>11.1f}"
            + f"{cold:>11.2f}{warm:>11.2f}"
        )
    print(
        "\n(seconds; phases as the run records them; page: the run page's first "
        f"{PAGE_ROWS} students explained from the stored arrays)"
    )


if __name__ == "__main__":
    main()
