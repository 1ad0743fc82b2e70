"""A base's or studio's record: its host applies and keeps the figures; the bureau reads all.

The host is the actor's enterprise or school; the leader a person the platform already knows
(named by national ID and the name it holds). Which kinds a region keeps is policy data
(platform/policy/bases.toml): those its seed gives thresholds for.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    BaseKind,
    BaseStatus,
    Enterprise,
    Person,
    Region,
    Role,
    School,
    SubsidyClaim,
    TrainingBase,
    User,
)
from skillbridge.platform.policy.bases import kinds_of
from skillbridge.platform.services import audit, listing
from skillbridge.platform.services.errors import InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.known_persons import known_person
from skillbridge.platform.services.packs import region_pack
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.policies import (
    can_manage_base,
    can_read_bases,
    can_record_base,
    can_view_base,
)
from skillbridge.platform.text import N_

NAME_MAX = 120
#: No figure of a real base comes near this; a larger one is a typing error.
FIGURE_MAX = 1_000_000

BASE_LIST = listing.ListSpec(
    search=(
        listing.contains(TrainingBase.name),
        listing.through(TrainingBase.enterprise_id, Enterprise.id, Enterprise.name),
        listing.through(TrainingBase.school_id, School.id, School.name),
        listing.through(TrainingBase.leader_person_id, Person.id, Person.name),
    ),
    filters={
        "kind": (N_("类别"), listing.enum_options(TrainingBase.kind, BaseKind)),
        "status": (N_("状态"), listing.enum_options(TrainingBase.status, BaseStatus)),
    },
    sorts={
        "newest": listing.Sort(N_("最近申报在前"), (TrainingBase.id.desc(),)),
        "name": listing.Sort(N_("按名称"), (TrainingBase.name, TrainingBase.id)),
    },
    default_sort="newest",
)


@dataclass(frozen=True)
class BaseInput:
    """What the application and edit forms give; `kind` is read on application only."""

    kind: str
    name: str
    leader_name: str
    leader_national_id: str
    occupation_count: int | None
    site_m2: int | None
    capacity: int | None
    yearly_intake: int | None


_FIGURES = (
    ("occupation_count", N_("可开设职业工种数：必填，0 至 1000000 的整数")),
    ("site_m2", N_("场地面积（平方米）：必填，0 至 1000000 的整数")),
    ("capacity", N_("一次性培训规模（人）：必填，0 至 1000000 的整数")),
    ("yearly_intake", N_("年培训人次：必填，0 至 1000000 的整数")),
)


def _checked_figures(data: BaseInput) -> tuple[dict[str, int], list[str]]:
    figures, problems = {}, []
    for field, problem in _FIGURES:
        value = getattr(data, field)
        if value is None or not 0 <= value <= FIGURE_MAX:
            problems.append(problem)
        else:
            figures[field] = value
    return figures, problems


def _host(session: Session, actor: User) -> tuple[Region, int | None, int | None]:
    """(region, enterprise id, school id) of the organisation the actor applies for."""
    if not can_record_base(actor):
        raise PermissionDenied(N_("只有企业、学校的管理人员可以申报实训基地和工作室"))
    if actor.role == Role.ENTERPRISE and actor.enterprise_id is not None:
        enterprise = session.get_one(Enterprise, actor.enterprise_id)
        return session.get_one(Region, enterprise.region_id), enterprise.id, None
    assert actor.school_id is not None  # can_record_base: a school's manager
    school = session.get_one(School, actor.school_id)
    return session.get_one(Region, school.region_id), None, school.id


def _leader(session: Session, keys: IdentityKeys, data: BaseInput) -> Person:
    return known_person(
        session,
        keys,
        data.leader_name,
        data.leader_national_id,
        N_("领办人：平台未登记该身份证号（领办人须已在平台登记为学生或职工）"),
    )


def _checked(
    session: Session, keys: IdentityKeys, data: BaseInput
) -> tuple[str, dict[str, int], Person]:
    """The name, figures and leader, or InvalidInput naming every field that is wrong."""
    problems = []
    name = data.name.strip()
    if not name:
        problems.append(N_("名称：必填"))
    elif len(name) > NAME_MAX:
        problems.append(N_("名称：最多 120 个字符"))
    figures, wrong = _checked_figures(data)
    problems.extend(wrong)
    leader = None
    try:
        leader = _leader(session, keys, data)
    except InvalidInput as error:
        problems.append(error.message)
    if problems:
        raise InvalidInput(N_("基地信息有误，未保存"), details=problems)
    assert leader is not None
    return name, figures, leader


def create_base(session: Session, actor: User, keys: IdentityKeys, data: BaseInput) -> TrainingBase:
    """Apply (申报) for a base or studio hosted by the actor's organisation."""
    region, enterprise_id, school_id = _host(session, actor)
    if data.kind not in kinds_of(region_pack(region).region):
        raise InvalidInput(
            N_("基地信息有误，未保存"), details=[N_("类别：本地区政策未设该类别，请从列表中选择")]
        )
    name, figures, leader = _checked(session, keys, data)
    base = TrainingBase(
        region_id=region.id,
        kind=BaseKind(data.kind),
        name=name,
        enterprise_id=enterprise_id,
        school_id=school_id,
        leader_person_id=leader.id,
        status=BaseStatus.APPLIED,
        created_by_id=actor.id,
        **figures,
    )
    session.add(base)
    session.flush()
    audit.record(session, actor, "training_base.created", "training_base", base.id, _summary(base))
    return base


def _summary(base: TrainingBase) -> dict[str, object]:
    return {
        "kind": base.kind.value,
        "name": base.name,
        "leader_person_id": base.leader_person_id,
        "occupation_count": base.occupation_count,
        "site_m2": base.site_m2,
        "capacity": base.capacity,
        "yearly_intake": base.yearly_intake,
    }


def get_base(session: Session, actor: User, base_id: int) -> TrainingBase:
    """A base the actor may see; 404 for anyone else (its existence is not told)."""
    base = session.get(TrainingBase, base_id)
    if base is None or not can_view_base(actor, base):
        raise NotFound(N_("实训基地或工作室不存在"))
    return base


def managed_base(session: Session, actor: User, base_id: int) -> TrainingBase:
    """A base the actor keeps for its host (404 unseen, 403 seen but not its)."""
    base = get_base(session, actor, base_id)
    if not can_manage_base(actor, base):
        raise PermissionDenied(N_("只有举办单位可以修改基地记录"))
    return base


def update_base(
    session: Session, actor: User, keys: IdentityKeys, base_id: int, data: BaseInput
) -> TrainingBase:
    """The host updates its figures and leader (the next yearly review reads them)."""
    base = managed_base(session, actor, base_id)
    name, figures, leader = _checked(session, keys, data)
    before = _summary(base)
    base.name = name
    base.leader_person_id = leader.id
    for field, value in figures.items():
        setattr(base, field, value)
    session.flush()
    audit.record(
        session,
        actor,
        "training_base.updated",
        "training_base",
        base.id,
        {"before": before, "after": _summary(base)},
    )
    return base


def _visible(actor: User) -> ColumnElement[bool] | None:
    if actor.region_id is not None and can_read_bases(actor, actor.region_id):
        return TrainingBase.region_id == actor.region_id
    if actor.role == Role.ENTERPRISE and can_record_base(actor):
        return TrainingBase.enterprise_id == actor.enterprise_id
    if actor.role == Role.SCHOOL and can_record_base(actor):
        return TrainingBase.school_id == actor.school_id
    return None


def list_bases(
    session: Session, actor: User, page: int = 1, query: listing.ListQuery | None = None
) -> Page[TrainingBase]:
    """A page of the bases the actor sees: its organisation's, or the bureau's region's."""
    condition = _visible(actor)
    if condition is None:
        raise PermissionDenied(N_("只有举办单位和人社局可以查看实训基地和工作室"))
    statement = select(TrainingBase).where(condition)
    statement = listing.refine(statement, BASE_LIST, query or listing.ListQuery())
    return paginate(session, statement, page, lambda row: row[0])


def host_name(session: Session, base: TrainingBase) -> str:
    """The host as the pages name it: the enterprise's or the school's name."""
    if base.enterprise_id is not None:
        return session.get_one(Enterprise, base.enterprise_id).name
    assert base.school_id is not None  # the one_host CHECK
    return session.get_one(School, base.school_id).name


def base_claims(session: Session, base: TrainingBase) -> list[SubsidyClaim]:
    """The claims its recognition raised, newest first."""
    return list(
        session.scalars(
            select(SubsidyClaim)
            .where(SubsidyClaim.training_base_id == base.id)
            .order_by(SubsidyClaim.id.desc())
        )
    )
