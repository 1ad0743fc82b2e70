"""R3 partner coverage of a whole region in one SQL statement (school × specialty → partners)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, String, cast, func, select, union
from sqlalchemy.sql import ColumnElement

from skillbridge.models import Cohort, CooperationAgreement, School, Specialty
from skillbridge.models.agreement import agreement_specialty
from skillbridge.models.school import school_specialty
from skillbridge.platform.services.cooperation.agreements import active_on


def coverage_rows(region_id: int, on_date: date) -> Select:
    """Every specialty a school of the region teaches, with its distinct partners in force.

    A school teaches the specialties it lists and those of its cohorts (as in
    `cooperation.school_specialty_ids`); partners are the enterprises of agreements active on
    `on_date` that name the specialty. Columns: school_id, school_name, specialty_id,
    specialty_name, specialty_code, partners, enterprise_ids (comma-separated, or NULL). Both
    the dashboard and the R3 compliance check read this one query.
    """
    taught = union(
        select(school_specialty.c.school_id, school_specialty.c.specialty_id),
        select(Cohort.school_id, Cohort.specialty_id),
    ).subquery("taught")
    partners = (
        select(
            CooperationAgreement.school_id,
            agreement_specialty.c.specialty_id,
            func.count(func.distinct(CooperationAgreement.enterprise_id)).label("n"),
            func.aggregate_strings(cast(CooperationAgreement.enterprise_id, String), ",").label(
                "enterprise_ids"
            ),
        )
        .join(agreement_specialty, agreement_specialty.c.agreement_id == CooperationAgreement.id)
        .where(active_on(on_date))
        .group_by(CooperationAgreement.school_id, agreement_specialty.c.specialty_id)
        .subquery("partners")
    )
    count: ColumnElement[int] = func.coalesce(partners.c.n, 0)
    return (
        select(
            School.id.label("school_id"),
            School.name.label("school_name"),
            Specialty.id.label("specialty_id"),
            Specialty.name.label("specialty_name"),
            Specialty.code.label("specialty_code"),
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
        .where(School.region_id == region_id)
    )
