"""Object-level authorisation predicates: pure functions of (actor, object), used after loading."""

from __future__ import annotations

from dataclasses import dataclass

from skillbridge.models import (
    Competition,
    CooperationAgreement,
    Employment,
    Enterprise,
    Notification,
    Party,
    Person,
    Placement,
    Region,
    RegionLevel,
    Role,
    School,
    Slot,
    StaffRole,
    Student,
    SubsidyClaim,
    TrainingBase,
    TrainingCourse,
    User,
    VerificationStatus,
    WebhookEndpoint,
)

# Who acts for the whole organisation: the admin and the staff role that runs its daily business.
SCHOOL_MANAGERS = (StaffRole.ADMIN, StaffRole.PLACEMENT_OFFICER)
ENTERPRISE_MANAGERS = (StaffRole.ADMIN, StaffRole.HR)
# The staff role of each organisation that invites, re-roles and deactivates its staff.
STAFF_ADMINS = {
    Role.SCHOOL: StaffRole.ADMIN,
    Role.ENTERPRISE: StaffRole.ADMIN,
    Role.BUREAU: StaffRole.OFFICER,
}


def acts_for_school(actor: User, school_id: int) -> bool:
    """The school's admin or placement officer: a teacher sees only the students assigned."""
    return (
        actor.role == Role.SCHOOL
        and actor.school_id == school_id
        and actor.staff_role in SCHOOL_MANAGERS
    )


def acts_for_enterprise(actor: User, enterprise_id: int) -> bool:
    """The enterprise's admin or HR: a mentor sees only the interns assigned."""
    return (
        actor.role == Role.ENTERPRISE
        and actor.enterprise_id == enterprise_id
        and actor.staff_role in ENTERPRISE_MANAGERS
    )


def bureau_staff_of(actor: User, region_id: int, *staff: StaffRole) -> bool:
    """A bureau user of the region holding one of `staff` (the officer holds every job)."""
    return is_bureau_of(actor, region_id) and actor.staff_role in (StaffRole.OFFICER, *staff)


def organisation_of(user: User) -> tuple[Role, int | None]:
    """The kind of organisation an account works for and its id (a bureau: its region)."""
    ids = {
        Role.SCHOOL: user.school_id,
        Role.ENTERPRISE: user.enterprise_id,
        Role.BUREAU: user.region_id,
    }
    return user.role, ids.get(user.role)


def can_manage_staff(actor: User) -> bool:
    """The organisation's admin (the bureau: an officer) invites and manages its staff."""
    return STAFF_ADMINS.get(actor.role) == actor.staff_role


def can_manage_webhooks(actor: User) -> bool:
    """An organisation's webhooks are its admin's (the bureau: an officer), as its staff are."""
    return can_manage_staff(actor)


def can_manage_webhook(actor: User, endpoint: WebhookEndpoint) -> bool:
    """The admin of the organisation the endpoint belongs to, and nobody else."""
    owner = {
        Role.SCHOOL: endpoint.school_id,
        Role.ENTERPRISE: endpoint.enterprise_id,
        Role.BUREAU: endpoint.region_id,
    }
    role, organisation_id = organisation_of(actor)
    return (
        can_manage_webhooks(actor)
        and organisation_id is not None
        and owner.get(role) == organisation_id
    )


def can_manage_staff_member(actor: User, member: User) -> bool:
    """An admin manages the accounts of its own organisation only."""
    return can_manage_staff(actor) and organisation_of(actor) == organisation_of(member)


def is_assigned_teacher(actor: User, placement: Placement) -> bool:
    """The school's teacher (指导教师) assigned to this placement."""
    return (
        actor.role == Role.SCHOOL
        and actor.staff_role == StaffRole.TEACHER
        and placement.teacher_user_id == actor.id
    )


def is_assigned_mentor(actor: User, placement: Placement) -> bool:
    """The enterprise's mentor (师傅) assigned to this placement."""
    return (
        actor.role == Role.ENTERPRISE
        and actor.staff_role == StaffRole.MENTOR
        and placement.mentor_user_id == actor.id
    )


def can_assign_teacher(actor: User, student: Student) -> bool:
    """The student's school (admin, placement officer) assigns its teachers."""
    return acts_for_school(actor, student.school_id)


def can_assign_mentor(actor: User, slot: Slot) -> bool:
    """The host enterprise (admin, HR) assigns its mentors."""
    return acts_for_enterprise(actor, slot.enterprise_id)


def is_bureau_of(actor: User, region_id: int) -> bool:
    """A bureau user acts for every organisation in its own region."""
    return actor.role == Role.BUREAU and actor.region_id == region_id


# The levels that hold regions below them rather than schools and enterprises of their own.
UPPER_LEVELS = frozenset(
    {RegionLevel.PROVINCE, RegionLevel.AUTONOMOUS_REGION, RegionLevel.PREFECTURE}
)


def oversees_region(actor: User, region: Region) -> bool:
    """The officer of the region above reads a city's figures and lists, read-only: every write
    predicate here asks for the object's own region, which an upper bureau's account never has."""
    return region.parent_id is not None and bureau_staff_of(actor, region.parent_id)


def can_read_region_figures(actor: User, region: Region) -> bool:
    """A region's dashboard, supervision figures and lists: its own officer and the one above."""
    return bureau_staff_of(actor, region.id) or oversees_region(actor, region)


def can_onboard_region(actor: User, parent: Region) -> bool:
    """A province's (autonomous region's, prefecture's) officer creates the regions below it."""
    return parent.level in UPPER_LEVELS and bureau_staff_of(actor, parent.id)


def can_set_up_region(actor: User, region: Region, has_officer: bool) -> bool:
    """The officer above installs a new region's pack, sets its budgets and invites its first
    officer until that officer joins; from then on the region's own bureau runs it alone."""
    return not has_officer and oversees_region(actor, region)


def can_view_school(actor: User, school: School) -> bool:
    """The school's own staff and its region's bureau."""
    return (actor.role == Role.SCHOOL and actor.school_id == school.id) or is_bureau_of(
        actor, school.region_id
    )


def can_manage_school(actor: User, school: School) -> bool:
    """Only the school's own admin and placement officer change its data."""
    return acts_for_school(actor, school.id)


def can_manage_roster(actor: User, school: School) -> bool:
    """Specialties, cohorts, roster imports and invitations: admin and placement officer."""
    return acts_for_school(actor, school.id)


def can_view_enterprise(actor: User, enterprise: Enterprise) -> bool:
    """The enterprise's own staff and its region's bureau."""
    return (actor.role == Role.ENTERPRISE and actor.enterprise_id == enterprise.id) or is_bureau_of(
        actor, enterprise.region_id
    )


def can_manage_enterprise(actor: User, enterprise: Enterprise) -> bool:
    """Only the enterprise's own admin and HR change its data."""
    return acts_for_enterprise(actor, enterprise.id)


def can_view_student(actor: User, student: Student, student_region_id: int) -> bool:
    """The student itself, its school, and its region's bureau."""
    if actor.role == Role.STUDENT:
        return actor.student_id == student.id
    if actor.role == Role.SCHOOL:
        return acts_for_school(actor, student.school_id)
    return is_bureau_of(actor, student_region_id)


def can_manage_student(actor: User, student: Student) -> bool:
    """The student's own school keeps its record: invitation codes and the full national ID."""
    return acts_for_school(actor, student.school_id)


@dataclass(frozen=True)
class StudentDisclosure:
    """The personal fields of a student one viewer sees (the README's data-minimisation table).

    The birth date goes only to those who know the whole ID anyway (the school, the student):
    with the last 4 and the locality it would narrow the ID to a handful of candidates. Everyone
    who may see the student sees its name and age.
    """

    last4: bool
    birth_date: bool
    phone: bool
    guardian_name: bool
    reveal_full_id: bool


def student_disclosure(actor: User, student: Student) -> StudentDisclosure:
    """What `actor`, already allowed to see `student` somewhere, is shown of its personal data."""
    itself = actor.role == Role.STUDENT and actor.student_id == student.id
    school = can_manage_student(actor, student)
    bureau = actor.role == Role.BUREAU
    return StudentDisclosure(
        last4=itself or school or bureau,
        birth_date=itself or school,
        phone=itself or school,
        guardian_name=itself or school or bureau,
        reveal_full_id=school,
    )


def can_view_slot(actor: User, slot: Slot, enterprise_region_id: int) -> bool:
    """Open slots are visible to every school and student; others to the owner and the bureau."""
    if actor.role == Role.ENTERPRISE:
        return acts_for_enterprise(actor, slot.enterprise_id)
    if actor.role == Role.BUREAU:
        return is_bureau_of(actor, enterprise_region_id)
    return slot.status == "open"


def can_verify_organisations(actor: User, region_id: int) -> bool:
    """Verification is the bureau officer's job, in its own region."""
    return bureau_staff_of(actor, region_id)


def can_verify_certificates(actor: User, region_id: int) -> bool:
    """Declared certificates and the appraisal body's lists: the region's bureau officer."""
    return bureau_staff_of(actor, region_id)


def is_verified(organisation: School | Enterprise) -> bool:
    """Only a verified organisation may act (post slots, sign agreements, run matches)."""
    return organisation.verification_status == VerificationStatus.VERIFIED


def can_manage_slots(actor: User, enterprise_id: int) -> bool:
    """Posting slots and ranking candidates: the enterprise's admin and HR."""
    return acts_for_enterprise(actor, enterprise_id)


def can_manage_slot(actor: User, slot: Slot) -> bool:
    """Only the owning enterprise's admin and HR edit, open, close or rank candidates of a slot."""
    return can_manage_slots(actor, slot.enterprise_id)


def is_party_to_agreement(actor: User, agreement: CooperationAgreement) -> bool:
    """The school and the enterprise named in a cooperation agreement (admins and managers)."""
    return acts_for_school(actor, agreement.school_id) or acts_for_enterprise(
        actor, agreement.enterprise_id
    )


def can_terminate_agreement(
    actor: User, agreement: CooperationAgreement, school_region_id: int
) -> bool:
    """Either party, or the officer of the school's region, ends an agreement early."""
    return is_party_to_agreement(actor, agreement) or bureau_staff_of(actor, school_region_id)


def can_review_filing(actor: User, region_id: int) -> bool:
    """Filed agreements and internship plans: the region's officer or reviewer decides (R2)."""
    return bureau_staff_of(actor, region_id, StaffRole.REVIEWER)


def can_view_agreement(actor: User, agreement: CooperationAgreement, school_region_id: int) -> bool:
    """Both parties and the bureau of the school's region, which files and reviews it (R2)."""
    return is_party_to_agreement(actor, agreement) or is_bureau_of(actor, school_region_id)


def can_view_placement(
    actor: User, student: Student, slot: Slot, region_ids: set[int], placement: Placement
) -> bool:
    """The student, its school, the host enterprise, the assigned teacher and mentor, and the
    bureau of either side's region."""
    if actor.role == Role.STUDENT:
        return actor.student_id == student.id
    if is_assigned_teacher(actor, placement) or is_assigned_mentor(actor, placement):
        return True
    if actor.role == Role.SCHOOL:
        return acts_for_school(actor, student.school_id)
    if actor.role == Role.ENTERPRISE:
        return acts_for_enterprise(actor, slot.enterprise_id)
    return any(is_bureau_of(actor, region_id) for region_id in region_ids)


def can_answer_offer(actor: User, student: Student) -> bool:
    """Only the student itself accepts or declines its offer."""
    return actor.role == Role.STUDENT and actor.student_id == student.id


def placement_party(actor: User, student: Student, slot: Slot) -> Party | None:
    """The side of a placement agreement the actor signs for, or None."""
    return placement_party_of(actor, student.id, student.school_id, slot.enterprise_id)


def placement_party_of(
    actor: User, student_id: int, school_id: int, enterprise_id: int
) -> Party | None:
    """placement_party() from the ids it reads, for lists loaded as rows rather than objects."""
    if actor.role == Role.STUDENT and actor.student_id == student_id:
        return Party.STUDENT
    if acts_for_school(actor, school_id):
        return Party.SCHOOL
    if acts_for_enterprise(actor, enterprise_id):
        return Party.ENTERPRISE
    return None


def can_sign_placement_agreement(actor: User, student: Student, slot: Slot) -> bool:
    """The three parties sign: the student, and the school's and enterprise's managers."""
    return placement_party(actor, student, slot) is not None


def can_arrange_placement(actor: User, student: Student) -> bool:
    """The student's school arranges its internships: plan, guardian consent, dates, extension."""
    return acts_for_school(actor, student.school_id)


def can_run_placement(actor: User, student: Student, slot: Slot) -> bool:
    """School and host enterprise record insurance, start and end a placement."""
    return placement_party(actor, student, slot) in (Party.SCHOOL, Party.ENTERPRISE)


def can_publish_offer(actor: User, student: Student, school_region_id: int) -> bool:
    """Offers go out from the student's school or from its region's bureau (region-wide runs)."""
    return can_arrange_placement(actor, student) or is_bureau_of(actor, school_region_id)


def can_review_internship_plan(actor: User, school_region_id: int) -> bool:
    """The bureau of the filing school's region reviews its internship plans (R2)."""
    return can_review_filing(actor, school_region_id)


def can_read_notification(actor: User, notification: Notification) -> bool:
    """A notification belongs to its recipient alone."""
    return notification.user_id == actor.id


def can_manage_subsidies(actor: User, region_id: int) -> bool:
    """Subsidy policies, budgets and credit records are the region bureau officer's."""
    return bureau_staff_of(actor, region_id)


def can_see_claims(actor: User, region_id: int) -> bool:
    """Every bureau staff role of the region reads its claims and budgets."""
    return bureau_staff_of(actor, region_id, StaffRole.REVIEWER, StaffRole.FINANCE)


def can_decide_claim(actor: User, region_id: int) -> bool:
    """Approving and rejecting claims: the region's officer or reviewer."""
    return bureau_staff_of(actor, region_id, StaffRole.REVIEWER)


def can_pay_claim(actor: User, claim: SubsidyClaim, region_id: int) -> bool:
    """Paying: the region's finance staff (or its officer), never the approver of a claim
    that needs a second user (the four-eyes rule)."""
    if not bureau_staff_of(actor, region_id, StaffRole.FINANCE):
        return False
    return not (claim.needs_second_user and claim.decided_by_id == actor.id)


def is_claim_beneficiary(actor: User, claim: SubsidyClaim) -> bool:
    """The student, enterprise, school or worker the claim pays."""
    if actor.role == Role.STUDENT:
        return claim.student_id is not None and actor.student_id == claim.student_id
    if actor.role == Role.ENTERPRISE:
        return claim.enterprise_id is not None and acts_for_enterprise(actor, claim.enterprise_id)
    if actor.role == Role.SCHOOL:
        return claim.school_id is not None and acts_for_school(actor, claim.school_id)
    if actor.role == Role.WORKER:
        return claim.person_id is not None and actor.person_id == claim.person_id
    return False


def can_view_claim(actor: User, claim: SubsidyClaim, policy_region_id: int) -> bool:
    """The beneficiary and the bureau of the policy's region."""
    return is_claim_beneficiary(actor, claim) or can_see_claims(actor, policy_region_id)


def can_organise_competition(actor: User) -> bool:
    """Who may record a competition: an enterprise's or a school's managers for their own
    organisation, and the bureau's officers for their region (a mentor, teacher, reviewer,
    finance user or person may not)."""
    if actor.role == Role.ENTERPRISE and actor.enterprise_id is not None:
        return acts_for_enterprise(actor, actor.enterprise_id)
    if actor.role == Role.SCHOOL and actor.school_id is not None:
        return acts_for_school(actor, actor.school_id)
    return actor.region_id is not None and bureau_staff_of(actor, actor.region_id)


def can_manage_competition(actor: User, competition: Competition) -> bool:
    """Its organiser records it: participants, results, closing, the subsidy claim."""
    if competition.enterprise_id is not None:
        return acts_for_enterprise(actor, competition.enterprise_id)
    if competition.school_id is not None:
        return acts_for_school(actor, competition.school_id)
    return bureau_staff_of(actor, competition.region_id)


def can_view_competition(actor: User, competition: Competition) -> bool:
    """Its organiser's managers, and every bureau user of its region (the bureau sees all)."""
    return can_manage_competition(actor, competition) or is_bureau_of(actor, competition.region_id)


def can_organise_course(actor: User) -> bool:
    """Who may record a training course or technician class: an enterprise's or a school's
    managers for their own organisation (the bureau reads them, it does not hold them)."""
    if actor.role == Role.ENTERPRISE and actor.enterprise_id is not None:
        return acts_for_enterprise(actor, actor.enterprise_id)
    if actor.role == Role.SCHOOL and actor.school_id is not None:
        return acts_for_school(actor, actor.school_id)
    return False


def can_manage_course(actor: User, course: TrainingCourse) -> bool:
    """Its organiser keeps it: the roster, attendance, completion and closing."""
    if course.enterprise_id is not None:
        return acts_for_enterprise(actor, course.enterprise_id)
    return course.school_id is not None and acts_for_school(actor, course.school_id)


def can_view_course(actor: User, course: TrainingCourse) -> bool:
    """Its organiser's managers, and every bureau user of its region (the bureau sees all)."""
    return can_manage_course(actor, course) or is_bureau_of(actor, course.region_id)


def can_audit_region(actor: User, region_ids: set[int]) -> bool:
    """Statistics, timelines, evidence bundles and inspections: the officer of a region involved."""
    return any(bureau_staff_of(actor, region_id) for region_id in region_ids)


def can_audit_compliance(actor: User, region_id: int) -> bool:
    """Compliance checks and their findings: the region's officer (DOMAIN.md: audits compliance)."""
    return bureau_staff_of(actor, region_id)


# Enterprise staff who keep the employee register: confirm, correct, import, end employments.
EMPLOYEE_KEEPERS = frozenset({StaffRole.ADMIN, StaffRole.HR})


def is_self(actor: User, person: Person) -> bool:
    """A person sees only themself: a worker's account acts for its own person alone."""
    return actor.role == Role.WORKER and actor.person_id == person.id


def can_manage_employees(actor: User, enterprise_id: int) -> bool:
    """The enterprise's admin and HR staff keep its employee register (a mentor does not)."""
    return (
        actor.role == Role.ENTERPRISE
        and actor.enterprise_id == enterprise_id
        and actor.staff_role in EMPLOYEE_KEEPERS
    )


def can_view_employment(actor: User, employment: Employment) -> bool:
    """The employee themself and the employing enterprise's staff."""
    if actor.role == Role.WORKER:
        return actor.person_id == employment.person_id
    return actor.role == Role.ENTERPRISE and actor.enterprise_id == employment.enterprise_id


#: A tenant an actor acts for: its role and the id of its enterprise, school or student record.
Tenant = tuple[Role, int]


def tenant_of(actor: User) -> Tenant | None:
    """The enterprise, school, student record or person the actor acts for (None for the bureau)."""
    tenant_id = {
        Role.ENTERPRISE: actor.enterprise_id,
        Role.SCHOOL: actor.school_id,
        Role.STUDENT: actor.student_id,
        Role.WORKER: actor.person_id,
    }.get(actor.role)
    return (actor.role, tenant_id) if tenant_id is not None else None


@dataclass(frozen=True)
class DocumentParties:
    """Who may touch the documents of one record: those who upload, those who only read, and
    the regions whose bureau reviews them."""

    uploaders: frozenset[Tenant]
    readers: frozenset[Tenant]
    region_ids: frozenset[int]
    #: Accounts that read the record's documents for their own job, whatever their staff role:
    #: a journal's assigned mentor and teacher.
    followers: frozenset[int] = frozenset()


# A teacher or mentor follows students; the organisation's documents are its managers' business.
_NOT_DOCUMENT_KEEPERS = frozenset({StaffRole.TEACHER, StaffRole.MENTOR})


def _document_tenant(actor: User) -> Tenant | None:
    return None if actor.staff_role in _NOT_DOCUMENT_KEEPERS else tenant_of(actor)


def can_view_document(actor: User, parties: DocumentParties) -> bool:
    """The record's parties (not their teachers or mentors), the accounts that follow it and the
    bureau of a region involved."""
    tenant = _document_tenant(actor)
    if tenant is not None and (tenant in parties.uploaders or tenant in parties.readers):
        return True
    if actor.id in parties.followers:
        return True
    return any(is_bureau_of(actor, region_id) for region_id in parties.region_ids)


def can_upload_document(actor: User, parties: DocumentParties) -> bool:
    """Only the side that owes a document uploads it; the bureau reviews, never uploads."""
    tenant = _document_tenant(actor)
    return tenant is not None and tenant in parties.uploaders


def can_request_document(actor: User, parties: DocumentParties) -> bool:
    """A request for a missing or wrong document (补正) is the reviewing bureau's: its officer or
    reviewer, not its finance officer."""
    return actor.staff_role != StaffRole.FINANCE and any(
        is_bureau_of(actor, region_id) for region_id in parties.region_ids
    )


def can_manage_mentoring(actor: User, enterprise_id: int) -> bool:
    """名师带徒 agreements, their allowances and the education-fund return: the enterprise's
    admin and HR (a mentor account sees its own apprentices, never the money)."""
    return (
        actor.role == Role.ENTERPRISE
        and actor.enterprise_id == enterprise_id
        and actor.staff_role in (StaffRole.ADMIN, StaffRole.HR)
    )


def can_run_region_matching(actor: User, region_id: int) -> bool:
    """Region-wide match runs: the region's officer."""
    return bureau_staff_of(actor, region_id)


# ── incidents ──
def _incident_supervisor(actor: User, student: Student, slot: Slot, placement: Placement) -> bool:
    """The placement's school and host managers and its assigned teacher and mentor."""
    return (
        acts_for_school(actor, student.school_id)
        or acts_for_enterprise(actor, slot.enterprise_id)
        or is_assigned_teacher(actor, placement)
        or is_assigned_mentor(actor, placement)
    )


def can_report_incident(actor: User, student: Student, slot: Slot, placement: Placement) -> bool:
    """The student itself and the placement's supervisors report a safety or injury incident."""
    itself = actor.role == Role.STUDENT and actor.student_id == student.id
    return itself or _incident_supervisor(actor, student, slot, placement)


def can_view_incident(
    actor: User, student: Student, slot: Slot, placement: Placement, region_ids: set[int]
) -> bool:
    """Who may report it, and the bureau of either side's region, which supervises safety."""
    return can_report_incident(actor, student, slot, placement) or any(
        is_bureau_of(actor, region_id) for region_id in region_ids
    )


def can_follow_up_incident(actor: User, student: Student, slot: Slot, placement: Placement) -> bool:
    """The supervisors record that the guardian was informed and track the insurance claim."""
    return _incident_supervisor(actor, student, slot, placement)


def can_close_incident(actor: User, student: Student, placement: Placement) -> bool:
    """The school answers for its student's safety: its managers or the assigned teacher close
    the case (not the host, whose premises it happened on)."""
    return acts_for_school(actor, student.school_id) or is_assigned_teacher(actor, placement)


def sees_incident_narrative(actor: User, slot: Slot, kind: str, reported_by_id: int) -> bool:
    """What happened, the measures and the guardian's informant: everyone who may see the
    incident, except that a harassment report's text is kept from the host enterprise's staff
    (the person reported may work there) unless they reported it themselves."""
    if kind != "harassment" or actor.id == reported_by_id:
        return True
    return not (actor.role == Role.ENTERPRISE and actor.enterprise_id == slot.enterprise_id)


# ── evaluations ──


def evaluator_role(actor: User, student: Student, placement: Placement) -> str | None:
    """Which evaluation the actor writes on this placement: "mentor", "teacher" or "self"."""
    if is_assigned_mentor(actor, placement):
        return "mentor"
    if is_assigned_teacher(actor, placement):
        return "teacher"
    if actor.role == Role.STUDENT and actor.student_id == student.id:
        return "self"
    return None


def can_rate_host(actor: User, student: Student) -> bool:
    """Only the student rates its host."""
    return actor.role == Role.STUDENT and actor.student_id == student.id


def can_see_single_ratings(actor: User, student: Student, region_ids: set[int]) -> bool:
    """A single host rating: the student who gave it, its school and the bureau, never the host."""
    return (
        can_rate_host(actor, student)
        or acts_for_school(actor, student.school_id)
        or any(is_bureau_of(actor, region_id) for region_id in region_ids)
    )


def can_write_report(actor: User, student: Student) -> bool:
    """The student writes its own internship report."""
    return can_rate_host(actor, student)


def can_grade_report(actor: User, placement: Placement) -> bool:
    """The assigned teacher grades the internship report."""
    return is_assigned_teacher(actor, placement)


def can_record_outcome(actor: User, student: Student) -> bool:
    """The student's school records where the student went after the placement."""
    return acts_for_school(actor, student.school_id)


def can_confirm_outcome(actor: User, slot: Slot) -> bool:
    """The host enterprise confirms a hire by itself."""
    return acts_for_enterprise(actor, slot.enterprise_id)


# ── journals ──


def can_write_journal(actor: User, placement: Placement) -> bool:
    """Only the placement's student writes its weekly journals (周志)."""
    return actor.role == Role.STUDENT and actor.student_id == placement.student_id


def can_review_journal(actor: User, placement: Placement) -> bool:
    """The assigned mentor confirms or returns a journal."""
    return is_assigned_mentor(actor, placement)


def can_countersign_journals(actor: User, placement: Placement) -> bool:
    """The assigned teacher countersigns a month of journals."""
    return is_assigned_teacher(actor, placement)


def can_read_journal_text(actor: User, enterprise_id: int) -> bool:
    """A journal list gives the entries' text to the host's managers only (the HR system that
    follows its interns); others read the states, and the pages show the text to the rest."""
    return acts_for_enterprise(actor, enterprise_id)


# ── attendance ──
def can_record_attendance(actor: User, student: Student) -> bool:
    """Only the student checks itself in and out, and asks for its own leave."""
    return actor.role == Role.STUDENT and actor.student_id == student.id


def can_view_attendance(
    actor: User, student: Student, placement: Placement, enterprise_id: int
) -> bool:
    """The student, the assigned mentor and teacher, the school's and the host's managers."""
    return (
        can_record_attendance(actor, student)
        or is_assigned_mentor(actor, placement)
        or is_assigned_teacher(actor, placement)
        or acts_for_school(actor, student.school_id)
        or acts_for_enterprise(actor, enterprise_id)
    )


def can_see_attendance_location(actor: User, student: Student, placement: Placement) -> bool:
    """Where a student checked in: its school's managers and assigned teacher, never the
    enterprise (the mentor included)."""
    return is_assigned_teacher(actor, placement) or acts_for_school(actor, student.school_id)


def can_file_hours_exception(actor: User, student: Student) -> bool:
    """The school files (备案) the arrangements outside N7 for its students."""
    return acts_for_school(actor, student.school_id)


# --- selections (评选) --------------------------------------------------------------------------


def can_run_selections(actor: User, region_id: int) -> bool:
    """Calls, screening, the expert pool, panels, ballots, 公示 and decisions: the region's
    officer or reviewer (finance pays the grants, it does not select)."""
    return bureau_staff_of(actor, region_id, StaffRole.REVIEWER)


def can_see_selections(actor: User, region_id: int) -> bool:
    """Every bureau staff role of the region reads its rounds, panels and tallies."""
    return bureau_staff_of(actor, region_id, StaffRole.REVIEWER, StaffRole.FINANCE)


def can_nominate_employee(actor: User, employer: Enterprise, region_id: int) -> bool:
    """单位推荐: the employer's admin or HR nominates its own employees for its region's round."""
    return acts_for_enterprise(actor, employer.id) and employer.region_id == region_id


def can_nominate_self(actor: User, person_id: int | None) -> bool:
    """个人自荐: a worker nominates only themself."""
    return actor.role == Role.WORKER and person_id is not None and actor.person_id == person_id


def can_view_nomination(
    actor: User,
    nominee_person_id: int | None,
    nominated_by_enterprise_id: int | None,
    region_id: int,
) -> bool:
    """The nominee, the nominating enterprise's managers and the region's bureau."""
    return (
        can_nominate_self(actor, nominee_person_id)
        or (
            nominated_by_enterprise_id is not None
            and acts_for_enterprise(actor, nominated_by_enterprise_id)
        )
        or can_see_selections(actor, region_id)
    )


def can_raise_objection(actor: User, region_id: int, enterprise_region_id: int | None) -> bool:
    """During 公示 an enterprise of the region raises an objection online; the bureau records
    one received by letter or telephone (接受社会监督)."""
    if actor.role == Role.ENTERPRISE:
        return enterprise_region_id == region_id and actor.staff_role in ENTERPRISE_MANAGERS
    return can_run_selections(actor, region_id)


def can_keep_reference_data(actor: User) -> bool:
    """The occupation catalogue, shortage lists and designations are a bureau officer's to keep,
    each for its own region (the catalogue is national: any region's officer keeps it)."""
    return actor.region_id is not None and bureau_staff_of(actor, actor.region_id)


def can_read_reference_data(actor: User) -> bool:
    """A bureau officer or reviewer reads the reference data (reviewers check claims against it)."""
    return actor.region_id is not None and bureau_staff_of(
        actor, actor.region_id, StaffRole.REVIEWER
    )


def can_record_base(actor: User) -> bool:
    """Who may apply for a training base or studio: the managers of an enterprise or a school,
    for their own organisation (the bureau reviews and recognises, it hosts none)."""
    return can_organise_course(actor)


def can_manage_base(actor: User, base: TrainingBase) -> bool:
    """Its host's managers keep its record (figures, leader)."""
    if base.enterprise_id is not None:
        return acts_for_enterprise(actor, base.enterprise_id)
    return base.school_id is not None and acts_for_school(actor, base.school_id)


def can_review_bases(actor: User, region_id: int) -> bool:
    """The yearly review and the recognition: the region's officer or reviewer."""
    return bureau_staff_of(actor, region_id, StaffRole.REVIEWER)


def can_read_bases(actor: User, region_id: int) -> bool:
    """The bureau's officer, reviewer and finance read every base and studio of the region."""
    return bureau_staff_of(actor, region_id, StaffRole.REVIEWER, StaffRole.FINANCE)


def can_view_base(actor: User, base: TrainingBase) -> bool:
    """Its host's managers, and the bureau readers of its region."""
    return can_manage_base(actor, base) or can_read_bases(actor, base.region_id)
