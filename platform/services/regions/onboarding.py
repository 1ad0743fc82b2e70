"""Onboarding a region below an upper one: create it under its pack, set its budgets, invite
its first officer; the officer above does it until that officer joins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Budget,
    Region,
    RegionLevel,
    Role,
    StaffInvitation,
    StaffRole,
    User,
)
from skillbridge.platform.services.accounts.invitations import StaffInvite, record_invitation
from skillbridge.platform.services.errors import InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import (
    UPPER_LEVELS,
    can_onboard_region,
    can_read_region_figures,
    can_set_up_region,
)
from skillbridge.platform.services.regions.hierarchy import NewRegion, create_region
from skillbridge.platform.services.reporting.dashboard import require_bureau
from skillbridge.platform.services.subsidies.budgets import allocate_budget
from skillbridge.platform.text import N_

#: The levels a region below each upper level may have.
CHILD_LEVELS = {
    RegionLevel.PROVINCE: (RegionLevel.PREFECTURE, RegionLevel.CITY, RegionLevel.DISTRICT),
    RegionLevel.AUTONOMOUS_REGION: (RegionLevel.PREFECTURE, RegionLevel.CITY),
    RegionLevel.PREFECTURE: (RegionLevel.CITY, RegionLevel.DISTRICT),
}


@dataclass(frozen=True)
class Setup:
    """A region below the actor's, as its set-up page shows it."""

    region: Region
    has_officer: bool
    may_set_up: bool
    budgets: Page[Budget]
    invitations: list[StaffInvitation]


def upper_region(session: Session, actor: User) -> Region:
    """The actor's region when it may onboard regions below it (PermissionDenied otherwise)."""
    region = session.get_one(Region, require_bureau(actor))
    if not can_onboard_region(actor, region):
        raise PermissionDenied(N_("只有省、自治区或地级市、盟的人社局经办人可以新增下级地区"))
    return region


def child_levels(region: Region) -> tuple[RegionLevel, ...]:
    """The levels a region below `region` may have (none below a city)."""
    return CHILD_LEVELS.get(region.level, ()) if region.level in UPPER_LEVELS else ()


def onboard_region(
    session: Session, actor: User, code: str, name: str, level: str, pack: str | None
) -> Region:
    """Create a region below the actor's, its pack's policies and budgets installed (audited)."""
    parent = upper_region(session, actor)
    allowed = {lv.value for lv in child_levels(parent)}
    if level not in allowed:
        raise InvalidInput(N_("级别：该上级地区下不能设立这一级别的地区"))
    return create_region(
        session, NewRegion(code, name, pack or None, RegionLevel(level), parent), actor
    )


def has_officer(session: Session, region_id: int) -> bool:
    """Whether the region has an active bureau officer of its own."""
    return (
        session.scalar(
            select(User.id)
            .where(User.role == Role.BUREAU, User.region_id == region_id)
            .where(User.staff_role == StaffRole.OFFICER, User.is_active.is_(True))
            .limit(1)
        )
        is not None
    )


def _child(session: Session, actor: User, region_id: int) -> Region:
    region = session.get(Region, region_id)
    if region is None or region.parent_id is None or not can_read_region_figures(actor, region):
        raise NotFound(N_("没有这个地区"))
    return region


def setup_of(session: Session, actor: User, region_id: int, page: int = 1) -> Setup:
    """The set-up page of a region below the actor's, or of the actor's own (read-only)."""
    region = _child(session, actor, region_id)
    staffed = has_officer(session, region.id)
    invitations = session.scalars(
        select(StaffInvitation)
        .where(StaffInvitation.region_id == region.id, StaffInvitation.accepted_at.is_(None))
        .where(StaffInvitation.revoked_at.is_(None))
        .order_by(StaffInvitation.id.desc())
        .limit(5)
    )
    return Setup(
        region,
        staffed,
        can_set_up_region(actor, region, staffed),
        paginate(
            session,
            select(Budget).where(Budget.region_id == region.id).order_by(Budget.code, Budget.id),
            page,
            first_column,
        ),
        list(invitations),
    )


def _settable(session: Session, actor: User, region_id: int) -> Region:
    region = _child(session, actor, region_id)
    if not can_set_up_region(actor, region, has_officer(session, region.id)):
        raise PermissionDenied(N_("该地区已有自己的经办人：上级只能查看，不能修改"))
    return region


def set_initial_budget(
    session: Session, actor: User, region_id: int, budget_id: int, allocated: int
) -> Budget:
    """Set a fund's allocation of a region being onboarded (audited, as the bureau's own is)."""
    region = _settable(session, actor, region_id)
    budget = session.get(Budget, budget_id)
    if budget is None or budget.region_id != region.id:
        raise NotFound(N_("资金不存在"))
    return allocate_budget(session, actor, budget, allocated)


def invite_first_officer(
    session: Session,
    actor: User,
    region_id: int,
    email: str,
    display_name: str,
    now: datetime | None = None,
) -> tuple[StaffInvitation, str]:
    """Invite the region's first officer by the staff invitation flow; the token is shown once."""
    region = _settable(session, actor, region_id)
    return record_invitation(
        session,
        actor,
        StaffInvite(email, display_name, StaffRole.OFFICER.value),
        Role.BUREAU,
        {"region_id": region.id},
        now,
    )
