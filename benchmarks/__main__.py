"""Run every benchmark and print its table: ``python -m benchmarks`` (what ``make bench`` runs).

Each benchmark runs in its own process, one after the other, so that one's memory peak or
worker processes do not disturb the next. The dashboard, region-run, load, supervision and
nodes benchmarks need a PostgreSQL server (SKILLBRIDGE_TEST_POSTGRES_URL); without one they are
skipped with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys

BENCHMARKS = [
    (
        "matching engine",
        [sys.executable, "-m", "skillbridge.matching", "bench", "--sizes", "10k,100k"],
    ),
    ("roster import", [sys.executable, "benchmarks/run_roster_import.py", "--rows", "5000"]),
    ("region-wide match run, demo data", [sys.executable, "benchmarks/run_match_demo.py"]),
    (
        "bureau dashboard, 100k students (PostgreSQL)",
        [sys.executable, "-m", "benchmarks.dashboard", "--students", "100000"],
    ),
    (
        "region-wide match run from the database, 100k students (PostgreSQL and SQLite)",
        [sys.executable, "-m", "benchmarks.region_run", "--students", "100000"],
    ),
    (
        "pages' Python calls and SQL statements per request, demo data (in process, SQLite)",
        [sys.executable, "-m", "benchmarks.calls"],
    ),
    (
        "pages under load: gunicorn + PostgreSQL + wrk, demo data",
        [sys.executable, "-m", "benchmarks.load"],
    ),
    (
        "supervision under load: check-in, journal submit, supervisors' lists, 100k placements",
        [sys.executable, "-m", "benchmarks.supervision"],
    ),
    (
        "one web node or two (same workers in all) on one PostgreSQL and Redis: check-in",
        [sys.executable, "-m", "benchmarks.nodes"],
    ),
]


def main() -> int:
    failed = []
    for title, command in BENCHMARKS:
        print(f"\n=== {title} ===", flush=True)
        needs_postgres = any(
            name in command
            for name in (
                "benchmarks.dashboard",
                "benchmarks.region_run",
                "benchmarks.load",
                "benchmarks.supervision",
                "benchmarks.nodes",
            )
        )
        if needs_postgres and not os.environ.get("SKILLBRIDGE_TEST_POSTGRES_URL"):
            print("skipped: set SKILLBRIDGE_TEST_POSTGRES_URL to a PostgreSQL server URL")
            continue
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(title)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
