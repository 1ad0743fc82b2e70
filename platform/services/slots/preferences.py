"""Both sides' preferences: students rank eligible slots, enterprises rank or screen candidates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import NamedTuple

from sqlalchemy import Integer, and_, bindparam, delete, or_, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    AgreementStatus,
    CooperationAgreement,
    Enterprise,
    EnterpriseRanking,
    Occupation,
    Role,
    School,
    Slot,
    SlotKind,
    SlotStatus,
    Student,
    StudentPreference,
    User,
)
from skillbridge.models.slot import slot_specialty
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.locks import lock_row
from skillbridge.platform.services.paging import AnySelect, Page, page_of
from skillbridge.platform.services.slots.eligibility import (
    Failure,
    OccupationTerms,
    StudentContext,
    explain_for,
    failed_rules,
    student_context,
)
from skillbridge.platform.services.slots.postings import get_own_slot
from skillbridge.platform.text import N_


class OpenSlot(NamedTuple):
    """An open slot's columns that the rules, the search, the order and the page read, with the
    student's rank of it: hundreds are checked per page, a few dozen shown."""

    id: int
    title: str
    enterprise_id: int
    enterprise_name: str
    kind: SlotKind
    occupation_id: int
    occupation_name: str
    occupation_restricted: bool
    min_level: int
    certificate_required: bool
    start_date: date
    duration_months: int
    #: The student's own specialty if the slot accepts it (the only one the rules compare).
    accepted_specialty_id: int | None
    rank: int | None

    @property
    def accepted_specialty_ids(self) -> tuple[int, ...]:
        accepted = self.accepted_specialty_id
        return () if accepted is None else (accepted,)

    @property
    def occupation(self) -> OccupationTerms:
        return _Occupation(self.occupation_id, self.occupation_name, self.occupation_restricted)


class _Occupation(NamedTuple):
    id: int
    name: str
    requires_certificate: bool


@dataclass(frozen=True)
class SlotOption:
    """A slot a student may consider, with why it is not eligible and the student's rank."""

    slot: OpenSlot
    failures: list[Failure]
    rank: int | None

    @property
    def eligible(self) -> bool:
        return not self.failures


def _student_id(actor: User) -> int:
    if actor.role != Role.STUDENT:
        raise PermissionDenied(N_("只有学生本人可以填报岗位志愿"))
    assert actor.student_id is not None  # the role CHECK constraint guarantees the tenant exists
    return actor.student_id


@dataclass(frozen=True)
class SlotChoices:
    """The preference page: the slots the student may rank or has ranked, and a page of the
    others (each with its failed rules)."""

    rankable: list[SlotOption]
    others: Page[SlotOption]


@cache
def _open_slots_statement() -> AnySelect:
    """Open slots open to the student's cohort in (start date, id) order, with what the rules
    read of each and the student's rank: one statement, built once with bound parameters.

    Slots open to the cohort: those of enterprises in the school's region or with an approved
    agreement with the school, plus any the student has already ranked.
    """
    student_id, specialty_id, school_id, region_id = (
        bindparam(name, type_=Integer)
        for name in ("student_id", "specialty_id", "school_id", "region_id")
    )
    partners = select(CooperationAgreement.enterprise_id).where(
        CooperationAgreement.school_id == school_id,
        CooperationAgreement.status == AgreementStatus.APPROVED,
    )
    return (
        select(
            Slot.id,
            Slot.title,
            Slot.enterprise_id,
            Enterprise.name,
            Slot.kind,
            Slot.occupation_id,
            Occupation.name,
            Occupation.requires_certificate,
            Slot.min_level,
            Slot.certificate_required,
            Slot.start_date,
            Slot.duration_months,
            slot_specialty.c.specialty_id,
            StudentPreference.rank,
        )
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .join(Occupation, Occupation.id == Slot.occupation_id)
        .outerjoin(
            slot_specialty,
            and_(
                slot_specialty.c.slot_id == Slot.id, slot_specialty.c.specialty_id == specialty_id
            ),
        )
        .outerjoin(
            StudentPreference,
            and_(StudentPreference.slot_id == Slot.id, StudentPreference.student_id == student_id),
        )
        .where(Slot.status == SlotStatus.OPEN)
        .where(
            or_(
                Enterprise.region_id == region_id,
                Enterprise.id.in_(partners),
                StudentPreference.id.is_not(None),
            )
        )
        .order_by(Slot.start_date, Slot.id)
    )


def _open_slots(session: Session, ctx: StudentContext) -> list[OpenSlot]:
    rows = session.execute(
        _open_slots_statement(),
        {
            "student_id": ctx.student.id,
            "specialty_id": ctx.specialty.id,
            "school_id": ctx.school.id,
            "region_id": ctx.school.region_id,
        },
    )
    return [OpenSlot(*row) for row in rows]


def slot_choices(
    session: Session, actor: User, today: date, query: str, page: int, per_page: int
) -> SlotChoices:
    """Open slots open to the student's cohort whose title or enterprise name contains `query`:
    ranked ones first (by rank), then the eligible, each with its failed rules; the slots the
    student can neither rank nor has ranked come a page of `per_page` at a time."""
    ctx = student_context(session, _student_id(actor), today)
    rows = _open_slots(session, ctx)
    if query:
        rows = [r for r in rows if query in r.title or query in r.enterprise_name]
    # The rules' tests for every row (the order and the split need them), their messages only
    # for the rows shown: the ranked slots by rank, then the eligible, then a page of the others.
    restricted = {row.occupation_id for row in rows if row.occupation_restricted}
    checked = list(zip(rows, map(bool, failed_rules(ctx, rows, today, restricted)), strict=True))
    ranks = {row.id: row.rank for row in rows if row.rank is not None}
    ranked = sorted(
        ((row, fails) for row, fails in checked if row.id in ranks), key=lambda c: ranks[c[0].id]
    )
    rankable = ranked + [(row, fails) for row, fails in checked if not fails and row.rank is None]
    others = page_of(
        [(row, fails) for row, fails in checked if fails and row.rank is None], page, per_page
    )

    def option(row: OpenSlot, fails: bool) -> SlotOption:
        failures = explain_for(session, ctx, row, today, row.occupation) if fails else []
        return SlotOption(row, failures, row.rank)

    return SlotChoices(
        [option(*c) for c in rankable], others.with_items([option(*c) for c in others.items])
    )


def set_student_preferences(
    session: Session, actor: User, slot_ids: list[int], today: date
) -> list[StudentPreference]:
    """Replace the student's whole ranking (first id = rank 1) with eligible open slots.

    The student row is locked first, so two submissions at once apply one after the other and
    the stored list is always exactly one of them.
    """
    student = lock_row(session, Student, _student_id(actor))
    assert student is not None  # the role CHECK constraint guarantees the tenant exists
    if len(set(slot_ids)) != len(slot_ids):
        raise InvalidInput(N_("同一岗位不能重复填报"))
    ctx = student_context(session, student.id, today)
    slots = {s.id: s for s in session.scalars(select(Slot).where(Slot.id.in_(slot_ids)))}
    problems = []
    for slot_id in slot_ids:
        slot = slots.get(slot_id)
        if slot is None or slot.status != SlotStatus.OPEN:
            problems.append(N_("岗位 #%(id)d 不存在或未开放", id=slot_id))
            continue
        problems.extend(
            N_(
                "%(slot)s：%(reason)s（%(citation)s）",
                slot=slot.title,
                reason=f.reason,
                citation=f.citation,
            )
            if f.citation
            else N_("%(slot)s：%(reason)s", slot=slot.title, reason=f.reason)
            for f in explain_for(session, ctx, slot, today)
        )
    if problems:
        raise InvalidInput(N_("所选岗位中有不符合条件的岗位"), details=problems)
    session.execute(delete(StudentPreference).where(StudentPreference.student_id == student.id))
    preferences = [
        StudentPreference(student_id=student.id, slot_id=slot_id, rank=rank)
        for rank, slot_id in enumerate(slot_ids, start=1)
    ]
    session.add_all(preferences)
    session.flush()
    audit.record(
        session, actor, "preferences.ranked", "student", student.id, {"slot_ids": slot_ids}
    )
    return preferences


@dataclass(frozen=True)
class Candidate:
    """An eligible student who ranked the slot, with both sides' ranks."""

    student: Student
    school: School
    student_rank: int
    enterprise_rank: int | None
    screened_out: bool


def _candidates(session: Session, slot: Slot, today: date) -> list[Candidate]:
    rankings = {
        r.student_id: r
        for r in session.scalars(
            select(EnterpriseRanking).where(EnterpriseRanking.slot_id == slot.id)
        )
    }
    rows = session.execute(
        select(Student, StudentPreference.rank, School)
        .join(StudentPreference, StudentPreference.student_id == Student.id)
        .join(School, School.id == Student.school_id)
        .where(StudentPreference.slot_id == slot.id)
        .order_by(StudentPreference.rank, Student.id)
    )
    candidates = []
    for student, student_rank, school in rows:
        # An enterprise sees only students it could take: ineligible ones stay private.
        if explain_for(session, student_context(session, student.id, today), slot, today):
            continue
        ranking = rankings.get(student.id)
        candidates.append(
            Candidate(
                student,
                school,
                student_rank,
                ranking.rank if ranking else None,
                ranking.screened_out if ranking else False,
            )
        )
    return candidates


def slot_candidates(
    session: Session, actor: User, slot_id: int, today: date
) -> tuple[Slot, list[Candidate]]:
    """The enterprise's own slot and its candidates: eligible students who ranked it."""
    slot = get_own_slot(session, actor, slot_id)
    return slot, _candidates(session, slot, today)


def rank_candidates(
    session: Session,
    actor: User,
    slot_id: int,
    ranked_ids: list[int],
    screened_ids: list[int],
    today: date,
) -> list[EnterpriseRanking]:
    """Replace the enterprise's view of a slot's candidates: ranked in order, or screened out."""
    slot = get_own_slot(session, actor, slot_id, lock=True)
    if slot.status != SlotStatus.OPEN:
        raise Conflict(N_("只有开放中的岗位可以排序候选人"))
    everyone = ranked_ids + screened_ids
    if len(set(everyone)) != len(everyone):
        raise InvalidInput(N_("同一候选人只能排序一次或筛除一次"))
    candidate_ids = {c.student.id for c in _candidates(session, slot, today)}
    strangers = [i for i in everyone if i not in candidate_ids]
    if strangers:
        raise InvalidInput(
            N_("只能对填报了该岗位且符合条件的候选人排序"),
            details=[N_("学生 #%(id)d 不是该岗位的候选人", id=i) for i in strangers],
        )
    session.execute(delete(EnterpriseRanking).where(EnterpriseRanking.slot_id == slot.id))
    rankings = [
        EnterpriseRanking(slot_id=slot.id, student_id=sid, rank=rank, screened_out=False)
        for rank, sid in enumerate(ranked_ids, start=1)
    ] + [
        EnterpriseRanking(slot_id=slot.id, student_id=sid, rank=None, screened_out=True)
        for sid in screened_ids
    ]
    session.add_all(rankings)
    session.flush()
    audit.record(
        session,
        actor,
        "slot.candidates_ranked",
        "slot",
        slot.id,
        {"ranked": ranked_ids, "screened_out": screened_ids},
    )
    return rankings
