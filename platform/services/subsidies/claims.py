"""Subsidy claims: raised by events or by beneficiaries, decided by the bureau, paid from budgets.

Money invariants are the database's: a claim is inserted first under the partial UNIQUE index
on its once-only key; approval moves the claim out of ``submitted`` with a conditional UPDATE,
takes a quota slot and debits the budget with conditional UPDATEs (``remaining >= amount``),
and payment moves committed to paid the same way, each with its ledger row, in one transaction.
A lost race raises Conflict (409).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import Any, cast

from sqlalchemy import CursorResult, Select, bindparam, false, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    SEAT_HOLDING,
    Beneficiary,
    Certificate,
    ClaimStatus,
    Competition,
    CreditRecord,
    Employment,
    Enterprise,
    Person,
    Placement,
    Region,
    Role,
    School,
    SelectionRound,
    Slot,
    Student,
    SubsidyClaim,
    SubsidyPolicy,
    TrainingBase,
    TrainingCourse,
    User,
    utcnow,
)
from skillbridge.platform.policy import (
    AwardSelection,
    Evaluation,
    Policy,
    ProgrammeFacts,
    evaluate,
    validity_outcome,
)
from skillbridge.platform.policy.courses import course_kinds
from skillbridge.platform.policy.document_kinds import DocumentKind, document_kind
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.competitions.records import closed_competitions_of
from skillbridge.platform.services.credit import active_credit_record
from skillbridge.platform.services.directory import latest_enrolment
from skillbridge.platform.services.documents.owners import claim_materials, load_owner
from skillbridge.platform.services.documents.uploads import (
    DocumentStore,
    Upload,
    check_uploads,
    store_checked,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.packs import region_pack
from skillbridge.platform.services.paging import AnyRow, Page, paginate
from skillbridge.platform.services.policies import (
    can_decide_claim,
    can_pay_claim,
    can_see_claims,
    can_view_claim,
)
from skillbridge.platform.services.subsidies.budgets import (
    commit_budget,
    consume_quota,
    pay_budget,
    quota_period_start,
)
from skillbridge.platform.services.subsidies.competition_facts import competition_facts
from skillbridge.platform.services.subsidies.course_facts import build_course_facts
from skillbridge.platform.services.subsidies.facts import (
    BuiltFacts,
    build_facts,
    current_placement,
    declared_for_snapshot,
    parse_declared,
)
from skillbridge.platform.services.subsidies.routes import ClaimRoute, declare, raises
from skillbridge.platform.services.subsidies.worker_facts import build_worker_facts
from skillbridge.platform.services.webhooks import outbox
from skillbridge.platform.text import N_, as_message

#: Triggers claimed online, whose facts the platform builds from its records (a competition's
#: from its record). An award's grant is not among them: the round's decision raises it
#: (subsidies/awards.py, services/selections).
CLAIMABLE_EVENTS = (
    "certificate_recorded",
    "placement_months_reached",
    "talent_introduced",
    "school_year_started",
    "competition_held",
)

#: Who files a claim online, and the beneficiary it claims as.
ONLINE_CLAIMANTS = {Role.STUDENT: Beneficiary.PERSON, Role.ENTERPRISE: Beneficiary.ENTERPRISE}
for _event in CLAIMABLE_EVENTS:
    declare(
        ClaimRoute(
            _event,
            frozenset(ONLINE_CLAIMANTS.values()),
            N_("学生本人或企业在「申领补贴」页在线申报，人社局审核"),
            "subsidies.new_claim",
            online=True,
        )
    )
#: Who the event-raised claims of a student's event are paid to: the student, its host enterprise.
STUDENT_EVENT_BENEFICIARIES = frozenset({Beneficiary.PERSON, Beneficiary.ENTERPRISE})

DUPLICATE = N_("该事项已申领过补贴（同一事项只能申领一次）")
CLAIM_TO_REVIEW = "claim.to_review"
CLAIM_DECIDED = "claim.decided"


def _beneficiary_users(session: Session, claim: SubsidyClaim) -> list[int]:
    if claim.student_id is not None:
        return notifications.student_users(session, claim.student_id)
    if claim.enterprise_id is not None:
        return notifications.enterprise_users(session, claim.enterprise_id)
    if claim.person_id is not None:
        return list(session.scalars(select(User.id).where(User.person_id == claim.person_id)))
    assert claim.school_id is not None, "one_beneficiary: exactly one of the four is set"
    return notifications.school_users(session, claim.school_id)


def _emit_decided(session: Session, claim: SubsidyClaim, region_id: int) -> None:
    """claim.decided for the region's bureau and the beneficiary's organisation: the school, or
    the enterprise (a student's claim: its school; a worker's own claim: the bureau alone)."""
    parties = [outbox.bureau(region_id)]
    if claim.enterprise_id is not None:
        parties.append(outbox.enterprise(claim.enterprise_id))
    school_id = claim.school_id
    if claim.student_id is not None:
        school_id = session.get_one(Student, claim.student_id).school_id
    if school_id is not None:
        parties.append(outbox.school(school_id))
    data = {
        "claim_id": claim.id,
        "policy_id": claim.policy_id,
        "status": claim.status.value,
        "student_id": claim.student_id,
        "school_id": claim.school_id,
        "enterprise_id": claim.enterprise_id,
        "placement_id": claim.placement_id,
    }
    outbox.emit(session, "claim.decided", data, parties)


def _tell(
    session: Session, claim: SubsidyClaim, recipients: list[int], kind: str, title: str
) -> None:
    """Notify `recipients` about the claim; the body names the policy and the amount."""
    name = claim.evaluation.get("policy_name", "")
    amount = f"，{claim.amount_yuan}元" if claim.amount_yuan is not None else ""
    link = notifications.Link("subsidies.claim", {"claim_id": claim.id})
    notifications.notify(session, recipients, kind, title, f"{name}{amount}", link)


def today() -> date:
    """The claim date of a claim raised now."""
    return date.today()


# --- evaluation -----------------------------------------------------------------------------


def _pack_policy(session: Session, policy: SubsidyPolicy) -> Policy:
    return region_pack(session.get_one(Region, policy.region_id)).policy(policy.code)


def _evaluate(
    policy: SubsidyPolicy, pack_policy: Policy, built: BuiltFacts, on_date: date
) -> Evaluation:
    override = policy.amount_yuan if pack_policy.amount.kind == "local" else None
    return evaluate(pack_policy, built.facts, on_date, amount_override=override)


def snapshot(
    pack_policy: Policy, evaluation: Evaluation, built: BuiltFacts, subject: Student | None
) -> dict[str, Any]:
    """The evaluation as stored with the claim and in the audit log."""
    declared = built.declared_conditions([c.code for c in evaluation.conditions])
    return {
        "policy": pack_policy.id,
        "policy_name": pack_policy.name_zh,
        "citation": pack_policy.source.citation,
        "quote": pack_policy.source.quote,
        "on_date": evaluation.on_date.isoformat(),
        "eligible": evaluation.eligible,
        "amount": evaluation.amount,
        "amount_pending": evaluation.amount_pending,
        "once_only_key": evaluation.once_only_key,
        "subject_student_id": subject.id if subject is not None else None,
        "conditions": [
            {
                "code": c.code,
                "label_zh": c.label_zh,
                "passed": c.passed,
                "evidence": c.evidence,
                "citation": c.citation,
                "display": c.display_zh(),
                # The message beside its Chinese text, so that the page can show it in English.
                "display_message": as_message(c.display_zh()),
                "declared": c.code in declared,
            }
            for c in evaluation.conditions
        ],
        "facts": [
            {
                "label": r.label_zh,
                "value": r.value,
                "source": r.source,
                "label_message": as_message(r.label_zh),
                "value_message": as_message(r.value),
            }
            for r in built.rows
        ],
        "declared": declared_for_snapshot(built.declared),
    }


@dataclass
class ClaimDraft:
    """Everything needed to evaluate a claim and, if eligible, insert it."""

    policy: SubsidyPolicy
    on_date: date
    student: Student | None = None
    enterprise: Enterprise | None = None
    school: School | None = None
    certificate: Certificate | None = None
    placement: Placement | None = None
    programme: ProgrammeFacts | None = None
    #: The competition an organiser claims its competition subsidy for.
    competition: Competition | None = None
    #: The training course or technician class a `programme_held` claim pays for.
    course: TrainingCourse | None = None
    declared: dict[str, Any] = field(default_factory=dict)
    #: A worker's claim: the person and the confirmed employment its facts are read from.
    person: Person | None = None
    employment: Employment | None = None
    #: An award's grant: the selection it pays and the round whose quota it counts against.
    selection: AwardSelection | None = None
    selection_round_id: int | None = None
    #: A studio's award: the base or studio whose recognition raised it.
    training_base: TrainingBase | None = None


@dataclass(frozen=True)
class Assessment:
    """An evaluation with its stored snapshot."""

    evaluation: Evaluation
    snapshot: dict[str, Any]


def assess(session: Session, draft: ClaimDraft) -> Assessment:
    """Evaluate a draft claim with facts from the database and the declared ones."""
    policy = draft.policy
    pack_policy = _pack_policy(session, policy)
    if draft.course is not None:
        built = build_course_facts(
            session, policy, draft.on_date, draft.course, person=draft.person, school=draft.school
        )
    elif draft.person is not None and draft.employment is not None:
        built = build_worker_facts(
            session,
            policy,
            draft.on_date,
            person=draft.person,
            employment=draft.employment,
            certificate=draft.certificate,
            declared=draft.declared,
        )
    else:
        built = build_facts(
            session,
            policy,
            draft.on_date,
            student=draft.student,
            enterprise=draft.enterprise,
            school=draft.school,
            certificate=draft.certificate,
            placement=draft.placement,
            programme=draft.programme,
            competition=(
                competition_facts(session, draft.competition)
                if draft.competition is not None
                else None
            ),
            declared=draft.declared,
        )
    if draft.selection is not None:
        built = replace(built, facts=replace(built.facts, selection=draft.selection))
    evaluation = _evaluate(policy, pack_policy, built, draft.on_date)
    stored = snapshot(pack_policy, evaluation, built, draft.student)
    if draft.person is not None:
        stored["subject_person_id"] = draft.person.id
    return Assessment(evaluation, stored)


def _beneficiary_ids(draft: ClaimDraft) -> dict[str, int | None]:
    kind = draft.policy.beneficiary
    worker = kind == Beneficiary.PERSON and draft.student is None and draft.person is not None
    return {
        "person_id": draft.person.id if worker and draft.person else None,
        "student_id": draft.student.id if kind == Beneficiary.PERSON and draft.student else None,
        "enterprise_id": (
            draft.enterprise.id if kind == Beneficiary.ENTERPRISE and draft.enterprise else None
        ),
        "school_id": draft.school.id if kind == Beneficiary.SCHOOL and draft.school else None,
    }


def _live_claim_exists(session: Session, key: str) -> bool:
    return (
        session.scalar(
            select(SubsidyClaim.id)
            .where(SubsidyClaim.once_only_key == key)
            .where(SubsidyClaim.status != ClaimStatus.REJECTED)
            .limit(1)
        )
        is not None
    )


def insert_claim(
    session: Session, draft: ClaimDraft, assessment: Assessment, claimed_by: User | None
) -> SubsidyClaim:
    """Insert under the once-only key; the partial UNIQUE index decides a race."""
    evaluation = assessment.evaluation
    key = evaluation.once_only_key
    assert key is not None  # only eligible evaluations get here
    if _live_claim_exists(session, key):
        raise Conflict(DUPLICATE)
    claim = SubsidyClaim(
        policy_id=draft.policy.id,
        placement_id=draft.placement.id if draft.placement else None,
        certificate_id=draft.certificate.id if draft.certificate else None,
        competition_id=draft.competition.id if draft.competition else None,
        training_course_id=draft.course.id if draft.course else None,
        training_base_id=draft.training_base.id if draft.training_base else None,
        on_date=draft.on_date,
        once_only_key=key,
        status=ClaimStatus.SUBMITTED,
        amount_yuan=evaluation.amount,
        evaluation=assessment.snapshot,
        automatic=claimed_by is None,
        claimed_by_id=claimed_by.id if claimed_by else None,
        selection_round_id=draft.selection_round_id,
        pays_for_year=draft.selection.pay_year if draft.selection else None,
        **_beneficiary_ids(draft),
    )
    try:
        with session.begin_nested():
            session.add(claim)
    except IntegrityError as exc:
        raise Conflict(DUPLICATE) from exc
    region_id = draft.policy.region_id
    _tell(
        session,
        claim,
        notifications.bureau_users(session, region_id),
        CLAIM_TO_REVIEW,
        N_("新的补贴申领待审核"),
    )
    if claimed_by is None:
        _tell(
            session,
            claim,
            _beneficiary_users(session, claim),
            CLAIM_DECIDED,
            N_("系统已为您发起补贴申领"),
        )
    audit.record(
        session,
        claimed_by,
        "claim.raised" if claimed_by is None else "claim.submitted",
        "subsidy_claim",
        claim.id,
        {"policy": draft.policy.code, "amount": claim.amount_yuan, "evaluation": claim.evaluation},
    )
    return claim


# --- raised by events -----------------------------------------------------------------------


def _region_of_student(session: Session, student: Student) -> int:
    return session.get_one(School, student.school_id).region_id


def active_policies(session: Session, region_id: int, event_kind: str) -> list[SubsidyPolicy]:
    region = session.get_one(Region, region_id)
    codes = [p.id for p in region_pack(region).policies if p.trigger.event_kind == event_kind]
    if not codes:
        return []
    return list(
        session.scalars(
            select(SubsidyPolicy)
            .where(SubsidyPolicy.region_id == region_id, SubsidyPolicy.active.is_(True))
            .where(SubsidyPolicy.code.in_(codes))
            .order_by(SubsidyPolicy.id)
        )
    )


def _raise_for_event(
    session: Session,
    event_kind: str,
    student: Student,
    employer: Enterprise | None,
    on_date: date,
    **subject: Any,
) -> list[SubsidyClaim]:
    """Raise a claim for every policy the event makes the student or its employer eligible for."""
    raised = []
    targets = [(_region_of_student(session, student), Beneficiary.PERSON)]
    if employer is not None:
        targets.append((employer.region_id, Beneficiary.ENTERPRISE))
    for region_id, kind in targets:
        for policy in active_policies(session, region_id, event_kind):
            if policy.beneficiary != kind:
                continue
            draft = ClaimDraft(policy, on_date, student=student, enterprise=employer, **subject)
            assessment = assess(session, draft)
            if not assessment.evaluation.eligible:
                continue
            try:
                raised.append(insert_claim(session, draft, assessment, None))
            except Conflict:
                continue  # already claimed under this once-only key
    return raised


@raises(
    "certificate_recorded",
    STUDENT_EVENT_BENEFICIARIES,
    N_("学校在学生页登记职业资格证书时，系统为学生和实习单位自动发起申领"),
    "schools.cohorts",
)
def on_certificate_recorded(
    session: Session,
    certificate: Certificate,
    *,
    on_date: date | None = None,
    route: str | None = None,
    training_ended_on: date | None = None,
) -> list[SubsidyClaim]:
    """Raise the claims a newly recorded certificate makes someone eligible for.

    Whoever records the certificate may state how it was obtained (`route`) and when the
    training ended; those are kept as declared facts. The employer is the host enterprise of
    the holder's current placement, for enterprise-side policies.
    """
    on = on_date or today()
    student = latest_enrolment(session, certificate.person_id)
    if student is None:  # a worker's certificate: the worker-side events raise its claims
        return []
    declared = parse_declared({"certificate_route": route, "training_ended_on": training_ended_on})
    placement = current_placement(session, student.id, on)
    employer = _host(session, placement)
    return _raise_for_event(
        session,
        "certificate_recorded",
        student,
        employer,
        on,
        certificate=certificate,
        placement=placement,
        declared=declared,
    )


@raises(
    "placement_months_reached",
    STUDENT_EVENT_BENEFICIARIES,
    N_("每日例行任务按学生在岗月数，为学生和实习单位自动发起申领"),
)
def on_placement_months_reached(
    session: Session, placement: Placement, on_date: date
) -> list[SubsidyClaim]:
    """Raise the claims a placement's months on the post make its student eligible for."""
    student = session.get_one(Student, placement.student_id)
    return _raise_for_event(
        session,
        "placement_months_reached",
        student,
        _host(session, placement),
        on_date,
        placement=placement,
    )


#: Who the claims of an apprentice's passed final assessment are paid to: the training enterprise.
PROGRAMME_BENEFICIARIES = frozenset({Beneficiary.ENTERPRISE})


@raises(
    "programme_completed",
    PROGRAMME_BENEFICIARIES,
    N_("企业在学徒培养项目中记录学徒考核合格结业时，系统为培养企业自动发起申领"),
    "programmes.index",
)
def on_programme_completed(
    session: Session,
    enterprise: Enterprise,
    certificate: Certificate,
    programme: ProgrammeFacts,
    on_date: date,
) -> list[SubsidyClaim]:
    """Raise the enterprise-side claims an apprentice's passed final assessment makes due.

    The apprentice may be an employee with no student record, so only policies paid to the
    training enterprise are raised here; the certificate is linked to the claim as its evidence.
    """
    raised = []
    for policy in active_policies(session, enterprise.region_id, "programme_completed"):
        if policy.beneficiary not in PROGRAMME_BENEFICIARIES:
            continue
        draft = ClaimDraft(
            policy, on_date, enterprise=enterprise, certificate=certificate, programme=programme
        )
        assessment = assess(session, draft)
        if not assessment.evaluation.eligible:
            continue
        try:
            raised.append(insert_claim(session, draft, assessment, None))
        except Conflict:
            continue  # already claimed under this once-only key
    return raised


#: Who the claims of a closed course are paid to: its completed trainees (补贴性职业技能培训,
#: 001 (六)) and the school that ran a technician class (配套资金, 002 二(二)2).
COURSE_BENEFICIARIES = frozenset({Beneficiary.PERSON, Beneficiary.SCHOOL})


@raises(
    "programme_held",
    COURSE_BENEFICIARIES,
    N_(
        "开班单位在「培训项目」页结束培训项目或技师班的记录时，系统为结业学员和开班学校自动发起申领"
    ),
    "courses.index",
)
def on_course_closed(
    session: Session, course: TrainingCourse, completed: Sequence[Person], on_date: date
) -> list[SubsidyClaim]:
    """Raise the claims a closed course makes due: one per completed trainee for a policy paid
    to persons, one for the course for a policy paid to its organising school.

    Only the policies the course catalogue lists for the course's kind are raised, so a
    technician class pays no training subsidy and a training course no matching fund. A policy
    paid to a school is not raised for a course an enterprise ran (the pack's note: an
    enterprise's class is registered separately).
    """
    kind = course_kinds().get(course.kind)
    if kind is None:
        return []
    school = session.get(School, course.school_id) if course.school_id is not None else None
    drafts = []
    for policy in active_policies(session, course.region_id, "programme_held"):
        if policy.code not in kind.policies:
            continue
        if policy.beneficiary == Beneficiary.SCHOOL and school is not None:
            drafts.append(ClaimDraft(policy, on_date, school=school, course=course))
        elif policy.beneficiary == Beneficiary.PERSON:
            drafts.extend(
                ClaimDraft(policy, on_date, person=person, course=course) for person in completed
            )
    raised = []
    for draft in drafts:
        assessment = assess(session, draft)
        if not assessment.evaluation.eligible:
            continue
        try:
            raised.append(insert_claim(session, draft, assessment, None))
        except Conflict:
            continue  # already claimed under this once-only key
    return raised


def _host(session: Session, placement: Placement | None) -> Enterprise | None:
    if placement is None:
        return None
    return session.get_one(Enterprise, session.get_one(Slot, placement.slot_id).enterprise_id)


# --- submitted by a beneficiary -------------------------------------------------------------


@dataclass(frozen=True)
class ClaimRequest:
    """A beneficiary's claim: the policy, the employee (enterprise claims), the certificate
    claimed for, the facts it declares (see subsidy_facts.DECLARABLE) and the materials the
    policy requires (one upload per document kind the pack lists)."""

    policy_id: int
    student_id: int | None = None
    certificate_id: int | None = None
    #: An enterprise's closed competition, for the competition subsidy (002 三(三)).
    competition_id: int | None = None
    declared: Mapping[str, Any] = field(default_factory=dict)
    on_date: date | None = None
    materials: Sequence[Upload] = ()


def _beneficiary_region(session: Session, actor: User) -> int:
    if actor.role == Role.STUDENT:
        return _region_of_student(session, session.get_one(Student, actor.student_id))
    return session.get_one(Enterprise, actor.enterprise_id).region_id


def claimable_policies(session: Session, actor: User) -> list[SubsidyPolicy]:
    """Active policies of the actor's region that it may claim online, in pack order."""
    kind = ONLINE_CLAIMANTS.get(actor.role)
    if kind is None:
        return []
    region_id = _beneficiary_region(session, actor)
    pack = region_pack(session.get_one(Region, region_id))
    claimable = {p.id for p in pack.policies if p.trigger.event_kind in CLAIMABLE_EVENTS}
    rows = session.scalars(
        select(SubsidyPolicy)
        .where(SubsidyPolicy.region_id == region_id, SubsidyPolicy.active.is_(True))
        .where(SubsidyPolicy.beneficiary == kind)
        .order_by(SubsidyPolicy.id)
    )
    return [row for row in rows if row.code in claimable]


def competition_policies(session: Session, actor: User) -> list[SubsidyPolicy]:
    """The claimable policies a competition's record pays for (002 三(三)), for its page."""
    policies = claimable_policies(session, actor)
    if not policies:
        return []
    pack = region_pack(session.get_one(Region, policies[0].region_id))
    held = {p.id for p in pack.policies if p.trigger.event_kind == "competition_held"}
    return [p for p in policies if p.code in held]


def placed_students(session: Session, enterprise_id: int) -> list[Student]:
    """Students holding a seat at the enterprise: the employees it may claim for."""
    return list(
        session.scalars(
            select(Student)
            .join(Placement, Placement.student_id == Student.id)
            .join(Slot, Slot.id == Placement.slot_id)
            .where(Slot.enterprise_id == enterprise_id, Placement.status.in_(SEAT_HOLDING))
            .distinct()
            .order_by(Student.id)
        )
    )


def _draft_for(session: Session, actor: User, request: ClaimRequest) -> ClaimDraft:
    policy = session.get(SubsidyPolicy, request.policy_id)
    if policy is None or policy not in claimable_policies(session, actor):
        raise NotFound(N_("没有可申领的该项补贴"))
    on = request.on_date or today()
    declared = parse_declared(request.declared)
    if actor.role == Role.STUDENT:
        student = session.get(Student, actor.student_id)
        draft = ClaimDraft(policy, on, student=student, declared=declared)
    else:
        enterprise = session.get_one(Enterprise, actor.enterprise_id)
        student = None
        if request.student_id is not None:
            student = next(
                (s for s in placed_students(session, enterprise.id) if s.id == request.student_id),
                None,
            )
            if student is None:
                raise NotFound(N_("该学生不在本企业岗位上"))
        draft = ClaimDraft(policy, on, student=student, enterprise=enterprise, declared=declared)
        if student is not None:
            draft.placement = current_placement(session, student.id, on, enterprise.id)
        if request.competition_id is not None:
            draft.competition = next(
                (
                    c
                    for c in closed_competitions_of(session, enterprise.id)
                    if c.id == request.competition_id
                ),
                None,
            )
            if draft.competition is None:
                raise NotFound(N_("该竞赛不是本企业举办的已结束竞赛"))
    if request.certificate_id is not None:
        certificate = session.get(Certificate, request.certificate_id)
        if (
            certificate is None
            or draft.student is None
            or certificate.person_id != draft.student.person_id
        ):
            raise NotFound(N_("证书不存在"))
        draft.certificate = certificate
    return draft


def preview_claim(session: Session, actor: User, request: ClaimRequest) -> Assessment:
    """Evaluate a claim without submitting it (the form's 试算)."""
    return assess(session, _draft_for(session, actor, request))


def required_materials(session: Session, policy: SubsidyPolicy) -> list[tuple[str, str]]:
    """(kind, Chinese name) of each document a claim under `policy` must carry."""
    return [(code, document_kind(code).name_zh) for code in claim_materials(session, policy)]


def _missing_materials(session: Session, draft: ClaimDraft, request: ClaimRequest) -> list[str]:
    given = {upload.kind for upload in request.materials}
    return [name for code, name in required_materials(session, draft.policy) if code not in given]


def submit_claim(
    session: Session, store: DocumentStore, actor: User, request: ClaimRequest
) -> SubsidyClaim:
    """A beneficiary claims with the materials its policy lists.

    Refused, with nothing stored: an ineligible claim (the conditions that failed), a claim
    missing a required document (which ones), a material that fails the upload checks (which
    file, why).
    """
    draft = _draft_for(session, actor, request)
    assessment = assess(session, draft)
    if not assessment.evaluation.eligible:
        failed = [c.display_zh() for c in assessment.evaluation.failed]
        raise InvalidInput(N_("不符合申领条件"), details=failed)
    missing = _missing_materials(session, draft, request)
    if missing:
        raise InvalidInput(N_("缺少申领材料，申领未提交"), details=missing)
    claim = insert_claim(session, draft, assessment, actor)
    owner = load_owner(session, "subsidy_claim", claim.id)
    store_checked(session, store, actor, owner, check_uploads(owner, request.materials))
    return claim


# --- decided and paid by the bureau ---------------------------------------------------------


def _policy_region(session: Session, claim: SubsidyClaim) -> tuple[SubsidyPolicy, int]:
    policy = session.get_one(SubsidyPolicy, claim.policy_id)
    return policy, policy.region_id


def get_claim(session: Session, actor: User, claim_id: int) -> SubsidyClaim:
    """A claim its beneficiary or its region's bureau may see (404 for anyone else)."""
    claim = session.get(SubsidyClaim, claim_id)
    if claim is None or not can_view_claim(actor, claim, _policy_region(session, claim)[1]):
        raise NotFound(N_("补贴申领不存在"))
    return claim


def _claim_for_bureau(
    session: Session, actor: User, claim_id: int
) -> tuple[SubsidyClaim, SubsidyPolicy]:
    """A claim the actor may approve or reject (the region's officer or reviewer)."""
    claim = get_claim(session, actor, claim_id)
    policy, region_id = _policy_region(session, claim)
    if not can_decide_claim(actor, region_id):
        raise PermissionDenied(N_("只有人社局审核人员可以审核补贴申领"))
    return claim, policy


def _require_status(claim: SubsidyClaim, status: ClaimStatus) -> None:
    if claim.status != status:
        raise Conflict(N_("该申领的状态已变化，请刷新后重试"))


def _move(session: Session, claim: SubsidyClaim, source: ClaimStatus, **values: Any) -> None:
    """Change the claim's status only if it is still `source`: the database arbitrates races."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(SubsidyClaim)
            .where(SubsidyClaim.id == claim.id, SubsidyClaim.status == source)
            .values(**values)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise Conflict(N_("该申领的状态已变化，请刷新后重试"))


def _beneficiary_credit(session: Session, claim: SubsidyClaim, on: date) -> CreditRecord | None:
    if claim.person_id is not None:
        # Credit records name students, enterprises and schools: a worker's is its student one.
        student = latest_enrolment(session, claim.person_id)
        if student is None:
            return None
        return active_credit_record(session, on, student_id=student.id)
    return active_credit_record(
        session,
        on,
        student_id=claim.student_id,
        enterprise_id=claim.enterprise_id,
        school_id=claim.school_id,
    )


def _require_in_force(session: Session, policy: SubsidyPolicy, refusal: str) -> None:
    """A policy whose document's validity ended (and no extension is recorded) is not payable:
    approving or paying it is refused with the policy, its term and the day it ended."""
    pack = region_pack(session.get_one(Region, policy.region_id))
    described = next((p for p in pack.policies if p.id == policy.code), None)
    if described is None:  # a policy row the region's pack no longer describes: no term recorded
        return
    outcome = validity_outcome(described, today())
    if outcome is not None and not outcome.passed:
        raise Conflict(refusal, details=[outcome.display_zh()])


def approve_claim(
    session: Session, actor: User, claim_id: int, four_eyes_above_yuan: int | None = None
) -> SubsidyClaim:
    """Approve at the amount fixed at evaluation: take a quota slot and commit the budget.

    An amount above `four_eyes_above_yuan` must then be paid by another bureau user (None: no
    such rule, as in scripts and tests that set it themselves).
    """
    claim, policy = _claim_for_bureau(session, actor, claim_id)
    _require_status(claim, ClaimStatus.SUBMITTED)
    _require_in_force(session, policy, N_("政策有效期已届满且无延期记录，不能批准"))
    record = _beneficiary_credit(session, claim, today())
    if record is not None:
        raise Conflict(N_("受益方有在期失信记录，不能批准（R6）"), details=[record.reason])
    # A local-schedule amount the bureau had not set at evaluation is fixed now.
    amount = claim.amount_yuan if claim.amount_yuan is not None else policy.amount_yuan
    if amount is None:
        raise Conflict(N_("请先在补贴政策页面设定该政策的补贴标准"))
    if policy.budget_id is None:
        raise Conflict(N_("该政策没有关联资金"))
    try:
        with session.begin_nested():
            _move(
                session,
                claim,
                ClaimStatus.SUBMITTED,
                status=ClaimStatus.APPROVED,
                amount_yuan=amount,
                decided_by_id=actor.id,
                decided_at=utcnow(),
                needs_second_user=four_eyes_above_yuan is not None
                and amount > four_eyes_above_yuan,
            )
            if policy.annual_quota is not None and _takes_a_quota_place(session, claim):
                consume_quota(session, policy, _quota_period(session, policy, claim))
            commit_budget(session, policy.budget_id, claim.id, amount)
    except IntegrityError as exc:
        raise Conflict(N_("该申领的状态已变化，请刷新后重试")) from exc
    session.refresh(claim)
    _tell(
        session, claim, _beneficiary_users(session, claim), CLAIM_DECIDED, N_("您的补贴申领已批准")
    )
    audit.record(
        session,
        actor,
        "claim.approved",
        "subsidy_claim",
        claim.id,
        {
            "amount": amount,
            "budget_id": policy.budget_id,
            "evaluation": claim.evaluation,
            "needs_second_user": claim.needs_second_user,
        },
    )
    _emit_decided(session, claim, policy.region_id)
    return claim


def _takes_a_quota_place(session: Session, claim: SubsidyClaim) -> bool:
    """Every approval takes a place, except an award's later years: a round's quota counts the
    people selected, and the same award paying its second to fifth year selects nobody new."""
    if claim.selection_round_id is None or claim.pays_for_year is None:
        return True
    first_year = session.get_one(SelectionRound, claim.selection_round_id).period_start
    return claim.pays_for_year == first_year


def _quota_period(session: Session, policy: SubsidyPolicy, claim: SubsidyClaim) -> int:
    """The quota period an approval counts against: an award's round (a 2025 round's grant
    claimed in January 2026 uses the 2025 quota), else the period holding the claim date."""
    if claim.selection_round_id is not None:
        return session.get_one(SelectionRound, claim.selection_round_id).period_start
    anchor = _pack_anchor_year(session, policy)
    return quota_period_start(policy, claim.on_date.year, anchor)


def _pack_anchor_year(session: Session, policy: SubsidyPolicy) -> int:
    region = session.get_one(Region, policy.region_id)
    return region_pack(region).source.year


def reject_claim(session: Session, actor: User, claim_id: int, reason: str) -> SubsidyClaim:
    """Reject with a reason; the once-only key is free again for a corrected claim."""
    claim, _policy = _claim_for_bureau(session, actor, claim_id)
    if not reason.strip():
        raise InvalidInput(N_("驳回时必须填写理由"))
    _require_status(claim, ClaimStatus.SUBMITTED)
    _move(
        session,
        claim,
        ClaimStatus.SUBMITTED,
        status=ClaimStatus.REJECTED,
        decision_reason=reason.strip(),
        decided_by_id=actor.id,
        decided_at=utcnow(),
    )
    session.refresh(claim)
    _tell(
        session, claim, _beneficiary_users(session, claim), CLAIM_DECIDED, N_("您的补贴申领被驳回")
    )
    audit.record(
        session,
        actor,
        "claim.rejected",
        "subsidy_claim",
        claim.id,
        {"reason": claim.decision_reason, "evaluation": claim.evaluation},
    )
    _emit_decided(session, claim, _policy.region_id)
    return claim


def pay_claim(session: Session, actor: User, claim_id: int) -> SubsidyClaim:
    """Record the payment of an approved claim: committed moves to paid.

    A claim approved above the four-eyes threshold is paid by a bureau user other than its
    approver; the database's CHECK refuses it too, whatever order concurrent requests take.
    """
    claim = get_claim(session, actor, claim_id)
    policy, region_id = _policy_region(session, claim)
    if not can_pay_claim(actor, claim, region_id):
        if claim.needs_second_user and claim.decided_by_id == actor.id:
            raise PermissionDenied(
                N_("该笔金额须由批准人以外的另一名人社局工作人员支付（双人复核）")
            )
        raise PermissionDenied(N_("只有人社局财务人员可以支付补贴"))
    _require_status(claim, ClaimStatus.APPROVED)
    _require_in_force(session, policy, N_("政策有效期已届满且无延期记录，不能支付"))
    assert claim.amount_yuan is not None, "approved_has_amount: an approved claim has its amount"
    if policy.budget_id is None:
        raise Conflict(N_("该政策没有关联资金"))
    try:
        with session.begin_nested():
            _move(
                session,
                claim,
                ClaimStatus.APPROVED,
                status=ClaimStatus.PAID,
                paid_at=utcnow(),
                paid_by_id=actor.id,
            )
            pay_budget(session, policy.budget_id, claim.id, claim.amount_yuan)
    except IntegrityError as exc:
        raise Conflict(N_("该申领的状态已变化，请刷新后重试")) from exc
    session.refresh(claim)
    _tell(session, claim, _beneficiary_users(session, claim), CLAIM_DECIDED, N_("您的补贴已支付"))
    audit.record(
        session,
        actor,
        "claim.paid",
        "subsidy_claim",
        claim.id,
        {"amount": claim.amount_yuan, "budget_id": policy.budget_id},
    )
    return claim


# --- lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimRow:
    """A claim with its policy and the beneficiary's display name."""

    claim: SubsidyClaim
    policy: SubsidyPolicy
    beneficiary_kind: str
    beneficiary_name: str


def _claims_query() -> Select[
    SubsidyClaim, SubsidyPolicy, str | None, str | None, str | None, str | None
]:
    return (
        select(SubsidyClaim, SubsidyPolicy, Student.name, Enterprise.name, School.name, Person.name)
        .join(SubsidyPolicy, SubsidyPolicy.id == SubsidyClaim.policy_id)
        .outerjoin(Student, Student.id == SubsidyClaim.student_id)
        .outerjoin(Enterprise, Enterprise.id == SubsidyClaim.enterprise_id)
        .outerjoin(School, School.id == SubsidyClaim.school_id)
        .outerjoin(Person, Person.id == SubsidyClaim.person_id)
        .order_by(SubsidyClaim.id.desc())
    )


def _claim_row(row: AnyRow) -> ClaimRow:
    claim, policy, student, enterprise, school, worker = row
    kind = (
        "student" if student else "enterprise" if enterprise else "worker" if worker else "school"
    )
    return ClaimRow(claim, policy, kind, student or enterprise or worker or school)


# The beneficiary column of each role's own claims.
_OWNERS = {
    Role.STUDENT: (SubsidyClaim.student_id, "student_id"),
    Role.ENTERPRISE: (SubsidyClaim.enterprise_id, "enterprise_id"),
    Role.SCHOOL: (SubsidyClaim.school_id, "school_id"),
    Role.WORKER: (SubsidyClaim.person_id, "person_id"),
}


@cache
def _own_claims(
    role: Role,
) -> Select[SubsidyClaim, SubsidyPolicy, str | None, str | None, str | None, str | None]:
    """The role's own claims, built once with the owner's id bound (each beneficiary's list
    page runs it); only beneficiaries have claims of their own, anyone else none."""
    owner = _OWNERS.get(role)
    condition = false() if owner is None else owner[0] == bindparam("owner_id")
    return _claims_query().where(condition)


def list_my_claims(session: Session, actor: User, page: int = 1) -> Page[ClaimRow]:
    """A page of the actor's own claims (student, enterprise, school or worker), newest first."""
    owner = _OWNERS.get(actor.role)
    statement = _own_claims(actor.role)
    if owner is not None:
        statement = statement.params(owner_id=getattr(actor, owner[1]))
    return paginate(session, statement, page, _claim_row)


@dataclass(frozen=True)
class QueueFilter:
    """The review queue's filters; `organisation` is ``"school-<id>"`` or ``"enterprise-<id>"``."""

    policy_id: int | None = None
    status: ClaimStatus | None = None
    organisation: str | None = None


def review_queue(
    session: Session, actor: User, filters: QueueFilter, page: int = 1
) -> Page[ClaimRow]:
    """A page of the bureau's region's claims, filtered; a school covers its students' claims."""
    if actor.region_id is None or not can_see_claims(actor, actor.region_id):
        raise PermissionDenied(N_("只有人社局可以审核补贴申领"))
    query = _claims_query().where(SubsidyPolicy.region_id == actor.region_id)
    if filters.policy_id is not None:
        query = query.where(SubsidyClaim.policy_id == filters.policy_id)
    if filters.status is not None:
        query = query.where(SubsidyClaim.status == filters.status)
    kind, _, raw_id = (filters.organisation or "").partition("-")
    if raw_id.isdigit():
        org_id = int(raw_id)
        if kind == "school":
            query = query.where(or_(SubsidyClaim.school_id == org_id, Student.school_id == org_id))
        elif kind == "enterprise":
            query = query.where(SubsidyClaim.enterprise_id == org_id)
    return paginate(session, query, page, _claim_row)


@dataclass(frozen=True)
class ClaimOptions:
    """What the claim form offers the actor: policies, employees and certificates."""

    policies: list[SubsidyPolicy]
    students: list[Student]
    certificates: list[tuple[Certificate, Student]]
    #: The enterprise's closed competitions, for the competition subsidy.
    competitions: list[Competition] = field(default_factory=list)
    #: The document kinds each offered policy requires, by policy id.
    materials: dict[int, tuple[DocumentKind, ...]] = field(default_factory=dict)


def claim_options(session: Session, actor: User) -> ClaimOptions:
    """The claim form's choices: the actor's own certificates, or its placed students' ones."""
    students: list[Student]
    if actor.role == Role.STUDENT:
        students = [session.get_one(Student, actor.student_id)]
    elif actor.role == Role.ENTERPRISE and actor.enterprise_id is not None:
        students = placed_students(session, actor.enterprise_id)
    else:
        return ClaimOptions([], [], [])
    by_person = {s.person_id: s for s in students}
    certificates = session.scalars(
        select(Certificate)
        .where(Certificate.person_id.in_(by_person))
        .order_by(Certificate.person_id, Certificate.issued_on)
    )
    policies = claimable_policies(session, actor)
    competitions = (
        closed_competitions_of(session, actor.enterprise_id)
        if actor.role == Role.ENTERPRISE and actor.enterprise_id is not None
        else []
    )
    return ClaimOptions(
        policies,
        students if actor.role == Role.ENTERPRISE else [],
        [(c, by_person[c.person_id]) for c in certificates],
        competitions,
        {p.id: tuple(document_kind(c) for c in claim_materials(session, p)) for p in policies},
    )


def region_organisations(session: Session, actor: User) -> list[tuple[str, str]]:
    """The review queue's organisation filter: the bureau's schools and enterprises."""
    if actor.role != Role.BUREAU:
        return []
    schools = session.execute(
        select(School.id, School.name)
        .where(School.region_id == actor.region_id)
        .order_by(School.id)
    )
    enterprises = session.execute(
        select(Enterprise.id, Enterprise.name)
        .where(Enterprise.region_id == actor.region_id)
        .order_by(Enterprise.id)
    )
    return [(f"school-{i}", n) for i, n in schools] + [
        (f"enterprise-{i}", n) for i, n in enterprises
    ]
