"""Incident figures for the bureau's supervision: open and closed per severity in a region."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Incident,
    IncidentSeverity,
    IncidentStatus,
    Placement,
    School,
    Student,
)

IncidentCounts = dict[IncidentSeverity, dict[IncidentStatus, int]]


def incident_counts(session: Session, region_id: int) -> IncidentCounts:
    """Incidents of the region's schools' students, by severity and status (zeros included).

    The caller checks that its actor may read the region (a bureau view does, with
    `policies.bureau_staff_of`); this only counts.
    """
    counts: IncidentCounts = {
        severity: dict.fromkeys(IncidentStatus, 0) for severity in IncidentSeverity
    }
    rows = session.execute(
        select(Incident.severity, Incident.status, func.count(Incident.id))
        .join(Placement, Placement.id == Incident.placement_id)
        .join(Student, Student.id == Placement.student_id)
        .join(School, School.id == Student.school_id)
        .where(School.region_id == region_id)
        .group_by(Incident.severity, Incident.status)
    )
    for severity, status, count in rows:
        counts[severity][status] = count
    return counts
