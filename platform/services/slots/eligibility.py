"""Why a student may or may not take a slot: each failed hard rule with its reason and citation."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Protocol

from sqlalchemy import (
    Date,
    Integer,
    Select,
    bindparam,
    cast,
    literal,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from skillbridge.models import (
    Certificate,
    Cohort,
    CreditRecord,
    Occupation,
    Region,
    School,
    SlotKind,
    Specialty,
    Student,
)
from skillbridge.models.occupation import specialty_occupation
from skillbridge.platform.policy import R6_CITATION, PlacementRules, age_in_years
from skillbridge.platform.services.cooperation.agreements import approved_windows
from skillbridge.platform.services.credit import in_force
from skillbridge.platform.services.packs import placement_rules
from skillbridge.platform.text import N_, Np_

#: R2 and R7 are fixed texts of the seeds, not per-region figures.
R2_CITATION = "大政发[2011]46号 二(三)"
R7_CITATION = "内党办发〔2007〕4号 (八)"

SKILL_LEVEL_NAMES = (
    N_("学徒工"),
    N_("初级工"),
    N_("中级工"),
    N_("高级工"),
    N_("技师"),
    N_("高级技师"),
    N_("特级技师"),
    N_("首席技师"),
)


@dataclass(frozen=True)
class Failure:
    """One rule a (student, slot) pair fails; `citation` is empty for the platform's own rules."""

    rule: str
    reason: str
    citation: str = ""


class SlotTerms(Protocol):
    """What the hard rules read of a slot: a Slot, or a lighter row of the same columns (a list
    of slots checks hundreds and loads full objects only for those it shows)."""

    @property
    def enterprise_id(self) -> int: ...

    @property
    def kind(self) -> SlotKind: ...

    @property
    def occupation_id(self) -> int: ...

    @property
    def min_level(self) -> int: ...

    @property
    def certificate_required(self) -> bool: ...

    @property
    def start_date(self) -> date: ...

    @property
    def duration_months(self) -> int: ...

    @property
    def accepted_specialty_ids(self) -> Collection[int]: ...


class OccupationTerms(Protocol):
    """What the rules' messages read of a slot's occupation: an Occupation, or a row of its
    columns."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def requires_certificate(self) -> bool: ...


@dataclass(frozen=True)
class StudentContext:
    """What is checked about the student, loaded once for many slots."""

    student: Student
    cohort: Cohort
    specialty: Specialty
    #: The occupations the specialty feeds (a slot of one of them accepts the student).
    fed_occupations: frozenset[int]
    school: School
    certificate_occupations: frozenset[int]
    #: The last day of the latest record in force that bars the student from slots (R6).
    credit_record_ends: date | None
    #: (enterprise_id, valid_from, valid_to) of approved agreements covering the cohort specialty.
    agreements: tuple[tuple[int, date, date], ...]
    #: The figures of the pack of the school's region, whose bureau reviews its internships.
    rules: PlacementRules


# What each row of the context's statement beyond the student's own tells (its `fact` column).
_CERTIFICATE, _FED, _AGREEMENT, _CREDIT = "certificate", "fed", "agreement", "credit"


@cache
def _context_statement() -> Select[
    Student, Cohort, School, Specialty, Region, int, date, date, str
]:
    """The student with its cohort, school, specialty and region, and a row of each fact checked
    about it (a certificate's occupation, an occupation the specialty feeds, an agreement's
    window, a credit record in force): one statement, built once, for what were nine.

    The facts are a union of (key, since, until, fact) rows joined to the student's row, which
    they repeat; a student without any still has the one row.
    """
    student_id, today = bindparam("student_id", type_=Integer), bindparam("today", type_=Date)
    of_student = Student.id == student_id
    person = select(Student.person_id).where(of_student).scalar_subquery()
    school = select(Student.school_id).where(of_student).scalar_subquery()
    specialty = (
        select(Cohort.specialty_id)
        .join(Student, Student.cohort_id == Cohort.id)
        .where(of_student)
        .scalar_subquery()
    )
    no_date = cast(null(), Date)
    facts = union_all(
        select(
            Certificate.occupation_id.label("key"),
            no_date.label("since"),
            no_date.label("until"),
            literal(_CERTIFICATE).label("fact"),
        ).where(Certificate.person_id == person),
        select(specialty_occupation.c.occupation_id, no_date, no_date, literal(_FED)).where(
            specialty_occupation.c.specialty_id == specialty
        ),
        approved_windows(school, specialty).add_columns(literal(_AGREEMENT)),
        select(CreditRecord.id, CreditRecord.starts_on, CreditRecord.ends_on, literal(_CREDIT))
        .where(CreditRecord.student_id == student_id)
        .where(*in_force(today, "blocks_slots")),
    ).subquery()
    return (
        select(Student, Cohort, School, Specialty, Region, *facts.c)
        .join(Cohort, Cohort.id == Student.cohort_id)
        .join(School, School.id == Student.school_id)
        .join(Specialty, Specialty.id == Cohort.specialty_id)
        .join(Region, Region.id == School.region_id)
        .outerjoin(facts, true())
        .where(of_student)
    )


def student_context(session: Session, student_id: int, today: date) -> StudentContext:
    """Load the student with its cohort, specialty, certificates, credit record and agreements."""
    rows = session.execute(_context_statement(), {"student_id": student_id, "today": today}).all()
    assert rows  # the callers' students exist: an actor's own, or rows just read
    student, cohort, school, specialty, region = rows[0][:5]
    keys: dict[str | None, set[int]] = {_CERTIFICATE: set(), _FED: set()}
    agreements, credit_ends = [], []
    for *_entities, key, since, until, fact in rows:
        if fact == _AGREEMENT:
            agreements.append((key, since, until))
        elif fact == _CREDIT:
            credit_ends.append(until)
        elif fact is not None:
            keys[fact].add(key)
    return StudentContext(
        student=student,
        cohort=cohort,
        specialty=specialty,
        fed_occupations=frozenset(keys[_FED]),
        school=school,
        certificate_occupations=frozenset(keys[_CERTIFICATE]),
        credit_record_ends=max(credit_ends, default=None),
        agreements=tuple(agreements),
        rules=placement_rules(region),
    )


def level_name(level: int) -> str:
    """The Chinese name of a rung of the skill ladder."""
    return SKILL_LEVEL_NAMES[level]


def failed_rules(
    ctx: StudentContext,
    slots: Sequence[SlotTerms],
    today: date,
    restricted: Collection[int],
) -> list[list[str]]:
    """For each slot, the codes of the hard rules the student fails, in the order of
    `explain_for`; `restricted` holds those of the slots' occupations that require a
    certificate (就业准入, R7).

    Only the tests, with what they read of the student taken once: a list checks hundreds of
    slots, and builds the messages of the few it shows.
    """
    student, cohort = ctx.student, ctx.cohort
    fed, specialty_id, certified = (
        ctx.fed_occupations,
        ctx.specialty.id,
        ctx.certificate_occupations,
    )
    skill_level, months_left = student.skill_level, student.month_cap - student.months_used
    opens, closes = cohort.window_start, cohort.window_end
    barred = ctx.credit_record_ends is not None
    # R2's agreements in force today, by enterprise.
    in_force: dict[int, list[tuple[date, date]]] = {}
    for enterprise_id, valid_from, valid_to in ctx.agreements:
        if valid_to >= today:
            in_force.setdefault(enterprise_id, []).append((valid_from, valid_to))
    minimum = ctx.rules.post_internship_min_age
    age_limited = {kind for kind in SlotKind if minimum.limits(kind)}
    ages: dict[date, int] = {}  # by start date: a list's slots start on few days
    results = []
    for slot in slots:
        failed = []
        start = slot.start_date
        if slot.occupation_id not in fed and specialty_id not in slot.accepted_specialty_ids:
            failed.append("specialty")
        if skill_level < slot.min_level:
            failed.append("level")
        if (
            slot.certificate_required or slot.occupation_id in restricted
        ) and slot.occupation_id not in certified:
            failed.append("R7")
        if not opens <= start <= closes:
            failed.append("window")
        if barred:
            failed.append("R6")
        if slot.kind == SlotKind.POST_INTERNSHIP:
            # R2: an approved agreement covering the specialty, in force on the start date and
            # today.
            for valid_from, valid_to in in_force.get(slot.enterprise_id, ()):
                if valid_from <= start <= valid_to:
                    break
            else:
                failed.append("R2")
            if months_left < slot.duration_months:
                failed.append("R1")
        if slot.kind in age_limited:
            age = ages.get(start)
            if age is None:
                age = ages[start] = _age(ctx, slot)
            if age < minimum.value:
                failed.append("N1")
        results.append(failed)
    return results


def _age(ctx: StudentContext, slot: SlotTerms) -> int:
    """The student's age on the slot's first day (0 if not yet born)."""
    birth_date = ctx.student.birth_date
    return age_in_years(birth_date, slot.start_date) if slot.start_date >= birth_date else 0


def _specialty(ctx: StudentContext, slot: SlotTerms, occupation: OccupationTerms) -> Failure:
    return Failure(
        "specialty",
        N_(
            "本人专业“%(specialty)s”不在该岗位接收的专业之列，"
            "也不对应岗位职业（工种）“%(occupation)s”",
            specialty=ctx.specialty.name,
            occupation=occupation.name,
        ),
    )


def _level(ctx: StudentContext, slot: SlotTerms, _occupation: OccupationTerms) -> Failure:
    return Failure(
        "level",
        N_(
            "岗位要求技能等级不低于%(required)s，本人为%(held)s",
            required=level_name(slot.min_level),
            held=level_name(ctx.student.skill_level),
        ),
    )


def _certificate(_ctx: StudentContext, _slot: SlotTerms, occupation: OccupationTerms) -> Failure:
    return Failure(
        "R7",
        N_(
            "职业（工种）“%(occupation)s”实行就业准入，须持有该职业的职业技能等级证书",
            occupation=occupation.name,
        ),
        R7_CITATION,
    )


def _window(ctx: StudentContext, slot: SlotTerms, _occupation: OccupationTerms) -> Failure:
    return Failure(
        "window",
        N_(
            "岗位开始日期 %(start)s 不在本届实习安排期 %(opens)s 至 %(closes)s 之内",
            start=slot.start_date.isoformat(),
            opens=ctx.cohort.window_start.isoformat(),
            closes=ctx.cohort.window_end.isoformat(),
        ),
    )


def _agreement(_ctx: StudentContext, _slot: SlotTerms, _occupation: OccupationTerms) -> Failure:
    return Failure(
        "R2",
        N_(
            "学校与该企业尚无覆盖本专业、在岗位开始日期有效且经人社局审查的校企合作协议，"
            "不得安排岗位实习"
        ),
        R2_CITATION,
    )


def _months(ctx: StudentContext, slot: SlotTerms, _occupation: OccupationTerms) -> Failure:
    left = ctx.student.month_cap - ctx.student.months_used
    cap = ctx.rules.post_internship_max_months
    return Failure(
        "R1",
        Np_(
            "岗位实习累计不得超过 %(cap)d 个月：已用 %(used)d 个月，剩余 %(left)d 个月，"
            "本岗位 %(n)d 个月",
            "岗位实习累计不得超过 %(cap)d 个月：已用 %(used)d 个月，剩余 %(left)d 个月，"
            "本岗位 %(n)d 个月",
            slot.duration_months,
            cap=ctx.student.month_cap,
            used=ctx.student.months_used,
            left=left,
        ),
        cap.citation,
    )


def _credit(ctx: StudentContext, _slot: SlotTerms, _occupation: OccupationTerms) -> Failure:
    assert ctx.credit_record_ends is not None  # R6 fails only with a record
    return Failure(
        "R6",
        N_("本人处于诚信档案限制期（至 %(until)s）", until=ctx.credit_record_ends.isoformat()),
        R6_CITATION,
    )


def _minimum_age(ctx: StudentContext, slot: SlotTerms, _occupation: OccupationTerms) -> Failure:
    minimum = ctx.rules.post_internship_min_age
    return Failure(
        "N1",
        N_(
            "岗位实习须年满 %(minimum)d 周岁：岗位开始日本人 %(age)d 周岁",
            minimum=minimum.value,
            age=_age(ctx, slot),
        ),
        minimum.citation,
    )


#: Each rule's failure, with its reason in words, by the code `failed_rules` gives.
_FAILURES: dict[str, Callable[[StudentContext, SlotTerms, OccupationTerms], Failure]] = {
    "specialty": _specialty,
    "level": _level,
    "R7": _certificate,
    "window": _window,
    "R6": _credit,
    "R2": _agreement,
    "R1": _months,
    "N1": _minimum_age,
}


def explain_for(
    session: Session,
    ctx: StudentContext,
    slot: SlotTerms,
    today: date,
    occupation: OccupationTerms | None = None,
) -> list[Failure]:
    """Every hard rule the student fails for `slot`, in a fixed order; empty means eligible.

    Rule-specific figures (R1's citation, N1's age) come from the pack of the school's region,
    whose bureau reviews the school's internships. `occupation` is the slot's, when the caller
    has already loaded it (a list of slots loads all of theirs in one query).
    """
    occupation = occupation or session.get(Occupation, slot.occupation_id)
    assert occupation is not None  # FK
    restricted = (occupation.id,) if occupation.requires_certificate else ()
    (failed,) = failed_rules(ctx, [slot], today, restricted)
    return [_FAILURES[rule](ctx, slot, occupation) for rule in failed]


def explain(session: Session, student: Student, slot: SlotTerms, today: date) -> list[Failure]:
    """The failed rules of one (student, slot) pair; an empty list means the student is eligible."""
    return explain_for(session, student_context(session, student.id, today), slot, today)
