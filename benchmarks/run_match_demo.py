"""Time a region-wide match run over the demo region, from the click to the result page.

    python benchmarks/run_match_demo.py [--database-url URL] [--repeats 3]

Seeds the demo region (3000 students, 400 slots) into a fresh database (SQLite in a temporary
folder by default), logs in as the demo bureau user, and for each repeat POSTs the run form, polls
the status URL the page polls until the run has finished, and loads the result page. Prints the
phases the run recorded (read, build, solve, compare, store) and the wall time click → result page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from skillbridge.models import Base
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database
from skillbridge.platform.demo.region import DEMO_LOGINS, DEMO_PASSWORD, seed_demo_region
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services import audit

POLL_SECONDS = 0.05


def _prepare(url: str, instance: Path):  # type: ignore[no-untyped-def]
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(instance),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    database = get_database(app)
    Base.metadata.drop_all(database.engine)
    Base.metadata.create_all(database.engine)
    with database.session_scope() as session:
        audit.ensure_chain_head(session)
        seed_demo_region(session, seed=2026, keys=id_keys(app))
    return app


def _one_run(client) -> tuple[float, dict]:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    response = client.post("/matching/runs", data={"method": "auto", "offer_days": 7})
    if response.status_code != 302:
        raise SystemExit(f"starting the run failed: {response.status_code}")
    run_path = response.headers["Location"]
    while True:
        status = client.get(f"{run_path}/status").get_json()
        if status["status"] not in ("queued", "running"):
            break
        time.sleep(POLL_SECONDS)
    if status["status"] != "succeeded":
        raise SystemExit(f"run failed: {status['error']}")
    page = client.get(run_path)
    elapsed = time.perf_counter() - began
    if page.status_code != 200:
        raise SystemExit(f"result page failed: {page.status_code}")
    return elapsed, client.get(f"{run_path}/status").get_json()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'demo.db'}"
        app = _prepare(url, Path(folder) / "instance")
        client = app.test_client()
        client.post("/login", data={"email": DEMO_LOGINS["bureau"], "password": DEMO_PASSWORD})
        walls = []
        from skillbridge.models import MatchRun

        for _ in range(args.repeats):
            elapsed, _status = _one_run(client)
            walls.append(elapsed)
        with get_database(app).sessions() as session:
            last = session.query(MatchRun).order_by(MatchRun.id.desc()).first()
            stats = last.stats
        get_database(app).engine.dispose()
    backend = url.split(":", 1)[0]
    print(f"\nRegion-wide match run over the demo region ({backend}, {args.repeats} runs)\n")
    print(
        "| students | slots | seats | candidates | placed | read s | build s | solve s "
        "| compare s | store s | click → result s (median) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    t = stats["timings"]
    print(
        f"| {stats['students']} | {stats['slots']} | {stats['seats']} | {stats['candidates']} "
        f"| {stats['placed']} | {t['read_s']} | {t['build_s']} | {t['solve_s']} "
        f"| {t['compare_s']} | {t['store_s']} "
        f"| {statistics.median(walls):.2f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
