"""Revision 0005 moves the hash-less agreement signatures onto a version 1 of each agreement."""

from __future__ import annotations

import hashlib
import json

from alembic import command
from sqlalchemy import create_engine, text

from skillbridge.platform.migrate import alembic_config

LEGACY = [(7, "school", 3), (7, "student", 4), (9, "enterprise", 5)]


def test_upgrade_keeps_legacy_signatures_on_a_version_and_downgrade_restores_them(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'signatures.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0005")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for agreement_id, party, user_id in LEGACY:
                connection.execute(
                    text(
                        "INSERT INTO agreement_signature (agreement_id, party, signed_by_id,"
                        " signed_at) VALUES (:a, :p, :u, '2026-05-01 08:00:00')"
                    ),
                    {"a": agreement_id, "p": party, "u": user_id},
                )
        command.upgrade(config, "0006")
        with engine.connect() as connection:
            versions = connection.execute(
                text(
                    "SELECT id, subject_id, version, content, content_sha256 FROM document_version"
                )
            ).all()
            signatures = connection.execute(
                text(
                    "SELECT version_id, document_id, party, signer_id, content_sha256"
                    " FROM signature ORDER BY id"
                )
            ).all()
        assert sorted(v.subject_id for v in versions) == [7, 9]
        for version in versions:
            assert version.version == 1
            assert hashlib.sha256(version.content.encode()).hexdigest() == version.content_sha256
            assert "签署内容未留存" in json.loads(version.content)["legacy"]
        by_agreement = {v.subject_id: v for v in versions}
        assert [(s.document_id, s.party, s.signer_id) for s in signatures] == LEGACY
        for s in signatures:
            assert s.version_id == by_agreement[s.document_id].id
            assert s.content_sha256 == by_agreement[s.document_id].content_sha256
        command.downgrade(config, "0005")
        with engine.connect() as connection:
            restored = connection.execute(
                text(
                    "SELECT agreement_id, party, signed_by_id FROM agreement_signature ORDER BY id"
                )
            ).all()
        assert sorted(map(tuple, restored)) == sorted(LEGACY)
    finally:
        engine.dispose()
