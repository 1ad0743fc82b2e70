"""Enterprise slots: posting under the intern quotas (N2, N3) and stipend floor (N4), lifecycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    SKILL_LEVEL_MAX,
    SKILL_LEVEL_MIN,
    Enterprise,
    Occupation,
    Role,
    Slot,
    SlotKind,
    SlotStatus,
    Specialty,
    User,
)
from skillbridge.platform.policy import R6_CITATION, PlacementRules
from skillbridge.platform.services import audit, listing
from skillbridge.platform.services.credit import active_credit_record
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.locks import lock_row
from skillbridge.platform.services.packs import placement_rules_for
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.placements.months import add_months
from skillbridge.platform.services.policies import can_manage_slot, can_view_slot, is_verified
from skillbridge.platform.text import N_, Np_

TITLE_MAX = 120
LOCATION_MAX = 120


def slot_end(slot: Slot) -> date:
    """The day the slot's period ends; periods are half-open, [start_date, slot_end)."""
    return add_months(slot.start_date, slot.duration_months)


@dataclass(frozen=True)
class SlotInput:
    """What an enterprise fills in to post a slot."""

    kind: SlotKind
    title: str
    occupation_id: int
    specialty_ids: tuple[int, ...]
    min_level: int
    certificate_required: bool
    start_date: date
    duration_months: int
    seats: int
    stipend_yuan: int
    post_wage_yuan: int | None
    post_headcount: int | None
    location: str


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def _ceiling(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def _field_problems(data: SlotInput, rules: PlacementRules) -> list[str]:
    """Problems visible from the form alone, including N3, N4 and the R1 month cap."""
    problems = []
    if not data.title.strip() or len(data.title.strip()) > TITLE_MAX:
        problems.append(N_("岗位名称不能为空，且不超过 120 个字符"))
    if len(data.location.strip()) > LOCATION_MAX:
        problems.append(N_("工作地点不超过 120 个字符"))
    if data.seats < 1:
        problems.append(N_("席位数至少为 1"))
    if data.duration_months < 1:
        problems.append(N_("期限至少为 1 个月"))
    if not SKILL_LEVEL_MIN <= data.min_level <= SKILL_LEVEL_MAX:
        problems.append(N_("最低技能等级不在等级范围内"))
    if data.stipend_yuan < 0:
        problems.append(N_("实习报酬不能为负数"))
    if data.post_wage_yuan is not None and data.post_wage_yuan < 1:
        problems.append(N_("同岗位职工工资应为正数"))
    if data.post_headcount is not None and data.post_headcount < 1:
        problems.append(N_("同类岗位在岗职工人数应为正数"))
    if data.kind == SlotKind.POST_INTERNSHIP and not problems:
        problems.extend(_post_internship_problems(data, rules))
    return problems


def _post_internship_problems(data: SlotInput, rules: PlacementRules) -> list[str]:
    """N3, N4 and R1 for one post-internship slot, each with the figure and its citation."""
    problems = []
    cap = rules.post_internship_max_months
    if data.duration_months > cap.value:
        problems.append(
            Np_(
                "岗位实习累计不得超过 %(cap)d 个月（%(citation)s）：本岗位期限为 %(n)d 个月",
                "岗位实习累计不得超过 %(cap)d 个月（%(citation)s）：本岗位期限为 %(n)d 个月",
                data.duration_months,
                cap=cap.value,
                citation=cap.citation,
            )
        )
    share = rules.max_intern_share_of_post_staff
    if data.post_headcount is None:
        problems.append(
            N_(
                "岗位实习须填写同类岗位在岗职工人数，以核对实习学生不高于其 %(share)s%%"
                "（%(citation)s）",
                share=share.value,
                citation=share.citation,
            )
        )
    else:
        limit = _floor(share.ratio * data.post_headcount)
        if data.seats > limit:
            problems.append(
                N_(
                    "具体岗位实习学生人数不得高于同类岗位在岗职工总数的 %(share)s%%"
                    "（%(citation)s）：同类岗位在岗职工 %(staff)d 人，"
                    "最多 %(limit)d 个席位，本岗位 %(seats)d 个",
                    share=share.value,
                    citation=share.citation,
                    staff=data.post_headcount,
                    limit=limit,
                    seats=data.seats,
                )
            )
    floor_rule = rules.min_stipend_ratio
    if data.post_wage_yuan is not None:
        floor = floor_rule.ratio * data.post_wage_yuan
        if data.stipend_yuan < floor:
            problems.append(
                N_(
                    "岗位实习报酬不得低于同岗位职工工资的 %(share)s%%"
                    "（%(citation)s）：同岗位工资 %(wage)s 元/月，"
                    "实习报酬至少 %(minimum)s 元/月，填写为 %(stipend)s 元/月",
                    share=floor_rule.value,
                    citation=floor_rule.citation,
                    wage=data.post_wage_yuan,
                    minimum=_ceiling(floor),
                    stipend=data.stipend_yuan,
                )
            )
    return problems


def _staff_share_problem(
    session: Session, enterprise: Enterprise, data: SlotInput, slot_id: int | None
) -> str | None:
    """N2: seats of the enterprise's open post internships overlapping this one, plus its own."""
    if data.kind != SlotKind.POST_INTERNSHIP:
        return None
    rule = placement_rules_for(session, enterprise.region_id).max_intern_share_of_enterprise_staff
    others = session.scalars(
        select(Slot)
        .where(Slot.enterprise_id == enterprise.id)
        .where(Slot.kind == SlotKind.POST_INTERNSHIP)
        .where(Slot.status == SlotStatus.OPEN)
        .where(Slot.id != (slot_id or 0))
    ).all()
    end = add_months(data.start_date, data.duration_months)
    overlapping = [o for o in others if o.start_date < end and data.start_date < slot_end(o)]
    total = data.seats + sum(o.seats for o in overlapping)
    limit = _floor(rule.ratio * enterprise.staff_headcount)
    if total <= limit:
        return None
    return N_(
        "岗位实习学生人数不得超过实习单位在岗职工总数的 %(share)s%%（%(citation)s）："
        "在岗职工 %(staff)d 人，同期最多 %(limit)d 个岗位实习席位，"
        "连同同期已开放岗位合计 %(total)d 个",
        share=rule.value,
        citation=rule.citation,
        staff=enterprise.staff_headcount,
        limit=limit,
        total=total,
    )


def _posting_enterprise(session: Session, actor: User) -> Enterprise:
    """The actor's enterprise, which must be verified to post."""
    if actor.role != Role.ENTERPRISE:
        raise PermissionDenied(N_("只有企业可以发布岗位"))
    enterprise = session.get(Enterprise, actor.enterprise_id)
    assert enterprise is not None  # the role CHECK constraint guarantees the tenant exists
    if not is_verified(enterprise):
        raise PermissionDenied(N_("企业通过人社局审核后才能发布岗位"))
    return enterprise


def _resolve(session: Session, data: SlotInput) -> tuple[Occupation, list[Specialty]]:
    occupation = session.get(Occupation, data.occupation_id)
    if occupation is None:
        raise InvalidInput(N_("所选职业（工种）不存在"))
    ids = sorted(set(data.specialty_ids))
    specialties = list(session.scalars(select(Specialty).where(Specialty.id.in_(ids))))
    if len(specialties) != len(ids):
        raise InvalidInput(N_("所选专业不存在"))
    return occupation, specialties


def _posting_problems(
    session: Session, enterprise: Enterprise, data: SlotInput, slot_id: int | None
) -> list[str]:
    """Every rule a posting breaks: the form's own figures, then N2 against the open slots."""
    problems = _field_problems(data, placement_rules_for(session, enterprise.region_id))
    if not problems:
        share = _staff_share_problem(session, enterprise, data, slot_id)
        problems.extend([share] if share else [])
    return problems


def _check_input(
    session: Session, enterprise: Enterprise, data: SlotInput, slot_id: int | None = None
) -> list[Specialty]:
    _, specialties = _resolve(session, data)
    problems = _posting_problems(session, enterprise, data, slot_id)
    if problems:
        raise InvalidInput(N_("岗位信息不符合要求"), details=problems)
    return specialties


def _apply(slot: Slot, data: SlotInput, specialties: list[Specialty]) -> None:
    slot.kind = data.kind
    slot.title = data.title.strip()
    slot.occupation_id = data.occupation_id
    slot.accepted_specialties = specialties
    slot.min_level = data.min_level
    slot.certificate_required = data.certificate_required
    slot.start_date = data.start_date
    slot.duration_months = data.duration_months
    slot.seats = data.seats
    slot.stipend_yuan = data.stipend_yuan
    slot.post_wage_yuan = data.post_wage_yuan
    slot.post_headcount = data.post_headcount
    slot.location = data.location.strip()


def _audit_data(slot: Slot) -> dict[str, object]:
    return {
        "kind": slot.kind.value,
        "seats": slot.seats,
        "start_date": slot.start_date.isoformat(),
        "duration_months": slot.duration_months,
        "stipend_yuan": slot.stipend_yuan,
    }


def create_slot(session: Session, actor: User, data: SlotInput) -> Slot:
    """A verified enterprise drafts a slot; N3, N4 and R1's month cap are checked now."""
    enterprise = _posting_enterprise(session, actor)
    specialties = _check_input(session, enterprise, data)
    slot = Slot(enterprise_id=enterprise.id, status=SlotStatus.DRAFT, seats_taken=0)
    _apply(slot, data, specialties)
    session.add(slot)
    session.flush()
    audit.record(session, actor, "slot.created", "slot", slot.id, _audit_data(slot))
    return slot


def get_slot(session: Session, actor: User, slot_id: int) -> Slot:
    """A slot the actor may see: open ones for schools and students, own ones for enterprises."""
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise NotFound(N_("岗位不存在"))
    enterprise = session.get(Enterprise, slot.enterprise_id)
    assert enterprise is not None
    if not can_view_slot(actor, slot, enterprise.region_id):
        raise PermissionDenied(N_("无权查看该岗位"))
    return slot


def get_own_slot(session: Session, actor: User, slot_id: int, lock: bool = False) -> Slot:
    """The actor's own slot (locked if asked): 404 when absent, 403 when another enterprise's."""
    slot = lock_row(session, Slot, slot_id) if lock else session.get(Slot, slot_id)
    if slot is None:
        raise NotFound(N_("岗位不存在"))
    if not can_manage_slot(actor, slot):
        raise PermissionDenied(N_("无权管理该岗位"))
    return slot


def update_slot(session: Session, actor: User, slot_id: int, data: SlotInput) -> Slot:
    """Edit a draft; an open or closed slot is fixed because students may have ranked it."""
    slot = get_own_slot(session, actor, slot_id, lock=True)
    enterprise = _posting_enterprise(session, actor)
    if slot.status != SlotStatus.DRAFT:
        raise Conflict(N_("只有草稿状态的岗位可以修改"))
    specialties = _check_input(session, enterprise, data, slot.id)
    _apply(slot, data, specialties)
    session.flush()
    audit.record(session, actor, "slot.updated", "slot", slot.id, _audit_data(slot))
    return slot


def open_slot(session: Session, actor: User, slot_id: int, today: date) -> Slot:
    """Open a draft: verified enterprise, no credit record (R6), within N2 with its open slots.

    The enterprise row is locked first so that two slots opened at once cannot together pass
    N2, an aggregate over several rows (write skew); SQLite's BEGIN IMMEDIATE serialises too.
    """
    if actor.role != Role.ENTERPRISE:
        raise PermissionDenied(N_("无权管理该岗位"))
    assert actor.enterprise_id is not None  # role_matches_tenant
    enterprise = lock_row(session, Enterprise, actor.enterprise_id)
    assert enterprise is not None  # the actor's own enterprise
    slot = get_own_slot(session, actor, slot_id, lock=True)
    if not is_verified(enterprise):
        raise PermissionDenied(N_("企业通过人社局审核后才能发布岗位"))
    if slot.status != SlotStatus.DRAFT:
        raise Conflict(N_("只有草稿状态的岗位可以开放"))
    record = active_credit_record(session, today, "blocks_slots", enterprise_id=enterprise.id)
    if record is not None:
        raise PermissionDenied(
            N_(
                "企业处于诚信档案限制期（至 %(until)s，原因：%(reason)s），"
                "不得开放新岗位（%(citation)s）",
                until=record.ends_on.isoformat(),
                reason=record.reason,
                citation=R6_CITATION,
            )
        )
    if slot.start_date < today:
        raise Conflict(N_("岗位开始日期已过，请修改后再开放"))
    # Other slots may have opened since this one was drafted, and the pack may have changed.
    problems = _posting_problems(session, enterprise, slot_input(slot), slot.id)
    if problems:
        raise Conflict(N_("岗位不能开放"), details=problems)
    slot.status = SlotStatus.OPEN
    session.flush()
    audit.record(session, actor, "slot.opened", "slot", slot.id, _audit_data(slot))
    return slot


def slot_input(slot: Slot) -> SlotInput:
    """The slot's current values as an input (to prefill the edit form and re-check rules)."""
    return SlotInput(
        kind=slot.kind,
        title=slot.title,
        occupation_id=slot.occupation_id,
        specialty_ids=tuple(s.id for s in slot.accepted_specialties),
        min_level=slot.min_level,
        certificate_required=slot.certificate_required,
        start_date=slot.start_date,
        duration_months=slot.duration_months,
        seats=slot.seats,
        stipend_yuan=slot.stipend_yuan,
        post_wage_yuan=slot.post_wage_yuan,
        post_headcount=slot.post_headcount,
        location=slot.location,
    )


def close_slot(session: Session, actor: User, slot_id: int) -> Slot:
    """Close an open slot: it takes no new preferences or offers."""
    slot = get_own_slot(session, actor, slot_id, lock=True)
    if slot.status != SlotStatus.OPEN:
        raise Conflict(N_("只有开放中的岗位可以关闭"))
    slot.status = SlotStatus.CLOSED
    session.flush()
    audit.record(session, actor, "slot.closed", "slot", slot.id, {})
    return slot


_NEWEST = listing.Sort(N_("最新发布"), (Slot.created_at.desc(), Slot.id.desc()))
_SOONEST = listing.Sort(N_("最早开始"), (Slot.start_date, Slot.id))

OWN_SLOT_LIST = listing.ListSpec(
    search=(listing.contains(Slot.title), listing.contains(Slot.location)),
    filters={
        "status": (N_("状态"), listing.enum_options(Slot.status, SlotStatus)),
        "kind": (N_("类型"), listing.enum_options(Slot.kind, SlotKind)),
    },
    sorts={"newest": _NEWEST, "start": _SOONEST},
    default_sort="newest",
)

OPEN_SLOT_LIST = listing.ListSpec(
    search=(
        listing.contains(Slot.title),
        listing.contains(Slot.location),
        listing.contains(Enterprise.name),
    ),
    filters={"kind": (N_("类型"), listing.enum_options(Slot.kind, SlotKind))},
    sorts={
        "start": _SOONEST,
        "stipend": listing.Sort(N_("实习报酬从高到低"), (Slot.stipend_yuan.desc(), Slot.id)),
        "newest": _NEWEST,
    },
    default_sort="start",
)


def list_own_slots(
    session: Session, actor: User, page: int = 1, query: listing.ListQuery | None = None
) -> Page[Slot]:
    """A page of the enterprise's slots, as asked (newest first unless sorted otherwise)."""
    if actor.role != Role.ENTERPRISE:
        raise PermissionDenied(N_("只有企业可以管理岗位"))
    statement = select(Slot).where(Slot.enterprise_id == actor.enterprise_id)
    statement = listing.refine(statement, OWN_SLOT_LIST, query or listing.ListQuery())
    return paginate(session, statement, page, first_column)


class ListedSlot(NamedTuple):
    """A line of the open-slot list: the columns it shows, not a slot and its enterprise."""

    id: int
    title: str
    enterprise_name: str
    kind: SlotKind
    start_date: date
    duration_months: int
    seats_left: int
    stipend_yuan: int
    location: str


def list_open_slots(
    session: Session, actor: User, page: int = 1, query: listing.ListQuery | None = None
) -> Page[ListedSlot]:
    """A page of the open slots a school, a student or a bureau may browse, as asked.

    Schools and students see every open slot (cooperation may cross regions); a bureau sees the
    open slots of its own region's enterprises.
    """
    statement = (
        select(
            Slot.id,
            Slot.title,
            Enterprise.name,
            Slot.kind,
            Slot.start_date,
            Slot.duration_months,
            Slot.seats - Slot.seats_taken,
            Slot.stipend_yuan,
            Slot.location,
        )
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .where(Slot.status == SlotStatus.OPEN)
    )
    if actor.role == Role.ENTERPRISE:
        raise PermissionDenied(N_("企业请在“岗位管理”中查看本企业岗位"))
    if actor.role == Role.BUREAU:
        statement = statement.where(Enterprise.region_id == actor.region_id)
    statement = listing.refine(statement, OPEN_SLOT_LIST, query or listing.ListQuery())
    return paginate(session, statement, page, ListedSlot._make)
