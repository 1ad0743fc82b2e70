"""Progress, the final assessment, the certificate it records and the claim it raises."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from skillbridge.models import (
    Certificate,
    CertificateStatus,
    ClaimStatus,
    EnrolmentStatus,
    SubsidyClaim,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.programmes.assessment import (
    AssessmentInput,
    ProgressInput,
    hours_by_module,
    record_assessment,
    record_progress,
)
from skillbridge.platform.services.programmes.enrolments import enrol_apprentice
from skillbridge.platform.services.subsidies import claims

from .conftest import SUBSIDY_POLICY, SUBSIDY_YUAN, Scene, approved_programme, employee_input

PASSED = AssessmentInput(
    passed=True,
    assessed_on=date(2027, 8, 20),
    assessor="李考评员",
    level_reached=3,
    certificate_number="S2027-0001",
)


@pytest.fixture
def enrolled(session, scene: Scene):  # type: ignore[no-untyped-def]
    programme = approved_programme(session, scene)
    enrolment = enrol_apprentice(
        session, scene.users["enterprise"], programme.id, employee_input(scene)
    )
    session.commit()
    return programme, enrolment


def test_progress_by_module_within_its_hours(session, scene: Scene, enrolled) -> None:  # type: ignore[no-untyped-def]
    programme, enrolment = enrolled
    module = programme.modules[1]  # 安全生产, 200 hours
    step = ProgressInput(module.id, 150, False, date(2026, 12, 1))
    record_progress(session, scene.users["mentor"], enrolment.id, step)
    with pytest.raises(InvalidInput, match="超过"):
        record_progress(session, scene.users["teacher"], enrolment.id, step)
    done = ProgressInput(module.id, 50, True, date(2027, 1, 10))
    record_progress(session, scene.users["teacher"], enrolment.id, done)
    assert hours_by_module(session, enrolment.id) == {module.id: 200}
    with pytest.raises(InvalidInput, match="培养期内"):
        record_progress(
            session,
            scene.users["enterprise"],
            enrolment.id,
            ProgressInput(programme.modules[0].id, 10, False, date(2028, 1, 1)),
        )


def test_progress_by_someone_not_assigned_is_refused(session, scene: Scene, enrolled) -> None:  # type: ignore[no-untyped-def]
    programme, enrolment = enrolled
    step = ProgressInput(programme.modules[0].id, 10, False, date(2026, 10, 1))
    with pytest.raises(PermissionDenied):
        record_progress(session, scene.users["worker"], enrolment.id, step)
    record_progress(session, scene.users["mentor"], enrolment.id, step)


def test_a_pass_records_a_verified_certificate_and_raises_the_claim(
    session, scene: Scene, enrolled
) -> None:  # type: ignore[no-untyped-def]
    programme, enrolment = enrolled
    result = record_assessment(session, scene.users["enterprise"], enrolment.id, PASSED)
    session.commit()
    certificate = result.certificate
    assert certificate is not None
    assert (certificate.person_id, certificate.level, certificate.issued_on) == (
        scene.employee.id,
        3,
        date(2027, 8, 20),
    )
    assert certificate.status == CertificateStatus.VERIFIED
    assert certificate.issuer == programme.assessment_body
    assert certificate.verified_by_user_id == programme.decided_by_id
    assert enrolment.status == EnrolmentStatus.PASSED
    [claim] = result.claims
    assert (claim.enterprise_id, claim.amount_yuan, claim.automatic) == (
        scene.enterprise.id,
        SUBSIDY_YUAN,
        True,
    )
    assert claim.certificate_id == certificate.id
    assert (
        claim.once_only_key
        == f"{SUBSIDY_POLICY}:enterprise-{scene.enterprise.id}:apprentice-{enrolment.id}"
    )
    assert claim.evaluation["citation"].endswith("(六)")
    # The bureau approves; a second bureau user pays (the four-eyes rule).
    claims.approve_claim(session, scene.users["reviewer"], claim.id, four_eyes_above_yuan=1000)
    with pytest.raises(PermissionDenied):
        claims.pay_claim(session, scene.users["reviewer"], claim.id)
    claims.pay_claim(session, scene.users["finance"], claim.id)
    session.commit()
    assert claim.status == ClaimStatus.PAID


def test_a_failed_assessment_records_no_certificate_and_no_claim(
    session, scene: Scene, enrolled
) -> None:  # type: ignore[no-untyped-def]
    _programme, enrolment = enrolled
    failed = AssessmentInput(passed=False, assessed_on=date(2027, 8, 20), assessor="李考评员")
    result = record_assessment(session, scene.users["enterprise"], enrolment.id, failed)
    assert (result.certificate, result.claims) == (None, [])
    assert enrolment.status == EnrolmentStatus.FAILED
    assert session.scalar(select(func.count()).select_from(SubsidyClaim)) == 0
    with pytest.raises(Conflict):  # recorded once
        record_assessment(session, scene.users["enterprise"], enrolment.id, PASSED)


def test_a_pass_needs_level_and_certificate_number(session, scene: Scene, enrolled) -> None:  # type: ignore[no-untyped-def]
    _programme, enrolment = enrolled
    bad = AssessmentInput(passed=True, assessed_on=date(2027, 8, 20), assessor="")
    with pytest.raises(InvalidInput) as refused:
        record_assessment(session, scene.users["enterprise"], enrolment.id, bad)
    assert len(refused.value.details) == 3  # assessor, level, certificate number
    assert session.scalar(select(func.count()).select_from(Certificate)) == 0
    with pytest.raises(PermissionDenied):
        record_assessment(session, scene.users["mentor"], enrolment.id, PASSED)
    record_assessment(session, scene.users["hr"], enrolment.id, PASSED)


def test_no_claim_where_the_pack_has_no_programme_policy(session, factories, scene: Scene) -> None:  # type: ignore[no-untyped-def]
    """A Wujiang enterprise's apprentice passes: a certificate, no claim (no such policy there)."""
    scene.region.policy_pack = "wujiang"
    session.commit()
    programme = approved_programme(session, scene)
    enrolment = enrol_apprentice(
        session, scene.users["enterprise"], programme.id, employee_input(scene)
    )
    result = record_assessment(session, scene.users["enterprise"], enrolment.id, PASSED)
    assert result.certificate is not None and result.claims == []
