"""notification links as endpoint + arguments instead of paths

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Every path the services ever wrote, and the endpoint that serves it. A path that matches none
# cannot have been written by the platform; it loses its link and stays readable in the list.
PATHS: tuple[tuple[str, str, str | None], ...] = (
    (r"/placements/offers", "placements.offers", None),
    (r"/placements/plans", "placements.plans", None),
    (r"/placements/(\d+)", "placements.detail", "placement_id"),
    (r"/subsidies/claims/(\d+)", "subsidies.claim", "claim_id"),
)

notification = sa.table(
    "notification",
    sa.column("id", sa.Integer),
    sa.column("link", sa.String),
    sa.column("endpoint", sa.String),
    sa.column("link_args", sa.JSON),
)


def endpoint_of(path: str) -> tuple[str | None, dict[str, Any]]:
    """The endpoint and arguments a stored path stands for; (None, {}) when none does."""
    for pattern, endpoint, argument in PATHS:
        match = re.fullmatch(pattern, path)
        if match:
            return endpoint, ({argument: int(match.group(1))} if argument else {})
    return None, {}


def path_of(endpoint: str | None, args: dict[str, Any]) -> str:
    """The path an endpoint and its arguments stood for before this revision; "" for none."""
    for pattern, known, argument in PATHS:
        if endpoint == known:
            return pattern.replace(r"(\d+)", str(args[argument])) if argument else pattern
    return ""


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("endpoint", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("link_args", sa.JSON(), nullable=True))
    connection = op.get_bind()
    op.execute(notification.update().values(link_args={}))
    rows = connection.execute(
        sa.select(notification.c.id, notification.c.link).where(notification.c.link != "")
    ).all()
    for row_id, path in rows:
        endpoint, args = endpoint_of(path)
        connection.execute(
            notification.update()
            .where(notification.c.id == row_id)
            .values(endpoint=endpoint, link_args=args)
        )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.alter_column("link_args", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("link")


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link", sa.String(length=200), nullable=True))
    connection = op.get_bind()
    op.execute(notification.update().values(link=""))
    rows = connection.execute(
        sa.select(notification.c.id, notification.c.endpoint, notification.c.link_args).where(
            notification.c.endpoint.is_not(None)
        )
    ).all()
    for row_id, endpoint, args in rows:
        connection.execute(
            notification.update()
            .where(notification.c.id == row_id)
            .values(link=path_of(endpoint, args or {}))
        )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.alter_column("link", existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_column("link_args")
        batch_op.drop_column("endpoint")
