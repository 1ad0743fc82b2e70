"""The occupation catalogue (国家职业分类大典): list, add, edit and retire occupations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import OCCUPATION_CODE, Occupation, User
from skillbridge.platform.services import audit, listing
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.reference_data.access import keeper_region, reader_region
from skillbridge.platform.text import N_

OCCUPATION_LIST = listing.ListSpec(
    search=(
        listing.contains(Occupation.code),
        listing.contains(Occupation.name),
        listing.contains(Occupation.name_en),
    ),
    filters={
        "state": (
            N_("状态"),
            {
                "current": listing.Option(lambda: Occupation.retired.is_(False), N_("在用")),
                "retired": listing.Option(lambda: Occupation.retired.is_(True), N_("已停用")),
            },
        ),
        "access": (
            N_("就业准入"),
            {
                "yes": listing.Option(
                    lambda: Occupation.requires_certificate.is_(True), N_("准入类")
                ),
                "no": listing.Option(
                    lambda: Occupation.requires_certificate.is_(False), N_("非准入类")
                ),
            },
        ),
    },
    sorts={"code": listing.Sort(N_("按编码"), (Occupation.code, Occupation.id))},
    default_sort="code",
)


@dataclass(frozen=True)
class OccupationInput:
    """What the form says of an occupation; `code` is read only when adding."""

    code: str
    name: str
    name_en: str
    requires_certificate: bool


def list_occupations(
    session: Session, actor: User, page: int = 1, query: listing.ListQuery | None = None
) -> Page[Occupation]:
    """A page of the catalogue, searched by code or name."""
    reader_region(actor)
    statement = listing.refine(select(Occupation), OCCUPATION_LIST, query or listing.ListQuery())
    return paginate(session, statement, page, first_column)


def get_occupation(session: Session, actor: User, occupation_id: int) -> Occupation:
    reader_region(actor)
    occupation = session.get(Occupation, occupation_id)
    if occupation is None:
        raise NotFound(N_("职业不存在"))
    return occupation


def _checked(data: OccupationInput) -> OccupationInput:
    problems = []
    code, name, name_en = data.code.strip(), data.name.strip(), data.name_en.strip()
    if not OCCUPATION_CODE.fullmatch(code):
        problems.append(N_("职业编码应为国家职业分类大典的格式，如 6-18-01-01"))
    if not name:
        problems.append(N_("请填写职业名称"))
    if not name_en:
        problems.append(N_("请填写职业英文名称"))
    if len(name) > 100 or len(name_en) > 120:
        problems.append(N_("职业名称过长"))
    if problems:
        raise InvalidInput(N_("职业信息有误"), details=problems)
    return OccupationInput(code, name, name_en, data.requires_certificate)


def _state(occupation: Occupation) -> dict[str, object]:
    return {
        "code": occupation.code,
        "name": occupation.name,
        "name_en": occupation.name_en,
        "requires_certificate": occupation.requires_certificate,
        "retired": occupation.retired,
    }


def add_occupation(session: Session, actor: User, data: OccupationInput) -> Occupation:
    """A new occupation of the catalogue; its code is unique."""
    keeper_region(actor)
    data = _checked(data)
    if session.scalar(select(Occupation.id).where(Occupation.code == data.code)) is not None:
        raise Conflict(N_("该职业编码已在目录中"))
    occupation = Occupation(
        code=data.code,
        name=data.name,
        name_en=data.name_en,
        requires_certificate=data.requires_certificate,
    )
    session.add(occupation)
    session.flush()
    audit.record(
        session, actor, "occupation_added", "occupation", occupation.id, _state(occupation)
    )
    return occupation


def edit_occupation(
    session: Session, actor: User, occupation_id: int, data: OccupationInput
) -> Occupation:
    """Names and the employment-access flag change; the code never does (lists refer to it)."""
    keeper_region(actor)
    occupation = get_occupation(session, actor, occupation_id)
    data = _checked(
        OccupationInput(occupation.code, data.name, data.name_en, data.requires_certificate)
    )
    before = _state(occupation)
    occupation.name, occupation.name_en = data.name, data.name_en
    occupation.requires_certificate = data.requires_certificate
    session.flush()
    audit.record(
        session,
        actor,
        "occupation_edited",
        "occupation",
        occupation.id,
        {"before": before, "after": _state(occupation)},
    )
    return occupation


def set_retired(session: Session, actor: User, occupation_id: int, retired: bool) -> Occupation:
    """Retire an occupation (no new listing names it) or bring it back."""
    keeper_region(actor)
    occupation = get_occupation(session, actor, occupation_id)
    if occupation.retired == retired:
        raise Conflict(N_("该职业已停用") if retired else N_("该职业在用"))
    occupation.retired = retired
    session.flush()
    audit.record(
        session,
        actor,
        "occupation_retired" if retired else "occupation_restored",
        "occupation",
        occupation.id,
        {"code": occupation.code},
    )
    return occupation
