"""Drill-down timelines from the audit log and the one-click evidence bundle."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from support import sign_as

from skillbridge.models import DocumentKind, DocumentVersion, Role
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import NotFound, PermissionDenied
from skillbridge.platform.services.reporting import timeline


def _actions(session, bureau, kind, object_id) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.action for e in timeline.timeline(session, bureau, kind, object_id).entries]


def test_placement_timeline_holds_its_own_and_its_agreements_events(
    session, world, accepted_flow
) -> None:
    actions = _actions(session, world.users["bureau"], "placement", accepted_flow.placement.id)
    assert actions[:2] == ["placement.offered", "placement.accepted"]
    assert "placement_agreement.created" in actions
    assert "placement_agreement.insured" in actions
    assert "internship_plan.filed" in actions


def test_student_timeline_adds_its_placements_and_leaves_others_out(
    session, world, accepted_flow, make_user
) -> None:
    audit.record(session, None, "placement.offered", "placement", 999_999)  # someone else's
    audit.record(session, None, "roster.imported", "student", world.other_student.id)
    session.commit()
    entries = timeline.timeline(session, world.users["bureau"], "student", world.student.id)
    assert {e.object_type for e in entries.entries} >= {"placement", "placement_agreement"}
    assert all(
        e.object_id != str(world.other_student.id) or e.object_type != "student"
        for e in entries.entries
    )
    assert "999999" not in {e.object_id for e in entries.entries}


def test_organisation_timeline_shows_its_own_records(session, world, make_user) -> None:
    bureau = world.users["bureau"]
    audit.record(session, bureau, "school.verified", "school", world.school.id)
    audit.record(session, bureau, "school.verified", "school", world.other_school.id)
    session.commit()
    entries = timeline.timeline(session, bureau, "school", world.school.id).entries
    assert [(e.action, e.object_id, e.label) for e in entries] == [
        ("school.verified", str(world.school.id), "机构审核通过")
    ]


def test_timeline_is_404_for_unknown_and_403_for_another_region(session, world) -> None:
    bureau = world.users["bureau"]
    with pytest.raises(NotFound):
        timeline.timeline(session, bureau, "cohort", world.school.id)
    with pytest.raises(NotFound):
        timeline.timeline(session, bureau, "student", 987_654)
    with pytest.raises(PermissionDenied):
        timeline.timeline(session, bureau, "enterprise", world.other_enterprise.id)
    with pytest.raises(PermissionDenied):
        timeline.timeline(session, world.users["school"], "school", world.school.id)


def test_timeline_page_and_access(world, login_as, accepted_flow) -> None:
    bureau = login_as(world.users["bureau"])
    page = bureau.get(f"/bureau/drilldown/placement/{accepted_flow.placement.id}")
    assert page.status_code == 200
    assert "接受录用" in page.text and "evidence.zip" in page.text
    assert bureau.get(f"/bureau/drilldown/student/{world.other_student.id}").status_code == 403
    assert bureau.get("/bureau/drilldown/student/987654").status_code == 404
    school = login_as(world.users["school"])
    assert school.get(f"/bureau/drilldown/student/{world.student.id}").status_code == 403


def _bundle(client, kind: str, object_id: int) -> zipfile.ZipFile:  # type: ignore[no-untyped-def]
    response = client.get(f"/bureau/drilldown/{kind}/{object_id}/evidence.zip")
    data = response.data
    response.close()  # closes the spooled file send_file streamed, as a WSGI server does
    assert response.status_code == 200, data[:2000]
    assert response.mimetype == "application/zip"
    assert f"evidence-{kind}-{object_id}-" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(data))


def test_placement_bundle_has_every_document_and_a_verifiable_manifest(
    session, world, factories, login_as, accepted_flow, pay_claim
) -> None:
    placement = accepted_flow.placement
    for signer in (accepted_flow.school_user, world.users["student"], world.users["enterprise"]):
        sign_as(session, signer, placement.id)
    budget, policy = factories.budget(world.region, allocated=9000)
    policy.name = "实习补贴"
    claim = pay_claim(budget, policy, world.student, 2000, datetime(2026, 8, 1, tzinfo=UTC), world.users["bureau"], placement)  # fmt: skip
    session.commit()

    bundle = _bundle(login_as(world.users["bureau"]), "placement", placement.id)
    folder = f"placements/{placement.id}"
    names = set(bundle.namelist())
    assert {
        f"{folder}/agreement.html",
        f"{folder}/internship_plan.txt",
        f"{folder}/insurance.json",
        "months_ledger.csv",
        "subsidy_claims.csv",
        f"subsidy_claims/{claim.id}-evaluation.json",
        "audit.csv",
        "audit.jsonl",
        "manifest.json",
    } <= names

    agreement = bundle.read(f"{folder}/agreement.html").decode()
    assert "三方实习协议" in agreement or "实习协议" in agreement
    assert world.student.name in agreement and "PICC-2026-001" in agreement
    assert "数控车床操作" in bundle.read(f"{folder}/internship_plan.txt").decode()
    insurance = json.loads(bundle.read(f"{folder}/insurance.json"))
    assert insurance["policy_no"] == "PICC-2026-001" and insurance["covers_placement"] is True
    ledger = list(csv.reader(io.StringIO(bundle.read("months_ledger.csv").decode("utf-8-sig"))))
    assert ledger[1][0] == str(placement.id) and ledger[1][-1] == str(placement.months)
    claims = list(csv.reader(io.StringIO(bundle.read("subsidy_claims.csv").decode("utf-8-sig"))))
    assert claims[1][:4] == [str(claim.id), "实习补贴", "paid", "2000"]
    evaluation = json.loads(bundle.read(f"subsidy_claims/{claim.id}-evaluation.json"))
    assert evaluation["eligible"] is True

    chain = [json.loads(line) for line in bundle.read("audit.jsonl").decode().splitlines()]
    for entry in chain:
        assert audit.chain_hash(entry["prev_hash"], entry["payload"]) == entry["entry_hash"]
    assert {json.loads(e["payload"])["action"] for e in chain} >= {"placement.accepted"}

    manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["subject"]["kind"] == "placement"
    for item in manifest["files"]:
        assert hashlib.sha256(bundle.read(item["name"])).hexdigest() == item["sha256"]
    assert {item["name"] for item in manifest["files"]} == names - {"manifest.json", "cover.pdf"}

    # The agreement as its PDF with its signatures; the cover binds every file by its hash.
    (pdf_name,) = [n for n in names if n.startswith(f"{folder}/agreement-")]
    assert pdf_name.endswith("-v1.pdf") and bundle.read(pdf_name).startswith(b"%PDF-")
    signed = json.loads(bundle.read(f"{folder}/signatures.json"))
    assert {s["party"] for s in signed} == {"school", "enterprise", "student"}
    assert len({s["sha256"] for s in signed}) == 1
    session.rollback()
    cover = session.scalars(
        select(DocumentVersion).where(DocumentVersion.kind == DocumentKind.EVIDENCE_COVER)
    ).one()
    assert cover.pdf_sha256 == hashlib.sha256(bundle.read("cover.pdf")).hexdigest()
    listed = {item["name"]: item["sha256"] for item in json.loads(cover.content)["files"]}
    assert listed == {
        name: hashlib.sha256(bundle.read(name)).hexdigest() for name in names - {"cover.pdf"}
    }


def test_student_and_organisation_bundles(world, login_as, accepted_flow) -> None:
    client = login_as(world.users["bureau"])
    student = _bundle(client, "student", world.student.id)
    assert f"placements/{accepted_flow.placement.id}/agreement.html" in student.namelist()
    school = _bundle(client, "school", world.school.id)
    assert {"placements.csv", "cooperation_agreements.csv", "credit_records.csv"} <= set(
        school.namelist()
    )
    rows = list(csv.reader(io.StringIO(school.read("placements.csv").decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [str(accepted_flow.placement.id)]
    enterprise = _bundle(client, "enterprise", world.enterprise.id)
    assert "placements.csv" in enterprise.namelist()


@pytest.mark.parametrize("role", ["school", "enterprise", "student"])
def test_bundles_are_the_bureaus_only(world, login_as, accepted_flow, role) -> None:
    client = login_as(world.users[role])
    url = f"/bureau/drilldown/placement/{accepted_flow.placement.id}/evidence.zip"
    assert client.get(url).status_code == 403


def test_another_regions_bureau_gets_no_bundle(world, login_as, make_user, session) -> None:
    neighbour = make_user(Role.BUREAU, region_id=world.other_region.id)
    session.commit()
    client = login_as(neighbour)
    assert client.get(f"/bureau/drilldown/school/{world.school.id}/evidence.zip").status_code == 403
    with client.get(f"/bureau/drilldown/school/{world.other_school.id}/evidence.zip") as own:
        assert own.status_code == 200
