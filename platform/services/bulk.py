"""Acting on many rows at once: every one or none, each refusal named with its reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from skillbridge.platform.services.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from skillbridge.platform.text import N_

T = TypeVar("T")

# One request acts on at most a page of a list: the lists show PAGE_SIZE rows, and a bulk step
# that locks rows one by one should not hold a transaction open for minutes.
BULK_MAX = 50

# The status of a refused batch is its most telling refusal's: one row the actor may not touch
# makes the whole request a 404 or 403, as it would be alone.
_PRECEDENCE: tuple[type[DomainError], ...] = (NotFound, PermissionDenied, Conflict, InvalidInput)


@dataclass(frozen=True)
class Refusal:
    """One row the step could not be done to, and why (a message id)."""

    object_id: int
    message: str


class BatchRefused(DomainError):
    """Some rows were refused: nothing of the batch may be kept (the caller rolls back)."""

    def __init__(self, refusals: list[tuple[Refusal, DomainError]]) -> None:
        super().__init__(N_("有未能处理的项目，全部未保存"))
        self.refusals = [refusal for refusal, _error in refusals]
        errors = [error for _refusal, error in refusals]
        self.status = next(
            kind.status for kind in _PRECEDENCE if any(isinstance(e, kind) for e in errors)
        )


def each_or_none(ids: Sequence[int], act: Callable[[int], T]) -> list[T]:
    """Do `act` to every id, in order; if any is refused, raise BatchRefused naming them all.

    The acts already done stay in the session until the caller rolls back, which it must on
    BatchRefused: the services check before they change anything, so a refused act leaves the
    session usable for the next id, and every refusal can be reported at once.
    """
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise InvalidInput(N_("请至少选择一项"))
    if len(unique) > BULK_MAX:
        raise InvalidInput(N_("一次选择的项目过多，请分批处理"))
    done, refused = [], []
    for object_id in unique:
        try:
            done.append(act(object_id))
        except DomainError as error:
            refused.append((Refusal(object_id, error.message), error))
    if refused:
        raise BatchRefused(refused)
    return done
