"""The cooperation agreement list's rows: the columns it shows, in two statements built once."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.orm import Session, aliased

from skillbridge.models import (
    AgreementStatus,
    CooperationAgreement,
    CooperationKind,
    Enterprise,
    Role,
    School,
    Specialty,
    User,
)
from skillbridge.models.agreement import agreement_specialty
from skillbridge.platform.services import listing, windowed
from skillbridge.platform.services.cooperation.agreements import AGREEMENT_LIST
from skillbridge.platform.services.errors import PermissionDenied
from skillbridge.platform.services.paging import Page
from skillbridge.platform.text import N_

# The names shown: aliases, so that the list's search (a subquery of School and Enterprise
# each) is not correlated with them.
_school = aliased(School)
_enterprise = aliased(Enterprise)


class AgreementRow(NamedTuple):
    """A line of the agreement list, with the names of its specialties."""

    id: int
    status: AgreementStatus
    school_name: str
    enterprise_name: str
    kind: CooperationKind
    valid_from: date
    valid_to: date
    specialties: tuple[str, ...]


def agreement_rows_page(
    session: Session, actor: User, page: int, query: listing.ListQuery
) -> Page[AgreementRow]:
    """Page `page` (from 1, clamped) of the agreements agreements.list_agreements() gives, as
    rows: the party's own, or all of a bureau's schools', in the same order."""
    if actor.role not in _TENANTS:
        raise PermissionDenied(N_("无权查看合作协议"))
    tenant = getattr(actor, _TENANTS[actor.role])
    statement = _rows_statement(actor.role, listing.shape_of(query))
    values = {"tenant": tenant, **listing.search_values(query)}
    rows = windowed.page_of_rows(session, statement, values, page, _columns)
    names: dict[int, list[str]] = {}
    if rows.items:
        ids = [row[0] for row in rows.items]
        for agreement_id, name in session.execute(_specialties_statement(), {"ids": ids}):
            names.setdefault(agreement_id, []).append(name)
    return rows.with_items(
        [AgreementRow._make((*row, tuple(names.get(row[0], ())))) for row in rows.items]
    )


def _columns(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return row


# The actor's attribute each role's list is narrowed by.
_TENANTS = {Role.SCHOOL: "school_id", Role.ENTERPRISE: "enterprise_id", Role.BUREAU: "region_id"}


def _scope(role: Role, tenant: Any) -> ColumnElement[bool]:
    if role == Role.SCHOOL:
        return CooperationAgreement.school_id == tenant
    if role == Role.ENTERPRISE:
        return CooperationAgreement.enterprise_id == tenant
    return _school.region_id == tenant


@cache
def _rows_statement(role: Role, shape: listing.Shape) -> windowed.PagedStatement:
    statement = (
        select(
            CooperationAgreement.id,
            CooperationAgreement.status,
            _school.name,
            _enterprise.name,
            CooperationAgreement.kind,
            CooperationAgreement.valid_from,
            CooperationAgreement.valid_to,
        )
        .join(_school, _school.id == CooperationAgreement.school_id)
        .join(_enterprise, _enterprise.id == CooperationAgreement.enterprise_id)
        .where(_scope(role, bindparam("tenant")))
    )
    return windowed.paged(listing.refine_shape(statement, AGREEMENT_LIST, shape))


@cache
def _specialties_statement() -> Select[int, str]:
    """The specialties of the agreements `ids`, as the agreement's relationship loads them: the
    same statement, in the database's order (the relationship has none)."""
    return (
        select(agreement_specialty.c.agreement_id, Specialty.name)
        .join(Specialty, Specialty.id == agreement_specialty.c.specialty_id)
        .where(agreement_specialty.c.agreement_id.in_(bindparam("ids", expanding=True)))
    )
