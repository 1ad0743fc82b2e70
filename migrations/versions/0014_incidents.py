"""incidents: safety and injury reports on placements, their insurance claims and timelines

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            _enum("incident_kind", "injury", "safety_hazard", "harassment", "other"),
            nullable=False,
        ),
        sa.Column(
            "severity", _enum("incident_severity", "minor", "serious", "critical"), nullable=False
        ),
        sa.Column("status", _enum("incident_status", "open", "closed"), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("immediate_measures", sa.Text(), nullable=False),
        sa.Column("guardian_informed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("guardian_informed_by", sa.String(length=60), nullable=True),
        sa.Column(
            "claim_status",
            _enum("incident_claim_status", "none", "filed", "accepted", "paid", "rejected"),
            nullable=False,
        ),
        sa.Column("claim_number", sa.String(length=60), nullable=True),
        sa.Column("claim_filed_on", sa.Date(), nullable=True),
        sa.Column("claim_paid_yuan", sa.Integer(), nullable=True),
        sa.Column("claim_rejection_reason", sa.Text(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status <> 'closed' OR (resolution IS NOT NULL AND closed_at IS NOT NULL"
            " AND claim_status NOT IN ('filed', 'accepted'))",
            name=op.f("ck_incident_closed_resolved"),
        ),
        sa.CheckConstraint(
            "status <> 'closed' OR severity = 'minor' OR guardian_informed_at IS NOT NULL",
            name=op.f("ck_incident_closed_guardian_informed"),
        ),
        sa.CheckConstraint(
            "claim_status = 'none' OR (claim_number IS NOT NULL AND claim_filed_on IS NOT NULL)",
            name=op.f("ck_incident_claim_numbered"),
        ),
        sa.CheckConstraint(
            "(claim_status = 'paid') = (claim_paid_yuan IS NOT NULL)",
            name=op.f("ck_incident_claim_paid_amount"),
        ),
        sa.CheckConstraint("claim_paid_yuan > 0", name=op.f("ck_incident_claim_paid_positive")),
        sa.CheckConstraint(
            "(claim_status = 'rejected') = (claim_rejection_reason IS NOT NULL)",
            name=op.f("ck_incident_claim_rejection_reason"),
        ),
        sa.CheckConstraint(
            "(guardian_informed_at IS NULL) = (guardian_informed_by IS NULL)",
            name=op.f("ck_incident_guardian_informed_by"),
        ),
        _fk("incident", "placement_id", "placement"),
        _fk("incident", "reported_by_id", "user_account"),
        _fk("incident", "closed_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        for column in ("placement_id", "severity", "status"):
            batch_op.create_index(batch_op.f(f"ix_incident_{column}"), [column], unique=False)
    op.create_table(
        "incident_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            _enum(
                "incident_action",
                "reported",
                "guardian_informed",
                "claim_filed",
                "claim_accepted",
                "claim_paid",
                "claim_rejected",
                "closed",
            ),
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        _fk("incident_event", "incident_id", "incident"),
        _fk("incident_event", "actor_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_event")),
    )
    with op.batch_alter_table("incident_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_event_incident_id"), ["incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_event_incident_id"))
    op.drop_table("incident_event")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        for column in ("status", "severity", "placement_id"):
            batch_op.drop_index(batch_op.f(f"ix_incident_{column}"))
    op.drop_table("incident")
