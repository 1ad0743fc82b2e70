"""The records documents attach to: who deals with each one's documents, and which kinds it takes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from skillbridge.models import (
    EDITABLE,
    CooperationAgreement,
    DocumentOwner,
    Enterprise,
    Journal,
    Nomination,
    Placement,
    PlacementAgreement,
    Region,
    Role,
    School,
    SelectionRound,
    Slot,
    Student,
    SubsidyClaim,
    SubsidyPolicy,
)
from skillbridge.platform.services import notifications
from skillbridge.platform.services.errors import NotFound
from skillbridge.platform.services.packs import region_pack
from skillbridge.platform.services.policies import DocumentParties, Tenant
from skillbridge.platform.text import N_

#: The kinds each record takes; a claim's come from its policy in the pack instead.
OWNER_KINDS: dict[DocumentOwner, tuple[str, ...]] = {
    DocumentOwner.ENTERPRISE: ("business_licence",),
    DocumentOwner.SCHOOL: ("school_licence",),
    DocumentOwner.COOPERATION_AGREEMENT: ("cooperation_scan",),
    DocumentOwner.PLACEMENT_AGREEMENT: (
        "placement_agreement_scan",
        "insurance_policy",
        "guardian_consent",
        "internship_plan",
    ),
    DocumentOwner.JOURNAL: ("journal_attachment",),
    DocumentOwner.NOMINATION: ("selection_evidence",),
}


@dataclass(frozen=True)
class Owner:
    """A record with documents: its parties, the kinds it takes and the region that reviews it."""

    type: DocumentOwner
    id: int
    parties: DocumentParties
    kinds: tuple[str, ...]
    #: The kinds that must be present (a claim's materials); other kinds are optional.
    required: tuple[str, ...]
    review_region_id: int


def _parties(
    uploaders: set[Tenant],
    readers: set[Tenant],
    *regions: int,
    followers: frozenset[int] = frozenset(),
) -> DocumentParties:
    return DocumentParties(frozenset(uploaders), frozenset(readers), frozenset(regions), followers)


def load_owner(session: Session, owner_type: str, owner_id: int) -> Owner:
    """The record `owner_type` #`owner_id`; NotFound if there is no such record."""
    try:
        kind = DocumentOwner(owner_type)
    except ValueError:
        raise NotFound(N_("没有这类材料")) from None
    loader = _LOADERS[kind]
    owner = loader(session, owner_id)
    if owner is None:
        raise NotFound(N_("材料所属的记录不存在"))
    return owner


def _enterprise(session: Session, owner_id: int) -> Owner | None:
    enterprise = session.get(Enterprise, owner_id)
    if enterprise is None:
        return None
    parties = _parties({(Role.ENTERPRISE, enterprise.id)}, set(), enterprise.region_id)
    kinds = OWNER_KINDS[DocumentOwner.ENTERPRISE]
    return Owner(DocumentOwner.ENTERPRISE, owner_id, parties, kinds, kinds, enterprise.region_id)


def _school(session: Session, owner_id: int) -> Owner | None:
    school = session.get(School, owner_id)
    if school is None:
        return None
    parties = _parties({(Role.SCHOOL, school.id)}, set(), school.region_id)
    kinds = OWNER_KINDS[DocumentOwner.SCHOOL]
    return Owner(DocumentOwner.SCHOOL, owner_id, parties, kinds, kinds, school.region_id)


def _cooperation(session: Session, owner_id: int) -> Owner | None:
    agreement = session.get(CooperationAgreement, owner_id)
    if agreement is None:
        return None
    region_id = session.get_one(School, agreement.school_id).region_id
    uploaders = {(Role.SCHOOL, agreement.school_id), (Role.ENTERPRISE, agreement.enterprise_id)}
    kinds = OWNER_KINDS[DocumentOwner.COOPERATION_AGREEMENT]
    parties = _parties(uploaders, set(), region_id)
    return Owner(DocumentOwner.COOPERATION_AGREEMENT, owner_id, parties, kinds, kinds, region_id)


def _placement(session: Session, owner_id: int) -> Owner | None:
    agreement = session.get(PlacementAgreement, owner_id)
    if agreement is None:
        return None
    placement = session.get_one(Placement, agreement.placement_id)
    student = session.get_one(Student, placement.student_id)
    slot = session.get_one(Slot, placement.slot_id)
    school_region = session.get_one(School, student.school_id).region_id
    host_region = session.get_one(Enterprise, slot.enterprise_id).region_id
    # The school arranges the placement and the host insures it (can_run_placement); the
    # student reads the papers of its own internship.
    uploaders = {(Role.SCHOOL, student.school_id), (Role.ENTERPRISE, slot.enterprise_id)}
    parties = _parties(uploaders, {(Role.STUDENT, student.id)}, school_region, host_region)
    kinds = OWNER_KINDS[DocumentOwner.PLACEMENT_AGREEMENT]
    return Owner(DocumentOwner.PLACEMENT_AGREEMENT, owner_id, parties, kinds, (), school_region)


def claim_materials(session: Session, policy: SubsidyPolicy) -> tuple[str, ...]:
    """The document kinds a claim under `policy` must carry, as its pack lists them."""
    pack = region_pack(session.get_one(Region, policy.region_id))
    try:
        return pack.policy(policy.code).documents
    except KeyError:
        # A policy its region's pack no longer lists (a pack replaced since) asks for nothing
        # new; its claims keep the documents they have, and the page still opens.
        return ()


def _claim(session: Session, owner_id: int) -> Owner | None:
    claim = session.get(SubsidyClaim, owner_id)
    if claim is None:
        return None
    policy = session.get_one(SubsidyPolicy, claim.policy_id)
    if claim.student_id is not None:
        beneficiary: Tenant = (Role.STUDENT, claim.student_id)
    elif claim.enterprise_id is not None:
        beneficiary = (Role.ENTERPRISE, claim.enterprise_id)
    elif claim.person_id is not None:  # a worker's own claim
        beneficiary = (Role.WORKER, claim.person_id)
    else:
        assert claim.school_id is not None, "one_beneficiary: exactly one of the four is set"
        beneficiary = (Role.SCHOOL, claim.school_id)
    kinds = claim_materials(session, policy)
    parties = _parties({beneficiary}, set(), policy.region_id)
    return Owner(DocumentOwner.SUBSIDY_CLAIM, owner_id, parties, kinds, kinds, policy.region_id)


def _journal(session: Session, owner_id: int) -> Owner | None:
    journal = session.get(Journal, owner_id)
    if journal is None:
        return None
    placement = session.get_one(Placement, journal.placement_id)
    student = session.get_one(Student, placement.student_id)
    slot = session.get_one(Slot, placement.slot_id)
    school_region = session.get_one(School, student.school_id).region_id
    host_region = session.get_one(Enterprise, slot.enterprise_id).region_id
    # The student attaches while the journal is still its to change; the school's and the host's
    # managers read, and so do the mentor and the teacher who review it.
    me: Tenant = (Role.STUDENT, student.id)
    editable = journal.status in EDITABLE
    organisations = {(Role.SCHOOL, student.school_id), (Role.ENTERPRISE, slot.enterprise_id)}
    followers = frozenset(
        user_id for user_id in (placement.mentor_user_id, placement.teacher_user_id) if user_id
    )
    parties = _parties(
        {me} if editable else set(),
        organisations | (set() if editable else {me}),
        school_region,
        host_region,
        followers=followers,
    )
    kinds = OWNER_KINDS[DocumentOwner.JOURNAL]
    return Owner(DocumentOwner.JOURNAL, owner_id, parties, kinds, (), school_region)


def _nomination(session: Session, owner_id: int) -> Owner | None:
    nomination = session.get(Nomination, owner_id)
    if nomination is None:
        return None
    region_id = session.get_one(SelectionRound, nomination.round_id).region_id
    # Whoever nominated attaches the evidence: the enterprise (单位推荐) or the worker (自荐);
    # the nominee reads what an enterprise filed about them.
    if nomination.person_id is None:
        # An organisation's own application: the enterprise files and reads its evidence.
        assert nomination.nominated_by_enterprise_id is not None
        uploaders: set[Tenant] = {(Role.ENTERPRISE, nomination.nominated_by_enterprise_id)}
        readers: set[Tenant] = set()
    elif nomination.nominated_by_enterprise_id is not None:
        uploaders = {(Role.ENTERPRISE, nomination.nominated_by_enterprise_id)}
        readers = {(Role.WORKER, nomination.person_id)}
    else:
        uploaders, readers = {(Role.WORKER, nomination.person_id)}, set()
    kinds = OWNER_KINDS[DocumentOwner.NOMINATION]
    parties = _parties(uploaders, readers, region_id)
    return Owner(DocumentOwner.NOMINATION, owner_id, parties, kinds, kinds, region_id)


_LOADERS = {
    DocumentOwner.ENTERPRISE: _enterprise,
    DocumentOwner.SCHOOL: _school,
    DocumentOwner.COOPERATION_AGREEMENT: _cooperation,
    DocumentOwner.PLACEMENT_AGREEMENT: _placement,
    DocumentOwner.SUBSIDY_CLAIM: _claim,
    DocumentOwner.JOURNAL: _journal,
    DocumentOwner.NOMINATION: _nomination,
}


def uploader_users(session: Session, owner: Owner) -> list[int]:
    """The active accounts of every side that uploads the owner's documents."""
    users: list[int] = []
    for role, tenant_id in sorted(owner.parties.uploaders):
        if role == Role.ENTERPRISE:
            users += notifications.enterprise_users(session, tenant_id)
        elif role == Role.SCHOOL:
            users += notifications.school_users(session, tenant_id)
        else:
            users += notifications.student_users(session, tenant_id)
    return users
