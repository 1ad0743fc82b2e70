"""The navigation bar's links for the signed-in user: the pages it reaches, their addresses and labels in its language."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import get_locale

from skillbridge.platform.auth import actor, may_reach
from skillbridge.platform.views import NAV_ITEMS


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    url: str
    label: str


# (the endpoints reached, language, script root) → the links. There are a few dozen kinds of
# account and two languages, and building each link's address and label again cost about a
# hundred Python calls per link on every page.
_LINKS: dict[tuple[tuple[str, ...], str, str], tuple[NavLink, ...]] = {}


def nav_links() -> tuple[NavLink, ...]:
    """The links of the signed-in user's navigation, in the order of NAV_ITEMS."""
    user = actor()
    reached = [
        (endpoint, label)
        for roles, endpoint, label in NAV_ITEMS
        if user.role.value in roles and may_reach(user, endpoint)
    ]
    key = (tuple(endpoint for endpoint, _ in reached), str(get_locale()), request.script_root)
    links = _LINKS.get(key)
    if links is None:
        links = tuple(
            NavLink(endpoint, url_for(endpoint), str(label)) for endpoint, label in reached
        )
        _LINKS[key] = links
    return links
