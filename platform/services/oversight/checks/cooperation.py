"""R3: every specialty a school of the region teaches has at least the pack's number of partner
enterprises under agreements in force."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from skillbridge.platform.services.cooperation.coverage import coverage_rows
from skillbridge.platform.services.oversight.checks.base import (
    CheckContext,
    Violation,
    figure_evidence,
)
from skillbridge.platform.text import N_


def specialty_short_of_partners(ctx: CheckContext) -> Iterator[Violation]:
    """Specialties (listed by the school or taught to a cohort) with too few partners today."""
    figure = ctx.rules.min_partner_enterprises_per_specialty
    coverage = coverage_rows(ctx.region.id, ctx.today).subquery("coverage")
    rows = ctx.session.execute(
        select(coverage)
        .where(coverage.c.partners < figure.value)
        .order_by(coverage.c.school_id, coverage.c.specialty_code)
    )
    for row in rows:
        enterprises = (
            sorted({int(i) for i in row.enterprise_ids.split(",")}) if row.enterprise_ids else []
        )
        yield Violation(
            subject_key=f"school:{row.school_id}:specialty:{row.specialty_id}",
            object_type="school",
            object_id=row.school_id,
            summary_zh=(
                N_(
                    "%(school)s %(specialty)s 专业合作企业 %(partners)d 家，少于 %(minimum)d 家",
                    school=row.school_name,
                    specialty=row.specialty_name,
                    partners=row.partners,
                    minimum=figure.value,
                )
            ),
            evidence={
                "school_id": row.school_id,
                "school_name": row.school_name,
                "specialty_id": row.specialty_id,
                "specialty_code": row.specialty_code,
                "specialty_name": row.specialty_name,
                "partner_enterprises": row.partners,
                "partner_enterprise_ids": enterprises,
                "as_of": ctx.today.isoformat(),
                "min_partners": figure_evidence(figure),
            },
        )
