"""The events that raise claims on their own: a certificate recorded, months reached on the post."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from skillbridge.models import AuditEvent, Certificate, Student, SubsidyClaim

from .conftest import CLAIM_DAY, YOUTH, occupation_of


def _form(session, student, **overrides) -> dict:  # type: ignore[no-untyped-def]
    form = {
        "occupation_id": occupation_of(session, student).id,
        "level": 4,
        "issued_on": "2025-06-01",
        "number": "S2025-000123",
        "route": "in_house_evaluation",
    }
    form.update(overrides)
    return form


def test_school_records_a_certificate_and_its_claims_follow(installed, session, kit, login_as):
    world = installed
    kit.placement(world.student, world.enterprise)
    session.commit()
    school = login_as(world.users["school"])
    response = school.post(
        f"/students/{world.student.id}/certificates", data=_form(session, world.student)
    )
    assert response.status_code == 302
    session.rollback()
    certificate = session.scalar(select(Certificate).where(Certificate.number == "S2025-000123"))
    assert certificate is not None and certificate.level == 4
    assert session.get(Student, world.student.id).skill_level == 4
    # The host enterprise's in-house training subsidy (技师, 750 yuan) was raised on its own.
    claim = session.scalar(select(SubsidyClaim).where(SubsidyClaim.automatic.is_(True)))
    assert (claim.enterprise_id, claim.amount_yuan) == (world.enterprise.id, 750)
    assert session.scalar(select(AuditEvent.seq).where(AuditEvent.action == "certificate.recorded"))
    page = school.get(f"/students/{world.student.id}").get_data(as_text=True)
    assert "S2025-000123" in page


def test_bad_certificates_are_refused_and_nothing_is_written(installed, session, login_as):
    world = installed
    school = login_as(world.users["school"])
    future = _form(session, world.student, issued_on="2999-01-01")
    assert school.post(f"/students/{world.student.id}/certificates", data=future).status_code == 400
    ok = _form(session, world.student, route="social_appraisal")
    assert school.post(f"/students/{world.student.id}/certificates", data=ok).status_code == 302
    again = school.post(f"/students/{world.student.id}/certificates", data=ok)
    assert again.status_code == 409
    session.rollback()
    assert session.scalar(select(func.count(Certificate.id))) == 1


def test_only_the_school_or_the_bureau_records(installed, session, login_as):
    world = installed
    form = _form(session, world.student)
    url = f"/students/{world.student.id}/certificates"
    assert login_as(world.users["enterprise"]).post(url, data=form).status_code in (403, 404)
    assert login_as(world.users["student"]).post(url, data=form).status_code == 403
    other = f"/students/{world.other_student.id}/certificates"
    assert login_as(world.users["school"]).post(other, data=form).status_code == 403
    session.rollback()
    assert session.scalar(select(func.count(Certificate.id))) == 0


def test_the_nightly_sweep_raises_the_months_on_post_reward(youth_case, session, runner):
    result = runner.invoke(args=["daily", "--today", CLAIM_DAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "1 subsidy claims raised" in result.output
    session.rollback()
    codes = session.scalars(select(SubsidyClaim.once_only_key)).all()
    assert codes == [f"{YOUTH}:student-{youth_case.student.id}"]
    repeat = runner.invoke(args=["daily", "--today", date(2025, 9, 2).isoformat()])
    assert "0 subsidy claims raised" in repeat.output
