"""The bureau verifies declared certificates and imports the appraisal body's list."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from skillbridge.models import (
    Certificate,
    CertificateStatus,
    Notification,
    Role,
    StaffRole,
)
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.errors import Conflict, NotFound, PermissionDenied
from skillbridge.platform.services.people import appraisal_list
from skillbridge.platform.services.people import certificates as checks
from skillbridge.platform.services.subsidies.facts import _certificate_rows
from skillbridge.platform.services.tables import TableRejected

TODAY = date(2026, 12, 3)


@pytest.fixture
def desk(factories):
    """A region's officer and reviewer, a school's student, and one declared certificate."""
    region = factories.region()
    school = factories.school(region)
    student = factories.student(school)
    occupation = factories.occupation()
    certificate = Certificate(
        person_id=student.person_id,
        occupation_id=occupation.id,
        level=3,
        issued_on=date(2026, 1, 10),
        number=f"DECL-{student.id}",
    )
    factories.session.add(certificate)
    factories.session.flush()
    return {
        "officer": factories.user(Role.BUREAU, region_id=region.id),
        "reviewer": factories.user(Role.BUREAU, StaffRole.REVIEWER, region_id=region.id),
        "far_officer": factories.user(Role.BUREAU, region_id=factories.region().id),
        "school_user": factories.user(Role.SCHOOL, school_id=school.id),
        "student": student,
        "occupation": occupation,
        "certificate": certificate,
    }


def test_the_queue_holds_the_regions_declared_certificates(session, desk):
    page = checks.verification_queue(session, desk["officer"])
    assert [q.certificate.id for q in page.items] == [desk["certificate"].id]
    assert checks.verification_queue(session, desk["far_officer"]).items == []
    with pytest.raises(PermissionDenied):
        checks.verification_queue(session, desk["reviewer"])


def test_the_officer_verifies_and_the_school_is_told(session, desk):
    with pytest.raises(NotFound):  # another region's officer
        checks.verify_certificate(session, desk["far_officer"], desk["certificate"].id)
    certificate = checks.verify_certificate(session, desk["officer"], desk["certificate"].id)
    assert certificate.status == CertificateStatus.VERIFIED
    assert certificate.verified_by_user_id == desk["officer"].id
    told = session.scalars(select(Notification.user_id)).all()
    assert desk["school_user"].id in told
    with pytest.raises(Conflict):  # decided once
        checks.reject_certificate(session, desk["officer"], certificate.id, "迟到的驳回")


def test_a_rejection_needs_a_reason_and_leaves_the_facts(session, desk):
    with pytest.raises(Exception, match="理由"):
        checks.reject_certificate(session, desk["officer"], desk["certificate"].id, "  ")
    checks.reject_certificate(session, desk["officer"], desk["certificate"].id, "编号不存在")
    assert desk["certificate"].status == CertificateStatus.REJECTED
    assert _certificate_rows(session, desk["student"].id) == []


def _list(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([list(appraisal_list.COLUMNS), *rows])
    return buffer.getvalue().encode("utf-8")


def _national_id(app, factories, person_id):
    """A person made with a known national ID (the factory's own is hashed only)."""
    from support import valid_national_id

    from skillbridge.models import Person

    person = factories.session.get(Person, person_id)
    national_id = valid_national_id(person_id + 7000, person.birth_date)
    person.national_id_hash = id_keys(app).hash(national_id)
    factories.session.flush()
    return national_id, person.name


def test_an_import_matches_people_by_national_id_and_confirms_a_declared_one(
    app, session, factories, desk
):
    national_id, name = _national_id(app, factories, desk["student"].person_id)
    code = desk["occupation"].code
    data = _list(
        [
            [name, national_id, code, "高级工", desk["certificate"].number, "2026-01-10", "鉴定站"],
            [name, national_id, code, "4", "NEW-0001", "2026-06-30", "鉴定站"],
        ]
    )
    result = appraisal_list.import_appraisal_list(
        session, desk["officer"], "list.csv", data, id_keys(app), TODAY
    )
    assert (result.imported, result.confirmed) == (1, 1)
    statuses = session.scalars(
        select(Certificate.status).where(Certificate.person_id == desk["student"].person_id)
    ).all()
    assert sorted(statuses) == [CertificateStatus.IMPORTED, CertificateStatus.IMPORTED]


def test_a_list_with_a_bad_cell_writes_nothing_and_names_every_cell(app, session, factories, desk):
    national_id, name = _national_id(app, factories, desk["student"].person_id)
    code = desk["occupation"].code
    data = _list(
        [
            [name, national_id, code, "4", "GOOD-1", "2026-06-30", "鉴定站"],
            ["某人", "110101199003070000", code, "9", "BAD-1", "2099-01-01", "鉴定站"],
            [name, national_id, "no-such", "4", "GOOD-1", "2026-06-30", "鉴定站"],
        ]
    )
    with pytest.raises(TableRejected) as rejected:
        appraisal_list.import_appraisal_list(
            session, desk["officer"], "list.csv", data, id_keys(app), TODAY
        )
    cells = {(p.row, p.column) for p in rejected.value.problems}
    assert {(3, "身份证号"), (3, "等级"), (3, "发证日期"), (4, "职业（工种）代码")} <= cells
    assert (4, "证书编号") in cells  # the duplicate of row 2
    assert session.scalar(select(Certificate.id).where(Certificate.number == "GOOD-1")) is None


def test_only_the_officer_imports(app, session, factories, desk):
    national_id, name = _national_id(app, factories, desk["student"].person_id)
    row = [name, national_id, desk["occupation"].code, "4", "R-1", "2026-06-30", "鉴定站"]
    with pytest.raises(PermissionDenied):
        appraisal_list.import_appraisal_list(
            session, desk["reviewer"], "list.csv", _list([row]), id_keys(app), TODAY
        )
    result = appraisal_list.import_appraisal_list(
        session, desk["officer"], "list.csv", _list([row]), id_keys(app), TODAY
    )
    assert result.imported == 1
