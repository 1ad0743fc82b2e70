"""The bureau's verification of declared certificates: the queue of its region, verify, reject."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Certificate,
    CertificateStatus,
    Employment,
    Enterprise,
    Occupation,
    Person,
    School,
    Student,
    User,
    utcnow,
)
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.locks import lock_row
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.policies import can_verify_certificates
from skillbridge.platform.services.subsidies.workers import on_certificate_verified
from skillbridge.platform.text import N_

CERTIFICATE_DECIDED = "certificate.decided"
REASON_MAX = 200


def _in_region(region_id: int) -> ColumnElement[bool]:
    """A certificate's holder studies at a school, or works for an enterprise, of the region."""
    studies = exists().where(
        Student.person_id == Certificate.person_id,
        School.id == Student.school_id,
        School.region_id == region_id,
    )
    works = exists().where(
        Employment.person_id == Certificate.person_id,
        Enterprise.id == Employment.enterprise_id,
        Enterprise.region_id == region_id,
    )
    return or_(studies, works)


@dataclass(frozen=True)
class QueuedCertificate:
    """A declared certificate with its holder's name and the occupation's name."""

    certificate: Certificate
    holder: str
    occupation: str


def _queue(region_id: int) -> Select[Certificate, str, str]:
    return (
        select(Certificate, Person.name, Occupation.name)
        .join(Person, Person.id == Certificate.person_id)
        .join(Occupation, Occupation.id == Certificate.occupation_id)
        .where(Certificate.status == CertificateStatus.DECLARED, _in_region(region_id))
        .order_by(Certificate.created_at, Certificate.id)
    )


def verification_queue(session: Session, actor: User, page: int = 1) -> Page[QueuedCertificate]:
    """A page of the region's declared certificates awaiting the bureau, oldest first."""
    if actor.region_id is None or not can_verify_certificates(actor, actor.region_id):
        raise PermissionDenied(N_("只有人社局经办人员可以核验证书"))
    return paginate(session, _queue(actor.region_id), page, lambda row: QueuedCertificate(*row))


def _declared(session: Session, actor: User, certificate_id: int) -> Certificate:
    """The certificate locked; 404 outside the actor's region, 409 once decided."""
    if actor.region_id is None or not can_verify_certificates(actor, actor.region_id):
        raise PermissionDenied(N_("只有人社局经办人员可以核验证书"))
    certificate = lock_row(session, Certificate, certificate_id)
    in_region = session.scalar(
        select(Certificate.id).where(Certificate.id == certificate_id, _in_region(actor.region_id))
    )
    if certificate is None or in_region is None:
        raise NotFound(N_("证书不存在"))
    if certificate.status != CertificateStatus.DECLARED:
        raise Conflict(N_("该证书已核验过"))
    return certificate


def _tell_holder(session: Session, certificate: Certificate, title: str, body: str) -> None:
    """The holder's accounts and its school's staff learn the outcome."""
    students = session.scalars(select(Student).where(Student.person_id == certificate.person_id))
    recipients: list[int] = []
    for student in students:
        recipients += notifications.student_users(session, student.id)
        recipients += notifications.school_users(session, student.school_id)
    recipients += session.scalars(
        select(User.id).where(User.person_id == certificate.person_id, User.is_active.is_(True))
    )
    notifications.notify(session, recipients, CERTIFICATE_DECIDED, title, body)


def verify_certificate(session: Session, actor: User, certificate_id: int) -> Certificate:
    """The bureau has checked the certificate against the issuer's records: verified."""
    certificate = _declared(session, actor, certificate_id)
    certificate.status = CertificateStatus.VERIFIED
    certificate.verified_by_user_id = actor.id
    certificate.verified_at = utcnow()
    session.flush()
    _tell_holder(session, certificate, N_("证书已通过人社局核验"), certificate.number)
    audit.record(session, actor, "certificate.verified", "certificate", certificate.id)
    # Verified, the certificate is a fact worker-side subsidies may rest on: raise those due.
    on_certificate_verified(session, certificate)
    return certificate


def reject_certificate(
    session: Session, actor: User, certificate_id: int, reason: str
) -> Certificate:
    """The certificate does not match the issuer's records: rejected, with the reason."""
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(N_("驳回时须填写理由（不超过 200 个字符）"))
    certificate = _declared(session, actor, certificate_id)
    certificate.status = CertificateStatus.REJECTED
    certificate.rejection_reason = reason
    certificate.verified_by_user_id = actor.id
    certificate.verified_at = utcnow()
    session.flush()
    _tell_holder(
        session, certificate, N_("证书未通过人社局核验"), f"{certificate.number}：{reason}"
    )
    audit.record(
        session, actor, "certificate.rejected", "certificate", certificate.id, {"reason": reason}
    )
    return certificate
