"""Time a roster import end to end: ``python benchmarks/run_roster_import.py [--rows 5000]``.

Builds a fresh SQLite database (or the PostgreSQL one named by ``--database-url``), one verified
school with a cohort, and a generated roster of valid rows; then times reading the file, checking
every row, and writing the students (one transaction), for CSV and XLSX side by side.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta

from openpyxl import Workbook
from sqlalchemy.orm import Session
from stdnum.cn import ric

from skillbridge.models import (
    Base,
    Cohort,
    Occupation,
    Region,
    Role,
    School,
    Specialty,
    StaffRole,
    User,
)
from skillbridge.platform.database import make_engine
from skillbridge.platform.demo.factories import cohort_row, school_row
from skillbridge.platform.services import audit
from skillbridge.platform.services.schools import roster

KEY = "benchmark-id-hash-key"


def _rows(n: int) -> list[list[str]]:
    """A header and `n` valid rows with distinct IDs."""
    rows = [list(roster.COLUMNS)]
    for i in range(n):
        birth = date(2000, 1, 1) + timedelta(days=i // 1000)
        body = f"110105{birth:%Y%m%d}{i % 1000:03d}"
        rows.append(
            [f"学生{len(rows)}", body + ric.calc_check_digit(body + "0"), "460103", "2023"]
            + ["数控2301班", "江苏省苏州市", "是", "中级工", "13800000000", ""]
        )
    return rows


def _files(rows: list[list[str]]) -> dict[str, tuple[str, bytes]]:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    return {"csv": ("r.csv", text.getvalue().encode()), "xlsx": ("r.xlsx", xlsx.getvalue())}


def _fresh(url: str) -> tuple[Session, User]:
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    session = Session(engine)
    audit.ensure_chain_head(session)
    region = Region(code="bench", name="基准区", policy_pack="wujiang")
    session.add(region)
    session.flush()
    specialty = Specialty(
        code="460103", name="数控技术", occupations=[Occupation(code="6-18-01-01", name="车工")]
    )
    school = School(**school_row(region.id, 1, name="基准职业技术学院"), specialties=[specialty])
    session.add(school)
    session.flush()
    session.add(Cohort(**cohort_row(school.id, specialty.id, 1, name="数控2301班")))
    user = User(
        email="bench@example.cn",
        display_name="bench",
        password_hash="x",
        role=Role.SCHOOL,
        staff_role=StaffRole.ADMIN,
        school_id=school.id,
        session_token="t",
    )
    session.add(user)
    session.commit()
    return session, user


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    files = _files(_rows(args.rows))
    print(f"{'format':<6} {'rows':>6} {'bytes':>9} {'read ms':>9} {'check ms':>9} {'write ms':>9}")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        for fmt, (name, data) in files.items():
            timings: list[tuple[float, float, float]] = []
            for _ in range(args.repeats):
                session, user = _fresh(url)
                t0 = time.perf_counter()
                table = roster.read_table(name, data)
                t1 = time.perf_counter()
                school = session.get(School, user.school_id)
                roster.check_rows(session, school, table, KEY)
                t2 = time.perf_counter()
                session.rollback()
                roster.import_roster(session, user, name, data, KEY)
                session.commit()
                t3 = time.perf_counter()
                timings.append((t1 - t0, t2 - t1, (t3 - t2) - (t2 - t0)))
                session.close()
            read, check, write = (statistics.median(t[i] for t in timings) for i in range(3))
            print(
                f"{fmt:<6} {args.rows:>6} {len(data):>9} {read * 1e3:>9.0f} "
                f"{check * 1e3:>9.0f} {write * 1e3:>9.0f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
