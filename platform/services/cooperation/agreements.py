"""School–enterprise cooperation agreements (校企合作协议): proposal to approval, expiry, R3."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import Session, selectinload

from skillbridge.models import (
    AgreementStatus,
    Cohort,
    CooperationAgreement,
    CooperationKind,
    Enterprise,
    Party,
    Role,
    School,
    Specialty,
    User,
    VerificationStatus,
    utcnow,
)
from skillbridge.models.agreement import agreement_specialty
from skillbridge.models.school import school_specialty
from skillbridge.platform.policy import R6_CITATION
from skillbridge.platform.services import audit, bounds, bulk, listing
from skillbridge.platform.services.cooperation import messages
from skillbridge.platform.services.credit import active_credit_record
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.locks import lock_row
from skillbridge.platform.services.packs import placement_rules_for
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import (
    acts_for_school,
    can_review_filing,
    can_terminate_agreement,
    can_view_agreement,
    is_party_to_agreement,
    is_verified,
)
from skillbridge.platform.services.webhooks import outbox
from skillbridge.platform.text import N_

OrgT = TypeVar("OrgT", School, Enterprise)

REASON_MAX = 500


def active_on(on_date: date) -> ColumnElement[bool]:
    """SQL test of an agreement in force on `on_date`: approved, and `valid_to` not yet passed.

    The dates are checked even when the expiry job has not run yet, so an agreement past its
    `valid_to` is never active.
    """
    return and_(
        CooperationAgreement.status == AgreementStatus.APPROVED,
        CooperationAgreement.valid_from <= on_date,
        CooperationAgreement.valid_to >= on_date,
    )


@dataclass(frozen=True)
class AgreementInput:
    """A proposal: the other side, what kind of cooperation, which specialties, how long."""

    counterpart_id: int
    kind: CooperationKind
    specialty_ids: tuple[int, ...]
    valid_from: date
    valid_to: date


def school_specialty_ids(session: Session, school_id: int) -> set[int]:
    """Specialties a school teaches: those it lists and those of its cohorts."""
    listed = session.scalars(
        select(school_specialty.c.specialty_id).where(school_specialty.c.school_id == school_id)
    )
    taught = session.scalars(select(Cohort.specialty_id).where(Cohort.school_id == school_id))
    return set(listed) | set(taught)


def _ensure_not_barred(
    session: Session, today: date, school: School, enterprise: Enterprise
) -> None:
    """R6: neither party may be under a credit record that bars it from agreements."""
    for label, subject in (
        (N_("学校"), {"school_id": school.id}),
        (N_("企业"), {"enterprise_id": enterprise.id}),
    ):
        record = active_credit_record(session, today, "blocks_agreements", **subject)
        if record is not None:
            raise PermissionDenied(
                N_(
                    "%(party)s处于诚信档案限制期（至 %(until)s，原因：%(reason)s），"
                    "不得签订校企合作协议（%(citation)s）",
                    party=label,
                    until=record.ends_on.isoformat(),
                    reason=record.reason,
                    citation=R6_CITATION,
                )
            )


def _parties_of_proposal(
    session: Session, actor: User, counterpart_id: int
) -> tuple[School, Enterprise, Party]:
    if actor.role == Role.SCHOOL:
        school, enterprise = (
            session.get(School, actor.school_id),
            session.get(Enterprise, counterpart_id),
        )
        proposer, missing = Party.SCHOOL, N_("合作企业不存在")
    elif actor.role == Role.ENTERPRISE:
        school, enterprise = (
            session.get(School, counterpart_id),
            session.get(Enterprise, actor.enterprise_id),
        )
        proposer, missing = Party.ENTERPRISE, N_("合作学校不存在")
    else:
        raise PermissionDenied(N_("只有学校或企业可以提出合作协议"))
    if school is None or enterprise is None:
        raise InvalidInput(missing)
    if not (is_verified(school) and is_verified(enterprise)):
        raise PermissionDenied(N_("双方均须通过人社局审核后才能签订合作协议"))
    return school, enterprise, proposer


def propose_agreement(
    session: Session, actor: User, data: AgreementInput, today: date
) -> CooperationAgreement:
    """Either side proposes an agreement over specialties the school teaches."""
    school, enterprise, proposer = _parties_of_proposal(session, actor, data.counterpart_id)
    problems = []
    ids = set(data.specialty_ids)
    if not ids:
        problems.append(N_("至少选择一个合作专业"))
    elif not ids <= school_specialty_ids(session, school.id):
        problems.append(N_("合作专业须为该学校开设的专业"))
    if not (bounds.date_in_range(data.valid_from) and bounds.date_in_range(data.valid_to)):
        problems.append(N_("有效期日期超出允许范围"))
    elif data.valid_to < data.valid_from:
        problems.append(N_("有效期截止日期不能早于起始日期"))
    if data.valid_to < today:
        problems.append(N_("有效期截止日期已过"))
    if problems:
        raise InvalidInput(N_("合作协议信息不符合要求"), details=problems)
    _ensure_not_barred(session, today, school, enterprise)
    specialties = list(session.scalars(select(Specialty).where(Specialty.id.in_(sorted(ids)))))
    agreement = CooperationAgreement(
        school_id=school.id,
        enterprise_id=enterprise.id,
        kind=data.kind,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        status=AgreementStatus.PROPOSED,
        proposed_by=proposer,
        specialties=specialties,
    )
    session.add(agreement)
    session.flush()
    audit.record(
        session,
        actor,
        "agreement.proposed",
        "cooperation_agreement",
        agreement.id,
        {
            "school_id": school.id,
            "enterprise_id": enterprise.id,
            "kind": data.kind.value,
            "specialty_ids": sorted(ids),
            "valid_from": data.valid_from.isoformat(),
            "valid_to": data.valid_to.isoformat(),
        },
    )
    messages.proposed(session, agreement)
    return agreement


def _school_region(session: Session, agreement: CooperationAgreement) -> int:
    school = session.get(School, agreement.school_id)
    assert school is not None  # FK
    return school.region_id


def _load(session: Session, actor: User, agreement_id: int, lock: bool) -> CooperationAgreement:
    """404 when absent, 403 when the actor is neither party nor the school's bureau."""
    if lock:
        agreement = lock_row(session, CooperationAgreement, agreement_id)
    else:
        agreement = session.get(CooperationAgreement, agreement_id)
    if agreement is None:
        raise NotFound(N_("合作协议不存在"))
    if not can_view_agreement(actor, agreement, _school_region(session, agreement)):
        raise PermissionDenied(N_("无权查看该合作协议"))
    return agreement


def get_agreement(session: Session, actor: User, agreement_id: int) -> CooperationAgreement:
    """An agreement the actor is party to, or oversees as the school's bureau."""
    return _load(session, actor, agreement_id, lock=False)


def _expect(agreement: CooperationAgreement, status: AgreementStatus, message: str) -> None:
    if agreement.status != status:
        raise Conflict(message)


def _record(
    session: Session,
    actor: User | None,
    action: str,
    agreement: CooperationAgreement,
    data: Mapping[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor,
        f"agreement.{action}",
        "cooperation_agreement",
        agreement.id,
        {"status": agreement.status.value, **(data or {})},
    )


def _answerable(session: Session, actor: User, agreement_id: int) -> CooperationAgreement:
    """A proposal the actor's side received and has not answered yet."""
    agreement = _load(session, actor, agreement_id, lock=True)
    if not is_party_to_agreement(actor, agreement):
        raise PermissionDenied(N_("只有协议双方可以确认协议"))
    proposer_is_actor = (agreement.proposed_by == Party.SCHOOL) == (actor.role == Role.SCHOOL)
    if proposer_is_actor:
        raise PermissionDenied(N_("须由协议的另一方确认"))
    _expect(agreement, AgreementStatus.PROPOSED, N_("该协议不在待确认状态"))
    return agreement


def accept_agreement(
    session: Session, actor: User, agreement_id: int, today: date
) -> CooperationAgreement:
    """The side that did not propose accepts."""
    agreement = _answerable(session, actor, agreement_id)
    if agreement.valid_to < today:
        raise Conflict(N_("协议有效期已过，不能再确认"))
    school = session.get_one(School, agreement.school_id)
    enterprise = session.get_one(Enterprise, agreement.enterprise_id)
    _ensure_not_barred(session, today, school, enterprise)
    agreement.status = AgreementStatus.ACCEPTED
    agreement.accepted_at = utcnow()
    session.flush()
    _record(session, actor, "accepted", agreement)
    # Both sides have agreed: the cooperation agreement is signed (the bureau reviews it later).
    outbox.emit(
        session,
        "agreement.signed",
        {
            "agreement_kind": "cooperation",
            "agreement_id": agreement.id,
            "school_id": school.id,
            "enterprise_id": enterprise.id,
            "status": agreement.status.value,
        },
        [
            outbox.school(school.id),
            outbox.enterprise(enterprise.id),
            outbox.bureau(school.region_id),
        ],
    )
    messages.settle_for(session, actor, agreement)
    messages.answered(session, agreement, accepted=True)
    return agreement


def decline_agreement(
    session: Session, actor: User, agreement_id: int, reason: str
) -> CooperationAgreement:
    """The side that did not propose declines, telling the proposer why."""
    agreement = _answerable(session, actor, agreement_id)
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(N_("拒绝合作意向须填写理由（不超过 500 个字符）"))
    agreement.status = AgreementStatus.DECLINED
    agreement.declined_at = utcnow()
    agreement.declined_reason = reason
    session.flush()
    _record(session, actor, "declined", agreement, {"reason": reason})
    messages.settle_for(session, actor, agreement)
    messages.answered(session, agreement, accepted=False)
    return agreement


def file_agreement(session: Session, actor: User, agreement_id: int) -> CooperationAgreement:
    """The school files an accepted agreement with its bureau for review (R2)."""
    agreement = _load(session, actor, agreement_id, lock=True)
    if not acts_for_school(actor, agreement.school_id):
        raise PermissionDenied(N_("只有协议中的学校可以备案"))
    _expect(agreement, AgreementStatus.ACCEPTED, N_("只有双方已确认的协议可以备案"))
    agreement.status = AgreementStatus.FILED
    agreement.filed_at = utcnow()
    session.flush()
    _record(session, actor, "filed", agreement)
    messages.settle_for(session, actor, agreement)
    messages.filed(session, agreement, _school_region(session, agreement))
    return agreement


def decide_agreement(
    session: Session, actor: User, agreement_id: int, approve: bool, reason: str, today: date
) -> CooperationAgreement:
    """The bureau of the school's region approves a filed agreement, or rejects it with a reason."""
    agreement = _load(session, actor, agreement_id, lock=True)
    if not can_review_filing(actor, _school_region(session, agreement)):
        raise PermissionDenied(N_("只有学校所在地人社局可以审查协议"))
    _expect(agreement, AgreementStatus.FILED, N_("只有已备案的协议可以审查"))
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise InvalidInput(N_("理由不超过 500 个字符"))
    if not approve and not reason:
        raise InvalidInput(N_("驳回时必须填写理由"))
    if approve and agreement.valid_to < today:
        raise Conflict(N_("协议有效期已过，不能批准"))
    agreement.status = AgreementStatus.APPROVED if approve else AgreementStatus.REJECTED
    agreement.decision_reason = reason or None
    agreement.decided_at = utcnow()
    agreement.decided_by_id = actor.id
    session.flush()
    _record(session, actor, "approved" if approve else "rejected", agreement, {"reason": reason})
    messages.settle_for(session, actor, agreement)
    messages.decided(session, agreement, approve)
    return agreement


def decide_agreements(
    session: Session,
    actor: User,
    agreement_ids: Sequence[int],
    approve: bool,
    reason: str,
    today: date,
) -> list[CooperationAgreement]:
    """The bureau decides several filed agreements at once, with one reason: all or none."""
    return bulk.each_or_none(
        agreement_ids,
        lambda agreement_id: decide_agreement(session, actor, agreement_id, approve, reason, today),
    )


def terminate_agreement(
    session: Session, actor: User, agreement_id: int, reason: str
) -> CooperationAgreement:
    """Either party, or the school's bureau, ends an approved agreement early, with a reason."""
    agreement = _load(session, actor, agreement_id, lock=True)
    if not can_terminate_agreement(actor, agreement, _school_region(session, agreement)):
        raise PermissionDenied(N_("只有协议双方或人社局经办人员可以终止协议"))
    _expect(agreement, AgreementStatus.APPROVED, N_("只有已批准的协议可以终止"))
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(N_("终止协议须填写理由（不超过 500 个字符）"))
    agreement.status = AgreementStatus.TERMINATED
    agreement.terminated_at = utcnow()
    agreement.termination_reason = reason
    session.flush()
    _record(session, actor, "terminated", agreement, {"reason": reason})
    messages.terminated(session, agreement, actor)
    return agreement


def expire_agreements(session: Session, today: date) -> int:
    """Mark approved agreements whose `valid_to` is before `today` expired; return how many."""
    due = session.scalars(
        select(CooperationAgreement)
        .where(CooperationAgreement.status == AgreementStatus.APPROVED)
        .where(CooperationAgreement.valid_to < today)
        .order_by(CooperationAgreement.id)
        .with_for_update()
    ).all()
    for agreement in due:
        agreement.status = AgreementStatus.EXPIRED
        session.flush()
        _record(session, None, "expired", agreement, {"valid_to": agreement.valid_to.isoformat()})
    return len(due)


AGREEMENT_LIST = listing.ListSpec(
    search=(
        listing.through(CooperationAgreement.school_id, School.id, School.name),
        listing.through(CooperationAgreement.enterprise_id, Enterprise.id, Enterprise.name),
    ),
    filters={
        "status": (N_("状态"), listing.enum_options(CooperationAgreement.status, AgreementStatus)),
        "kind": (N_("合作类型"), listing.enum_options(CooperationAgreement.kind, CooperationKind)),
    },
    sorts={
        "newest": listing.Sort(
            N_("最新提出"),
            (CooperationAgreement.created_at.desc(), CooperationAgreement.id.desc()),
        ),
        "ending": listing.Sort(
            N_("最早到期"), (CooperationAgreement.valid_to, CooperationAgreement.id)
        ),
    },
    default_sort="newest",
)


def list_agreements(
    session: Session, actor: User, page: int = 1, query: listing.ListQuery | None = None
) -> Page[CooperationAgreement]:
    """A page of a party's own agreements, or of all of a bureau's schools', as asked.

    Their specialties come with them (one more query), since the list shows them.
    """
    statement = select(CooperationAgreement).options(selectinload(CooperationAgreement.specialties))
    if actor.role == Role.SCHOOL:
        statement = statement.where(CooperationAgreement.school_id == actor.school_id)
    elif actor.role == Role.ENTERPRISE:
        statement = statement.where(CooperationAgreement.enterprise_id == actor.enterprise_id)
    elif actor.role == Role.BUREAU:
        statement = statement.join(School, School.id == CooperationAgreement.school_id).where(
            School.region_id == actor.region_id
        )
    else:
        raise PermissionDenied(N_("无权查看合作协议"))
    statement = listing.refine(statement, AGREEMENT_LIST, query or listing.ListQuery())
    return paginate(session, statement, page, first_column)


def counterpart_choices(session: Session, actor: User) -> list[School] | list[Enterprise]:
    """Verified organisations of the other kind in the actor's region, to propose to."""
    if actor.role == Role.SCHOOL:
        region_id = session.get_one(School, actor.school_id).region_id
        return _verified_in_region(session, Enterprise, region_id)
    if actor.role == Role.ENTERPRISE:
        region_id = session.get_one(Enterprise, actor.enterprise_id).region_id
        return _verified_in_region(session, School, region_id)
    raise PermissionDenied(N_("只有学校或企业可以提出合作协议"))


def _verified_in_region(session: Session, model: type[OrgT], region_id: int) -> list[OrgT]:
    return list(
        session.scalars(
            select(model)
            .where(model.region_id == region_id)
            .where(model.verification_status == VerificationStatus.VERIFIED)
            .order_by(model.name)
        )
    )


def active_agreement_pairs(
    session: Session, region_id: int, on_date: date
) -> set[tuple[int, int, int]]:
    """(school_id, enterprise_id, specialty_id) covered by an agreement in force on `on_date`.

    R2: a post internship needs such an agreement for the student's specialty. The region is
    the school's, whose bureau reviews the agreement.
    """
    rows = session.execute(
        select(
            CooperationAgreement.school_id,
            CooperationAgreement.enterprise_id,
            agreement_specialty.c.specialty_id,
        )
        .join(agreement_specialty, agreement_specialty.c.agreement_id == CooperationAgreement.id)
        .join(School, School.id == CooperationAgreement.school_id)
        .where(School.region_id == region_id)
        .where(active_on(on_date))
    )
    return {
        (school_id, enterprise_id, specialty_id) for school_id, enterprise_id, specialty_id in rows
    }


def agreement_windows(
    session: Session, school_id: int, specialty_id: int
) -> list[tuple[int, date, date]]:
    """(enterprise_id, valid_from, valid_to) of the school's approved agreements on a specialty."""
    rows = session.execute(approved_windows(school_id, specialty_id))
    return [(enterprise_id, start, end) for enterprise_id, start, end in rows]


def approved_windows(
    school_id: int | ColumnElement[int], specialty_id: int | ColumnElement[int]
) -> Select[int, date, date]:
    """The select of `agreement_windows`, for a statement that reads it among other things (the
    school and specialty may then be subqueries)."""
    return (
        select(
            CooperationAgreement.enterprise_id,
            CooperationAgreement.valid_from,
            CooperationAgreement.valid_to,
        )
        .join(agreement_specialty, agreement_specialty.c.agreement_id == CooperationAgreement.id)
        .where(CooperationAgreement.school_id == school_id)
        .where(agreement_specialty.c.specialty_id == specialty_id)
        .where(CooperationAgreement.status == AgreementStatus.APPROVED)
    )


@dataclass(frozen=True)
class Coverage:
    """R3 for one specialty of one school: distinct partner enterprises in force vs the figure."""

    school: School
    specialty: Specialty
    partners: int
    required: int
    citation: str

    @property
    def met(self) -> bool:
        return self.partners >= self.required


def _coverage(session: Session, schools: list[School], on_date: date) -> list[Coverage]:
    if not schools:
        return []
    school_ids = [s.id for s in schools]
    partners: dict[tuple[int, int], set[int]] = defaultdict(set)
    rows = session.execute(
        select(
            CooperationAgreement.school_id,
            agreement_specialty.c.specialty_id,
            CooperationAgreement.enterprise_id,
        )
        .join(agreement_specialty, agreement_specialty.c.agreement_id == CooperationAgreement.id)
        .where(CooperationAgreement.school_id.in_(school_ids))
        .where(active_on(on_date))
    )
    for school_id, specialty_id, enterprise_id in rows:
        partners[(school_id, specialty_id)].add(enterprise_id)
    result: list[Coverage] = []
    for school in schools:
        figure = placement_rules_for(
            session, school.region_id
        ).min_partner_enterprises_per_specialty
        ids = school_specialty_ids(session, school.id)
        specialties = session.scalars(
            select(Specialty).where(Specialty.id.in_(sorted(ids))).order_by(Specialty.code)
        )
        result.extend(
            Coverage(
                school,
                specialty,
                len(partners[(school.id, specialty.id)]),
                figure.value,
                figure.citation,
            )
            for specialty in specialties
        )
    return result


def partner_coverage(session: Session, actor: User, on_date: date) -> list[Coverage]:
    """R3 per specialty: the school's own, or every school's in the bureau's region."""
    if actor.role == Role.SCHOOL:
        schools = [session.get_one(School, actor.school_id)]
    elif actor.role == Role.BUREAU:
        schools = list(
            session.scalars(
                select(School).where(School.region_id == actor.region_id).order_by(School.name)
            )
        )
    else:
        raise PermissionDenied(N_("只有学校和人社局可以查看专业合作企业数"))
    return _coverage(session, schools, on_date)
