"""N1 (minimum age on post and shadowing internships, no first-year post internship) and R7."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import and_, exists, or_

from skillbridge.models import (
    SEAT_HOLDING,
    Certificate,
    Cohort,
    Occupation,
    Placement,
    Slot,
    SlotKind,
    Student,
)
from skillbridge.platform.policy import age_in_years
from skillbridge.platform.services.oversight.checks.base import (
    CheckContext,
    Violation,
    date_key,
    figure_evidence,
)
from skillbridge.platform.services.oversight.checks.placements import (
    placement_evidence,
    placement_query,
    placement_subject,
)
from skillbridge.platform.services.placements.terms import SLOT_KIND_ZH
from skillbridge.platform.text import CLAUSES, N_, join

# The school year begins on 1 September: a post internship starting before the second school
# year of the cohort's intake is a first-year student's.
SCHOOL_YEAR_START = (9, 1)


def _second_year_starts(intake_year: int) -> date:
    return date(intake_year + 1, *SCHOOL_YEAR_START)


def post_internship_too_young(ctx: CheckContext) -> Iterator[Violation]:
    """Seat-holding placements on the slot kinds N1's figure limits (岗位实习 and 跟岗实习) of
    students under the pack's minimum age at the start, and post internships starting in the
    student's first school year."""
    minimum = ctx.rules.post_internship_min_age
    start = date_key(Placement.start_date)
    month, day = SCHOOL_YEAR_START
    second_year = (Cohort.intake_year + 1) * 10000 + month * 100 + day
    is_post = Slot.kind == SlotKind.POST_INTERNSHIP
    # `<=`: on the Nth birthday the student is still N-1周岁 (Civil Code art. 201); the exact age
    # is checked below, the SQL only narrows the rows.
    too_young = and_(
        Slot.kind.in_([SlotKind(kind) for kind in minimum.slot_kinds]),
        start - date_key(Student.birth_date) <= minimum.value * 10000,
    )
    rows = ctx.session.execute(
        placement_query(ctx)
        .where(Placement.status.in_(SEAT_HOLDING))
        .where(or_(too_young, and_(is_post, start < second_year)))
    )
    for row in rows:
        age = age_in_years(row.birth_date, row.start_date)
        under_age = minimum.limits(row.slot_kind) and age < minimum.value
        first_year = (
            row.slot_kind == SlotKind.POST_INTERNSHIP
            and row.start_date < _second_year_starts(row.intake_year)
        )
        if not under_age and not first_year:
            continue  # a birthday just past, which the SQL pre-filter lets through
        problems = []
        if under_age:
            problems.append(
                N_("开始时 %(age)d 周岁，未满 %(minimum)d 周岁", age=age, minimum=minimum.value)
            )
        if first_year:
            problems.append(N_("开始时为一年级在校学生（%(year)d 级）", year=row.intake_year))
        kind_zh = SLOT_KIND_ZH[row.slot_kind]
        yield Violation(
            subject_key=placement_subject(row),
            object_type="placement",
            object_id=row.placement_id,
            summary_zh=N_(
                "%(student)s 的%(kind)s：%(problems)s",
                student=row.student_name,
                kind=kind_zh,
                problems=join(CLAUSES, problems),
            ),
            evidence={
                **placement_evidence(row),
                "age_at_start": age,
                "min_age": figure_evidence(minimum),
                "intake_year": row.intake_year,
                "first_school_year": first_year,
            },
        )


def placed_without_required_certificate(ctx: CheckContext) -> Iterator[Violation]:
    """R7: a seat-holding placement in an occupation under employment access (就业准入) whose
    student holds no certificate in that occupation."""
    certified = exists().where(
        and_(
            Certificate.person_id == Student.person_id,
            Certificate.occupation_id == Slot.occupation_id,
        )
    )
    rows = ctx.session.execute(
        placement_query(
            ctx, Occupation.code.label("occupation_code"), Occupation.name.label("occupation_name")
        )
        .join(Occupation, Occupation.id == Slot.occupation_id)
        .where(Occupation.requires_certificate.is_(True), Placement.status.in_(SEAT_HOLDING))
        .where(~certified)
    )
    for row in rows:
        yield Violation(
            subject_key=placement_subject(row),
            object_type="placement",
            object_id=row.placement_id,
            summary_zh=(
                N_(
                    "%(student)s 无%(occupation)s职业资格证书，被安排在就业准入岗位 %(slot)s",
                    student=row.student_name,
                    occupation=row.occupation_name,
                    slot=row.slot_title,
                )
            ),
            evidence={
                **placement_evidence(row),
                "occupation_code": row.occupation_code,
                "occupation_name": row.occupation_name,
                "certificate_held": False,
            },
        )
