"""Staff invitations: an organisation's admin invites by e-mail; the invitee joins once, in time."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import STAFF_ROLES, Role, StaffInvitation, StaffRole, User, utcnow
from skillbridge.platform.services import audit, notifications
from skillbridge.platform.services.accounts.registration import (
    check_password,
    ensure_email_free,
    flush_or_conflict,
    new_user,
    normalise_email,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import can_manage_staff, organisation_of
from skillbridge.platform.text import N_

# How long an invitation link works: long enough for a colleague to find the e-mail.
INVITATION_DAYS = 7
STAFF_JOINED = "staff.joined"
NAME_MAX = 60


def token_hash(token: str) -> str:
    """What the database keeps of a one-time token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tenant_of(user: User) -> dict[str, int]:
    """The tenant column and id of a staff account: school_id, enterprise_id or region_id."""
    kind, organisation_id = organisation_of(user)
    assert organisation_id is not None  # the role CHECK constraint: staff have an organisation
    column = {"school": "school_id", "enterprise": "enterprise_id", "bureau": "region_id"}
    return {column[kind.value]: organisation_id}


def same_organisation(model: type[User] | type[StaffInvitation], actor: User) -> Any:
    """The WHERE condition for rows of the actor's organisation."""
    ((column, value),) = tenant_of(actor).items()
    return getattr(model, column) == value


@dataclass(frozen=True)
class StaffInvite:
    """What the admin fills in."""

    email: str
    display_name: str
    staff_role: str


def invite_staff(
    session: Session, actor: User, data: StaffInvite, now: datetime | None = None
) -> tuple[StaffInvitation, str]:
    """Record an invitation and return it with its one-time token (shown once to the admin)."""
    if not can_manage_staff(actor):
        raise PermissionDenied(N_("只有本机构管理员可以邀请工作人员"))
    return record_invitation(session, actor, data, actor.role, tenant_of(actor), now)


def record_invitation(
    session: Session,
    actor: User,
    data: StaffInvite,
    role: Role,
    tenant: dict[str, int],
    now: datetime | None = None,
) -> tuple[StaffInvitation, str]:
    """Invite `data` to the organisation `tenant` (school_id, enterprise_id or region_id) of
    kind `role`; the caller has checked that `actor` may (its own, or a region it onboards)."""
    email = normalise_email(data.email)
    name = data.display_name.strip()
    problems = []
    if not name or len(name) > NAME_MAX:
        problems.append(N_("姓名不能为空，且不超过 60 个字符"))
    allowed = {s.value for s in STAFF_ROLES[role]}
    if data.staff_role not in allowed:
        problems.append(N_("该机构没有这种岗位角色"))
    if problems:
        raise InvalidInput(problems[0], details=problems)
    ensure_email_free(session, email)
    now = now or utcnow()
    open_invitation = session.scalar(
        select(StaffInvitation.id).where(
            StaffInvitation.email == email,
            StaffInvitation.accepted_at.is_(None),
            StaffInvitation.revoked_at.is_(None),
            StaffInvitation.expires_at > now,
        )
    )
    if open_invitation is not None:
        raise Conflict(N_("该邮箱已有一份未过期的邀请"))
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation(
        email=email,
        display_name=name,
        role=role,
        staff_role=StaffRole(data.staff_role),
        token_hash=token_hash(token),
        expires_at=now + timedelta(days=INVITATION_DAYS),
        invited_by_user_id=actor.id,
        **tenant,
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        actor,
        "staff.invited",
        "staff_invitation",
        invitation.id,
        {"email": email, "staff_role": invitation.staff_role.value},
    )
    return invitation, token


def _open_invitation(session: Session, token: str, now: datetime) -> StaffInvitation:
    invitation = session.scalar(
        select(StaffInvitation)
        .where(StaffInvitation.token_hash == token_hash(token))
        .with_for_update()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise NotFound(N_("邀请链接无效"))
    if invitation.accepted_at is not None:
        raise Conflict(N_("该邀请链接已使用过"))
    if _aware(invitation.expires_at) <= now:
        raise Conflict(N_("该邀请链接已过期，请联系管理员重新邀请"))
    return invitation


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back naive; they were stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def invitation_for(session: Session, token: str, now: datetime | None = None) -> StaffInvitation:
    """The invitation a token opens, or NotFound/Conflict (used, expired, revoked)."""
    return _open_invitation(session, token, now or utcnow())


def accept_invitation(
    session: Session, token: str, password: str, now: datetime | None = None
) -> User:
    """Create the invitee's account with the invited staff role; the token is spent."""
    now = now or utcnow()
    invitation = _open_invitation(session, token, now)
    check_password(password, invitation.email, invitation.display_name)
    ensure_email_free(session, invitation.email)
    tenant = {
        name: value
        for name, value in (
            ("school_id", invitation.school_id),
            ("enterprise_id", invitation.enterprise_id),
            ("region_id", invitation.region_id),
        )
        if value is not None
    }
    user = new_user(
        invitation.email,
        password,
        invitation.display_name,
        invitation.role,
        invitation.staff_role,
        phone=None,  # staff log in by the e-mail they were invited at
        **tenant,
    )
    session.add(user)
    flush_or_conflict(session, N_("该邮箱已注册"))
    invitation.accepted_at = now
    invitation.accepted_user_id = user.id
    session.flush()
    notifications.notify(
        session,
        [invitation.invited_by_user_id],
        STAFF_JOINED,
        N_("您邀请的工作人员已加入"),
        f"{user.display_name}（{user.email}）",
        notifications.Link("staff.index"),
    )
    audit.record(
        session,
        user,
        "staff.joined",
        "staff_invitation",
        invitation.id,
        {"user_id": user.id, "staff_role": user.staff_role.value},
    )
    return user


def pending_invitations(session: Session, actor: User, page: int = 1) -> Page[StaffInvitation]:
    """The admin's organisation's invitations not yet accepted, newest first."""
    if not can_manage_staff(actor):
        raise PermissionDenied(N_("只有本机构管理员可以管理工作人员"))
    statement = (
        select(StaffInvitation)
        .where(same_organisation(StaffInvitation, actor))
        .where(StaffInvitation.accepted_at.is_(None), StaffInvitation.revoked_at.is_(None))
        .order_by(StaffInvitation.id.desc())
    )
    return paginate(session, statement, page, first_column)
