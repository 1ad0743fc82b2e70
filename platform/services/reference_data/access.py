"""Who may read and keep the reference data, checked before anything is loaded or changed."""

from __future__ import annotations

from skillbridge.models import User
from skillbridge.platform.services.errors import PermissionDenied
from skillbridge.platform.services.policies import can_keep_reference_data, can_read_reference_data
from skillbridge.platform.text import N_


def reader_region(actor: User) -> int:
    """The region whose reference data the actor reads, or PermissionDenied."""
    if not can_read_reference_data(actor) or actor.region_id is None:
        raise PermissionDenied(N_("无权查看基础数据"))
    return actor.region_id


def keeper_region(actor: User) -> int:
    """The region whose reference data the actor keeps, or PermissionDenied."""
    if not can_keep_reference_data(actor) or actor.region_id is None:
        raise PermissionDenied(N_("只有人社局经办人员可以维护基础数据"))
    return actor.region_id
