"""Who a statement is scoped to: an account, or bound parameters standing for any account of one role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import BindParameter, bindparam

from skillbridge.models import Role, StaffRole, User


class Actor(Protocol):
    """What scoping a statement to an account reads of it: its roles (to choose the scope) and
    its ids (only ever compared with columns)."""

    @property
    def role(self) -> Role: ...

    @property
    def staff_role(self) -> StaffRole | None: ...

    @property
    def id(self) -> int | BindParameter[Any]: ...

    @property
    def school_id(self) -> int | None | BindParameter[Any]: ...

    @property
    def enterprise_id(self) -> int | None | BindParameter[Any]: ...

    @property
    def student_id(self) -> int | None | BindParameter[Any]: ...

    @property
    def region_id(self) -> int | None | BindParameter[Any]: ...


_IDS = ("id", "school_id", "enterprise_id", "student_id", "region_id")


@dataclass(frozen=True)
class BoundActor:
    """Any account of `role` and `staff_role`: a statement scoped to it is built once and run for
    each account with `parameters(user)`."""

    role: Role
    staff_role: StaffRole | None
    id: BindParameter[Any] = field(default_factory=lambda: bindparam("actor_id"))
    school_id: BindParameter[Any] = field(default_factory=lambda: bindparam("actor_school_id"))
    enterprise_id: BindParameter[Any] = field(
        default_factory=lambda: bindparam("actor_enterprise_id")
    )
    student_id: BindParameter[Any] = field(default_factory=lambda: bindparam("actor_student_id"))
    region_id: BindParameter[Any] = field(default_factory=lambda: bindparam("actor_region_id"))


def parameters(user: User) -> dict[str, Any]:
    """The values of a BoundActor's parameters for `user`."""
    return {f"actor_{name}": getattr(user, name) for name in _IDS}
