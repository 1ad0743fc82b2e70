"""Document pages: upload, download and preview headers, who may see what, 补正 requests,
the evidence bundle and the retention job."""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from skillbridge.models import AuditEvent, Document, DocumentRequest, Notification, Role

URL = "/documents/enterprise/{id}"


def _post_file(client, enterprise_id, data, name="营业执照.pdf", kind="business_licence"):  # type: ignore[no-untyped-def]
    return client.post(
        URL.format(id=enterprise_id),
        data={"kind": kind, "file": (io.BytesIO(data), name), "next": "/"},
        content_type="multipart/form-data",
    )


def _events(session, action):  # type: ignore[no-untyped-def]
    rows = session.scalars(select(AuditEvent.payload).where(AuditEvent.action == action))
    return [json.loads(p)["data"] for p in rows]


def test_upload_then_download_and_preview_with_safe_headers(
    world, session, store, samples, login_as
):
    client = login_as(world.users["enterprise"])
    pdf = samples.pdf()
    response = _post_file(client, world.enterprise.id, pdf, name="../../证照\tx.pdf")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    session.rollback()
    document = session.scalar(select(Document))
    assert document.original_filename == "证照x.pdf"  # no directories, no control characters
    download = client.get(f"/documents/files/{document.id}")
    assert download.status_code == 200 and download.data == pdf
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert "%E8%AF%81%E7%85%A7x.pdf" in disposition  # 证照x.pdf, percent-encoded UTF-8
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"
    assert "no-store" in download.headers["Cache-Control"]
    preview = client.get(f"/documents/files/{document.id}?inline=1")
    assert preview.headers["Content-Disposition"].startswith("inline;")
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
    # Every other page still refuses to be framed.
    page = client.get(URL.format(id=world.enterprise.id))
    assert page.headers["X-Frame-Options"] == "DENY"
    assert f'src="/documents/files/{document.id}?inline=1"' in page.get_data(as_text=True)
    session.rollback()
    downloads = _events(session, "document.downloaded")
    assert len(downloads) == 2 and {d["sha256"] for d in downloads} == {document.sha256}


def test_only_the_parties_and_the_reviewing_bureau_get_the_file(
    world, session, store, samples, login_as, make_user
):
    assert (
        _post_file(
            login_as(world.users["enterprise"]), world.enterprise.id, samples.pdf()
        ).status_code
        == 302
    )
    session.rollback()
    document = session.scalar(select(Document))
    other_enterprise = make_user(Role.ENTERPRISE, enterprise_id=world.other_enterprise.id)
    other_bureau = make_user(Role.BUREAU, region_id=world.other_region.id)
    session.commit()
    url = f"/documents/files/{document.id}"
    for outsider in (other_enterprise, other_bureau, world.users["school"], world.users["student"]):
        assert login_as(outsider).get(url).status_code == 404
        assert login_as(outsider).get(URL.format(id=world.enterprise.id)).status_code == 404
    assert login_as(world.users["bureau"]).get(url).status_code == 200
    assert login_as(world.users["enterprise"]).get(url).status_code == 200
    assert login_as(world.users["bureau"]).get("/documents/files/999999").status_code == 404


def test_a_refused_upload_says_which_file_and_why(world, session, store, samples, login_as):
    client = login_as(world.users["enterprise"])
    response = _post_file(client, world.enterprise.id, samples.zip_named_pdf(), name="执照.pdf")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "执照.pdf" in text and "ZIP" in text
    session.rollback()
    assert session.scalar(select(Document.id)) is None
    assert (
        _post_file(client, world.enterprise.id, samples.pdf(), name="执照.pdf").status_code == 302
    )


def test_a_file_over_the_request_limit_is_refused_before_reading(
    world, session, store, samples, login_as
):
    client = login_as(world.users["enterprise"])
    data = {"kind": "business_licence", "file": FileStorage(io.BytesIO(samples.big()), "big.pdf")}
    # Encoded in memory: the client would spool a body this large to a file it never closes.
    body, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    response = client.post(
        URL.format(id=world.enterprise.id),
        input_stream=body,
        content_length=length,
        content_type=f'multipart/form-data; boundary="{boundary}"',
    )
    assert length > 50 * 1024 * 1024 and response.status_code == 413
    session.rollback()
    assert session.scalar(select(Document.id)) is None


def test_the_bureau_asks_for_a_correction_and_the_party_is_notified(
    world, session, store, samples, login_as
):
    bureau, enterprise = login_as(world.users["bureau"]), login_as(world.users["enterprise"])
    url = URL.format(id=world.enterprise.id) + "/requests"
    form = {"kind": "business_licence", "reason": "执照已过期，请上传新版", "next": "/"}
    assert enterprise.post(url, data=form).status_code == 403  # the party does not ask itself
    assert bureau.post(url, data={**form, "reason": ""}).status_code == 302  # no reason, no request
    session.rollback()
    assert session.scalar(select(DocumentRequest.id)) is None
    assert bureau.post(url, data=form).status_code == 302
    session.rollback()
    request = session.scalar(select(DocumentRequest))
    assert request.reason == "执照已过期，请上传新版" and request.fulfilled_at is None
    notice = session.scalar(
        select(Notification).where(Notification.user_id == world.users["enterprise"].id)
    )
    assert notice.kind == "document.requested" and "执照已过期" in notice.body
    assert (notice.endpoint, notice.link_args) == (
        "documents.record",
        {"owner_type": "enterprise", "owner_id": world.enterprise.id},
    )
    page = enterprise.get(URL.format(id=world.enterprise.id)).get_data(as_text=True)
    assert "执照已过期，请上传新版" in page
    assert _post_file(enterprise, world.enterprise.id, samples.pdf("new")).status_code == 302
    session.rollback()
    session.refresh(request)
    assert request.fulfilled_at is not None and request.fulfilled_by_document_id is not None
    assert "执照已过期，请上传新版" not in enterprise.get(
        URL.format(id=world.enterprise.id)
    ).get_data(as_text=True)


def test_an_unverified_enterprise_uploads_its_licence_and_the_bureau_sees_it(
    world, session, store, samples, login_as, make_enterprise, make_user
):
    pending = make_enterprise(world.region, verified=False)
    user = make_user(Role.ENTERPRISE, enterprise_id=pending.id)
    session.commit()
    client = login_as(user)
    assert _post_file(client, pending.id, samples.pdf()).status_code == 302
    assert client.get("/slots/").status_code in (403, 404)  # still closed for everything else
    queue = login_as(world.users["bureau"]).get("/bureau/verifications").get_data(as_text=True)
    session.rollback()
    document = session.scalar(select(Document).where(Document.enterprise_id == pending.id))
    assert f"/documents/files/{document.id}?inline=1" in queue


def test_the_evidence_bundle_carries_the_documents_as_stored(
    world, session, store, samples, login_as
):
    pdf = samples.pdf()
    assert (
        _post_file(login_as(world.users["enterprise"]), world.enterprise.id, pdf).status_code == 302
    )
    session.rollback()
    document = session.scalar(select(Document))
    response = login_as(world.users["bureau"]).get(
        f"/bureau/drilldown/enterprise/{world.enterprise.id}/evidence.zip"
    )
    assert response.status_code == 200
    bundle = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()  # closes the spooled ZIP send_file streamed, as a WSGI server does
    name = f"documents/enterprise-{world.enterprise.id}/{document.id}-business_licence.pdf"
    assert bundle.read(name) == pdf
    manifest = json.loads(bundle.read("manifest.json"))
    assert {"name": name, "bytes": len(pdf), "sha256": document.sha256} in manifest["files"]
    assert document.sha256 in bundle.read("documents.csv").decode("utf-8")
    session.rollback()
    [event] = _events(session, "evidence.downloaded")
    assert event["documents"] == [{"id": document.id, "sha256": document.sha256}]


def test_the_retention_job_alone_deletes_and_audits(
    world, session, store, samples, login_as, runner
):
    assert (
        _post_file(
            login_as(world.users["enterprise"]), world.enterprise.id, samples.pdf()
        ).status_code
        == 302
    )
    session.rollback()
    document = session.scalar(select(Document))
    # Within the period (10 years for a licence) nothing goes.
    result = runner.invoke(args=["documents-retention"])
    assert result.exit_code == 0, result.output
    assert "0 documents" in result.output and store.storage.exists(document.sha256)
    result = runner.invoke(
        args=["documents-retention", "--now", f"{document.retention_until.year + 1}-01-01"]
    )
    assert result.exit_code == 0, result.output
    assert "1 documents past retention deleted, 1 blobs removed" in result.output
    session.rollback()
    session.refresh(document)
    assert document.deleted_at is not None and not store.storage.exists(document.sha256)
    [event] = _events(session, "document.deleted")
    assert event["sha256"] == document.sha256
    assert (
        login_as(world.users["enterprise"]).get(f"/documents/files/{document.id}").status_code
        == 404
    )
