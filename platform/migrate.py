"""Run Alembic programmatically against the migrations shipped with the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import skillbridge.migrations


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at the packaged migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(Path(skillbridge.migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str) -> None:
    """alembic upgrade head."""
    command.upgrade(alembic_config(database_url), "head")


def check_migrations(database_url: str) -> None:
    """alembic check: raises when autogenerate would produce a new migration."""
    command.check(alembic_config(database_url))
