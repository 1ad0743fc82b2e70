"""journals: weekly journals (周志), their history, monthly countersignatures, escalations; the
journal as an owner of documents

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

OLD_OWNERS = (
    "'enterprise', 'school', 'cooperation_agreement', 'placement_agreement', 'subsidy_claim'"
)
NEW_OWNERS = OLD_OWNERS + ", 'journal'"
# The two document tables and the CHECK that lists the records a document may belong to.
OWNER_CHECKS = (
    ("document", "ck_document_document_owner"),
    ("document_request", "ck_document_request_document_request_owner"),
)


def _owner_checks(owners: str) -> None:
    for table, name in OWNER_CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(name), type_="check")
            batch_op.create_check_constraint(op.f(name), f"owner_type IN ({owners})")


def upgrade() -> None:
    op.create_table(
        "journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("iso_year", sa.Integer(), nullable=False),
        sa.Column("iso_week", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "returned",
                "resubmitted",
                "confirmed",
                name="journal_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("work_done", sa.Text(), nullable=False),
        sa.Column("learned", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("first_submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("similar_journal_id", sa.Integer(), nullable=True),
        sa.Column("similarity", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("iso_week BETWEEN 1 AND 53", name=op.f("ck_journal_iso_week_range")),
        sa.CheckConstraint(
            "similarity IS NULL OR similarity BETWEEN 0 AND 100", name=op.f("ck_journal_similarity")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["user_account.id"],
            name=op.f("fk_journal_confirmed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"], ["placement.id"], name=op.f("fk_journal_placement_id_placement")
        ),
        sa.ForeignKeyConstraint(
            ["similar_journal_id"],
            ["journal.id"],
            name=op.f("fk_journal_similar_journal_id_journal"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal")),
        sa.UniqueConstraint(
            "placement_id",
            "iso_year",
            "iso_week",
            name=op.f("uq_journal_placement_id_iso_year_iso_week"),
        ),
    )
    with op.batch_alter_table("journal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journal_placement_id"), ["placement_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_status"), ["status"], unique=False)

    op.create_table(
        "journal_countersignature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("teacher_user_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "month BETWEEN 1 AND 12", name=op.f("ck_journal_countersignature_month_range")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_journal_countersignature_placement_id_placement"),
        ),
        sa.ForeignKeyConstraint(
            ["teacher_user_id"],
            ["user_account.id"],
            name=op.f("fk_journal_countersignature_teacher_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_countersignature")),
        sa.UniqueConstraint(
            "placement_id",
            "year",
            "month",
            name=op.f("uq_journal_countersignature_placement_id_year_month"),
        ),
    )
    with op.batch_alter_table("journal_countersignature", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journal_countersignature_placement_id"), ["placement_id"], unique=False
        )

    op.create_table(
        "journal_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("iso_year", sa.Integer(), nullable=False),
        sa.Column("iso_week", sa.Integer(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "student",
                "teacher",
                "school_admin",
                name="journal_escalation_level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_journal_escalation_placement_id_placement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_escalation")),
        sa.UniqueConstraint(
            "placement_id",
            "iso_year",
            "iso_week",
            "level",
            name=op.f("uq_journal_escalation_placement_id_iso_year_iso_week_level"),
        ),
    )
    op.create_table(
        "journal_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "submitted",
                "returned",
                "resubmitted",
                "confirmed",
                name="journal_action",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_journal_event_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["journal_id"], ["journal.id"], name=op.f("fk_journal_event_journal_id_journal")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_event")),
    )
    with op.batch_alter_table("journal_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journal_event_journal_id"), ["journal_id"], unique=False
        )
    _owner_checks(NEW_OWNERS)


def downgrade() -> None:
    _owner_checks(OLD_OWNERS)
    with op.batch_alter_table("journal_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_event_journal_id"))

    op.drop_table("journal_event")
    op.drop_table("journal_escalation")
    with op.batch_alter_table("journal_countersignature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_countersignature_placement_id"))

    op.drop_table("journal_countersignature")
    with op.batch_alter_table("journal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_status"))
        batch_op.drop_index(batch_op.f("ix_journal_placement_id"))

    op.drop_table("journal")
