"""Pages under load through gunicorn on PostgreSQL: ``python -m benchmarks.load``.

Creates a fresh database on the PostgreSQL server named by ``--server-url`` (default: the test
server in SKILLBRIDGE_TEST_POSTGRES_URL), migrates it and seeds the demo region with the real
commands (``skillbridge db upgrade``, ``skillbridge seed-demo``), starts gunicorn as in
production (``--workers`` sync workers on loopback), logs in as each demo role through the login
form, then drives each role's pages with wrk (``--connections`` connections for ``--duration``
seconds each, after an unmeasured run of ``WARM_UP_S`` seconds on the same page) and prints
requests/s, p50 and p99 latency, the errors (non-2xx answers and socket errors) and the CPU a
request cost the gunicorn workers and the database's server processes (read from /proc). The
database is dropped afterwards unless ``--keep`` is given.

wrk is Debian's ``wrk`` package (``apt-get install wrk``); it is written in C, so the load
generator costs the two cores far less than the server it measures.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from skillbridge.platform.demo.region import DEMO_LOGINS, DEMO_PASSWORD

USER_AGENT = "skillbridge-load"  # the login's session is bound to address and agent
WRK_THREADS = 2
WARM_UP_S = 2  # wrk's run on each page before the measured one
# Each role's landing page (where / redirects) and the lists it works from.
PAGES = {
    "anonymous": ["/login"],
    "student": ["/dashboard", "/placements/offers", "/preferences/", "/slots/"],
    "school": ["/dashboard", "/school/cohorts", "/placements/", "/agreements/"],
    "enterprise": ["/dashboard", "/slots/mine", "/placements/", "/subsidies/claims"],
    "bureau": ["/dashboard", "/bureau/dashboard/", "/bureau/compliance/", "/placements/"],
    "bureau API": ["/api/v1/me"],
}


def parse_pages(value: str) -> dict[str, list[str]]:
    """``role:/path,role:/path`` as PAGES is laid out (a role's pages in the order given)."""
    pages: dict[str, list[str]] = {}
    for item in value.split(","):
        role, separator, path = item.strip().partition(":")
        if not separator or role not in PAGES or not path.startswith("/"):
            raise ValueError(f"not role:/path with a role of {', '.join(PAGES)}: {item!r}")
        pages.setdefault(role, []).append(path)
    return pages


def login_form(page: str, email: str) -> dict[str, str]:
    """The login form's fields for a demo account, with the CSRF token of the login `page`."""
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError("no CSRF token on the login page")
    return {"csrf_token": token.group(1), "email": email, "password": DEMO_PASSWORD}


def seed_demo(environ: dict[str, str]) -> float:
    """Migrate and seed the database of `environ` with the real commands; the seconds it took."""
    started = time.perf_counter()
    for step in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(
            [_command("skillbridge"), *step], env=environ, check=True, capture_output=True
        )
    return time.perf_counter() - started


@contextmanager
def scratch_database(server_url: str, keep: bool = False) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of `server_url`, dropped afterwards
    unless `keep`; yields its URL."""
    name = f"skillbridge_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _command(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def gunicorn_command(port: int, workers: int, *options: str) -> list[str]:
    """gunicorn serving the app as in production: `workers` workers (sync unless `options` say
    otherwise) on loopback at `port`."""
    return [
        _command("gunicorn"),
        "-w",
        str(workers),
        *options,
        "-b",
        f"127.0.0.1:{port}",
        "skillbridge.platform.app:create_app()",
    ]


def _opener() -> tuple[urllib.request.OpenerDirector, CookieJar]:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    return opener, jar


def _session_cookie(base: str, email: str) -> str:
    """Log in through the form (CSRF token included) and return the session cookie."""
    opener, jar = _opener()
    form = login_form(opener.open(f"{base}/login").read().decode(), email)
    opener.open(f"{base}/login", urllib.parse.urlencode(form).encode()).read()
    for cookie in jar:
        if cookie.name == "session":
            return cookie.value or ""
    raise RuntimeError(f"login as {email} set no session cookie")


def _wrk(
    url: str, cookie: str | None, connections: int, duration: int, script: list[str] | None = None
) -> dict[str, float]:
    """One wrk run; requests/s, p50/p99 in ms and the error count from its report.

    `script` is a Lua script's path followed by its arguments (it then builds the requests).
    """
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: session={cookie}"]
    if script:
        command += ["-s", script[0]]
    command.append(url)
    if script:
        command += ["--", *script[1:]]
    report = subprocess.run(command, check=True, capture_output=True, text=True).stdout

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", report, re.M)
        if match is None:
            raise RuntimeError(f"no {percent}% latency in wrk's report:\n{report}")
        return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(n) for n in sockets.groups()) if sockets else 0
    requests = re.search(r"^\s*(\d+) requests in", report, re.M)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1)),  # type: ignore[union-attr]
        "p50": latency("50"),
        "p99": latency("99"),
        "requests": float(requests.group(1)) if requests else 0.0,
        "errors": float(errors),
    }


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process (Linux /proc; a process gone counts nothing)."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return seconds


class CpuMeter:
    """CPU seconds spent by the gunicorn workers and by the database's server processes.

    On a machine shared with other work the wall-clock figures follow the load; the CPU a
    request costs does much less, and says what the two cores could serve alone.
    """

    def __init__(self, gunicorn: int, engine: Engine, database: str) -> None:
        self.gunicorn, self.engine, self.database = gunicorn, engine, database
        self.start: dict[int, float] = {}

    def _pids(self) -> tuple[list[int], list[int]]:
        """The gunicorn workers' and the database server processes' ids."""
        children = Path(f"/proc/{self.gunicorn}/task/{self.gunicorn}/children").read_text()
        with self.engine.connect() as connection:
            backends = connection.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = :name "
                    "AND pid <> pg_backend_pid()"
                ),
                {"name": self.database},
            ).all()
        return [int(pid) for pid in children.split()], [int(pid) for pid in backends]

    def begin(self) -> None:
        workers, backends = self._pids()
        self.start = _cpu_seconds(workers + backends)

    def spent_apart(self) -> tuple[float, float]:
        """CPU seconds since `begin` of the web workers and of the database, apart."""
        workers, backends = self._pids()
        now = _cpu_seconds(workers + backends)
        spent = {pid: now[pid] - self.start.get(pid, 0.0) for pid in now}
        return (
            sum(spent.get(pid, 0.0) for pid in workers),
            sum(spent.get(pid, 0.0) for pid in backends),
        )

    def spent(self) -> float:
        return sum(self.spent_apart())


def _wait_until_up(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz")


def demo_environ(database_url: str) -> dict[str, str]:
    """The environment of the commands and the app on the demo database at `database_url`."""
    return {
        **os.environ,
        "SKILLBRIDGE_DATABASE_URL": database_url,
        "SKILLBRIDGE_SECRET_KEY": uuid.uuid4().hex * 2,
        "SKILLBRIDGE_RATELIMIT_ENABLED": "false",  # four logins, then only page requests
    }


def run(
    server_url: str,
    workers: int,
    connections: int,
    duration: int,
    keep: bool,
    pages: dict[str, list[str]] = PAGES,
) -> int:
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk")
        return 2
    with scratch_database(server_url, keep) as url:
        return _measure(demo_environ(url), workers, connections, duration, pages)


def _measure(
    environ: dict[str, str],
    workers: int,
    connections: int,
    duration: int,
    pages: dict[str, list[str]],
) -> int:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    name = make_url(environ["SKILLBRIDGE_DATABASE_URL"]).database
    print(f"database {name}: migrated and seeded in {seed_demo(environ):.1f} s")
    gunicorn = subprocess.Popen(
        gunicorn_command(port, workers),
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    engine = create_engine(environ["SKILLBRIDGE_DATABASE_URL"])
    cpu = CpuMeter(gunicorn.pid, engine, name)
    try:
        _wait_until_up(base, gunicorn)
        cookies = {role: _session_cookie(base, email) for role, email in DEMO_LOGINS.items()}
        cookies["bureau API"] = cookies["bureau"]
        print(
            f"gunicorn {workers} sync workers, wrk 2 threads x {connections} connections, "
            f"{duration} s per page, both on the same {os.cpu_count()} cores\n"
        )
        header = (
            f"{'role':11s} {'page':22s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s} "
            f"{'requests':>9s} {'errors':>7s} {'web CPU':>8s} {'db CPU':>7s}"
        )
        print(header)
        print("-" * len(header))
        failed = 0
        for role, paths in pages.items():
            for path in paths:
                # Unmeasured: what each worker does once per page (compiling its templates,
                # preparing its statements on each pooled connection, rendering the chart
                # cards of a snapshot) would otherwise be the run's slowest percent.
                _wrk(f"{base}{path}", cookies.get(role), connections, WARM_UP_S)
                _wait_until_up(base, gunicorn)
                cpu.begin()
                figures = _wrk(f"{base}{path}", cookies.get(role), connections, duration)
                # Requests wrk left queued finish before the next page is measured.
                _wait_until_up(base, gunicorn)
                web, database = (
                    1000 * seconds / max(figures["requests"], 1) for seconds in cpu.spent_apart()
                )
                failed += int(figures["errors"])
                print(
                    f"{role:11s} {path:22s} {figures['rps']:8.1f} {figures['p50']:8.1f} "
                    f"{figures['p99']:8.1f} {int(figures['requests']):9d} "
                    f"{int(figures['errors']):7d} {web:8.2f} {database:7.2f}",
                    flush=True,
                )
        return 1 if failed else 0
    finally:
        engine.dispose()
        gunicorn.terminate()
        gunicorn.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-url", default=os.environ.get("SKILLBRIDGE_TEST_POSTGRES_URL"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--pages", type=parse_pages, default=PAGES, help="role:/path,... (default: all)"
    )
    args = parser.parse_args()
    if not args.server_url:
        parser.error("give --server-url or set SKILLBRIDGE_TEST_POSTGRES_URL")
    return run(
        args.server_url, args.workers, args.connections, args.duration, args.keep, args.pages
    )


if __name__ == "__main__":
    sys.exit(main())
