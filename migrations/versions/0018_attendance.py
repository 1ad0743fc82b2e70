"""attendance: days with hours and N7 flags, leave requests, filed N7 exceptions

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 10:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["user_account.id"], name=op.f(f"fk_{table}_{column}_user_account")
    )


def _placement_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["placement_id"], ["placement.id"], name=op.f(f"fk_{table}_placement_id_placement")
    )


def _index_placement(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_placement_id"), ["placement_id"])


def upgrade() -> None:
    op.create_table(
        "attendance_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("check_in_at", sa.DateTime(), nullable=False),
        sa.Column("check_out_at", sa.DateTime(), nullable=True),
        sa.Column("latitude", sa.Numeric(5, 2), nullable=True),
        sa.Column("longitude", sa.Numeric(5, 2), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("night_minutes", sa.Integer(), nullable=False),
        sa.Column("rest_day", sa.Boolean(), nullable=False),
        sa.Column("statutory_holiday", sa.Boolean(), nullable=False),
        sa.Column("calendar_known", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "checked_in",
                "recorded",
                "confirmed",
                "corrected",
                name="attendance_day_status",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("confirmed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("original_check_in_at", sa.DateTime(), nullable=True),
        sa.Column("original_check_out_at", sa.DateTime(), nullable=True),
        sa.Column("correction_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "check_out_at IS NULL OR check_out_at > check_in_at",
            name=op.f("ck_attendance_day_times_ordered"),
        ),
        sa.CheckConstraint(
            "minutes >= 0 AND night_minutes >= 0",
            name=op.f("ck_attendance_day_minutes_nonnegative"),
        ),
        sa.CheckConstraint(
            "night_minutes <= minutes", name=op.f("ck_attendance_day_night_within_minutes")
        ),
        sa.CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)",
            name=op.f("ck_attendance_day_location_complete"),
        ),
        _placement_fk("attendance_day"),
        _user_fk("attendance_day", "confirmed_by_user_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_day")),
        sa.UniqueConstraint("placement_id", "day", name=op.f("uq_attendance_day_placement_id_day")),
    )
    _index_placement("attendance_day")
    op.create_table(
        "leave_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("start_day", sa.Date(), nullable=False),
        sa.Column("end_day", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "personal",
                "sick",
                "school",
                name="leave_kind",
                native_enum=False,
                create_constraint=True,
                length=8,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("needs_teacher", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending_mentor",
                "pending_teacher",
                "approved",
                "rejected",
                name="leave_status",
                native_enum=False,
                create_constraint=True,
                length=15,
            ),
            nullable=False,
        ),
        sa.Column("requested_by_user_id", sa.Integer(), nullable=True),
        sa.Column("mentor_decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("mentor_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("teacher_decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("teacher_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_day >= start_day", name=op.f("ck_leave_request_days_ordered")),
        _placement_fk("leave_request"),
        _user_fk("leave_request", "requested_by_user_id"),
        _user_fk("leave_request", "mentor_decided_by_user_id"),
        _user_fk("leave_request", "teacher_decided_by_user_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leave_request")),
    )
    _index_placement("leave_request")
    op.create_table(
        "hours_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("start_day", sa.Date(), nullable=False),
        sa.Column("end_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("reference_no", sa.String(length=100), nullable=False),
        sa.Column("filed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_day >= start_day", name=op.f("ck_hours_exception_days_ordered")),
        _placement_fk("hours_exception"),
        _user_fk("hours_exception", "filed_by_user_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_exception")),
    )
    _index_placement("hours_exception")


def downgrade() -> None:
    op.drop_table("hours_exception")
    op.drop_table("leave_request")
    op.drop_table("attendance_day")
