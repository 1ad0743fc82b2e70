"""document versions, their signatures (bound to a SHA-256) and their rendered PDFs

Agreement signatures made before this revision carried no hash: each signed agreement gets a
version 1 whose content says so, and its signatures move onto that version unchanged.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:25:16.452377
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from skillbridge.models.signature import SIGNATURE_TRIGGER_PG, SIGNATURE_TRIGGER_SQLITE

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "placement_agreement",
                "internship_plan",
                "completion_certificate",
                "evidence_cover",
                name="document_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(content_sha256) = 64", name=op.f("ck_document_version_content_sha256_length")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_document_version_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_version")),
        sa.UniqueConstraint(
            "id",
            "kind",
            "subject_id",
            "version",
            "content_sha256",
            name=op.f("uq_document_version_id_kind_subject_id_version_content_sha256"),
        ),
        sa.UniqueConstraint(
            "kind",
            "subject_type",
            "subject_id",
            "version",
            name=op.f("uq_document_version_kind_subject_type_subject_id_version"),
        ),
    )
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_version_content_sha256"), ["content_sha256"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_document_version_pdf_sha256"), ["pdf_sha256"], unique=False
        )
        batch_op.create_index(
            "uq_document_version_current",
            ["kind", "subject_type", "subject_id"],
            unique=True,
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )

    op.create_table(
        "rendition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=60), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_rendition_sha256_length")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_version.id"],
            name=op.f("fk_rendition_version_id_document_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rendition")),
        sa.UniqueConstraint("version_id", name=op.f("uq_rendition_version_id")),
    )
    with op.batch_alter_table("rendition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rendition_sha256"), ["sha256"], unique=False)

    op.create_table(
        "signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column(
            "document_kind",
            sa.Enum(
                "placement_agreement",
                "internship_plan",
                "completion_certificate",
                "evidence_cover",
                name="signature_document_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "party",
            sa.Enum(
                "school",
                "enterprise",
                "student",
                "guardian",
                name="signature_party",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["signer_id"], ["user_account.id"], name=op.f("fk_signature_signer_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["version_id", "document_kind", "document_id", "version", "content_sha256"],
            [
                "document_version.id",
                "document_version.kind",
                "document_version.subject_id",
                "document_version.version",
                "document_version.content_sha256",
            ],
            name="fk_signature_version_document_version",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature")),
        sa.UniqueConstraint("version_id", "party", name=op.f("uq_signature_version_id_party")),
    )
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signature_version_id"), ["version_id"], unique=False)

    _create_trigger()
    _move_legacy_signatures()
    op.drop_table("agreement_signature")


def _create_trigger() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for ddl in SIGNATURE_TRIGGER_PG:
            op.execute(ddl.statement)
    else:
        op.execute(SIGNATURE_TRIGGER_SQLITE.statement)


_legacy = sa.table(
    "agreement_signature",
    sa.column("agreement_id", sa.Integer),
    sa.column("party", sa.String),
    sa.column("signed_by_id", sa.Integer),
    sa.column("signed_at", sa.DateTime(timezone=True)),
)
_version = sa.table(
    "document_version",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("subject_type", sa.String),
    sa.column("subject_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("content", sa.Text),
    sa.column("content_sha256", sa.String),
    sa.column("superseded_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_signature = sa.table(
    "signature",
    sa.column("version_id", sa.Integer),
    sa.column("document_kind", sa.String),
    sa.column("document_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("content_sha256", sa.String),
    sa.column("party", sa.String),
    sa.column("signer_id", sa.Integer),
    sa.column("signed_at", sa.DateTime(timezone=True)),
)


def _move_legacy_signatures() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_legacy).order_by(_legacy.c.agreement_id)).all()
    version_of: dict[int, tuple[int, str]] = {}
    for row in rows:
        if row.agreement_id not in version_of:
            content = json.dumps(
                {
                    "document": "placement_agreement",
                    "agreement_id": row.agreement_id,
                    "title": "实习协议",
                    "number": f"SB-{row.agreement_id:06d}",
                    "version": 1,
                    "legacy": "签署于文档版本启用之前（0005），签署内容未留存",
                },
                ensure_ascii=False,
                sort_keys=True,
                separators=(",", ":"),
            )
            digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
            version_id = bind.execute(
                sa.insert(_version)
                .values(
                    kind="placement_agreement",
                    subject_type="placement_agreement",
                    subject_id=row.agreement_id,
                    version=1,
                    content=content,
                    content_sha256=digest,
                    created_at=datetime.now(UTC),
                )
                .returning(_version.c.id)
            ).scalar_one()
            version_of[row.agreement_id] = (version_id, digest)
        version_id, digest = version_of[row.agreement_id]
        bind.execute(
            sa.insert(_signature).values(
                version_id=version_id,
                document_kind="placement_agreement",
                document_id=row.agreement_id,
                version=1,
                content_sha256=digest,
                party=row.party,
                signer_id=row.signed_by_id,
                signed_at=row.signed_at,
            )
        )


def downgrade() -> None:
    op.create_table(
        "agreement_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=10), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "party IN ('school', 'enterprise', 'student', 'guardian')",
            name=op.f("ck_agreement_signature_signature_party"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["placement_agreement.id"],
            name=op.f("fk_agreement_signature_agreement_id_placement_agreement"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"],
            ["user_account.id"],
            name=op.f("fk_agreement_signature_signed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_signature")),
        sa.UniqueConstraint(
            "agreement_id", "party", name=op.f("uq_agreement_signature_agreement_id_party")
        ),
    )
    # Only the current version's signatures fit the old one-row-per-party table.
    current = (
        sa.select(
            _signature.c.document_id,
            _signature.c.party,
            _signature.c.signer_id,
            _signature.c.signed_at,
        )
        .join(_version, _version.c.id == _signature.c.version_id)
        .where(
            _signature.c.document_kind == "placement_agreement",
            _version.c.superseded_at.is_(None),
        )
    )
    op.get_bind().execute(
        sa.insert(_legacy).from_select(
            ["agreement_id", "party", "signed_by_id", "signed_at"], current
        )
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER signature_on_current_version ON signature")
        op.execute("DROP FUNCTION signature_on_current_version()")
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signature_version_id"))

    op.drop_table("signature")
    with op.batch_alter_table("rendition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rendition_sha256"))

    op.drop_table("rendition")
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_document_version_current",
            sqlite_where=sa.text("superseded_at IS NULL"),
            postgresql_where=sa.text("superseded_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_document_version_pdf_sha256"))
        batch_op.drop_index(batch_op.f("ix_document_version_content_sha256"))

    op.drop_table("document_version")
