"""Who may see and act on apprenticeship programmes and their apprentices (pure predicates)."""

from __future__ import annotations

from skillbridge.models import (
    ApprenticeEnrolment,
    ApprenticeshipProgramme,
    ProgrammeStatus,
    Role,
    StaffRole,
    User,
)
from skillbridge.platform.services import policies

# Staff who act for their whole organisation; mentors and teachers see only their apprentices.
ORGANISATION_STAFF = {
    Role.ENTERPRISE: (StaffRole.ADMIN, StaffRole.HR),
    Role.SCHOOL: (StaffRole.ADMIN, StaffRole.PLACEMENT_OFFICER),
}
# Bureau staff who decide filings (finance only pays claims).
FILING_DECIDERS = (StaffRole.OFFICER, StaffRole.REVIEWER)


def _organisation_staff(actor: User) -> bool:
    return actor.staff_role in ORGANISATION_STAFF.get(actor.role, ())


def manages_programme(actor: User, programme: ApprenticeshipProgramme) -> bool:
    """The filing enterprise's admin or HR: drafts, files, enrols, records assessments."""
    return (
        actor.role == Role.ENTERPRISE
        and actor.enterprise_id == programme.enterprise_id
        and _organisation_staff(actor)
    )


def trains_programme(actor: User, programme: ApprenticeshipProgramme) -> bool:
    """The training school's admin or placement officer: accepts the role, signs agreements."""
    return (
        actor.role == Role.SCHOOL
        and actor.school_id == programme.school_id
        and _organisation_staff(actor)
    )


def is_bureau_of_programme(actor: User, region_id: int) -> bool:
    """Any bureau user of the enterprise's region sees its programmes once filed."""
    return policies.is_bureau_of(actor, region_id)


def can_view_programme(actor: User, programme: ApprenticeshipProgramme, region_id: int) -> bool:
    """The two organisations' staff, and the region's bureau once the programme is filed."""
    if manages_programme(actor, programme) or trains_programme(actor, programme):
        return True
    return is_bureau_of_programme(actor, region_id) and programme.status != ProgrammeStatus.DRAFT


def can_decide_filing(actor: User, region_id: int) -> bool:
    """A bureau officer or reviewer of the region decides a filing (备案)."""
    return is_bureau_of_programme(actor, region_id) and actor.staff_role in FILING_DECIDERS


def is_apprentice(actor: User, enrolment: ApprenticeEnrolment) -> bool:
    """The apprentice themself: a worker by person, a student by roster record."""
    if actor.role == Role.WORKER:
        return actor.person_id == enrolment.person_id
    if actor.role == Role.STUDENT:
        return enrolment.student_id is not None and actor.student_id == enrolment.student_id
    return False


def is_assigned(actor: User, enrolment: ApprenticeEnrolment) -> bool:
    """The enrolment's enterprise mentor (师傅) or school teacher (指导教师)."""
    return actor.id in (enrolment.mentor_user_id, enrolment.teacher_user_id)


def can_view_enrolment(
    actor: User,
    programme: ApprenticeshipProgramme,
    enrolment: ApprenticeEnrolment,
    region_id: int,
) -> bool:
    """The programme's viewers, the two mentors assigned, and the apprentice."""
    return (
        can_view_programme(actor, programme, region_id)
        or is_assigned(actor, enrolment)
        or is_apprentice(actor, enrolment)
    )


def can_record_progress(
    actor: User, programme: ApprenticeshipProgramme, enrolment: ApprenticeEnrolment
) -> bool:
    """Progress is recorded by either organisation or by the apprentice's own mentors."""
    return (
        manages_programme(actor, programme)
        or trains_programme(actor, programme)
        or is_assigned(actor, enrolment)
    )
