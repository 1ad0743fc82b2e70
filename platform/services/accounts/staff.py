"""An organisation's staff: the admin lists them, changes a staff role, deactivates an account."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillbridge.models import STAFF_ROLES, StaffRole, User
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.accounts.invitations import same_organisation
from skillbridge.platform.services.accounts.registration import new_session_token
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.locks import lock_row
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import (
    STAFF_ADMINS,
    can_manage_staff,
    can_manage_staff_member,
)
from skillbridge.platform.text import N_

STAFF_ROLE_CHANGED = "staff.role_changed"


def list_staff(session: Session, actor: User, page: int = 1) -> Page[User]:
    """A page of the admin's organisation's accounts, active first, then by name."""
    if not can_manage_staff(actor):
        raise PermissionDenied(N_("只有本机构管理员可以管理工作人员"))
    statement = (
        select(User)
        .where(same_organisation(User, actor))
        .order_by(User.is_active.desc(), User.display_name, User.id)
    )
    return paginate(session, statement, page, first_column)


def staff_of_role(session: Session, actor: User, staff_role: StaffRole) -> list[User]:
    """The active accounts of the actor's organisation holding `staff_role` (assignment forms)."""
    return list(
        session.scalars(
            select(User)
            .where(same_organisation(User, actor))
            .where(User.staff_role == staff_role, User.is_active.is_(True))
            .order_by(User.display_name, User.id)
        )
    )


def _member(session: Session, actor: User, user_id: int) -> User:
    """The account locked, 404 outside the admin's organisation, 403 for a non-admin."""
    if not can_manage_staff(actor):
        raise PermissionDenied(N_("只有本机构管理员可以管理工作人员"))
    # The organisation's admins first, in id order, then the member: two admins stopping each
    # other at once queue here, and the second sees the first's change (never zero admins).
    session.scalars(
        select(User.id)
        .where(same_organisation(User, actor), User.staff_role == STAFF_ADMINS[actor.role])
        .order_by(User.id)
        .with_for_update()
    ).all()
    member = lock_row(session, User, user_id)
    if member is None or not can_manage_staff_member(actor, member):
        raise NotFound(N_("该工作人员不存在"))
    if member.id == actor.id:
        raise Conflict(N_("不能更改或停用自己的账号"))
    return member


def _refuse_last_admin(session: Session, actor: User, member: User) -> None:
    """The organisation always keeps one active admin (a bureau: one officer)."""
    admin = STAFF_ADMINS[member.role]
    if member.staff_role != admin or not member.is_active:
        return
    others = session.scalar(
        select(func.count(User.id))
        .where(same_organisation(User, actor))
        .where(User.staff_role == admin, User.is_active.is_(True), User.id != member.id)
    )
    if not others:
        raise Conflict(N_("这是本机构最后一名管理员，不能更改或停用"))


def change_staff_role(session: Session, actor: User, user_id: int, staff_role: str) -> User:
    """Give a colleague another staff role of the organisation; their sessions carry on."""
    member = _member(session, actor, user_id)
    if staff_role not in {s.value for s in STAFF_ROLES[member.role]}:
        raise InvalidInput(N_("该机构没有这种岗位角色"))
    new_role = StaffRole(staff_role)
    if new_role == member.staff_role:
        return member
    _refuse_last_admin(session, actor, member)
    old_role = member.staff_role
    member.staff_role = new_role
    session.flush()
    notifications.notify(
        session, [member], STAFF_ROLE_CHANGED, N_("您的岗位角色已变更"), new_role.value
    )
    audit.record(
        session,
        actor,
        "staff.role_changed",
        "user",
        member.id,
        {"from": old_role.value, "to": new_role.value},
    )
    return member


def deactivate_staff(session: Session, actor: User, user_id: int) -> User:
    """End a colleague's access: the account stops logging in and its sessions end now."""
    member = _member(session, actor, user_id)
    if not member.is_active:
        raise Conflict(N_("该账号已停用"))
    _refuse_last_admin(session, actor, member)
    member.is_active = False
    member.session_token = new_session_token()
    session.flush()
    audit.record(session, actor, "staff.deactivated", "user", member.id)
    return member
