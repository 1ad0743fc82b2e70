"""The bureau's yearly designations: designated schools and education bases, key-industry enterprises.

The lists page the region's schools or enterprises with what the bureau recorded for the year;
setting a flag writes that year's record (and audits it). Years never touch one another: the
record of year Y is read for what happens in year Y (see yearly).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from skillbridge.models import Enterprise, EnterpriseDesignation, School, SchoolDesignation, User
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import NotFound
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.reference_data.access import keeper_region, reader_region
from skillbridge.platform.services.reference_data.shortage_lists import check_year
from skillbridge.platform.text import N_


@dataclass(frozen=True)
class SchoolRow:
    """A school and the year's record; None where the bureau recorded nothing for the year."""

    school_id: int
    name: str
    designated: bool | None
    education_base: bool | None


@dataclass(frozen=True)
class EnterpriseRow:
    """An enterprise, the year's record (None: none) and the flag it was registered with."""

    enterprise_id: int
    name: str
    key_industry: bool | None
    registered_key_industry: bool


def school_page(session: Session, actor: User, year: int, page: int) -> Page[SchoolRow]:
    region_id = reader_region(actor)
    statement = (
        select(
            School.id,
            School.name,
            SchoolDesignation.designated,
            SchoolDesignation.education_base,
        )
        .outerjoin(
            SchoolDesignation,
            and_(SchoolDesignation.school_id == School.id, SchoolDesignation.year == year),
        )
        .where(School.region_id == region_id)
        .order_by(School.name, School.id)
    )
    return paginate(session, statement, page, lambda r: SchoolRow(*r))


def enterprise_page(session: Session, actor: User, year: int, page: int) -> Page[EnterpriseRow]:
    region_id = reader_region(actor)
    statement = (
        select(
            Enterprise.id,
            Enterprise.name,
            EnterpriseDesignation.key_industry,
            Enterprise.is_key_industry,
        )
        .outerjoin(
            EnterpriseDesignation,
            and_(
                EnterpriseDesignation.enterprise_id == Enterprise.id,
                EnterpriseDesignation.year == year,
            ),
        )
        .where(Enterprise.region_id == region_id)
        .order_by(Enterprise.name, Enterprise.id)
    )
    return paginate(session, statement, page, lambda r: EnterpriseRow(*r))


def designate_school(
    session: Session,
    actor: User,
    school_id: int,
    year: int,
    this_year: int,
    *,
    designated: bool,
    education_base: bool,
) -> SchoolDesignation:
    """Record for `year` whether the school is designated and in an education base."""
    region_id = keeper_region(actor)
    check_year(year, this_year)
    school = session.get(School, school_id)
    if school is None or school.region_id != region_id:
        raise NotFound(N_("学校不存在"))
    record = session.scalar(
        select(SchoolDesignation)
        .where(SchoolDesignation.school_id == school_id, SchoolDesignation.year == year)
        .with_for_update()
    )
    before = None if record is None else [record.designated, record.education_base]
    if record is None:
        record = SchoolDesignation(school_id=school_id, year=year)
        session.add(record)
    record.designated, record.education_base = designated, education_base
    session.flush()
    audit.record(
        session,
        actor,
        "school_designated",
        "school",
        school_id,
        {"year": year, "before": before, "after": [designated, education_base]},
    )
    return record


def designate_enterprise(
    session: Session,
    actor: User,
    enterprise_id: int,
    year: int,
    this_year: int,
    *,
    key_industry: bool,
) -> EnterpriseDesignation:
    """Record for `year` whether the enterprise is a key-industry enterprise."""
    region_id = keeper_region(actor)
    check_year(year, this_year)
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is None or enterprise.region_id != region_id:
        raise NotFound(N_("企业不存在"))
    record = session.scalar(
        select(EnterpriseDesignation)
        .where(
            EnterpriseDesignation.enterprise_id == enterprise_id,
            EnterpriseDesignation.year == year,
        )
        .with_for_update()
    )
    before = None if record is None else record.key_industry
    if record is None:
        record = EnterpriseDesignation(enterprise_id=enterprise_id, year=year)
        session.add(record)
    record.key_industry = key_industry
    session.flush()
    audit.record(
        session,
        actor,
        "enterprise_designated",
        "enterprise",
        enterprise_id,
        {"year": year, "before": before, "after": key_industry},
    )
    return record
