"""API clients: an admin issues a key shown once, lists and revokes its organisation's keys;
a request's key is resolved to its client and the account it acts through."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from skillbridge.models import ApiClient, Role, User, utcnow
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import can_manage_staff, organisation_of
from skillbridge.platform.text import N_, field_problem

from .scopes import scopes_for

#: Every key starts so, for secret scanners and for people to tell it from a password.
KEY_MARK = "sbk_"
#: Characters of the key kept in clear, to recognise a key in the list.
PREFIX_LENGTH = 12
NAME_MAX = 60
_KEY_BYTES = 32  # 256 bits: a hash without salt or stretching suffices at this entropy


@dataclass(frozen=True)
class NewClient:
    """What an admin fills in: a name to tell the client by, and the scopes it gets."""

    name: str
    scopes: tuple[str, ...]


def key_digest(key: str) -> str:
    """The stored form of a key: its SHA-256, hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _organisation_columns(actor: User) -> dict[str, int | None]:
    role, organisation_id = organisation_of(actor)
    column = {Role.SCHOOL: "school_id", Role.ENTERPRISE: "enterprise_id", Role.BUREAU: "region_id"}
    return {column[role]: organisation_id}


def _of_organisation(actor: User) -> ColumnElement[bool]:
    ((column, organisation_id),) = _organisation_columns(actor).items()
    return getattr(ApiClient, column) == organisation_id


def _admin(actor: User) -> None:
    if actor.role not in (Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU) or not can_manage_staff(actor):
        raise PermissionDenied(N_("只有机构管理员可以管理 API 客户端"))


def create_client(session: Session, actor: User, data: NewClient) -> tuple[ApiClient, str]:
    """A new client of the admin's organisation and its key, which only this answer carries."""
    _admin(actor)
    problems = []
    name = data.name.strip()
    if not name or len(name) > NAME_MAX:
        problems.append(field_problem(N_("名称"), N_("应为 1–%(n)d 个字符", n=NAME_MAX)))
    allowed = {scope.name for scope in scopes_for(actor.role)}
    unknown = sorted(set(data.scopes) - allowed)
    if unknown:
        problems.append(
            field_problem(
                N_("权限范围"), N_("本机构不能授予 %(scopes)s", scopes=", ".join(unknown))
            )
        )
    if not data.scopes:
        problems.append(field_problem(N_("权限范围"), N_("至少选择一项")))
    if problems:
        raise InvalidInput(N_("API 客户端未创建"), details=problems)
    key = KEY_MARK + secrets.token_urlsafe(_KEY_BYTES)
    client = ApiClient(
        name=name,
        key_prefix=key[:PREFIX_LENGTH],
        key_hash=key_digest(key),
        scopes=" ".join(sorted(set(data.scopes))),
        created_by_id=actor.id,
        **_organisation_columns(actor),
    )
    session.add(client)
    session.flush()
    audit.record(
        session,
        actor,
        "api_client.created",
        "api_client",
        client.id,
        {"name": client.name, "scopes": client.scopes, "prefix": client.key_prefix},
    )
    return client, key


def list_clients(session: Session, actor: User, page: int = 1) -> Page[ApiClient]:
    """A page of the organisation's clients, newest first, revoked ones included."""
    _admin(actor)
    statement = select(ApiClient).where(_of_organisation(actor)).order_by(ApiClient.id.desc())
    return paginate(session, statement, page, first_column)


def revoke_client(session: Session, actor: User, client_id: int) -> ApiClient:
    """Revoke a client of the admin's organisation: its key answers 401 from now on."""
    _admin(actor)
    client = session.get(ApiClient, client_id)
    if client is None:
        raise NotFound(N_("API 客户端不存在"))
    if (
        session.scalar(
            select(ApiClient.id).where(ApiClient.id == client_id, _of_organisation(actor))
        )
        is None
    ):
        raise PermissionDenied(N_("无权管理该 API 客户端"))
    if client.revoked_at is not None:
        raise Conflict(N_("该 API 客户端已被吊销"))
    client.revoked_at, client.revoked_by_id = utcnow(), actor.id
    session.flush()
    audit.record(session, actor, "api_client.revoked", "api_client", client.id, {})
    return client


def authenticate(session: Session, key: str, now: datetime) -> ApiClient | None:
    """The live client of `key`, its last use set to `now`; None for an unknown or revoked key.

    A key also dies with its creator's admin rights: it acts through that account, never with
    more than the account may do, and an admin who left or was demoted takes its keys along.
    """
    client = session.scalar(select(ApiClient).where(ApiClient.key_hash == key_digest(key)))
    if client is None or client.revoked_at is not None:
        return None
    creator = session.get(User, client.created_by_id)
    if creator is None or not creator.is_active or not can_manage_staff(creator):
        return None
    if _organisation_columns(creator) != _organisation_columns_of(client):
        return None
    session.execute(update(ApiClient).where(ApiClient.id == client.id).values(last_used_at=now))
    return client


def _organisation_columns_of(client: ApiClient) -> dict[str, int | None]:
    return {
        column: value
        for column, value in (
            ("school_id", client.school_id),
            ("enterprise_id", client.enterprise_id),
            ("region_id", client.region_id),
        )
        if value is not None
    }


def acting_user(session: Session, client: ApiClient) -> User:
    """The account a client's calls act through (its creator, checked by `authenticate`)."""
    return session.get_one(User, client.created_by_id)
