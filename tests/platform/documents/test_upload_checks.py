"""Upload checks on real files, on both storage backends: what is accepted is stored and audited,
what is refused names the file and the reason and leaves nothing behind."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from sqlalchemy import func, select

from skillbridge.models import AuditEvent, Document, DocumentOwner
from skillbridge.platform.services.documents.storage import StorageError, sha256_of
from skillbridge.platform.services.documents.uploads import DocumentStore, Upload, upload_documents
from skillbridge.platform.services.errors import InvalidInput, NotFound, PermissionDenied

GPS_IFD = 0x8825


def _upload(session, store, user, enterprise_id, name, data):  # type: ignore[no-untyped-def]
    files = [Upload("business_licence", name, io.BytesIO(data))]
    return upload_documents(session, store, user, "enterprise", enterprise_id, files)


def _stored(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count(Document.id))) or 0


def _upload_events(session) -> list[dict]:  # type: ignore[no-untyped-def]
    rows = session.scalars(
        select(AuditEvent.payload).where(AuditEvent.action == "document.uploaded")
    )
    return [json.loads(payload)["data"] for payload in rows]


def test_a_valid_pdf_is_stored_under_its_hash_and_audited(world, session, store, samples):
    user, pdf = world.users["enterprise"], samples.pdf()
    [document] = _upload(session, store, user, world.enterprise.id, "营业执照.pdf", pdf)
    session.commit()
    assert (document.owner_type, document.kind) == (DocumentOwner.ENTERPRISE, "business_licence")
    assert (document.content_type, document.size_bytes) == ("application/pdf", len(pdf))
    assert document.enterprise_id == world.enterprise.id and document.uploaded_by_id == user.id
    assert document.retention_until.year == document.uploaded_at.year + 10
    assert store.storage.get(document.sha256) == pdf
    [event] = _upload_events(session)
    assert event["sha256"] == document.sha256 and event["filename"] == "营业执照.pdf"


def test_gps_and_camera_exif_are_stripped_from_a_jpeg(world, session, store, samples):
    photo = samples.jpeg_with_gps()
    with Image.open(io.BytesIO(photo)) as original:  # the sample really carries them
        assert original.getexif().get_ifd(GPS_IFD) and original.getexif()[0x0110] == "TestCam 1"
    [document] = _upload(
        session, store, world.users["enterprise"], world.enterprise.id, "照片.jpg", photo
    )
    session.commit()
    stored = store.storage.get(document.sha256)
    with Image.open(io.BytesIO(stored)) as kept:
        assert kept.format == "JPEG" and kept.size == (64, 48)
        assert not kept.getexif().get_ifd(GPS_IFD) and 0x0110 not in kept.getexif()
        assert "exif" not in kept.info
    assert b"TestCam" not in stored and document.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("sample", "name", "reason"),
    [
        ("zip_named_pdf", "执照.pdf", "文件内容是 ZIP"),
        ("encrypted_pdf", "加密.pdf", "PDF 已加密"),
        ("javascript_pdf", "脚本.pdf", "PDF 含有脚本或自动动作"),
        ("javascript_in_names", "脚本2.pdf", "PDF 含有脚本或自动动作"),
        ("html_pdf_polyglot", "polyglot.pdf", "网页代码"),
        ("big", "big.pdf", "大小上限 10 MiB"),
        ("empty", "empty.pdf", "文件是空的"),
    ],
)
def test_refused_files_name_the_file_and_the_reason_and_store_nothing(
    world, session, store, samples, sample, name, reason
):
    data = {
        "javascript_in_names": lambda: samples.javascript_pdf("names"),
        "empty": lambda: b"",
    }.get(sample, getattr(samples, sample, None))()
    with pytest.raises(InvalidInput) as refused:
        _upload(session, store, world.users["enterprise"], world.enterprise.id, name, data)
    [detail] = refused.value.details
    assert detail.startswith(f"{name}：") and reason in detail, detail
    session.rollback()
    assert _stored(session) == 0 and _upload_events(session) == []
    # Positive control through the same path: a valid PDF under the same name is taken.
    _upload(session, store, world.users["enterprise"], world.enterprise.id, name, samples.pdf())
    session.commit()
    assert _stored(session) == 1


def test_one_bad_file_in_a_request_stores_none_of_them(world, session, store, samples):
    good, bad = samples.pdf("good"), samples.encrypted_pdf()
    files = [
        Upload("business_licence", "good.pdf", io.BytesIO(good)),
        Upload("business_licence", "bad.pdf", io.BytesIO(bad)),
    ]
    with pytest.raises(InvalidInput) as refused:
        upload_documents(
            session, store, world.users["enterprise"], "enterprise", world.enterprise.id, files
        )
    assert [d.split("：")[0] for d in refused.value.details] == ["bad.pdf"]
    session.rollback()
    assert _stored(session) == 0
    assert not store.storage.exists(sha256_of(good))


def test_the_organisation_quota_refuses_what_would_overflow_it(world, session, store, samples):
    pdf = samples.pdf()
    small = DocumentStore(store.storage, quota_bytes=len(pdf) + 10)
    _upload(session, small, world.users["enterprise"], world.enterprise.id, "a.pdf", pdf)
    session.commit()
    with pytest.raises(InvalidInput) as refused:
        _upload(
            session,
            small,
            world.users["enterprise"],
            world.enterprise.id,
            "b.pdf",
            samples.pdf("b"),
        )
    assert "存储空间已满" in refused.value.message
    session.rollback()
    assert _stored(session) == 1


def test_a_kind_the_record_does_not_take_is_refused(world, session, store, samples):
    files = [Upload("labour_contract", "合同.pdf", io.BytesIO(samples.pdf()))]
    with pytest.raises(InvalidInput) as refused:
        upload_documents(
            session, store, world.users["enterprise"], "enterprise", world.enterprise.id, files
        )
    assert refused.value.details[0].startswith("合同.pdf：")


def test_only_the_owing_side_uploads(world, session, store, samples):
    def attempt(user):  # type: ignore[no-untyped-def]
        return _upload(session, store, user, world.enterprise.id, "x.pdf", samples.pdf())

    with pytest.raises(NotFound):
        attempt(world.users["school"])  # another tenant: the record does not exist for it
    with pytest.raises(PermissionDenied):
        attempt(world.users["bureau"])  # the reviewer sees it, but never uploads
    assert attempt(world.users["enterprise"])  # the owner itself


def test_a_blob_altered_in_storage_is_refused_on_reading(world, session, store, samples, tmp_path):
    [document] = _upload(
        session, store, world.users["enterprise"], world.enterprise.id, "a.pdf", samples.pdf()
    )
    assert store.storage.get(document.sha256)
    forged = samples.pdf("forged")
    if hasattr(store.storage, "root"):
        path = store.storage._path(document.sha256)
        path.chmod(0o644)
        path.write_bytes(forged)
    else:
        store.storage.client.put_object(
            Bucket=store.storage.bucket, Key=store.storage._key(document.sha256), Body=forged
        )
    with pytest.raises(StorageError, match="altered"):
        store.storage.get(document.sha256)
