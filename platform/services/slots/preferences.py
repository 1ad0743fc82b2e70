"""Both sides' preferences: students rank eligible slots, enterprises rank or screen candidates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, delete, or_, select
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
from skillbridge.platform.services.paging import Page, page_of
from skillbridge.platform.services.slots.eligibility import (
    Failure,
    StudentContext,
    explain_for,
    failed_rules,
    student_context,
)
from skillbridge.platform.services.slots.postings import get_own_slot
from skillbridge.platform.text import N_


@dataclass(frozen=True)
class SlotOption:
    """A slot a student may consider, with why it is not eligible and the student's rank."""

    slot: Slot
    enterprise: Enterprise
    failures: list[Failure]
    rank: int | None

    @property
    def eligible(self) -> bool:
        return not self.failures


def _student(session: Session, actor: User) -> Student:
    if actor.role != Role.STUDENT:
        raise PermissionDenied(N_("只有学生本人可以填报岗位志愿"))
    student = session.get(Student, actor.student_id)
    assert student is not None  # the role CHECK constraint guarantees the tenant exists
    return student


def _student_ranks(session: Session, student_id: int) -> dict[int, int]:
    rows = session.execute(
        select(StudentPreference.slot_id, StudentPreference.rank).where(
            StudentPreference.student_id == student_id
        )
    )
    return {slot_id: rank for slot_id, rank in rows}


@dataclass(frozen=True)
class _OpenSlot:
    """An open slot's columns that the rules, the search and the order read: hundreds are
    checked per page, and only the few shown are loaded as Slot objects."""

    #: Of the student's own specialty only: the one the rules compare.
    accepted_specialty_ids: frozenset[int]
    id: int
    title: str
    enterprise_id: int
    enterprise_name: str
    kind: SlotKind
    occupation_id: int
    min_level: int
    certificate_required: bool
    start_date: date
    duration_months: int


@dataclass(frozen=True)
class SlotChoices:
    """The preference page: the slots the student may rank or has ranked, and a page of the
    others (each with its failed rules)."""

    rankable: list[SlotOption]
    others: Page[SlotOption]


def _open_slots(
    session: Session, student: Student, ctx: StudentContext, ranked: list[int]
) -> list[_OpenSlot]:
    """Open slots open to the student's cohort in (start date, id) order, as light rows.

    Slots open to the cohort: those of enterprises in the school's region or with an approved
    agreement with the school, plus any the student has already ranked.
    """
    partners = select(CooperationAgreement.enterprise_id).where(
        CooperationAgreement.school_id == student.school_id,
        CooperationAgreement.status == AgreementStatus.APPROVED,
    )

    # Built afresh for each statement: one select shared by the two gave the second another
    # cache key once the first had run, and SQLAlchemy compiled it again (2k calls).
    def visible() -> Select[int]:
        return (
            select(Slot.id)
            .join(Enterprise, Enterprise.id == Slot.enterprise_id)
            .where(Slot.status == SlotStatus.OPEN)
            .where(
                or_(
                    Enterprise.region_id == ctx.school.region_id,
                    Enterprise.id.in_(partners),
                    Slot.id.in_(ranked),
                )
            )
        )

    accepting = set(
        session.scalars(
            select(slot_specialty.c.slot_id).where(
                slot_specialty.c.specialty_id == ctx.specialty.id,
                slot_specialty.c.slot_id.in_(visible()),
            )
        )
    )
    mine, none = frozenset((ctx.specialty.id,)), frozenset[int]()
    rows = session.execute(
        select(
            Slot.id,
            Slot.title,
            Slot.enterprise_id,
            Enterprise.name,
            Slot.kind,
            Slot.occupation_id,
            Slot.min_level,
            Slot.certificate_required,
            Slot.start_date,
            Slot.duration_months,
        )
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .where(Slot.id.in_(visible()))
        .order_by(Slot.start_date, Slot.id)
    )
    return [
        _OpenSlot(
            mine if row.id in accepting else none,
            row.id,
            row.title,
            row.enterprise_id,
            row.name,
            row.kind,
            row.occupation_id,
            row.min_level,
            row.certificate_required,
            row.start_date,
            row.duration_months,
        )
        for row in rows
    ]


def slot_choices(
    session: Session, actor: User, today: date, query: str, page: int, per_page: int
) -> SlotChoices:
    """Open slots open to the student's cohort whose title or enterprise name contains `query`:
    ranked ones first (by rank), then the eligible, each with its failed rules; the slots the
    student can neither rank nor has ranked come a page of `per_page` at a time."""
    student = _student(session, actor)
    ctx = student_context(session, student, today)
    ranks = _student_ranks(session, student.id)
    rows = _open_slots(session, student, ctx, list(ranks))
    if query:
        rows = [r for r in rows if query in r.title or query in r.enterprise_name]
    # Every slot's occupation in one query, not one per slot.
    occupations = {
        o.id: o
        for o in session.scalars(
            select(Occupation).where(Occupation.id.in_({row.occupation_id for row in rows}))
        )
    }
    # The rules' tests for every row (the order and the split need them), their messages only
    # for the rows shown: the ranked slots by rank, then the eligible, then a page of the others.
    checked = list(zip(rows, map(bool, failed_rules(ctx, rows, today, occupations)), strict=True))
    ranked = sorted(
        ((row, fails, ranks[row.id]) for row, fails in checked if row.id in ranks),
        key=lambda c: c[2],
    )
    rankable = ranked + [
        (row, fails, None) for row, fails in checked if not fails and row.id not in ranks
    ]
    others = page_of(
        [(row, fails, None) for row, fails in checked if fails and row.id not in ranks],
        page,
        per_page,
    )
    shown = rankable + others.items
    loaded = {
        slot.id: (slot, enterprise)
        for slot, enterprise in session.execute(
            select(Slot, Enterprise)
            .join(Enterprise, Enterprise.id == Slot.enterprise_id)
            .where(Slot.id.in_([row.id for row, _fails, _rank in shown]))
        )
    }

    def option(row: _OpenSlot, fails: bool, rank: int | None) -> SlotOption:
        failures = (
            explain_for(session, ctx, row, today, occupations[row.occupation_id]) if fails else []
        )
        return SlotOption(*loaded[row.id], failures, rank)

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
    student = lock_row(session, Student, _student(session, actor).id)
    assert student is not None  # the actor's own row, loaded just above
    if len(set(slot_ids)) != len(slot_ids):
        raise InvalidInput(N_("同一岗位不能重复填报"))
    ctx = student_context(session, student, today)
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
        if explain_for(session, student_context(session, student, today), slot, today):
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
