"""PostgreSQL restarted under load: the app recovers by itself and errs only during the outage.

The test runs a PostgreSQL server of its own (initdb in a temporary folder), so stopping it
disturbs nothing else. Threads keep requesting a page that reads the database while the server
is stopped for two seconds and started again; nobody touches the app in between.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import add_bureau_user, free_port, login, make_test_config, require_service

from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database
from skillbridge.platform.migrate import upgrade_database

THREADS = 4
OUTAGE_SECONDS = 2.0
# A request that began just before the stop may still fail a moment after the start.
GRACE_SECONDS = 1.0


@dataclass
class Server:
    url: str
    stop: object
    start: object


@pytest.fixture
def private_postgres():  # type: ignore[no-untyped-def]
    """A throwaway PostgreSQL server; run as the postgres OS user when the tests run as root."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    require_service("PostgreSQL server binaries", bool(binaries), "no /usr/lib/postgresql/*/bin")
    bin_dir = binaries[-1].parent
    # Not under pytest's tmp_path: its parents are private to root, the server user must enter.
    data = Path(tempfile.mkdtemp(prefix="skillbridge-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"

    def ctl(*args: str) -> None:
        subprocess.run(
            [
                *run_as,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data / "db"),
                "-l",
                str(data / "log"),
                "-w",
                *args,
            ],
            check=True,
            capture_output=True,
        )

    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
    )
    ctl("-o", options, "start")
    yield Server(
        url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
        stop=lambda: ctl("-m", "fast", "stop"),
        start=lambda: ctl("-o", options, "start"),
    )
    subprocess.run(
        [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "stop"],
        check=False,
        capture_output=True,
    )
    shutil.rmtree(data, ignore_errors=True)


# Connections the server dropped are discarded by the pool; psycopg warns when such a broken
# connection object is finalised. Finalise them here (gc below), not in some later test.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_requests_fail_only_while_the_database_is_down(private_postgres, tmp_path) -> None:  # type: ignore[no-untyped-def]
    upgrade_database(private_postgres.url)
    app = create_app(make_test_config(private_postgres.url, tmp_path))
    user = add_bureau_user(app, "fault-region")
    clients = [app.test_client() for _ in range(THREADS)]
    for client in clients:
        login(client, user)
    samples: list[tuple[float, float, int]] = []  # (sent, answered, status)
    lock = threading.Lock()
    done = threading.Event()

    def load(client) -> None:  # type: ignore[no-untyped-def]
        while not done.is_set():
            sent = time.monotonic()
            status = client.get("/api/v1/me").status_code
            with lock:
                samples.append((sent, time.monotonic(), status))

    threads = [threading.Thread(target=load, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        down = time.monotonic()
        private_postgres.stop()
        time.sleep(OUTAGE_SECONDS)
        private_postgres.start()
        up = time.monotonic()
        time.sleep(2.0)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=60)
        get_database(app).engine.dispose()
        gc.collect()
    statuses = Counter(status for _, _, status in samples)
    outside = [
        (round(sent - down, 3), status)
        for sent, answered, status in samples
        if status != 200 and not (answered >= down and sent <= up + GRACE_SECONDS)
    ]
    recovered = [s for sent, _, s in samples if sent > up + GRACE_SECONDS]
    print(f"\ndatabase restart: {dict(statuses)}; outage {up - down:.2f} s")
    assert set(statuses) <= {200, 503}, statuses  # the outage is a 503, never a 500
    assert statuses[503] > 0, "the outage was not seen: the test proved nothing"
    assert outside == []
    assert recovered and set(recovered) == {200}
