"""Generated PDFs: the Chinese agreement's text and hash, its signatures, tampering, determinism."""

from __future__ import annotations

import time
from datetime import date
from io import BytesIO

import pytest
from sqlalchemy import select
from support import flat_text as _flat
from support import pdf_text, sign_as

from skillbridge.models import DocumentVersion, Rendition, SlotKind
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.placements import agreements as placement_agreements
from skillbridge.platform.services.placements import documents
from skillbridge.platform.services.placements import lifecycle as placements_lifecycle
from skillbridge.platform.services.renditions.canonical import content_sha256, sha256_hex
from skillbridge.platform.services.renditions.pdf import render_pdf
from skillbridge.platform.services.renditions.versions import content_of
from skillbridge.platform.services.signatures import verification

TODAY = date.today()


def test_the_chinese_agreement_pdf_names_the_parties_and_its_hash_is_what_was_signed(
    session, world, accepted, login_as
) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    for role in ("student", "school", "enterprise"):
        sign_as(session, world.users[role], pid)
    session.commit()
    response = login_as(world.users["school"]).get(f"/pdf/placements/{pid}/agreement.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.get_data()
    text = pdf_text(pdf)
    for name in (world.school.name, world.enterprise.name, world.student.name, "三方实习协议"):
        assert name in text, name
    version = session.scalars(select(DocumentVersion)).one()
    signatures = version.signatures
    assert {s.party.value for s in signatures} == {"student", "school", "enterprise"}
    # The hash printed on the PDF is the content hash, and every signature bound exactly it.
    assert version.content_sha256 in _flat(text)
    assert version.content_sha256 == content_sha256(content_of(version))
    assert {s.content_sha256 for s in signatures} == {version.content_sha256}
    assert response.headers["X-Document-SHA256"] == version.content_sha256
    # The file itself verifies as this signed version; a copy changed by one byte does not.
    assert version.pdf_sha256 == sha256_hex(pdf)
    good = verification.verify_file(session, world.users["bureau"], "agreement.pdf", pdf)
    assert [m.version.id for m in good.matches] == [version.id]
    assert good.matches[0].matched_on == "pdf"
    assert {s.party.value for s in good.matches[0].signatures} == {
        "student",
        "school",
        "enterprise",
    }
    # A modified copy still prints the signed hash, but its own bytes hash to something else.
    tampered = bytearray(pdf)
    tampered[len(pdf) // 2] ^= 0x01
    bad = verification.verify_file(session, world.users["bureau"], "agreement.pdf", bytes(tampered))
    assert not bad.matched


def test_the_verification_page_by_upload_and_by_hash(session, world, accepted, login_as) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    sign_as(session, world.users["school"], pid)
    session.commit()
    client = login_as(world.users["enterprise"])
    pdf = client.get(f"/pdf/placements/{pid}/agreement.pdf").get_data()
    version = session.scalars(select(DocumentVersion)).one()
    upload = client.post(
        "/signatures/verify",
        data={"document": (BytesIO(pdf), "agreement.pdf")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 200
    page = upload.get_data(as_text=True)
    assert "三方实习协议" in page and world.users["school"].display_name in page
    assert "核验未通过" not in page
    changed = client.post(
        "/signatures/verify",
        data={"document": (BytesIO(pdf + b"\n% appended"), "agreement.pdf")},
        content_type="multipart/form-data",
    )
    assert changed.status_code == 200 and "核验未通过" in changed.get_data(as_text=True)
    by_hash = client.get(f"/signatures/verify?sha256={version.content_sha256}")
    assert "与内容摘要一致" in by_hash.get_data(as_text=True)
    assert client.get("/signatures/verify?sha256=nothex").status_code == 400


def test_rendering_is_deterministic_and_kept_once(session, world, accepted, capsys) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    first = documents.agreement_pdf(session, world.users["school"], pid)
    session.commit()
    again = documents.agreement_pdf(session, world.users["student"], pid)
    assert again.data == first.data
    started = time.perf_counter()
    rendered = render_pdf(documents.TEMPLATE, first.version)
    seconds = time.perf_counter() - started
    assert rendered == first.data  # a fresh render gives the same bytes
    assert session.scalars(select(Rendition)).one().sha256 == sha256_hex(first.data)
    with capsys.disabled():
        print(f"\n[renditions] agreement PDF: {len(rendered)} bytes, {seconds * 1000:.0f} ms")


def test_an_amendment_makes_a_new_version_with_its_own_hash(session, world, accepted) -> None:  # type: ignore[no-untyped-def]
    pid = accepted.placement.id
    sign_as(session, world.users["student"], pid)
    before = documents.agreement_pdf(session, world.users["school"], pid)
    session.commit()
    placements_lifecycle.amend_placement(
        session, world.users["school"], pid, date(2026, 8, 1), date(2027, 1, 31)
    )
    session.commit()
    after = documents.agreement_pdf(session, world.users["school"], pid)
    assert (before.version.version, after.version.version) == (1, 2)
    assert after.version.content_sha256 != before.version.content_sha256
    assert before.filename.endswith("-v1.pdf") and after.filename.endswith("-v2.pdf")
    assert "2026-08-01" in pdf_text(after.data)
    # The old file still verifies, as a superseded version with the student's signature.
    old = verification.verify_file(session, world.users["school"], "v1.pdf", before.data)
    assert not old.matches[0].current and len(old.matches[0].signatures) == 1


def test_the_apprentice_agreement_plan_and_certificate(
    session, world, make_slot, make_offer, login_as
) -> None:  # type: ignore[no-untyped-def]
    from skillbridge.platform.services.placements import offers

    slot = make_slot(world.enterprise, kind=SlotKind.APPRENTICESHIP)
    placement = make_offer(world.student, slot)
    offers.accept_offer(session, world.users["student"], placement.id, TODAY)
    session.commit()
    apprentice = documents.agreement_pdf(session, world.users["enterprise"], placement.id)
    text = pdf_text(apprentice.data)
    assert "学生学徒培养协议" in text and "乙方（学徒）" in text and world.student.name in text
    assert content_of(apprentice.version)["signatories"] == ["实习单位", "学生"]
    with pytest.raises(Conflict):  # no plan filed yet
        documents.plan_pdf(session, world.users["school"], placement.id)
    session.rollback()
    with pytest.raises(Conflict):  # not ended yet
        documents.certificate_pdf(session, world.users["school"], placement.id)
    session.rollback()
    placement_agreements.file_internship_plan(
        session, world.users["school"], placement.id, "第1月：安全培训\n第2月起：师带徒"
    )
    session.commit()
    plan = login_as(world.users["bureau"]).get(f"/pdf/placements/{placement.id}/plan.pdf")
    assert plan.status_code == 200
    assert "师带徒" in pdf_text(plan.get_data())
    session.rollback()  # SQLite: write from a snapshot taken after the request's writes
    for role in ("student", "enterprise"):
        sign_as(session, world.users[role], placement.id)
    session.commit()
    placements_lifecycle.start_placement(
        session, world.users["enterprise"], placement.id, placement.start_date
    )
    placements_lifecycle.end_placement(
        session, world.users["enterprise"], placement.id, placement.end_date
    )
    session.commit()
    certificate = login_as(world.users["student"]).get(
        f"/pdf/placements/{placement.id}/certificate.pdf"
    )
    assert certificate.status_code == 200
    text = pdf_text(certificate.get_data())
    assert "实习结业证明" in text and world.student.name in text and world.enterprise.name in text
