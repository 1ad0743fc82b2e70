"""The demo seeder: determinism, counts, validity of what it writes, the CLI and the logins."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from skillbridge.models import (
    AgreementStatus,
    AuditEvent,
    Base,
    Budget,
    Certificate,
    Cohort,
    CooperationAgreement,
    Enterprise,
    EnterpriseRanking,
    Occupation,
    Region,
    RegionLevel,
    School,
    SchoolType,
    ShortageListing,
    Slot,
    SlotKind,
    SlotStatus,
    Student,
    StudentPreference,
    SubsidyPolicy,
    User,
    VerificationStatus,
)
from skillbridge.models.agreement import agreement_specialty
from skillbridge.models.occupation import specialty_occupation
from skillbridge.models.slot import slot_specialty
from skillbridge.platform.app import create_app
from skillbridge.platform.database import make_engine
from skillbridge.platform.db import get_database
from skillbridge.platform.demo.provinces import OTHER_REGIONS
from skillbridge.platform.demo.region import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    FULL_SIZE,
    REFERENCE_DATE,
    REGION_CODE,
    database_is_empty,
    seed_demo_region,
)
from skillbridge.platform.keys import id_keys
from skillbridge.platform.policy import load_pack
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput

SMALL = 0.1
SMALL_SIZE = {"schools": 4, "cohorts": 4, "students": 300, "enterprises": 12, "slots": 40}
RULES = load_pack("wujiang").placement_rules
# Columns that differ between two identical seedings: clocks, random secrets, salted hashes.
VOLATILE = {
    "created_at",
    "password_hash",
    "session_token",
    "last_login_at",
    "occurred_at",
    "payload",
    "prev_hash",
    "entry_hash",
    "last_hash",
    # Fernet tokens carry a random IV; the decrypted IDs are covered by the uniqueness hash.
    "national_id_encrypted",
}


@pytest.fixture
def seeded(app, session: Session) -> Session:  # type: ignore[no-untyped-def]
    seed_demo_region(session, 7, keys=id_keys(app), scale=SMALL)
    session.commit()
    return session


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _digest(session: Session) -> str:
    """SHA-256 over every table's rows in primary-key order, volatile columns left out."""
    digest = hashlib.sha256()
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name not in VOLATILE]
        rows = session.execute(select(*columns).order_by(*table.primary_key.columns))
        digest.update(f"{table.name}:{[tuple(row) for row in rows]!r}".encode())
    return digest.hexdigest()


def _empty(engine: Engine) -> None:
    """Every table emptied and identities restarted, as in a fresh database."""
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
    with Session(engine) as session:
        audit.ensure_chain_head(session)
        session.commit()


# Determinism


def test_same_seed_gives_identical_rows_and_another_seed_does_not(app) -> None:  # type: ignore[no-untyped-def]
    engine = get_database(app).engine
    key = id_keys(app)
    digests = []
    for seed in (11, 11, 12):
        _empty(engine)
        with Session(engine) as session:
            seed_demo_region(session, seed, keys=key, scale=SMALL)
            session.commit()
            digests.append(_digest(session))
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]


# Counts


def test_small_region_has_the_scaled_counts(seeded: Session) -> None:
    counts = {
        "schools": _count(seeded, School),
        "cohorts": _count(seeded, Cohort),
        "students": _count(seeded, Student),
        "enterprises": _count(seeded, Enterprise),
        "slots": _count(seeded, Slot),
    }
    assert counts == SMALL_SIZE
    # The demo city, its province, and the packs' other regions under theirs.
    assert _count(seeded, Region) == 2 + OTHER_REGIONS
    wujiang = seeded.scalars(select(Region).where(Region.code == REGION_CODE)).one()
    assert wujiang.parent_id == seeded.scalar(select(Region.id).where(Region.code == "jiangsu"))
    levels = {code: level for code, level in seeded.execute(select(Region.code, Region.level))}
    assert levels["inner_mongolia"] == RegionLevel.AUTONOMOUS_REGION
    assert {kind for kind in seeded.scalars(select(Slot.kind))} == set(SlotKind)
    assert {t for t in seeded.scalars(select(School.school_type))} == set(SchoolType)
    assert _count(seeded, StudentPreference) > SMALL_SIZE["students"]
    assert _count(seeded, EnterpriseRanking) > 0
    assert _count(seeded, Certificate) > 0
    assert _count(seeded, ShortageListing) > 0


def test_seeding_records_one_audit_event_and_installs_the_subsidy_policies(
    seeded: Session,
) -> None:
    events = seeded.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.action for e in events[:2]] == ["demo.seeded", "subsidy.policies_installed"]
    # Then the packs' other regions, each created under its pack (or as a province).
    created = [e for e in events[2:] if e.action == "region.created"]
    assert len(created) == OTHER_REGIONS
    region_id = seeded.scalar(select(Region.id).where(Region.code == REGION_CODE))
    assert events[0].object_id == str(region_id)
    assert f'"students":{SMALL_SIZE["students"]}' in events[0].payload
    assert audit.verify_chain(seeded).ok
    assert _count(seeded, SubsidyPolicy) > 0 and _count(seeded, Budget) > 0


def test_seed_demo_command_builds_the_full_region_and_plays_its_first_season(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'full.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        audit.ensure_chain_head(session)
        session.commit()
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "demo-test-secret-key-long-enough-0123456789",
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "First season:" in result.output and " started" in result.output
    assert DEMO_PASSWORD in result.output
    assert all(email in result.output for email in DEMO_LOGINS.values())
    with Session(engine) as session:
        counts = {
            "schools": _count(session, School),
            "cohorts": _count(session, Cohort),
            "students": _count(session, Student),
            "enterprises": _count(session, Enterprise),
            "slots": _count(session, Slot),
        }
        # The bulk load is analysed: the planner knows the tables' sizes.
        analysed = session.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1")).all()
    get_database(app).engine.dispose()
    engine.dispose()
    assert counts == FULL_SIZE
    assert {"placement", "signature", "document_version"} <= set(analysed)


def test_a_second_seeding_and_a_bad_scale_are_refused(app, seeded: Session) -> None:  # type: ignore[no-untyped-def]
    key = id_keys(app)
    with pytest.raises(Conflict):
        seed_demo_region(seeded, 7, keys=key, scale=SMALL)
    for scale in (0, 1.5):
        with pytest.raises(InvalidInput):
            seed_demo_region(seeded, 7, keys=key, scale=scale)


# Validity


def test_organisations_are_valid_and_mostly_verified(seeded: Session) -> None:
    enterprises = seeded.scalars(select(Enterprise)).all()
    assert all(uscc.is_valid(e.uscc) for e in enterprises)
    assert all(20 <= e.staff_headcount <= 5000 for e in enterprises)
    statuses = Counter(e.verification_status for e in enterprises)
    assert statuses[VerificationStatus.PENDING] >= 1
    assert statuses[VerificationStatus.VERIFIED] > len(enterprises) * 0.8
    schools = seeded.scalars(select(School)).all()
    assert all(s.code.isdigit() and len(s.code) == 10 for s in schools)
    assert all(s.verification_status == VerificationStatus.VERIFIED for s in schools)
    assert all(s.specialties for s in schools)


def test_cohorts_and_students_are_consistent(app, seeded: Session) -> None:  # type: ignore[no-untyped-def]
    cohorts = {c.id: c for c in seeded.scalars(select(Cohort))}
    for cohort in cohorts.values():
        assert cohort.intake_year < cohort.graduation_year
        assert cohort.window_start <= cohort.window_end
        assert cohort.graduation_year - 1 <= cohort.window_end.year <= cohort.graduation_year
    students = seeded.scalars(select(Student)).all()
    cap = RULES.post_internship_max_months.value
    for student in students:
        age_at_intake = cohorts[student.cohort_id].intake_year - student.birth_date.year
        assert 13 <= age_at_intake <= 20
        assert student.month_cap == cap and 0 <= student.months_used <= cap
        # Only the last 4 in clear; the whole ID decrypts and matches its uniqueness hash.
        assert student.national_id_masked[:14] == "*" * 14
        token = student.person.national_id_encrypted
        assert token is not None
        national_id = id_keys(app).decrypt(token)
        assert national_id.endswith(student.national_id_masked[-4:])
        assert id_keys(app).hash(national_id) == student.person.national_id_hash
    assert any(s.months_used > 0 for s in students)
    assert max(s.skill_level for s in students) <= 4
    codes = [s.invitation_code for s in students if s.invitation_code]
    assert len(codes) == len(students) - 1  # the demo student has activated its account


def test_certificates_match_the_students_specialties_and_levels(seeded: Session) -> None:
    rows = seeded.execute(
        select(Certificate, Student, Cohort)
        .join(Student, Certificate.person_id == Student.person_id)
        .join(Cohort, Student.cohort_id == Cohort.id)
    ).all()
    taught: dict[int, set[int]] = {}
    for row in seeded.execute(select(specialty_occupation)):
        taught.setdefault(row.specialty_id, set()).add(row.occupation_id)
    for certificate, student, cohort in rows:
        assert certificate.occupation_id in taught[cohort.specialty_id]
        assert 1 <= certificate.level <= student.skill_level
        assert date(cohort.intake_year, 9, 1) <= certificate.issued_on < REFERENCE_DATE
    assert len({c.number for c, _, _ in rows}) == len(rows)


def test_slots_follow_the_placement_rules(seeded: Session) -> None:
    slots = seeded.scalars(select(Slot)).all()
    accepted = Counter(row.slot_id for row in seeded.execute(select(slot_specialty)))
    ratio = RULES.min_stipend_ratio.value
    for slot in slots:
        assert 1 <= slot.seats <= 20
        assert 1 <= accepted[slot.id] <= 3
        if slot.post_wage_yuan is not None:
            assert slot.stipend_yuan * 100 >= slot.post_wage_yuan * ratio
        if slot.post_headcount is not None:
            assert (
                slot.seats * 100 <= slot.post_headcount * RULES.max_intern_share_of_post_staff.value
            )
        occupation = seeded.get(Occupation, slot.occupation_id)
        works_the_post = slot.kind in (SlotKind.POST_INTERNSHIP, SlotKind.APPRENTICESHIP)
        assert slot.certificate_required == (works_the_post and occupation.requires_certificate)
        assert slot.start_date >= REFERENCE_DATE
    post = [s for s in slots if s.kind == SlotKind.POST_INTERNSHIP]
    assert sum(s.duration_months <= 6 for s in post) > len(post) / 2
    drafts_of_pending = seeded.scalars(
        select(Slot.status)
        .join(Enterprise, Slot.enterprise_id == Enterprise.id)
        .where(Enterprise.verification_status != VerificationStatus.VERIFIED)
    ).all()
    assert set(drafts_of_pending) <= {SlotStatus.DRAFT}


def test_preferences_are_ranked_and_fit_the_student(seeded: Session) -> None:
    rows = seeded.execute(
        select(StudentPreference, Student, Cohort, Slot)
        .join(Student, StudentPreference.student_id == Student.id)
        .join(Cohort, Student.cohort_id == Cohort.id)
        .join(Slot, StudentPreference.slot_id == Slot.id)
    ).all()
    accepted = {(r.slot_id, r.specialty_id) for r in seeded.execute(select(slot_specialty))}
    ranks: dict[int, list[int]] = {}
    for preference, student, cohort, slot in rows:
        ranks.setdefault(student.id, []).append(preference.rank)
        assert slot.status == SlotStatus.OPEN
        assert (slot.id, cohort.specialty_id) in accepted
        assert cohort.window_start <= slot.start_date <= cohort.window_end
        assert slot.min_level <= student.skill_level + 1
    for student_ranks in ranks.values():
        assert sorted(student_ranks) == list(range(1, len(student_ranks) + 1))
        assert len(student_ranks) <= 10
    popularity = Counter(preference.slot_id for preference, *_ in rows).most_common()
    assert popularity[0][1] >= 2 * popularity[len(popularity) // 2][1]  # Zipf-like skew


def test_agreements_cover_specialties_with_a_few_r3_gaps(seeded: Session) -> None:
    approved = seeded.execute(
        select(CooperationAgreement.school_id, agreement_specialty.c.specialty_id)
        .join(agreement_specialty)
        .where(CooperationAgreement.status == AgreementStatus.APPROVED)
    ).all()
    partners = Counter((school, specialty) for school, specialty in approved)
    minimum = RULES.min_partner_enterprises_per_specialty.value
    short = [pair for pair, n in partners.items() if n < minimum]
    assert 1 <= len(short) < len(partners) / 2
    waiting = seeded.scalars(
        select(CooperationAgreement.status).where(
            CooperationAgreement.status != AgreementStatus.APPROVED
        )
    ).all()
    assert waiting


# Users, CLI, logins


def test_demo_users_belong_to_fitting_tenants(seeded: Session) -> None:
    # Each login by its name, the part of its e-mail before the @.
    users = {u.email.partition("@")[0]: u for u in seeded.scalars(select(User))}
    assert {name: u.email for name, u in users.items()} == DEMO_LOGINS
    first_school = seeded.scalar(select(func.min(School.id)))
    assert users["school"].school_id == first_school == users["teacher"].school_id
    assert users["mentor"].enterprise_id == users["enterprise"].enterprise_id
    assert {users[n].region_id for n in ("bureau", "reviewer", "finance")} == {
        users["bureau"].region_id
    }
    enterprise = seeded.get(Enterprise, users["enterprise"].enterprise_id)
    assert enterprise.verification_status == VerificationStatus.VERIFIED
    assert seeded.scalar(
        select(func.count())
        .select_from(Slot)
        .where(Slot.enterprise_id == enterprise.id, Slot.status == SlotStatus.OPEN)
    )
    student = seeded.get(Student, users["student"].student_id)
    assert student.school_id == first_school and student.invitation_code is None
    assert seeded.scalar(
        select(func.count())
        .select_from(StudentPreference)
        .where(StudentPreference.student_id == student.id)
    )


def test_demo_logins_log_in(client, seeded: Session) -> None:  # type: ignore[no-untyped-def]
    for email in DEMO_LOGINS.values():
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/logout")
    wrong = client.post("/login", data={"email": DEMO_LOGINS["school"], "password": "x" * 12})
    assert wrong.status_code == 401


def test_database_is_empty_until_seeded(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    assert database_is_empty(session)
    seed_demo_region(session, 3, keys=id_keys(app), scale=SMALL)
    assert not database_is_empty(session)


def test_seed_demo_if_empty_is_a_no_op_on_a_seeded_database(runner, seeded: Session) -> None:  # type: ignore[no-untyped-def]
    before = _digest(seeded)
    seeded.rollback()
    result = runner.invoke(args=["seed-demo", "--if-empty", "--seed", "6"])
    assert result.exit_code == 0, result.output
    assert "already present" in result.output
    assert DEMO_LOGINS["student"] in result.output
    assert _digest(seeded) == before
