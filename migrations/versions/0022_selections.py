"""selections: rounds per award policy, nominations, the expert pool, panels, scores, anonymous
ballots, objections, awards; a claim's round; the nomination as an owner of documents

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 17:21:51
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

OLD_OWNERS = (
    "'enterprise', 'school', 'cooperation_agreement', 'placement_agreement', 'subsidy_claim',"
    " 'journal'"
)
NEW_OWNERS = OLD_OWNERS + ", 'nomination'"
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
        "expert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("field", sa.String(length=120), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(trim(name)) > 0", name=op.f("ck_expert_name_given")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_expert_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_expert_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert")),
    )
    with op.batch_alter_table("expert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_region_id"), ["region_id"], unique=False)

    op.create_table(
        "selection_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Integer(), nullable=False),
        sa.Column("period_years", sa.Integer(), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=True),
        sa.Column("selected_count", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "review",
                "publicity",
                "decided",
                name="round_status",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("nominations_close_on", sa.Date(), nullable=False),
        sa.Column("panel_size", sa.Integer(), nullable=False),
        sa.Column("publicity_working_days", sa.Integer(), nullable=False),
        sa.Column("publicity_basis", sa.String(length=200), nullable=False),
        sa.Column("panel_seed", sa.Integer(), nullable=True),
        sa.Column("publicity_starts_on", sa.Date(), nullable=True),
        sa.Column("publicity_ends_on", sa.Date(), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'review') OR publicity_starts_on IS NOT NULL",
            name=op.f("ck_selection_round_publicity_recorded"),
        ),
        sa.CheckConstraint(
            "nominations_close_on >= opened_on", name=op.f("ck_selection_round_close_after_open")
        ),
        sa.CheckConstraint("panel_size > 0", name=op.f("ck_selection_round_panel_size_positive")),
        sa.CheckConstraint("period_years > 0", name=op.f("ck_selection_round_period_positive")),
        sa.CheckConstraint(
            "publicity_ends_on IS NULL OR publicity_ends_on >= publicity_starts_on",
            name=op.f("ck_selection_round_publicity_ordered"),
        ),
        sa.CheckConstraint(
            "publicity_working_days > 0", name=op.f("ck_selection_round_publicity_positive")
        ),
        sa.CheckConstraint(
            "quota IS NULL OR quota > 0", name=op.f("ck_selection_round_quota_positive")
        ),
        sa.CheckConstraint(
            "quota IS NULL OR selected_count <= quota", name=op.f("ck_selection_round_within_quota")
        ),
        sa.CheckConstraint(
            "selected_count >= 0", name=op.f("ck_selection_round_selected_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["user_account.id"],
            name=op.f("fk_selection_round_opened_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["subsidy_policy.id"],
            name=op.f("fk_selection_round_policy_id_subsidy_policy"),
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_selection_round_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_round")),
        sa.UniqueConstraint(
            "policy_id", "period_start", name=op.f("uq_selection_round_policy_id_period_start")
        ),
    )
    with op.batch_alter_table("selection_round", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_selection_round_region_id"), ["region_id"], unique=False
        )

    op.create_table(
        "nomination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("nominated_by_enterprise_id", sa.Integer(), nullable=True),
        sa.Column("nominated_by_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=10), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "screened_in",
                "screened_out",
                "proposed",
                "not_proposed",
                "struck",
                "selected",
                name="nomination_status",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("screening", sa.JSON(), nullable=False),
        sa.Column("screened_on", sa.Date(), nullable=True),
        sa.Column("place_no", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(status = 'selected') = (place_no IS NOT NULL)",
            name=op.f("ck_nomination_place_iff_selected"),
        ),
        sa.CheckConstraint(
            "length(trim(statement)) > 0", name=op.f("ck_nomination_statement_given")
        ),
        sa.CheckConstraint(
            "place_no IS NULL OR place_no > 0", name=op.f("ck_nomination_place_positive")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["enterprise.id"], name=op.f("fk_nomination_employer_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["nominated_by_enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_nomination_nominated_by_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["nominated_by_id"],
            ["user_account.id"],
            name=op.f("fk_nomination_nominated_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_nomination_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["selection_round.id"],
            name=op.f("fk_nomination_round_id_selection_round"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nomination")),
        sa.UniqueConstraint("round_id", "person_id", name=op.f("uq_nomination_round_id_person_id")),
        sa.UniqueConstraint("round_id", "place_no", name=op.f("uq_nomination_round_id_place_no")),
    )
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nomination_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nomination_round_id"), ["round_id"], unique=False)

    op.create_table(
        "panel_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("seat > 0", name=op.f("ck_panel_member_seat_positive")),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["expert.id"], name=op.f("fk_panel_member_expert_id_expert")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["selection_round.id"],
            name=op.f("fk_panel_member_round_id_selection_round"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_member")),
        sa.UniqueConstraint(
            "round_id", "expert_id", name=op.f("uq_panel_member_round_id_expert_id")
        ),
        sa.UniqueConstraint("round_id", "seat", name=op.f("uq_panel_member_round_id_seat")),
    )
    with op.batch_alter_table("panel_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_member_round_id"), ["round_id"], unique=False)

    op.create_table(
        "award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("policy_code", sa.String(length=80), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("criterion", sa.String(length=10), nullable=True),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("claim_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("level >= 0 AND level <= 7", name=op.f("ck_award_level_on_ladder")),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nomination.id"], name=op.f("fk_award_nomination_id_nomination")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_award_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_award_region_id_region")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["selection_round.id"], name=op.f("fk_award_round_id_selection_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award")),
        sa.UniqueConstraint("nomination_id", name=op.f("uq_award_nomination_id")),
        sa.UniqueConstraint("round_id", "person_id", name=op.f("uq_award_round_id_person_id")),
    )
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.create_index("ix_award_person_policy", ["person_id", "policy_code"], unique=False)

    op.create_table(
        "ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nomination.id"], name=op.f("fk_ballot_nomination_id_nomination")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot")),
    )
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ballot_nomination_id"), ["nomination_id"], unique=False
        )

    op.create_table(
        "expert_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.CheckConstraint("score >= 0 AND score <= 100", name=op.f("ck_expert_score_score_range")),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["expert.id"], name=op.f("fk_expert_score_expert_id_expert")
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nomination.id"],
            name=op.f("fk_expert_score_nomination_id_nomination"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_score")),
        sa.UniqueConstraint(
            "nomination_id", "expert_id", name=op.f("uq_expert_score_nomination_id_expert_id")
        ),
    )
    with op.batch_alter_table("expert_score", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expert_score_nomination_id"), ["nomination_id"], unique=False
        )

    op.create_table(
        "objection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "upheld",
                "dismissed",
                name="objection_outcome",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=True,
        ),
        sa.Column("handling_note", sa.Text(), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(outcome IS NULL) = (handled_at IS NULL) AND (outcome IS NULL OR (handled_by_id IS NOT NULL AND handling_note IS NOT NULL))",
            name=op.f("ck_objection_handling_recorded"),
        ),
        sa.CheckConstraint("length(trim(reason)) > 0", name=op.f("ck_objection_reason_given")),
        sa.ForeignKeyConstraint(
            ["handled_by_id"],
            ["user_account.id"],
            name=op.f("fk_objection_handled_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"], ["nomination.id"], name=op.f("fk_objection_nomination_id_nomination")
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"],
            ["user_account.id"],
            name=op.f("fk_objection_raised_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objection")),
    )
    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_objection_nomination_id"), ["nomination_id"], unique=False
        )
        batch_op.create_index("ix_objection_open", ["nomination_id", "outcome"], unique=False)

    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("selection_round_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_subsidy_claim_selection_round_id_selection_round"),
            "selection_round",
            ["selection_round_id"],
            ["id"],
        )

    _owner_checks(NEW_OWNERS)


def downgrade() -> None:
    _owner_checks(OLD_OWNERS)
    with op.batch_alter_table("subsidy_claim", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_subsidy_claim_selection_round_id_selection_round"), type_="foreignkey"
        )
        batch_op.drop_column("selection_round_id")

    with op.batch_alter_table("objection", schema=None) as batch_op:
        batch_op.drop_index("ix_objection_open")
        batch_op.drop_index(batch_op.f("ix_objection_nomination_id"))

    op.drop_table("objection")
    with op.batch_alter_table("expert_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_score_nomination_id"))

    op.drop_table("expert_score")
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_nomination_id"))

    op.drop_table("ballot")
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index("ix_award_person_policy")

    op.drop_table("award")
    with op.batch_alter_table("panel_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_member_round_id"))

    op.drop_table("panel_member")
    with op.batch_alter_table("nomination", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nomination_round_id"))
        batch_op.drop_index(batch_op.f("ix_nomination_person_id"))

    op.drop_table("nomination")
    with op.batch_alter_table("selection_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selection_round_region_id"))

    op.drop_table("selection_round")
    with op.batch_alter_table("expert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_region_id"))

    op.drop_table("expert")
