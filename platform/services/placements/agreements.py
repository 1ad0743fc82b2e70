"""Placement agreements: 三方实习协议 / 学生学徒培养协议, signatures, insurance, consent, plan filing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from sqlalchemy import Select, and_, bindparam, case, or_, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    AmendmentStatus,
    DocumentVersion,
    Enterprise,
    FilingStatus,
    Party,
    Placement,
    PlacementAgreement,
    PlacementAgreementKind,
    PlacementAmendment,
    PlacementStatus,
    Role,
    School,
    Signature,
    Slot,
    SlotKind,
    Student,
    User,
    utcnow,
)
from skillbridge.platform.policy import PlacementRules, age_in_years
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.packs import placement_rules
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.placements.pending_amendments import (
    apply_when_signed,
    may_withdraw,
    pending_amendment,
)
from skillbridge.platform.services.placements.records import (
    PLANS_LINK,
    PlacementContext,
    Scope,
    context_of,
    load_for_change,
    load_placement,
    placement_link,
    placements_statement,
    school_region,
    scope_of,
    visible_in,
)
from skillbridge.platform.services.placements.terms import (
    REQUIRED_PARTIES,
    TITLES,
    agreement_version,
    issue_agreement,
)
from skillbridge.platform.services.policies import (
    StudentDisclosure,
    can_answer_offer,
    can_arrange_placement,
    can_review_internship_plan,
    can_run_placement,
    is_verified,
    placement_party,
    placement_party_of,
    student_disclosure,
)
from skillbridge.platform.services.signatures.reauth import Reauthentication, confirm_identity
from skillbridge.platform.services.signatures.signing import Origin, sign_version
from skillbridge.platform.services.webhooks import outbox
from skillbridge.platform.text import N_

ADULT_AGE = 18


def agreement_kind(slot_kind: SlotKind) -> PlacementAgreementKind:
    """Apprenticeships carry a 学生学徒培养协议 (R5); every other slot a 三方实习协议."""
    if slot_kind == SlotKind.APPRENTICESHIP:
        return PlacementAgreementKind.APPRENTICE_TRAINING
    return PlacementAgreementKind.TRIPARTITE_INTERNSHIP


def needs_guardian_consent(context: PlacementContext) -> bool:
    """Under-18s on the start date need a guardian's signed consent (N5)."""
    return age_in_years(context.student.birth_date, context.placement.start_date) < ADULT_AGE


def needs_insurance(agreement: PlacementAgreement) -> bool:
    """Internships need insurance for their whole term (R4, N6); apprentices are insured as staff."""
    return agreement.kind == PlacementAgreementKind.TRIPARTITE_INTERNSHIP


def needs_plan_approval(context: PlacementContext) -> bool:
    """A post internship's plan is filed with and approved by the bureau (R2)."""
    return context.slot.kind == SlotKind.POST_INTERNSHIP


def below_minimum_age(context: PlacementContext, rules: PlacementRules) -> bool:
    """No post or shadowing internship (the figure's slot kinds) before the pack's minimum age
    on the start date (N1)."""
    minimum = rules.post_internship_min_age
    age = age_in_years(context.student.birth_date, context.placement.start_date)
    return minimum.limits(context.slot.kind) and age < minimum.value


def insurance_covers(agreement: PlacementAgreement, start: date, end: date) -> bool:
    """The recorded insurance runs over the whole placement."""
    return (
        bool(agreement.insurer and agreement.insurance_policy_no)
        and agreement.insurance_start is not None
        and agreement.insurance_end is not None
        and agreement.insurance_start <= start
        and agreement.insurance_end >= end
    )


def missing_parties(agreement: PlacementAgreement) -> list[Party]:
    """Required parties that have not signed yet."""
    return unsigned_parties(agreement.kind, {signature.party for signature in agreement.signatures})


def unsigned_parties(kind: PlacementAgreementKind, signed: set[Party]) -> list[Party]:
    """The parties an agreement of `kind` requires that are not among `signed`."""
    return [party for party in REQUIRED_PARTIES[kind] if party not in signed]


@dataclass(frozen=True)
class Check:
    """One condition a placement must meet before it starts, with the rule it comes from."""

    rule: str
    label: str
    passed: bool
    detail: str = ""  # a figure the label refers to, shown beside it


def start_checks(context: PlacementContext, rules: PlacementRules, today: date) -> list[Check]:
    """Every condition for starting the placement on `today`; it starts only when all pass."""
    agreement = context.agreement
    assert agreement is not None  # created on acceptance
    placement = context.placement
    checks = [
        # Not a policy rule, so no rule code: a placement starts on its start date, not before.
        Check(
            "",
            N_("已到实习开始日期"),
            today >= placement.start_date,
            placement.start_date.isoformat(),
        ),
        Check(
            "N5" if agreement.kind == PlacementAgreementKind.TRIPARTITE_INTERNSHIP else "R5",
            N_("各方均已签署协议"),
            not missing_parties(agreement),
        ),
    ]
    if needs_insurance(agreement):
        checks.append(
            Check(
                "R4/N6",
                N_("实习责任保险覆盖整个实习期"),
                insurance_covers(agreement, placement.start_date, placement.end_date),
            )
        )
    if needs_guardian_consent(context):
        checks.append(Check("N5", N_("未满18周岁：监护人已书面同意"), agreement.guardian_consent))
    if rules.post_internship_min_age.limits(context.slot.kind):
        checks.append(
            Check("N1", N_("开始时已满岗位实习最低年龄"), not below_minimum_age(context, rules))
        )
    if context.slot.kind == SlotKind.POST_INTERNSHIP:
        if context.slot.post_wage_yuan:
            minimum = Decimal(context.slot.post_wage_yuan) * rules.min_stipend_ratio.ratio
            checks.append(
                Check(
                    "N4",
                    N_("实习报酬不低于同岗位工资的规定比例"),
                    Decimal(context.slot.stipend_yuan) >= minimum,
                )
            )
    if needs_plan_approval(context):
        checks.append(
            Check(
                "R2",
                N_("实习计划已经人社局审定备案"),
                agreement.plan_status == FilingStatus.APPROVED,
            )
        )
    return checks


def create_agreement(
    session: Session, actor: User, context: PlacementContext
) -> PlacementAgreement:
    """Create the agreement of a just-accepted placement and ask every party to sign it."""
    agreement = PlacementAgreement(
        placement_id=context.placement.id, kind=agreement_kind(context.slot.kind)
    )
    session.add(agreement)
    session.flush()
    version = issue_agreement(session, context, agreement, utcnow())
    audit.record(
        session,
        actor,
        "placement_agreement.created",
        "placement_agreement",
        agreement.id,
        {
            "placement_id": context.placement.id,
            "kind": agreement.kind.value,
            "version": version.version,
            "sha256": version.content_sha256,
        },
    )
    ask_to_sign(session, context, agreement, TITLES[agreement.kind] + N_("待签署"))
    return agreement


def ask_to_sign(
    session: Session, context: PlacementContext, agreement: PlacementAgreement, title: str
) -> None:
    """Notify every signing party's users that the agreement waits for their signature."""
    recipients = notifications.enterprise_users(session, context.enterprise.id)
    recipients += notifications.student_users(session, context.student.id)
    if Party.SCHOOL in REQUIRED_PARTIES[agreement.kind]:
        recipients += notifications.school_users(session, context.school.id)
    notifications.notify(
        session,
        recipients,
        notifications.AGREEMENT_TO_SIGN,
        title,
        f"{context.student.name} · {context.enterprise.name} · {context.slot.title}"
        f" · {context.placement.start_date} 至 {context.placement.end_date}",
        placement_link(context.placement.id),
    )


def _open_agreement(context: PlacementContext) -> PlacementAgreement:
    """The agreement of an accepted placement that has not started yet."""
    if context.agreement is None or context.placement.status != PlacementStatus.ACCEPTED:
        raise Conflict(N_("实习已开始或已结束，协议不能再更改"))
    return context.agreement


def _signable(
    session: Session, context: PlacementContext
) -> tuple[PlacementAgreement, PlacementAmendment | None]:
    """The agreement the parties sign now: before the start, or a running placement's pending
    amendment (whose version is then the agreement's current one)."""
    if context.agreement is not None and context.placement.status == PlacementStatus.ACTIVE:
        amendment = pending_amendment(session, context.placement.id)
        if amendment is not None:
            return context.agreement, amendment
    return _open_agreement(context), None


def _require_verified(context: PlacementContext, party: Party) -> None:
    organisation: School | Enterprise | None = None
    if party == Party.SCHOOL:
        organisation = context.school
    elif party == Party.ENTERPRISE:
        organisation = context.enterprise
    if organisation is not None and not is_verified(organisation):
        raise PermissionDenied(N_("机构尚未通过人社局审核，不能签署协议"))


@dataclass(frozen=True)
class SignRequest:
    """What the signer sends: the hash it was shown, its re-authentication and its address."""

    sha256: str
    proof: Reauthentication | None
    origin: Origin


def reauthenticate_to_sign(
    session: Session, actor: User, placement_id: int, password: str, sha256: str, now: datetime
) -> Reauthentication:
    """A signing party re-enters its password while shown the version's hash (404/403 first)."""
    context = load_placement(session, actor, placement_id)
    party = placement_party(actor, context.student, context.slot)
    agreement, _amendment = _signable(session, context)
    if party is None or party not in REQUIRED_PARTIES[agreement.kind]:
        raise PermissionDenied(N_("您不是该协议的签署方"))
    return confirm_identity(session, actor, password, sha256, now)


def sign_agreement(
    session: Session, actor: User, placement_id: int, request: SignRequest, now: datetime
) -> Signature:
    """The actor signs the agreement's current version for its side; each side signs it once.

    The student row lock of load_for_change queues a signature behind an amendment of the
    same placement, so the hash is compared with the version that is current after it. The
    last signature on a running placement's amendment applies it (apply_when_signed).
    """
    context = load_for_change(session, actor, placement_id)
    party = placement_party(actor, context.student, context.slot)
    agreement, amendment = _signable(session, context)
    if party is None or party not in REQUIRED_PARTIES[agreement.kind]:
        raise PermissionDenied(N_("您不是该协议的签署方"))
    _require_verified(context, party)
    version = agreement_version(session, context, agreement, now)
    if party in {signature.party for signature in version.signatures}:
        raise Conflict(N_("您已签署该协议"))
    signature = sign_version(
        session, actor, version, party, request.sha256, request.proof, request.origin, now
    )
    session.expire(agreement, ["signatures"])
    if not missing_parties(agreement):
        outbox.placement_event(
            session,
            "agreement.signed",
            context.placement,
            context.school,
            context.enterprise.id,
            agreement_kind=agreement.kind.value,
            agreement_id=agreement.id,
            version=version.version,
        )
    signers = _party_users(session, context, party)
    notifications.settle(session, signers, placement_link(placement_id))
    if amendment is not None:
        apply_when_signed(session, actor, context, amendment, now, now.date())
    return signature


def _party_users(session: Session, context: PlacementContext, party: Party) -> list[int]:
    """The accounts that sign for `party` (a guardian signs through the student's account)."""
    if party == Party.SCHOOL:
        return notifications.school_users(session, context.school.id)
    if party == Party.ENTERPRISE:
        return notifications.enterprise_users(session, context.enterprise.id)
    return notifications.student_users(session, context.student.id)


@dataclass(frozen=True)
class Insurance:
    """Accident / liability insurance of an intern (R4, N6)."""

    insurer: str
    policy_no: str
    start: date
    end: date


def record_insurance(
    session: Session, actor: User, placement_id: int, insurance: Insurance
) -> PlacementAgreement:
    """School or enterprise records the insurance; it must cover the whole placement (N6)."""
    context = load_for_change(session, actor, placement_id)
    if not can_run_placement(actor, context.student, context.slot):
        raise PermissionDenied(N_("仅学校或实习单位可登记保险"))
    if context.agreement is None or context.placement.status not in (
        PlacementStatus.ACCEPTED,
        PlacementStatus.ACTIVE,
    ):
        raise Conflict(N_("该实习安排当前不能登记保险"))
    insurer, policy_no = insurance.insurer.strip(), insurance.policy_no.strip()
    problems = []
    if not insurer or not policy_no:
        problems.append(N_("保险公司和保单号均须填写"))
    if insurance.end < insurance.start:
        problems.append(N_("保险止期早于起期"))
    elif (
        insurance.start > context.placement.start_date or insurance.end < context.placement.end_date
    ):
        problems.append(
            N_(
                "保险期须覆盖整个实习期 %(start)s 至 %(end)s",
                start=context.placement.start_date,
                end=context.placement.end_date,
            )
        )
    if problems:
        raise InvalidInput(N_("保险信息有误"), details=problems)
    agreement = context.agreement
    agreement.insurer, agreement.insurance_policy_no = insurer, policy_no
    agreement.insurance_start, agreement.insurance_end = insurance.start, insurance.end
    agreement.insurance_recorded_by_id, agreement.insurance_recorded_at = actor.id, utcnow()
    audit.record(
        session,
        actor,
        "placement_agreement.insured",
        "placement_agreement",
        agreement.id,
        {
            "insurer": insurer,
            "policy_no": policy_no,
            "start": str(insurance.start),
            "end": str(insurance.end),
        },
    )
    session.flush()
    return agreement


def record_guardian_consent(
    session: Session, actor: User, placement_id: int, guardian_name: str
) -> PlacementAgreement:
    """The school records the guardian's signed consent of an under-18 (N5)."""
    context = load_for_change(session, actor, placement_id)
    if not can_arrange_placement(actor, context.student):
        raise PermissionDenied(N_("仅学生所在学校可登记监护人同意书"))
    agreement = _open_agreement(context)
    if not needs_guardian_consent(context):
        raise Conflict(N_("学生已满18周岁，无需监护人同意"))
    name = guardian_name.strip()
    if not name:
        raise InvalidInput(N_("请填写监护人姓名"))
    agreement.guardian_consent, agreement.guardian_name = True, name
    agreement.guardian_consent_recorded_by_id, agreement.guardian_consent_at = actor.id, utcnow()
    audit.record(
        session,
        actor,
        "placement_agreement.guardian_consent",
        "placement_agreement",
        agreement.id,
        {"guardian_name": name},
    )
    session.flush()
    return agreement


def file_internship_plan(
    session: Session, actor: User, placement_id: int, plan: str
) -> PlacementAgreement:
    """The school files the internship plan with its bureau (R2); a rejected plan may be refiled."""
    context = load_for_change(session, actor, placement_id)
    if not can_arrange_placement(actor, context.student):
        raise PermissionDenied(N_("仅学生所在学校可报备实习计划"))
    agreement = _open_agreement(context)
    if agreement.plan_status not in (FilingStatus.NOT_FILED, FilingStatus.REJECTED):
        raise Conflict(N_("实习计划已报备"))
    text = plan.strip()
    if not text:
        raise InvalidInput(N_("实习计划不能为空"))
    agreement.internship_plan = text
    agreement.plan_status = FilingStatus.FILED
    agreement.plan_filed_at, agreement.plan_filed_by_id = utcnow(), actor.id
    agreement.plan_decision_reason = None
    agreement.plan_decided_at = agreement.plan_decided_by_id = None
    audit.record(
        session, actor, "internship_plan.filed", "placement_agreement", agreement.id,
        {"placement_id": placement_id},
    )  # fmt: skip
    notifications.notify(
        session,
        notifications.bureau_users(session, context.school.region_id),
        notifications.PLAN_FILED,
        N_("实习计划待审查"),
        f"{context.school.name} · {context.student.name} · {context.enterprise.name}",
        PLANS_LINK,
    )
    session.flush()
    return agreement


def decide_internship_plan(
    session: Session, actor: User, placement_id: int, approve: bool, reason: str = ""
) -> PlacementAgreement:
    """The bureau approves or rejects (with a reason) a filed internship plan (R2)."""
    context = load_for_change(session, actor, placement_id)
    if not can_review_internship_plan(actor, context.school.region_id):
        raise PermissionDenied(N_("仅学校所在地人社局可审查实习计划"))
    agreement = _open_agreement(context)
    if agreement.plan_status != FilingStatus.FILED:
        raise Conflict(N_("该实习计划不在待审查状态"))
    reason = reason.strip()
    if not approve and not reason:
        raise InvalidInput(N_("驳回时必须填写理由"))
    agreement.plan_status = FilingStatus.APPROVED if approve else FilingStatus.REJECTED
    agreement.plan_decision_reason = reason or None
    agreement.plan_decided_at, agreement.plan_decided_by_id = utcnow(), actor.id
    audit.record(
        session,
        actor,
        "internship_plan.approved" if approve else "internship_plan.rejected",
        "placement_agreement",
        agreement.id,
        {"placement_id": placement_id, "reason": reason},
    )
    outbox.placement_event(
        session,
        "plan.approved" if approve else "plan.rejected",
        context.placement,
        context.school,
        context.enterprise.id,
        agreement_id=agreement.id,
        plan_status=agreement.plan_status.value,
    )
    if plans_to_review(session, actor).total == 0:
        # The notices all point at the list of filed plans: done once the list is empty.
        bureau = notifications.bureau_users(session, context.school.region_id)
        notifications.settle(session, bureau, PLANS_LINK)
    notifications.notify(
        session,
        notifications.school_users(session, context.school.id),
        notifications.PLAN_APPROVED if approve else notifications.PLAN_REJECTED,
        N_("实习计划已通过审查") if approve else N_("实习计划被驳回"),
        f"{context.student.name} · {context.enterprise.name}" + (f"：{reason}" if reason else ""),
        placement_link(placement_id),
    )
    session.flush()
    return agreement


def reissue_agreement(
    session: Session, actor: User, context: PlacementContext, agreement: PlacementAgreement
) -> DocumentVersion:
    """Amended terms make a new version: its signatures start empty, the old version keeps its
    own; the plan's filing is voided too, so everyone signs and files the new terms."""
    version = issue_agreement(session, context, agreement, utcnow())
    session.expire(agreement, ["signatures"])
    agreement.plan_status = FilingStatus.NOT_FILED
    agreement.plan_decision_reason = None
    agreement.plan_filed_at = agreement.plan_decided_at = None
    agreement.plan_filed_by_id = agreement.plan_decided_by_id = None
    audit.record(
        session,
        actor,
        "placement_agreement.reissued",
        "placement_agreement",
        agreement.id,
        {"version": version.version, "sha256": version.content_sha256},
    )
    return version


class AgreementToSign(NamedTuple):
    """A line of the agreements waiting for the reader's signature: what the list shows."""

    placement_id: int
    student_name: str
    enterprise_name: str
    slot_title: str


def agreements_to_sign(session: Session, actor: User) -> list[AgreementToSign]:
    """Accepted placements (newest first), and running ones with a pending amendment (oldest
    first), whose agreement still waits for the actor's side.

    One statement built once per scope: the columns the list shows, the ids the actor's side is
    decided by and whether each party signed the current version. A school may have dozens
    waiting, and six objects each cost about as much as the list below them.
    """
    scope, tenant = scope_of(actor)
    waiting = []
    # Unpacked, not read by name: a row's attributes cost more than the rest of the loop.
    for (
        *signed,
        placement_id,
        student,
        enterprise,
        title,
        student_id,
        school_id,
        enterprise_id,
        kind,
    ) in session.execute(_signing_candidates(scope), {"tenant": tenant}):
        party = placement_party_of(actor, student_id, school_id, enterprise_id)
        # unsigned_parties(), for the one party that matters
        if party in REQUIRED_PARTIES[kind] and not signed[_SIGNERS.index(party)]:
            waiting.append(AgreementToSign(placement_id, student, enterprise, title))
    return waiting


# Every party some kind of agreement requires, in the order of the candidates' first columns.
_SIGNERS = tuple(dict.fromkeys(party for kind in REQUIRED_PARTIES.values() for party in kind))


@cache
def _signing_candidates(scope: Scope) -> Select:
    """The accepted placements, newest first, then the running ones with a pending amendment:
    first one column per party of _SIGNERS, whether it signed the current version, then the
    columns shown, the ids that decide the actor's side and the agreement's kind."""
    amended = Placement.id.in_(
        select(PlacementAmendment.placement_id).where(
            PlacementAmendment.status == AmendmentStatus.PENDING
        )
    )
    accepted = Placement.status == PlacementStatus.ACCEPTED
    return (
        visible_in(scope, bindparam("tenant"))
        .with_only_columns(
            *(PlacementAgreement.signatures.any(Signature.party == party) for party in _SIGNERS),
            Placement.id,
            Student.name.label("student_name"),
            Enterprise.name.label("enterprise_name"),
            Slot.title,
            Student.id.label("student_id"),
            Student.school_id,
            Slot.enterprise_id,
            PlacementAgreement.kind,
        )
        # An accepted placement always has its agreement (made on acceptance); the outer join
        # would leave a row without one, which waits for nobody.
        .where(PlacementAgreement.id.is_not(None))
        .where(or_(accepted, and_(Placement.status == PlacementStatus.ACTIVE, amended)))
        .order_by(case((accepted, 0), else_=1), case((accepted, -Placement.id), else_=Placement.id))
    )


def plans_to_review(session: Session, actor: User, page: int = 1) -> Page[PlacementContext]:
    """A page of the filed plans of schools in the bureau's region, oldest filing first."""
    if actor.role != Role.BUREAU:
        raise PermissionDenied(N_("仅人社局可审查实习计划"))
    statement = (
        placements_statement(actor, (PlacementStatus.ACCEPTED,))
        .where(PlacementAgreement.plan_status == FilingStatus.FILED)
        .where(School.region_id == actor.region_id)
        .order_by(PlacementAgreement.plan_filed_at, Placement.id)
    )
    return paginate(session, statement, page, context_of)


def rules_of(session: Session, context: PlacementContext) -> PlacementRules:
    """The placement rules that bind this placement (the student's school's region)."""
    return placement_rules(school_region(session, context.school))


@dataclass(frozen=True)
class PlacementPage:
    """What the placement page shows the actor, and which actions it may take there."""

    context: PlacementContext
    checks: list[Check]
    party: Party | None
    missing: list[Party]
    can_answer: bool
    can_sign: bool
    can_run: bool
    can_arrange: bool
    can_review: bool
    needs_guardian: bool
    needs_plan: bool
    disclosure: StudentDisclosure
    age_at_start: int
    amendment: PlacementAmendment | None  # a running placement's, waiting for signatures
    can_withdraw: bool

    @property
    def title(self) -> str:
        agreement = self.context.agreement
        return TITLES[agreement.kind] if agreement is not None else N_("录用通知")


def describe_placement(
    session: Session, actor: User, placement_id: int, today: date
) -> PlacementPage:
    """The placement, its agreement's checks on `today` and the actor's actions (404/403 first)."""
    context = load_placement(session, actor, placement_id)
    agreement = context.agreement
    party = placement_party(actor, context.student, context.slot)
    missing = missing_parties(agreement) if agreement is not None else []
    amendment = (
        pending_amendment(session, context.placement.id)
        if agreement is not None and context.placement.status == PlacementStatus.ACTIVE
        else None
    )
    is_open = agreement is not None and (
        context.placement.status == PlacementStatus.ACCEPTED or amendment is not None
    )
    return PlacementPage(
        context=context,
        checks=start_checks(context, rules_of(session, context), today) if agreement else [],
        party=party,
        missing=missing,
        can_answer=can_answer_offer(actor, context.student)
        and context.placement.status == PlacementStatus.OFFERED,
        can_sign=is_open and party in missing,
        can_run=can_run_placement(actor, context.student, context.slot),
        can_arrange=can_arrange_placement(actor, context.student),
        can_review=can_review_internship_plan(actor, context.school.region_id),
        needs_guardian=needs_guardian_consent(context),
        needs_plan=needs_plan_approval(context),
        disclosure=student_disclosure(actor, context.student),
        age_at_start=age_in_years(context.student.birth_date, context.placement.start_date),
        amendment=amendment,
        can_withdraw=amendment is not None and may_withdraw(session, actor, amendment),
    )


@dataclass(frozen=True)
class SigningPage:
    """The printable agreement with the version a party reviews and signs."""

    page: PlacementPage
    version: DocumentVersion | None  # None before the offer is accepted


def signing_page(session: Session, actor: User, placement_id: int, today: date) -> SigningPage:
    """The agreement page; an agreement older than versioning gets its first version here."""
    page = describe_placement(session, actor, placement_id, today)
    agreement = page.context.agreement
    if agreement is None:
        return SigningPage(page, None)
    return SigningPage(page, agreement_version(session, page.context, agreement, utcnow()))
