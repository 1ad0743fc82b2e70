"""How a pack policy is claimed on the platform, or why it cannot be yet, read from the code.

A policy is claimable when its amount is money (budgets.MONETARY_KINDS: only those policies are
installed) and a declared claim route (subsidies/routes.py: the online claim form for
claims.CLAIMABLE_EVENTS, and every event raiser) covers its trigger's event and its
beneficiary. Nothing here lists policies: when a raiser for a new event is declared, its
policies turn claimable on the page and in the table by themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from skillbridge.platform.policy import Policy

# Imported for the routes their raisers declare (the registry fills as modules load).
from skillbridge.platform.services.subsidies import (  # noqa: F401
    awards,
    claims,
    studio_awards,
    workers,
)
from skillbridge.platform.services.subsidies.budgets import MONETARY_KINDS, PACK_BENEFICIARIES
from skillbridge.platform.services.subsidies.routes import ClaimRoute, claim_routes
from skillbridge.platform.text import N_

__all__ = ["NOT_MONEY", "NO_ROUTE_FOR_BENEFICIARY", "UNRECORDED", "Claimability", "claimability"]

#: Why an event no route raises cannot reach a claim: what the platform does not record yet.
UNRECORDED: dict[str, str] = {
    "service_years_reached": N_("职工在本单位连续工作年限的达到尚未作为事件在平台上记录"),
}
#: An event with no route and no reason above (a trigger added to the registry since).
UNRECORDED_EVENT = N_("平台尚未记录触发该政策的事件")
NOT_MONEY = N_("非资金待遇：由用人单位按政策安排，不在平台申领")
NO_ROUTE_FOR_BENEFICIARY = N_("平台记录该事件，但不为这类受益方发起申领")


@dataclass(frozen=True)
class Claimability:
    """Either the routes a policy is claimed by, or the reasons it is not claimable (never both,
    never neither)."""

    event_kind: str
    routes: tuple[ClaimRoute, ...]
    reasons: tuple[str, ...]

    @property
    def claimable(self) -> bool:
        return bool(self.routes)


def claimability(policy: Policy) -> Claimability:
    """The routes that raise claims under ``policy``, or why none does."""
    event = policy.trigger.event_kind
    reasons = []
    if policy.amount.kind not in MONETARY_KINDS:
        reasons.append(NOT_MONEY)
    on_event = [r for r in claim_routes() if r.event_kind == event]
    routes = tuple(r for r in on_event if PACK_BENEFICIARIES[policy.beneficiary] in r.beneficiaries)
    if not on_event:
        reasons.append(UNRECORDED.get(event, UNRECORDED_EVENT))
    elif not routes:
        reasons.append(NO_ROUTE_FOR_BENEFICIARY)
    if reasons:
        return Claimability(event, (), tuple(reasons))
    return Claimability(event, routes, ())
