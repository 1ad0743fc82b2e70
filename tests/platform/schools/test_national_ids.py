"""National IDs: encrypted at rest under keys of their own, rotated, revealed only to the own
school by an audited action (finding 1)."""

from __future__ import annotations

import json
import random

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select, text
from support import TEST_SECRET, login, make_test_config

from skillbridge.models import AuditEvent, Person, Role, Student
from skillbridge.platform.app import create_app
from skillbridge.platform.config import ConfigError, load_config
from skillbridge.platform.db import get_database
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.schools import roster

PRODUCTION = {"SKILLBRIDGE_ENV": "production", "SKILLBRIDGE_SECRET_KEY": "s" * 48}


def _import(app, school_side, roster_files, seed: int = 5, n: int = 3):  # type: ignore[no-untyped-def]
    """Import `n` students through the service; their rows and full IDs."""
    rows = roster_files.roster_rows(
        random.Random(seed), school_side.cohort, school_side.specialty, n
    )
    with get_database(app).write_sessions() as db:
        user = db.merge(school_side.user)
        imported = roster.import_roster(db, user, "r.csv", roster_files.to_csv(rows), id_keys(app))
        db.commit()
    return [(item.student_id, row[1]) for item, row in zip(imported, rows[1:], strict=True)]


# Configuration


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "SKILLBRIDGE_ID_ENCRYPTION_KEYS"),
        ({"SKILLBRIDGE_ID_ENCRYPTION_KEYS": Fernet.generate_key().decode()}, "ID_HASH_KEY"),
        (
            {
                "SKILLBRIDGE_ID_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                "SKILLBRIDGE_ID_HASH_KEY": "s" * 48,  # the secret key itself
            },
            "must differ",
        ),
        (
            {
                "SKILLBRIDGE_ID_ENCRYPTION_KEYS": "not-a-fernet-key",
                "SKILLBRIDGE_ID_HASH_KEY": "h" * 40,
            },
            "Fernet key",
        ),
    ],
)
def test_production_refuses_missing_or_reused_id_keys(tmp_path, extra, message):  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=message):
        load_config({"INSTANCE_PATH": str(tmp_path)}, {**PRODUCTION, **extra})


def test_the_secret_key_is_refused_as_an_encryption_key_anywhere(tmp_path):  # type: ignore[no-untyped-def]
    key = Fernet.generate_key().decode()
    with pytest.raises(ConfigError, match="must differ"):
        load_config(
            {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": key, "ID_ENCRYPTION_KEYS": key}, {}
        )


def test_production_starts_with_keys_of_their_own(tmp_path):  # type: ignore[no-untyped-def]
    keys = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    environ = {
        **PRODUCTION,
        "SKILLBRIDGE_ID_ENCRYPTION_KEYS": keys,
        "SKILLBRIDGE_ID_HASH_KEY": "h" * 40,
    }
    settings = load_config({"INSTANCE_PATH": str(tmp_path)}, environ)
    assert settings["ID_ENCRYPTION_KEYS"] == keys.split(",")


def test_development_derives_keys_that_are_not_the_secret_key(tmp_path):  # type: ignore[no-untyped-def]
    settings = load_config({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": TEST_SECRET}, {})
    assert settings["ID_HASH_KEY"] != TEST_SECRET
    assert TEST_SECRET not in settings["ID_ENCRYPTION_KEYS"]
    again = load_config({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": TEST_SECRET}, {})
    assert again["ID_ENCRYPTION_KEYS"] == settings["ID_ENCRYPTION_KEYS"]  # stable across restarts


# At rest


def test_the_full_id_is_stored_only_encrypted(app, session, school_side, roster_files):  # type: ignore[no-untyped-def]
    imported = _import(app, school_side, roster_files)
    for student_id, national_id in imported:
        enrolment = (
            session.execute(text("SELECT * FROM student WHERE id = :id"), {"id": student_id})
            .mappings()
            .one()
        )
        assert national_id[-4:] not in " ".join(str(value) for value in enrolment.values())
        row = (
            session.execute(
                text("SELECT * FROM person WHERE id = :id"), {"id": enrolment["person_id"]}
            )
            .mappings()
            .one()
        )
        stored = " ".join(str(value) for value in row.values())
        assert national_id not in stored and national_id[:6] not in row["national_id_masked"]
        assert row["national_id_masked"] == "*" * 14 + national_id[-4:]
        assert id_keys(app).decrypt(row["national_id_encrypted"]) == national_id


# Rotation


def test_rotation_moves_every_id_to_the_new_key_and_lookups_still_work(
    app, database_url, tmp_path, session, school_side, roster_files, world
):  # type: ignore[no-untyped-def]
    imported = _import(app, school_side, roster_files)
    old_key = id_keys(app).encryption_keys[0]
    new_key = Fernet.generate_key().decode()
    hash_key = id_keys(app).hash_key
    rotated_app = create_app(
        make_test_config(
            database_url,
            tmp_path / "rotated",
            ID_ENCRYPTION_KEYS=f"{new_key},{old_key}",
            ID_HASH_KEY=hash_key,
        )
    )
    result = rotated_app.test_cli_runner().invoke(args=["rotate-id-keys"])
    assert result.exit_code == 0 and f"{len(imported)} national IDs" in result.output
    # Only the new key is needed now: an app without the old key reads every ID.
    new_only = create_app(
        make_test_config(
            database_url, tmp_path / "new", ID_ENCRYPTION_KEYS=new_key, ID_HASH_KEY=hash_key
        )
    )
    session.rollback()
    for student_id, national_id in imported:
        token = session.get(Student, student_id).person.national_id_encrypted
        assert Fernet(new_key.encode()).decrypt(token.encode()).decode() == national_id
        with pytest.raises(InvalidToken):
            Fernet(old_key.encode()).decrypt(token.encode())
    # Lookup: the school reveals through the new-key app.
    client = new_only.test_client()
    login(client, school_side.user)
    student_id, national_id = imported[0]
    page = client.post(f"/students/{student_id}/national-id")
    assert page.status_code == 200 and national_id in page.get_data(as_text=True)
    # Uniqueness: the hash key did not change, so the same person is still refused.
    rows = roster_files.roster_rows(random.Random(5), school_side.cohort, school_side.specialty, 1)
    with get_database(new_only).write_sessions() as db, pytest.raises(InvalidInput) as refused:
        roster.import_roster(
            db, db.merge(school_side.user), "r.csv", roster_files.to_csv(rows), id_keys(new_only)
        )
    assert any("重复学生" in detail for detail in refused.value.details)
    for application in (rotated_app, new_only):
        get_database(application).engine.dispose()


def test_a_rotation_that_meets_a_foreign_token_changes_nothing(
    app, session, school_side, roster_files
):  # type: ignore[no-untyped-def]
    imported = _import(app, school_side, roster_files, n=2)
    foreign = Fernet(Fernet.generate_key()).encrypt(b"110105200001010011").decode()
    session.execute(
        text(
            "UPDATE person SET national_id_encrypted = :t"
            " WHERE id = (SELECT person_id FROM student WHERE id = :id)"
        ),
        {"t": foreign, "id": imported[1][0]},
    )
    session.commit()
    before = session.scalar(
        select(Person.national_id_encrypted)
        .join(Student, Student.person_id == Person.id)
        .where(Student.id == imported[0][0])
    )
    result = app.test_cli_runner().invoke(args=["rotate-id-keys"])
    assert result.exit_code != 0 and "无法解密" in result.output
    session.rollback()
    after = session.scalar(
        select(Person.national_id_encrypted)
        .join(Student, Student.person_id == Person.id)
        .where(Student.id == imported[0][0])
    )
    assert after == before  # all or nothing


# The reveal


def test_only_the_own_school_reveals_a_full_id_and_each_reveal_is_audited(
    app, session, school_side, roster_files, world, login_as, make_user
):  # type: ignore[no-untyped-def]
    (student_id, national_id), *_ = _import(app, school_side, roster_files, n=1)
    other_school = make_user(Role.SCHOOL, school_id=world.other_school.id)
    session.commit()
    school = login_as(school_side.user)
    page = school.get(f"/students/{student_id}").get_data(as_text=True)
    assert national_id not in page and "查看完整身份证号" in page
    assert school.get(f"/students/{student_id}/national-id").status_code == 405  # POST only
    for outsider in (other_school, world.users["bureau"], world.users["enterprise"]):
        response = login_as(outsider).post(f"/students/{student_id}/national-id")
        assert response.status_code in (403, 404) and national_id not in response.get_data(
            as_text=True
        )
    shown = school.post(f"/students/{student_id}/national-id")
    assert shown.status_code == 200 and national_id in shown.get_data(as_text=True)
    assert shown.headers["Cache-Control"] == "no-store"
    assert national_id not in school.get(f"/students/{student_id}").get_data(as_text=True)  # once
    session.rollback()
    reveals = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "student.national_id_revealed")
    ).all()
    assert [(e.actor_id, e.object_id) for e in reveals] == [(school_side.user.id, str(student_id))]
    assert national_id not in json.dumps([e.payload for e in reveals])


def test_a_student_stored_before_encryption_cannot_be_revealed(session, world, login_as):  # type: ignore[no-untyped-def]
    response = login_as(world.users["school"]).post(f"/students/{world.student.id}/national-id")
    assert response.status_code == Conflict.status
