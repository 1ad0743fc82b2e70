"""One candidate of an enterprise's slot, as the enterprise sees it to rank them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    TRUSTED_CERTIFICATE,
    Certificate,
    Cohort,
    Occupation,
    School,
    Slot,
    Specialty,
    Student,
    User,
)
from skillbridge.platform.policy import age_in_years
from skillbridge.platform.services.errors import NotFound
from skillbridge.platform.services.slots.preferences import Candidate, slot_candidates
from skillbridge.platform.text import N_


@dataclass(frozen=True)
class HeldCertificate:
    """A vocational certificate of the candidate that the bureau verified or imported."""

    occupation: str
    level: int
    issued_on: date


@dataclass(frozen=True)
class CandidateProfile:
    """What an enterprise needs to rank a candidate, and nothing more (no ID, birth date,
    household registration or phone: the README's data-minimisation table)."""

    slot: Slot
    candidate: Candidate
    age: int
    cohort: Cohort
    specialty: Specialty
    certificates: list[HeldCertificate]

    @property
    def student(self) -> Student:
        return self.candidate.student

    @property
    def school(self) -> School:
        return self.candidate.school


def candidate_profile(
    session: Session, actor: User, slot_id: int, student_id: int, today: date
) -> CandidateProfile:
    """A candidate of the actor's own slot: 404 for anyone who is not one (eligible, and
    ranked the slot), so a profile never opens onto a student the enterprise could not take."""
    slot, candidates = slot_candidates(session, actor, slot_id, today)
    candidate = next((c for c in candidates if c.student.id == student_id), None)
    if candidate is None:
        raise NotFound(N_("该学生不是本岗位的候选人"))
    student = candidate.student
    cohort = session.get_one(Cohort, student.cohort_id)
    held = session.execute(
        select(Certificate, Occupation)
        .join(Occupation, Occupation.id == Certificate.occupation_id)
        .where(
            Certificate.person_id == student.person_id,
            Certificate.status.in_(TRUSTED_CERTIFICATE),
        )
        .order_by(Certificate.issued_on.desc(), Certificate.id)
    )
    return CandidateProfile(
        slot,
        candidate,
        age_in_years(student.birth_date, today),
        cohort,
        session.get_one(Specialty, cohort.specialty_id),
        [HeldCertificate(o.name, c.level, c.issued_on) for c, o in held],
    )
