"""Revision 0002 turns the stored notification paths into endpoints and back."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import create_engine, text

from skillbridge.platform.migrate import alembic_config

PATHS = {
    "/placements/offers": ("placements.offers", {}),
    "/placements/plans": ("placements.plans", {}),
    "/placements/17": ("placements.detail", {"placement_id": 17}),
    "/subsidies/claims/5": ("subsidies.claim", {"claim_id": 5}),
    "": (None, {}),
    "/somewhere/else": (None, {}),
}


def test_upgrade_converts_known_paths_and_downgrade_restores_them(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'links.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0001")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for n, path in enumerate(PATHS, start=1):
                connection.execute(
                    text(
                        "INSERT INTO notification (id, user_id, kind, title, body, link, created_at)"
                        " VALUES (:id, 1, 'test', '通知', '', :link, '2026-01-01 00:00:00')"
                    ),
                    {"id": n, "link": path},
                )
        command.upgrade(config, "0002")
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT endpoint, link_args FROM notification ORDER BY id")
            ).all()
        assert [(e, json.loads(a)) for e, a in rows] == list(PATHS.values())
        command.downgrade(config, "0001")
        with engine.connect() as connection:
            links = connection.scalars(text("SELECT link FROM notification ORDER BY id")).all()
        # A path no service ever wrote had no endpoint to keep, so it comes back empty.
        assert links == [p if p != "/somewhere/else" else "" for p in PATHS]
    finally:
        engine.dispose()
