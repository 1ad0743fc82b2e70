"""Time a region-wide match run from the database: ``python -m benchmarks.region_run --students 100000``.

Builds the 100k-student benchmark region of ``benchmarks/dashboard.py`` in a fresh database on
each backend (a database ``bench_region_run`` on the PostgreSQL server named by ``--server-url``,
default SKILLBRIDGE_TEST_POSTGRES_URL or the local test server; a temporary file for SQLite), then
has the bureau start ``--repeats`` region-wide runs one after the other and executes each as the
background worker does. Prints, per backend, the median of the phases each run records (read the
rows, build the engine's arrays, solve, compare with the other method, store the result), the
wall time from the start to the stored result (median, and every run), the size of the stored
arrays, the time to rebuild the explainer from them (what the first view of a run's page in a
process adds) and to explain the page's first 200 students. Every database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from benchmarks.dashboard import DEFAULT_SERVER, build_region
from skillbridge.models import Base, MatchRun, MatchRunArrays, Role, User
from skillbridge.platform.database import Database
from skillbridge.platform.services import audit
from skillbridge.platform.services.matching import arrays
from skillbridge.platform.services.matching import runs as match_runs

DATABASE_NAME = "bench_region_run"
PAGE_ROWS = 200
PHASES = ("read_s", "build_s", "solve_s", "compare_s", "store_s")


def _postgres_url(server_url: str) -> tuple[str, Engine]:
    server = make_url(server_url)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE_NAME}"'))
    return server.set(database=DATABASE_NAME).render_as_string(hide_password=False), admin


def _drop_postgres(admin: Engine) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)'))
    admin.dispose()


def _one_run(database: Database) -> tuple[dict[str, Any], float, float, float, int]:
    """One bureau run: its stats, start→stored seconds, rebuild and page seconds, blob bytes."""
    with database.session_scope() as session:
        bureau = session.scalars(select(User).where(User.role == Role.BUREAU)).one()
        run_id = match_runs.start_run(session, bureau, match_runs.RunRequest()).id
    began = time.perf_counter()
    match_runs.execute_run(database, run_id, date.today())
    total_s = time.perf_counter() - began
    with database.sessions() as session:
        run = session.get(MatchRun, run_id)
        assert run is not None and run.error is None, run and run.error
        blob = session.scalars(
            select(MatchRunArrays.data).where(MatchRunArrays.run_id == run_id)
        ).one()
        # What the first view of the run's page in a process adds: rebuilding the explainer.
        began = time.perf_counter()
        arrays.unpack_run(blob)
        rebuild_s = time.perf_counter() - began
        match_runs.run_outcomes(session, run, limit=PAGE_ROWS)  # fills the cache
        began = time.perf_counter()
        rows = match_runs.run_outcomes(session, run, limit=PAGE_ROWS)
        page_s = time.perf_counter() - began
        assert len(rows) == min(PAGE_ROWS, run.stats["students"])
        return dict(run.stats), total_s, rebuild_s, page_s, len(blob)


def measure(url: str, students: int, seed: int, repeats: int) -> dict[str, Any]:
    """Build the region at `url`, then time `repeats` bureau runs on it (the median is shown).

    Later runs read the same scope: an unpublished run's proposals hold no seat.
    """
    database = Database(url)
    Base.metadata.create_all(database.engine)
    began = time.perf_counter()
    with Session(database.engine) as session:
        audit.ensure_chain_head(session)
        build_region(session, students, seed)
        session.commit()
    region_s = time.perf_counter() - began
    runs = [_one_run(database) for _ in range(repeats)]
    database.engine.dispose()
    stats = runs[0][0]
    phases = {p: statistics.median(r[0]["timings"][p] for r in runs) for p in PHASES}
    return {
        "region_s": region_s,
        "stats": stats,
        "phases": phases,
        "total_s": statistics.median(r[1] for r in runs),
        "totals": [r[1] for r in runs],
        "rebuild_s": statistics.median(r[2] for r in runs),
        "page_s": statistics.median(r[3] for r in runs),
        "stored_bytes": runs[0][4],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3, help="runs per backend")
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
                results[backend] = measure(url, args.students, args.seed, args.repeats)
            finally:
                _drop_postgres(admin)
        elif backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{Path(folder) / 'region_run.db'}"
                results[backend] = measure(url, args.students, args.seed, args.repeats)
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
        + "".join(f"{p.removesuffix('_s'):>9}" for p in PHASES)
        + f"{'start→stored':>14}{'all runs':>20}{'stored MB':>11}{'rebuild':>9}{'page':>7}"
    )
    for backend, figures in results.items():
        totals = " ".join(f"{t:.1f}" for t in figures["totals"])
        print(
            f"{backend:<12}"
            + "".join(f"{figures['phases'][p]:>9.2f}" for p in PHASES)
            + f"{figures['total_s']:>14.2f}{totals:>20}{figures['stored_bytes'] / 2**20:>11.2f}"
            + f"{figures['rebuild_s']:>9.2f}{figures['page_s']:>7.2f}"
        )
    load = os.getloadavg()
    print(
        f"\n(seconds, median of {args.repeats} runs on one region; phases as the run records them; "
        f"rebuild: the explainer from the stored arrays, once per process; page: the run "
        f"page's first {PAGE_ROWS} students explained; load average at the end "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
