"""placement changes: actual start, pauses, early-end reasons and transfers

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

END_REASONS = (
    "student_request",
    "host_closure",
    "safety",
    "misconduct",
    "health",
    "mutual_agreement",
    "transfer",
    "other",
)


def upgrade() -> None:
    with op.batch_alter_table("placement") as batch:
        batch.add_column(sa.Column("started_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("planned_end_date", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column(
                "end_reason",
                sa.Enum(*END_REASONS, name="end_reason", native_enum=False, create_constraint=True),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("end_note", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("transferred_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_placement_transferred_from_id_placement"),
            "placement",
            ["transferred_from_id"],
            ["id"],
        )
        batch.create_index(
            op.f("ix_placement_transferred_from_id"), ["transferred_from_id"], unique=False
        )
    # Placements already running started on their planned start (the best that is known).
    op.execute("UPDATE placement SET started_on = start_date WHERE status IN ('active', 'ended')")
    op.create_table(
        "placement_pause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("paused_by_id", sa.Integer(), nullable=True),
        sa.Column("resumed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_placement_pause_dates_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_placement_pause_placement_id_placement"),
        ),
        sa.ForeignKeyConstraint(
            ["paused_by_id"],
            ["user_account.id"],
            name=op.f("fk_placement_pause_paused_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["resumed_by_id"],
            ["user_account.id"],
            name=op.f("fk_placement_pause_resumed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_pause")),
    )
    op.create_index(
        op.f("ix_placement_pause_placement_id"), "placement_pause", ["placement_id"], unique=False
    )
    op.create_index(
        "uq_placement_pause_open",
        "placement_pause",
        ["placement_id"],
        unique=True,
        postgresql_where=sa.text("ends_on IS NULL"),
        sqlite_where=sa.text("ends_on IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_placement_pause_open", table_name="placement_pause")
    op.drop_index(op.f("ix_placement_pause_placement_id"), table_name="placement_pause")
    op.drop_table("placement_pause")
    with op.batch_alter_table("placement") as batch:
        batch.drop_index(op.f("ix_placement_transferred_from_id"))
        batch.drop_constraint(
            op.f("fk_placement_transferred_from_id_placement"), type_="foreignkey"
        )
        batch.drop_column("transferred_from_id")
        batch.drop_column("end_note")
        # The enum's CHECK would outlive its column in SQLite's table copy.
        batch.drop_constraint(op.f("ck_placement_end_reason"), type_="check")
        batch.drop_column("end_reason")
        batch.drop_column("planned_end_date")
        batch.drop_column("started_on")
