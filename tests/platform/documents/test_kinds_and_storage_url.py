"""The document-kind catalogue is data that loads and is used by every pack; storage URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillbridge.platform.policy import load_all_packs
from skillbridge.platform.policy.document_kinds import MIB, document_kinds
from skillbridge.platform.services.documents.owners import OWNER_KINDS
from skillbridge.platform.services.documents.storage import (
    FilesystemStorage,
    S3Storage,
    StorageError,
    storage_from_url,
)


def test_every_kind_has_a_limit_types_and_a_cited_retention_period():
    kinds = document_kinds()
    assert kinds["business_licence"].max_bytes == 10 * MIB
    assert kinds["id_card_copy"].retention_years == 30
    for kind in kinds.values():
        assert kind.max_bytes > 0 and kind.types and kind.retention_years > 0 and kind.citation


def test_every_kind_a_record_or_a_pack_names_is_in_the_catalogue():
    named = {code for codes in OWNER_KINDS.values() for code in codes}
    named |= {
        code for pack in load_all_packs().values() for p in pack.policies for code in p.documents
    }
    assert named <= set(document_kinds())
    assert all(p.documents for pack in load_all_packs().values() for p in pack.policies)


def test_storage_urls_select_the_backend(tmp_path: Path):
    default = storage_from_url(None, tmp_path)
    assert isinstance(default, FilesystemStorage) and default.root == tmp_path / "documents"
    assert storage_from_url(f"file://{tmp_path}/blobs", tmp_path).root == tmp_path / "blobs"
    s3 = storage_from_url("s3://docs/skillbridge?endpoint=http://127.0.0.1:9&region=cn", tmp_path)
    assert isinstance(s3, S3Storage) and (s3.bucket, s3.prefix) == ("docs", "skillbridge/")
    assert s3.client.meta.endpoint_url == "http://127.0.0.1:9"
    for wrong in ("ftp://host/x", "file:relative", "s3:///prefix"):
        with pytest.raises(StorageError):
            storage_from_url(wrong, tmp_path)


def test_keys_are_only_sha256_hex(tmp_path: Path):
    storage = FilesystemStorage(tmp_path)
    with pytest.raises(StorageError):
        storage.get("../../etc/passwd")
    key = storage.put(b"%PDF-1.4 x")
    assert storage.put(b"%PDF-1.4 x") == key and storage.get(key) == b"%PDF-1.4 x"
