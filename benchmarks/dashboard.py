"""Time the bureau's dashboard on a synthetic region: ``python -m benchmarks.dashboard --students 100000``.

Builds a fresh PostgreSQL database on the server named by ``--server-url`` (default: the test
server in SKILLBRIDGE_TEST_POSTGRES_URL), fills one region with bulk inserts (schools, cohorts,
enterprises, slots, ranked preferences, placements with months, cooperation agreements, paid
claims, open findings), then requests pages through the Flask test client as the bureau and
prints the median wall time and the SQL time (summed cursor executions) per page. The database
is dropped afterwards unless ``--keep`` is given.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import create_engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from skillbridge.models import (
    Base,
    Budget,
    Cohort,
    ComplianceFinding,
    CooperationAgreement,
    Enterprise,
    Occupation,
    Person,
    Placement,
    PlacementStatus,
    Region,
    Role,
    School,
    Severity,
    Slot,
    SlotKind,
    Specialty,
    StaffRole,
    Student,
    StudentPreference,
    SubsidyClaim,
    SubsidyPolicy,
    User,
)
from skillbridge.models.agreement import agreement_specialty
from skillbridge.models.occupation import specialty_occupation
from skillbridge.models.school import school_specialty
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database
from skillbridge.platform.demo.factories import (
    budget_row,
    cohort_row,
    cooperation_row,
    enterprise_row,
    finding_row,
    occupation_row,
    paid_claim_row,
    person_row,
    placement_row,
    policy_row,
    school_row,
    slot_row,
    specialty_row,
    student_row,
)
from skillbridge.platform.services import audit
from skillbridge.platform.services.accounts.passwords import hash_password
from skillbridge.platform.services.accounts.registration import new_session_token

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "benchmark-password"
INDUSTRIES = ("制造业", "信息技术", "建筑业", "交通运输", "批发零售", "住宿餐饮", "医药卫生")
INDUSTRIES += ("电力能源", "化工", "汽车", "电子", "物流")
CHUNK = 10_000
ID_TABLES = ("occupation", "specialty", "school", "enterprise", "cohort", "slot", "student")
ID_TABLES += ("cooperation_agreement",)
TODAY = date.today()


def _bulk(session: Session, table, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table), rows[start : start + CHUNK])


def build_region(session: Session, students: int, seed: int) -> dict[str, int]:
    """One region of `students` students; returns the row counts."""
    rng = random.Random(seed)
    region = Region(code="bench", name="基准测试区", policy_pack="wujiang")
    session.add(region)
    session.flush()
    n_schools, n_firms = max(students // 2500, 2), max(students // 150, 10)
    n_occupations, n_specialties = 60, 80
    n_slots = max(students // 25, 20)

    _bulk(
        session,
        Occupation,
        [{"id": i + 1, **occupation_row(i + 1, "工种")} for i in range(n_occupations)],
    )
    _bulk(
        session,
        Specialty,
        [{"id": i + 1, **specialty_row(i + 1, "专业")} for i in range(n_specialties)],
    )
    _bulk(
        session,
        specialty_occupation,
        [
            {"specialty_id": i + 1, "occupation_id": i % n_occupations + 1}
            for i in range(n_specialties)
        ],
    )
    _bulk(
        session, School, [{"id": i + 1, **school_row(region.id, i + 1)} for i in range(n_schools)]
    )
    _bulk(
        session,
        Enterprise,
        [
            {
                "id": i + 1,
                **enterprise_row(
                    region.id,
                    i + 1,
                    industry=INDUSTRIES[i % len(INDUSTRIES)],
                    staff_headcount=500,
                ),
            }
            for i in range(n_firms)
        ],
    )

    cohorts, links = [], []
    for school in range(1, n_schools + 1):
        for specialty in rng.sample(range(1, n_specialties + 1), 10):
            links.append({"school_id": school, "specialty_id": specialty})
            n = len(cohorts) + 1
            row = cohort_row(school, specialty, n, name="2301班", window_end=date(2026, 12, 31))
            cohorts.append({"id": n, **row})
    _bulk(session, school_specialty, links)
    _bulk(session, Cohort, cohorts)

    slots = [
        {
            "id": i + 1,
            **slot_row(
                rng.randint(1, n_firms),
                rng.randint(1, n_occupations),
                i,
                kind=rng.choice(list(SlotKind)),
                title=f"岗位{i}",
                start_date=date(2025, 9, 1),
                seats=0,
                stipend_yuan=0,
                post_wage_yuan=None,
            ),
        }
        for i in range(n_slots)
    ]

    people, student_rows, preferences, placements = [], [], [], []
    statuses = (PlacementStatus.ACTIVE, PlacementStatus.ENDED, PlacementStatus.ACCEPTED)
    statuses += (PlacementStatus.DECLINED, PlacementStatus.OFFERED)
    for i in range(students):
        cohort = cohorts[i % len(cohorts)]
        ranked = rng.sample(range(1, n_slots + 1), 5)
        preferences.extend(
            {"student_id": i + 1, "slot_id": slot, "rank": r + 1} for r, slot in enumerate(ranked)
        )
        used = 0
        if rng.random() < 0.6:
            slot = (
                ranked[min(int(rng.expovariate(0.8)), 4)]
                if rng.random() < 0.9
                else rng.randint(1, n_slots)
            )
            status = rng.choice(statuses)
            months = rng.randint(1, 12)
            counts = slots[slot - 1]["kind"] == SlotKind.POST_INTERNSHIP
            holds = status in (
                PlacementStatus.ACTIVE,
                PlacementStatus.ENDED,
                PlacementStatus.ACCEPTED,
            )
            if holds:
                slots[slot - 1]["seats"] += 1
                used = months if counts else 0
            start = date(2025, 9, 1)
            placements.append(
                placement_row(
                    i + 1,
                    slot,
                    status=status,
                    start_date=start,
                    end_date=start + timedelta(days=30 * months),
                    months=months,
                    counts_toward_cap=counts,
                )
            )
        people.append(
            {
                "id": i + 1,
                **person_row(
                    i + 1,
                    hashlib.sha256(str(i).encode()).hexdigest(),
                    birth_date=date(2005, 1, 1),
                    national_id_masked="3205**********0000",
                ),
            }
        )
        row = student_row(
            cohort["school_id"],
            cohort["id"],
            i + 1,
            i + 1,
            birth_date=date(2005, 1, 1),
            hukou_locality="江苏省苏州市",
            invitation_code=None,
            months_used=used,
        )
        student_rows.append({"id": i + 1, **row})
    for slot in slots:
        slot["seats_taken"] = slot["seats"]
        slot["seats"] += rng.randint(0, 10)
    _bulk(session, Slot, slots)
    _bulk(session, Person, people)
    _bulk(session, Student, student_rows)
    _bulk(session, StudentPreference, preferences)
    _bulk(session, Placement, placements)

    agreements, named = [], []
    for i in range(n_schools * 20):
        school = rng.randint(1, n_schools)
        row = cooperation_row(
            school,
            rng.randint(1, n_firms),
            valid_from=TODAY - timedelta(days=100),
            valid_to=TODAY + timedelta(days=300),
        )
        agreements.append({"id": i + 1, **row})
        taught = [c["specialty_id"] for c in cohorts if c["school_id"] == school]
        named.extend({"agreement_id": i + 1, "specialty_id": s} for s in rng.sample(taught, 2))
    _bulk(session, CooperationAgreement, agreements)
    _bulk(session, agreement_specialty, named)

    bureau = User(
        email="bureau@bench.cn",
        display_name="基准人社局",
        password_hash=hash_password(PASSWORD),
        role=Role.BUREAU,
        staff_role=StaffRole.OFFICER,
        region_id=region.id,
        session_token=new_session_token(),
    )
    session.add(bureau)
    session.flush()
    claims = []
    for code in range(3):
        budget = Budget(**budget_row(region.id, code, 50_000_000))
        session.add(budget)
        session.flush()
        policy = SubsidyPolicy(**policy_row(region.id, budget.id, code))
        session.add(policy)
        session.flush()
        paid = 0
        for j in range(students // 15):
            when = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=rng.randint(0, 540))
            student = rng.randint(1, students)
            claims.append(paid_claim_row(policy.id, student, 1000, when, bureau.id, f"{code}:{j}"))
            paid += 1000
        budget.paid_yuan, budget.remaining_yuan = paid, budget.allocated_yuan - paid
    _bulk(session, SubsidyClaim, claims)
    rules = ("R1", "R2", "R3", "R4", "N2", "N4", "N5", "N6")
    _bulk(
        session,
        ComplianceFinding,
        [
            finding_row(
                region.id,
                rng.choice(rules),
                rng.choice(list(Severity)),
                ("placement", i + 1),
                f"placement:{i}",
            )
            for i in range(students // 50)
        ],
    )
    # Rows were inserted with explicit ids: PostgreSQL's sequences must catch up (SQLite's
    # INTEGER PRIMARY KEY needs nothing).
    if session.get_bind().dialect.name == "postgresql":
        for table in ID_TABLES:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    session.execute(text("ANALYZE"))
    return {
        "students": students,
        "schools": n_schools,
        "enterprises": n_firms,
        "slots": n_slots,
        "preferences": len(preferences),
        "placements": len(placements),
        "agreements": len(agreements),
        "paid claims": len(claims),
    }


class SqlTimer:
    """Sums the time spent in cursor executions on an engine."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.seconds, self.statements = 0.0, 0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, params, context, many) -> None:  # type: ignore[no-untyped-def]
        conn.info["t0"] = time.perf_counter()

    def _after(self, conn, cursor, statement, params, context, many) -> None:  # type: ignore[no-untyped-def]
        self.seconds += time.perf_counter() - conn.info.pop("t0")
        self.statements += 1

    def reset(self) -> None:
        self.seconds, self.statements = 0.0, 0


def measure(url: str, repeats: int) -> list[tuple[str, float, float, int, int]]:
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    timer = SqlTimer(get_database(app).engine)
    client = app.test_client()
    response = client.post("/login", data={"email": "bureau@bench.cn", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    pages = (
        ("dashboard", "/bureau/dashboard/"),
        ("placements list p.1", "/bureau/dashboard/lists/placements?held=1"),
        ("students near cap list", "/bureau/dashboard/lists/students?months_used=12"),
        ("coverage list", "/bureau/dashboard/lists/coverage?short=1"),
        ("placements CSV (all)", "/bureau/dashboard/lists/placements.csv"),
    )
    results = []
    for name, path in pages:
        # Warms caches and the connection pool. The dashboard's first view also counts the
        # region's charts and stores them; later views show them (refreshed in the background
        # once 5 minutes old), so that first view is a row of its own.
        timer.reset()
        start = time.perf_counter()
        client.get(path).close()
        if path == "/bureau/dashboard/":
            first = time.perf_counter() - start
            results.append((f"{name}: first view", first, timer.seconds, timer.statements, 0))
        walls, sqls, size, statements = [], [], 0, 0
        for _ in range(repeats if "CSV" not in name else max(repeats // 3, 1)):
            timer.reset()
            start = time.perf_counter()
            response = client.get(path)
            size = len(response.data)
            response.close()
            walls.append(time.perf_counter() - start)
            sqls.append(timer.seconds)
            statements = timer.statements
            assert response.status_code == 200, (path, response.status_code)
        results.append((name, statistics.median(walls), statistics.median(sqls), statements, size))
    get_database(app).engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server-url", default=None, help="PostgreSQL server URL")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    server = make_url(
        args.server_url or os.environ.get("SKILLBRIDGE_TEST_POSTGRES_URL") or DEFAULT_SERVER
    )
    name = f"skillbridge_bench_dashboard_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        started = time.perf_counter()
        with Session(engine) as session:
            audit.ensure_chain_head(session)
            counts = build_region(session, args.students, args.seed)
            session.commit()
        engine.dispose()
        print(
            f"built {name} in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
        rows = measure(url, args.repeats)
        print(f"\n{'page':<26}{'median ms':>11}{'SQL ms':>9}{'queries':>9}{'bytes':>12}")
        for page, wall, sql, statements, size in rows:
            print(f"{page:<26}{wall * 1000:>11.0f}{sql * 1000:>9.0f}{statements:>9}{size:>12,}")
        print(
            f"\n(median of {args.repeats} requests through the Flask test client; CSV of {max(args.repeats // 3, 1)})"
        )
    finally:
        if not args.keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
