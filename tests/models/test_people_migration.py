"""Revision 0005 on a copy of the demo database: every student becomes a person, nothing is lost."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, select, text
from support import make_test_config

from skillbridge.models import Placement, Role, SubsidyClaim, SubsidyPolicy, User
from skillbridge.platform.app import create_app
from skillbridge.platform.db import get_database
from skillbridge.platform.demo.factories import paid_claim_row
from skillbridge.platform.demo.history import seed_demo_history
from skillbridge.platform.demo.region import seed_demo_region
from skillbridge.platform.keys import id_keys
from skillbridge.platform.migrate import alembic_config, upgrade_database

COUNTED = ("student", "placement", "subsidy_claim", "certificate", "user_account")


def _rows(url: str, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def _counts(url: str) -> dict[str, int]:
    return {table: _rows(url, f"SELECT count(*) FROM {table}")[0][0] for table in COUNTED}


def _demo_database_at_0004(tmp_path: Path) -> Path:
    """The demo region and its first season, seeded and then taken back to the old schema."""
    path = tmp_path / "demo.db"
    url = f"sqlite:///{path}"
    upgrade_database(url)
    app = create_app(make_test_config(url, tmp_path))
    database = get_database(app)
    with database.write_sessions() as session:
        seed_demo_region(session, 7, keys=id_keys(app), scale=0.2)
        session.commit()
    seed_demo_history(database, 7)
    # The demo's season raises no claim yet: pay one per placed student, as a later year would.
    with database.write_sessions() as session:
        bureau = session.scalars(select(User).where(User.role == Role.BUREAU)).first()
        policy = session.scalars(select(SubsidyPolicy)).first()
        assert bureau is not None and policy is not None
        placed = session.scalars(select(Placement.student_id).distinct()).all()
        paid_at = datetime(2027, 1, 15, tzinfo=UTC)
        session.add_all(
            SubsidyClaim(**paid_claim_row(policy.id, s, 1000, paid_at, bureau.id, f"mig-{s}"))
            for s in placed
        )
        session.commit()
    database.engine.dispose()
    command.downgrade(alembic_config(url), "0004")
    return path


def test_students_become_people_with_every_student_placement_and_claim_kept(tmp_path) -> None:
    original = _demo_database_at_0004(tmp_path)
    copy = tmp_path / "copy.db"
    shutil.copyfile(original, copy)
    old_url, url = f"sqlite:///{original}", f"sqlite:///{copy}"
    before = _counts(old_url)
    old_students = _rows(
        old_url,
        "SELECT id, name, birth_date, national_id_masked, national_id_hash,"
        " national_id_encrypted, phone FROM student ORDER BY id",
    )
    old_links = {
        table: _rows(old_url, f"SELECT id, student_id FROM {table} ORDER BY id")
        for table in ("placement", "subsidy_claim")
    }
    old_certificates = _rows(
        old_url,
        "SELECT certificate.number, student.national_id_hash FROM certificate"
        " JOIN student ON student.id = certificate.student_id ORDER BY certificate.number",
    )
    assert before["student"] > 500 and before["placement"] > 0 and before["subsidy_claim"] > 0

    upgrade_database(url)

    assert _counts(url) == before
    people = _rows(
        url,
        "SELECT student.id, student.name, student.birth_date, person.national_id_masked,"
        " person.national_id_hash, person.national_id_encrypted, person.phone"
        " FROM student JOIN person ON person.id = student.person_id ORDER BY student.id",
    )
    assert people == old_students  # one person per student, the identity moved unchanged
    assert _rows(url, "SELECT count(*) FROM person")[0][0] == len(old_students)
    for table, links in old_links.items():
        assert _rows(url, f"SELECT id, student_id FROM {table} ORDER BY id") == links
    assert (
        _rows(
            url,
            "SELECT certificate.number, person.national_id_hash FROM certificate"
            " JOIN person ON person.id = certificate.person_id ORDER BY certificate.number",
        )
        == old_certificates
    )
    # Accounts made before staff roles each ran their organisation.
    roles = dict(_rows(url, "SELECT role, min(staff_role) FROM user_account GROUP BY role"))
    assert roles == {
        "school": "admin",
        "enterprise": "admin",
        "student": "self",
        "bureau": "officer",
    }
    # And the schema is the models' schema.
    command.check(alembic_config(url))
