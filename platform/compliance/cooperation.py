"""R3: every specialty a school of the region teaches has at least the pack's number of partner
enterprises under agreements in force."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import String, cast, func, literal, select, union

from skillbridge.models import Cohort, CooperationAgreement, School, Specialty
from skillbridge.models.agreement import agreement_specialty
from skillbridge.models.school import school_specialty
from skillbridge.platform.services.cooperation import active_on

from .base import CheckContext, Violation, figure_evidence


def specialty_short_of_partners(ctx: CheckContext) -> Iterator[Violation]:
    """Specialties (listed by the school or taught to a cohort) with too few partners today."""
    figure = ctx.rules.min_partner_enterprises_per_specialty
    taught = union(
        select(school_specialty.c.school_id, school_specialty.c.specialty_id),
        select(Cohort.school_id, Cohort.specialty_id),
    ).subquery("taught")
    partners = (
        select(
            CooperationAgreement.school_id,
            agreement_specialty.c.specialty_id,
            func.count(func.distinct(CooperationAgreement.enterprise_id)).label("partners"),
            func.aggregate_strings(cast(CooperationAgreement.enterprise_id, String), ",").label(
                "enterprise_ids"
            ),
        )
        .join(agreement_specialty, agreement_specialty.c.agreement_id == CooperationAgreement.id)
        .where(active_on(ctx.today))
        .group_by(CooperationAgreement.school_id, agreement_specialty.c.specialty_id)
        .subquery("partners")
    )
    count = func.coalesce(partners.c.partners, literal(0))
    rows = ctx.session.execute(
        select(
            School.id.label("school_id"),
            School.name.label("school_name"),
            Specialty.id.label("specialty_id"),
            Specialty.code.label("specialty_code"),
            Specialty.name.label("specialty_name"),
            count.label("partners"),
            partners.c.enterprise_ids,
        )
        .select_from(taught)
        .join(School, School.id == taught.c.school_id)
        .join(Specialty, Specialty.id == taught.c.specialty_id)
        .outerjoin(
            partners,
            (partners.c.school_id == taught.c.school_id)
            & (partners.c.specialty_id == taught.c.specialty_id),
        )
        .where(School.region_id == ctx.region.id, count < figure.value)
        .order_by(School.id, Specialty.code)
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
                f"{row.school_name} {row.specialty_name} 专业合作企业 {row.partners} 家，"
                f"少于 {figure.value} 家"
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
