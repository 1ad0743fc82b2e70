"""The placement query every placement rule starts from, scoped to the school's region."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, select

from skillbridge.models import (
    Cohort,
    Enterprise,
    Placement,
    PlacementAgreement,
    PlacementStatus,
    School,
    Slot,
    Student,
)
from skillbridge.platform.services.oversight.checks.base import CheckContext, iso

#: Placements that have begun: the rules on agreements, insurance and plans bind from the start.
STARTED = (PlacementStatus.ACTIVE, PlacementStatus.ENDED)

_COLUMNS = (
    Placement.id.label("placement_id"),
    Placement.status,
    Placement.start_date,
    Placement.end_date,
    Placement.months,
    Student.id.label("student_id"),
    Student.name.label("student_name"),
    Student.birth_date,
    School.id.label("school_id"),
    School.name.label("school_name"),
    Enterprise.id.label("enterprise_id"),
    Enterprise.name.label("enterprise_name"),
    Slot.id.label("slot_id"),
    Slot.title.label("slot_title"),
    Slot.kind.label("slot_kind"),
    Cohort.intake_year,
    Cohort.specialty_id,
)


def placement_query(ctx: CheckContext, *extra: Any) -> Select:
    """Placements of the region's schools with their parties (the school's bureau audits them).

    The placement agreement is outer-joined, so a placement without one is still found.
    """
    return (
        select(*_COLUMNS, *extra)
        .join(Student, Student.id == Placement.student_id)
        .join(School, School.id == Student.school_id)
        .join(Cohort, Cohort.id == Student.cohort_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .outerjoin(PlacementAgreement, PlacementAgreement.placement_id == Placement.id)
        .where(School.region_id == ctx.region.id)
        .order_by(Placement.id)
    )


def placement_evidence(row: Row) -> dict[str, Any]:
    """Who, where, when and how long: the facts every placement finding shows."""
    return {
        "placement_id": row.placement_id,
        "status": row.status.value,
        "student_id": row.student_id,
        "student_name": row.student_name,
        "school_id": row.school_id,
        "school_name": row.school_name,
        "enterprise_id": row.enterprise_id,
        "enterprise_name": row.enterprise_name,
        "slot_id": row.slot_id,
        "slot_title": row.slot_title,
        "slot_kind": row.slot_kind.value,
        "start_date": iso(row.start_date),
        "end_date": iso(row.end_date),
        "months": row.months,
    }


def placement_subject(row: Row) -> str:
    return f"placement:{row.placement_id}"
