"""学生学徒培养协议 (R5, seed 001 (六)): enterprise, school and the student (with a guardian
for a minor) each sign once; a signature is an account acting for its side."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    ApprenticeEnrolment,
    ApprenticeshipProgramme,
    Party,
    Person,
    TrainingAgreement,
    TrainingAgreementSignature,
    User,
)
from skillbridge.platform.policy.dates import age_in_years
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.programmes.access import (
    is_apprentice,
    manages_programme,
    trains_programme,
)
from skillbridge.platform.services.programmes.enrolments import get_enrolment
from skillbridge.platform.text import N_

PARTIES = (Party.ENTERPRISE, Party.SCHOOL, Party.STUDENT)
ADULT_AGE = 18


def agreement_of(session: Session, enrolment: ApprenticeEnrolment) -> TrainingAgreement | None:
    """The enrolment's agreement (only 学生学徒 enrolments have one)."""
    return session.scalar(
        select(TrainingAgreement).where(TrainingAgreement.enrolment_id == enrolment.id)
    )


def party_of(
    actor: User, programme: ApprenticeshipProgramme, enrolment: ApprenticeEnrolment
) -> Party | None:
    """The side the actor signs for, if any."""
    if manages_programme(actor, programme):
        return Party.ENTERPRISE
    if trains_programme(actor, programme):
        return Party.SCHOOL
    if is_apprentice(actor, enrolment):
        return Party.STUDENT
    return None


def missing_parties(agreement: TrainingAgreement) -> list[Party]:
    """The parties that have not signed yet, in signing order."""
    signed = {s.party for s in agreement.signatures}
    return [p for p in PARTIES if p not in signed]


def is_minor(session: Session, enrolment: ApprenticeEnrolment) -> bool:
    """Under 18 at the start of training: the guardian signs beside the student."""
    person = session.get_one(Person, enrolment.person_id)
    return age_in_years(person.birth_date, enrolment.start_date) < ADULT_AGE


def sign_training_agreement(
    session: Session, actor: User, enrolment_id: int, guardian_name: str = ""
) -> TrainingAgreementSignature:
    """The actor signs for its side; a minor student's signature names the guardian."""
    enrolment, programme = get_enrolment(session, actor, enrolment_id)
    agreement = agreement_of(session, enrolment)
    if agreement is None:
        raise NotFound(N_("该学徒没有学生学徒培养协议"))
    party = party_of(actor, programme, enrolment)
    if party is None:
        raise PermissionDenied(N_("您不是该协议的签署方"))
    if party == Party.STUDENT and is_minor(session, enrolment):
        if not guardian_name.strip():
            raise InvalidInput(N_("监护人姓名：未满18周岁的学生学徒须由监护人共同签署"))
        agreement.guardian_name = guardian_name.strip()
    signature = TrainingAgreementSignature(
        agreement_id=agreement.id, party=party, signed_by_id=actor.id
    )
    try:
        with session.begin_nested():
            session.add(signature)
    except IntegrityError as exc:
        raise Conflict(N_("该方已签署")) from exc
    session.refresh(agreement)
    audit.record(
        session,
        actor,
        "training_agreement.signed",
        "apprentice_training_agreement",
        agreement.id,
        {"party": party.value, "guardian_name": agreement.guardian_name},
    )
    return signature
