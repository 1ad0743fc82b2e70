"""The scopes an API client may hold: one read or write right on one resource, per kind of organisation."""

from __future__ import annotations

from dataclasses import dataclass

from skillbridge.models import Role
from skillbridge.platform.text import N_


@dataclass(frozen=True)
class Scope:
    """A right the key's operations check, and the organisations whose admins may grant it."""

    name: str
    label: str
    roles: frozenset[Role]


_SCHOOL, _ENTERPRISE, _BUREAU = Role.SCHOOL, Role.ENTERPRISE, Role.BUREAU
SCOPES: tuple[Scope, ...] = (
    Scope(
        "directory:read",
        N_("读取学校、企业、学生的档案"),
        frozenset({_SCHOOL, _ENTERPRISE, _BUREAU}),
    ),
    Scope("roster:write", N_("写入学生名册"), frozenset({_SCHOOL})),
    Scope("slots:read", N_("读取本企业的岗位"), frozenset({_ENTERPRISE})),
    Scope("slots:write", N_("新建、修改、开放、关闭岗位"), frozenset({_ENTERPRISE})),
    Scope("preferences:write", N_("提交候选人排序"), frozenset({_ENTERPRISE})),
    Scope("employees:write", N_("写入本企业的职工"), frozenset({_ENTERPRISE})),
    Scope("placements:read", N_("读取实习安排"), frozenset({_SCHOOL, _ENTERPRISE, _BUREAU})),
    Scope("agreements:read", N_("读取合作协议"), frozenset({_SCHOOL, _ENTERPRISE, _BUREAU})),
    Scope("claims:read", N_("读取补贴申领"), frozenset({_SCHOOL, _ENTERPRISE})),
    Scope("attendance:read", N_("读取实习考勤"), frozenset({_SCHOOL, _ENTERPRISE})),
    Scope("journals:read", N_("读取实习周志"), frozenset({_SCHOOL, _ENTERPRISE})),
)
BY_NAME = {scope.name: scope for scope in SCOPES}


def scopes_for(role: Role) -> tuple[Scope, ...]:
    """The scopes an admin of an organisation of `role` may grant, in the catalogue's order."""
    return tuple(scope for scope in SCOPES if role in scope.roles)
