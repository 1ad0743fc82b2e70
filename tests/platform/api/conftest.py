"""Fixtures for the API tests: keys issued through the service, headers that carry them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session
from support import World

from skillbridge.platform.services.api_clients import clients


@pytest.fixture
def issue_key(session: Session, world: World) -> Callable[..., str]:
    """A committed client of the world's `role` organisation with `scopes`; its key."""

    def factory(role: str, *scopes: str) -> str:
        _client, key = clients.create_client(
            session, world.users[role], clients.NewClient(f"{role} system", scopes)
        )
        session.commit()
        return key

    return factory
