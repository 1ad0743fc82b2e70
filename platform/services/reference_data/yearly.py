"""The reference data of one year, as eligibility, matching and subsidies read it.

What happens in year Y (a claim dated in Y, a placement starting in Y) reads year Y's records
only, so a list kept for next year changes nothing before next year.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Enterprise,
    EnterpriseDesignation,
    Occupation,
    SchoolDesignation,
    ShortageListing,
)


def shortage_codes(session: Session, region_id: int, year: int) -> frozenset[str]:
    """The occupation codes on the region's shortage list of `year`."""
    return frozenset(
        session.scalars(
            select(Occupation.code)
            .join(ShortageListing, ShortageListing.occupation_id == Occupation.id)
            .where(ShortageListing.region_id == region_id, ShortageListing.year == year)
        )
    )


def shortage_pairs(session: Session, region_id: int, years: Iterable[int]) -> set[tuple[int, int]]:
    """(occupation id, year) of every listing of the region in `years`."""
    return set(
        (occupation_id, year)
        for occupation_id, year in session.execute(
            select(ShortageListing.occupation_id, ShortageListing.year).where(
                ShortageListing.region_id == region_id, ShortageListing.year.in_(set(years))
            )
        )
    )


def school_designation(session: Session, school_id: int, year: int) -> SchoolDesignation | None:
    """What the bureau recorded of the school for `year`, if anything."""
    return session.scalar(
        select(SchoolDesignation).where(
            SchoolDesignation.school_id == school_id, SchoolDesignation.year == year
        )
    )


def is_key_industry(session: Session, enterprise: Enterprise, year: int) -> bool:
    """The bureau's record for `year` when it kept one, else the flag the enterprise registered."""
    listed = session.scalar(
        select(EnterpriseDesignation.key_industry).where(
            EnterpriseDesignation.enterprise_id == enterprise.id,
            EnterpriseDesignation.year == year,
        )
    )
    return enterprise.is_key_industry if listed is None else listed
