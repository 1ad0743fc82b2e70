"""The ways an event becomes a subsidy claim here, declared by the code that raises the claim."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from skillbridge.models import Beneficiary
from skillbridge.platform.policy import EVENT_KINDS

F = TypeVar("F", bound=Callable[..., object])


@dataclass(frozen=True)
class ClaimRoute:
    """One way claims under policies triggered by ``event_kind`` are raised on the platform.

    ``how`` says who acts and where, as a message for the UI; ``endpoint`` is the page it
    happens on (one that takes no arguments), ``None`` for a scheduled run.
    """

    event_kind: str
    beneficiaries: frozenset[Beneficiary]
    how: str
    endpoint: str | None = None
    #: Whether the beneficiary files the claim itself (else the platform raises it).
    online: bool = False


_ROUTES: list[ClaimRoute] = []


def declare(route: ClaimRoute) -> ClaimRoute:
    """Record a route; an event no trigger names is a typo that would hide a policy."""
    if route.event_kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {route.event_kind!r}; known: {EVENT_KINDS}")
    if route not in _ROUTES:
        _ROUTES.append(route)
    return route


def raises(
    event_kind: str,
    beneficiaries: frozenset[Beneficiary],
    how: str,
    endpoint: str | None = None,
) -> Callable[[F], F]:
    """Mark a function as raising the claims of ``event_kind`` for ``beneficiaries``.

    The declaration sits on the function that raises the claims, so the public policy page
    (services/policy_catalogue) follows the code: a raiser added for a new event makes its
    policies claimable there, and a removed one takes its route with it.
    """
    declare(ClaimRoute(event_kind, beneficiaries, how, endpoint))

    def register(function: F) -> F:
        return function

    return register


def claim_routes() -> tuple[ClaimRoute, ...]:
    """Every route declared by the modules imported so far (policy_catalogue imports them all)."""
    return tuple(_ROUTES)
