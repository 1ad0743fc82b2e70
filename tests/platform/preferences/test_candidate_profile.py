"""An enterprise opens the profile of a candidate of its slot: what it needs to rank, no more."""

from __future__ import annotations

from datetime import date

from skillbridge.models import Certificate, CertificateStatus, Cohort, Role

START = date(date.today().year + 1, 3, 1)


def _candidate(session, world, make_slot, make_agreement, login_as):  # type: ignore[no-untyped-def]
    cohort = session.get(Cohort, world.student.cohort_id)
    cohort.window_start, cohort.window_end = date(START.year, 1, 1), date(START.year, 12, 31)
    session.commit()
    make_agreement(valid_to=date(START.year + 2, 12, 31))
    slot = make_slot(start_date=START)
    student = login_as(world.users["student"])
    assert student.post("/preferences/", data={f"rank-{slot.id}": "1"}).status_code == 302
    return slot


def test_the_profile_shows_specialty_level_certificates_and_rank_but_no_identity(
    session, world, make_slot, make_agreement, login_as, factories
):  # type: ignore[no-untyped-def]
    slot = _candidate(session, world, make_slot, make_agreement, login_as)
    occupation = factories.occupation(name="电工")
    for number, status in (
        ("C-OK", CertificateStatus.VERIFIED),
        ("C-NO", CertificateStatus.REJECTED),
    ):
        session.add(
            Certificate(
                person_id=world.student.person_id, occupation_id=occupation.id, level=4,
                issued_on=date(2025, 6, 1), number=number, status=status,
                rejection_reason="x" if status == CertificateStatus.REJECTED else None,
            )
        )  # fmt: skip
    session.commit()
    enterprise = login_as(world.users["enterprise"])
    listing = enterprise.get(f"/preferences/slots/{slot.id}/candidates").get_data(as_text=True)
    link = f"/preferences/slots/{slot.id}/candidates/{world.student.id}"
    assert link in listing
    page = enterprise.get(link).get_data(as_text=True)
    cohort = session.get(Cohort, world.student.cohort_id)
    assert world.student.name in page and world.school.name in page and cohort.name in page
    assert "第 1 志愿" in page and "电工" in page and "2025-06-01" in page
    assert page.count("电工") == 1  # the rejected certificate is not shown
    person = world.student.person
    for private in (
        person.national_id_masked,
        world.student.hukou_locality,
        str(world.student.birth_date),
    ):
        assert private not in page
    if world.student.phone:
        assert world.student.phone not in page


def test_a_student_who_did_not_rank_the_slot_has_no_profile_there(
    session, world, make_slot, make_agreement, login_as, make_student, make_user
):  # type: ignore[no-untyped-def]
    slot = _candidate(session, world, make_slot, make_agreement, login_as)
    bystander = make_student(world.school)
    other_enterprise_user = make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id)
    session.commit()
    enterprise = login_as(world.users["enterprise"])
    base = f"/preferences/slots/{slot.id}/candidates"
    assert enterprise.get(f"{base}/{world.student.id}").status_code == 200  # positive control
    assert enterprise.get(f"{base}/{bystander.id}").status_code == 404
    assert login_as(other_enterprise_user).get(f"{base}/{world.student.id}").status_code in (
        403,
        404,
    )
