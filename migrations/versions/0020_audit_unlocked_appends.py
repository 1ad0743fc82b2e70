"""audit log: entries appended without a lock and chained after their transaction commits

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:30:00

`audit_event` gets an `id` (the order of appending) as its key; `seq`, `prev_hash` and
`entry_hash` stay empty until the entry is chained. Existing entries keep their place: their id is
their sequence number.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

UNCHAINED = "seq IS NULL"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(chained=False)
        return
    op.add_column("audit_event", sa.Column("id", sa.BigInteger(), nullable=True))
    op.execute("UPDATE audit_event SET id = seq")
    op.execute("CREATE SEQUENCE audit_event_id_seq OWNED BY audit_event.id")
    op.execute(
        "SELECT setval('audit_event_id_seq', COALESCE((SELECT MAX(id) FROM audit_event), 0) + 1,"
        " false)"
    )
    op.execute(
        "ALTER TABLE audit_event ALTER COLUMN id SET DEFAULT nextval('audit_event_id_seq'),"
        " ALTER COLUMN id SET NOT NULL"
    )
    op.drop_constraint("pk_audit_event", "audit_event", type_="primary")
    op.create_primary_key("pk_audit_event", "audit_event", ["id"])
    for column in ("seq", "prev_hash", "entry_hash"):
        op.alter_column("audit_event", column, nullable=True)
    op.create_unique_constraint("uq_audit_event_seq", "audit_event", ["seq"])
    op.create_index(
        "ix_audit_event_unchained", "audit_event", ["id"], postgresql_where=sa.text(UNCHAINED)
    )


def downgrade() -> None:
    waiting = op.get_bind().scalar(sa.text(f"SELECT COUNT(*) FROM audit_event WHERE {UNCHAINED}"))
    if waiting:
        raise RuntimeError(
            f"{waiting} audit entries are not chained yet: run `skillbridge daily` (it chains "
            "them) before going back to 0019"
        )
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_on_sqlite(chained=True)
        return
    op.drop_index("ix_audit_event_unchained", table_name="audit_event")
    op.drop_constraint("uq_audit_event_seq", "audit_event", type_="unique")
    for column in ("seq", "prev_hash", "entry_hash"):
        op.alter_column("audit_event", column, nullable=False)
    op.drop_constraint("pk_audit_event", "audit_event", type_="primary")
    op.create_primary_key("pk_audit_event", "audit_event", ["seq"])
    op.drop_column("audit_event", "id")  # its sequence is owned by it and goes with it


def _rebuild_on_sqlite(chained: bool) -> None:
    """SQLite cannot change a table's key: copy the rows into a table of the wanted shape."""
    op.drop_index("ix_audit_event_action", table_name="audit_event")
    op.drop_index("ix_audit_event_object", table_name="audit_event")
    if not chained:
        op.rename_table("audit_event", "audit_event_old")
        key = [sa.Column("id", sa.Integer(), nullable=False), sa.Column("seq", sa.Integer())]
        constraints = [
            sa.PrimaryKeyConstraint("id", name="pk_audit_event"),
            sa.UniqueConstraint("seq", name="uq_audit_event_seq"),
        ]
        copied = "seq AS id, seq"
    else:
        op.drop_index("ix_audit_event_unchained", table_name="audit_event")
        op.rename_table("audit_event", "audit_event_old")
        key = [sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False)]
        constraints = [sa.PrimaryKeyConstraint("seq", name="pk_audit_event")]
        copied = "seq"
    op.create_table(
        "audit_event",
        *key,
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=not chained),
        sa.Column("entry_hash", sa.String(length=64), nullable=not chained),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name="fk_audit_event_actor_id_user_account"
        ),
        *constraints,
        sa.UniqueConstraint("entry_hash", name="uq_audit_event_entry_hash"),
    )
    columns = (
        "occurred_at, actor_id, action, object_type, object_id, payload, prev_hash, entry_hash"
    )
    op.execute(
        f"INSERT INTO audit_event ({'seq' if chained else 'id, seq'}, {columns}) "
        f"SELECT {copied}, {columns} FROM audit_event_old"
    )
    op.drop_table("audit_event_old")
    op.create_index("ix_audit_event_action", "audit_event", ["action"])
    op.create_index("ix_audit_event_object", "audit_event", ["object_type", "object_id"])
    if not chained:
        op.create_index(
            "ix_audit_event_unchained", "audit_event", ["id"], sqlite_where=sa.text(UNCHAINED)
        )
