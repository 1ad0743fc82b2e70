"""Evidence bundles: one ZIP with an object's documents, ledgers, claims and audit entries.

Uploaded documents go in as stored (their bytes are checked against their SHA-256 on reading),
so the manifest's hash of each equals the hash recorded at upload and in the audit log.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    SEAT_HOLDING,
    CooperationAgreement,
    CreditRecord,
    Document,
    DocumentKind,
    DocumentOwner,
    Enterprise,
    Placement,
    PlacementAgreement,
    PlacementStatus,
    School,
    Slot,
    SlotKind,
    Student,
    SubsidyClaim,
    SubsidyPolicy,
    User,
    utcnow,
)
from skillbridge.platform.services import audit
from skillbridge.platform.services.documents.checks import EXTENSIONS
from skillbridge.platform.services.documents.storage import Storage
from skillbridge.platform.services.exports import SPOOL_BYTES, csv_chunks
from skillbridge.platform.services.placements.documents import agreement_pdf
from skillbridge.platform.services.renditions.store import rendition_of
from skillbridge.platform.services.renditions.versions import issue_version
from skillbridge.platform.services.reporting.timeline import Subject, events_query, load_subject

COVER_TEMPLATE = "cover.html"

# Renders the printable agreement of a placement (the web layer's template) as HTML.
RenderAgreement = Callable[[int], str]


class _Bundle:
    """A ZIP being written, remembering each file's SHA-256 for the manifest."""

    def __init__(self, out: IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        self.files: list[dict[str, Any]] = []
        #: The uploaded documents put in, for the download's audit event.
        self.documents: list[dict[str, Any]] = []

    def add(self, name: str, content: str) -> None:
        self.add_bytes(name, content.encode("utf-8"))

    def add_bytes(self, name: str, data: bytes) -> None:
        self.zip.writestr(name, data)
        self.files.append(
            {"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )

    def add_csv(self, name: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        self.add(name, "".join(csv_chunks(headers, rows)))

    def add_json(self, name: str, document: object) -> None:
        self.add(name, json.dumps(document, ensure_ascii=False, indent=2, default=_plain))


def _plain(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def build_bundle(
    session: Session,
    actor: User,
    kind: str,
    object_id: int,
    render_agreement: RenderAgreement,
    storage: Storage,
) -> tuple[str, IO[bytes]]:
    """The bundle's file name and its ZIP, rewound; 404/403 as for the timeline.

    Generated documents go in as PDFs with their signatures, uploaded ones as stored with their
    metadata; the cover (cover.pdf) lists every file with its SHA-256, so the cover's own printed
    hash binds the whole bundle. The download is audited in `session` with the hash of every
    document it carries (the caller commits).
    """
    subject = load_subject(session, actor, kind, object_id)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # returned open: the caller closes it
    bundle = _Bundle(out)
    if subject.kind in ("placement", "student"):
        placements = _placements_of(session, subject)
        for placement in placements:
            _add_placement(session, actor, bundle, placement, render_agreement)
        assert subject.student_id is not None  # set for both kinds
        _add_months_ledger(session, bundle, subject.student_id)
    else:
        _add_organisation(session, bundle, subject)
    _add_claims(session, bundle, subject)
    _add_documents(session, bundle, storage, _document_owners(session, subject))
    _add_audit(session, bundle, subject)
    bundle.add_json(
        "manifest.json",
        {
            "subject": {"kind": subject.kind, "id": subject.id, "title": subject.title},
            "generated_at": utcnow(),
            "generated_by": {"id": actor.id, "name": actor.display_name},
            "files": bundle.files,
        },
    )
    cover = issue_version(
        session,
        DocumentKind.EVIDENCE_COVER,
        subject.kind,
        subject.id,
        {
            "document": DocumentKind.EVIDENCE_COVER.value,
            "title": "证据包封面",
            "number": f"EV-{subject.kind}-{subject.id}",
            "subject": subject.title,
            "generated_by": actor.display_name,
            "files": list(bundle.files),
        },
        utcnow(),
    )
    bundle.add_bytes("cover.pdf", rendition_of(session, cover, COVER_TEMPLATE))
    bundle.zip.close()
    out.seek(0)
    audit.record(
        session,
        actor,
        "evidence.downloaded",
        subject.kind,
        subject.id,
        {"documents": bundle.documents, "files": len(bundle.files)},
    )
    return f"evidence-{subject.kind}-{subject.id}-{date.today().isoformat()}.zip", out


def _placements_of(session: Session, subject: Subject) -> list[Placement]:
    statement = select(Placement).order_by(Placement.start_date, Placement.id)
    if subject.kind == "placement":
        statement = statement.where(Placement.id == subject.id)
    else:
        statement = statement.where(
            Placement.student_id == subject.id, Placement.status != PlacementStatus.PROPOSED
        )
    return list(session.scalars(statement))


def _add_placement(
    session: Session,
    actor: User,
    bundle: _Bundle,
    placement: Placement,
    render: RenderAgreement,
) -> None:
    folder = f"placements/{placement.id}"
    agreement = session.scalar(
        select(PlacementAgreement).where(PlacementAgreement.placement_id == placement.id)
    )
    if agreement is None:
        bundle.add(
            f"{folder}/NO_AGREEMENT.txt", "该实习安排尚未生成实习协议（学生接受录用后生成）。\n"
        )
        return
    bundle.add(f"{folder}/agreement.html", render(placement.id))
    pdf = agreement_pdf(session, actor, placement.id)
    bundle.add_bytes(f"{folder}/{pdf.filename}", pdf.data)
    bundle.add_json(
        f"{folder}/signatures.json",
        [
            {
                "version": signature.version,
                "sha256": signature.content_sha256,
                "party": signature.party.value,
                "signer": signature.signer.display_name,
                "signed_at": signature.signed_at,
                "ip_address": signature.ip_address,
            }
            for signature in pdf.version.signatures
        ],
    )
    plan_header = (
        f"实习计划状态：{agreement.plan_status.value}\n"
        f"报备时间：{_plain(agreement.plan_filed_at) if agreement.plan_filed_at else '—'}\n"
        f"审查时间：{_plain(agreement.plan_decided_at) if agreement.plan_decided_at else '—'}\n"
        f"审查意见：{agreement.plan_decision_reason or '—'}\n\n"
    )
    bundle.add(f"{folder}/internship_plan.txt", plan_header + (agreement.internship_plan or ""))
    bundle.add_json(
        f"{folder}/insurance.json",
        {
            "insurer": agreement.insurer,
            "policy_no": agreement.insurance_policy_no,
            "start": agreement.insurance_start,
            "end": agreement.insurance_end,
            "recorded_at": agreement.insurance_recorded_at,
            "recorded_by_id": agreement.insurance_recorded_by_id,
            "covers_placement": bool(
                agreement.insurance_start
                and agreement.insurance_end
                and agreement.insurance_start <= placement.start_date
                and agreement.insurance_end >= placement.end_date
            ),
        },
    )


def _add_months_ledger(session: Session, bundle: _Bundle, student_id: int) -> None:
    """Every post-internship placement booked against the cap, with the running total (R1)."""
    student = session.get(Student, student_id)
    assert student is not None  # loaded by the subject
    rows = session.execute(
        select(Placement, Slot.title, Enterprise.name)
        .join(Slot, Slot.id == Placement.slot_id)
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .where(Placement.student_id == student_id, Slot.kind == SlotKind.POST_INTERNSHIP)
        .where(Placement.status.in_(SEAT_HOLDING))
        .order_by(Placement.start_date, Placement.id)
    )
    ledger: list[tuple[object, ...]] = []
    running = 0
    for placement, title, firm in rows:
        running += placement.months if placement.counts_toward_cap else 0
        ledger.append(
            (placement.id, firm, title, placement.status.value, placement.start_date.isoformat())
            + (placement.end_date.isoformat(), placement.months, running)
        )
    ledger.append(("", "", "合计（学生记录）", "", "", "", student.months_used, student.month_cap))
    bundle.add_csv(
        "months_ledger.csv",
        ("安排编号", "实习单位", "岗位", "状态", "开始日期", "结束日期", "月数", "累计/上限"),
        ledger,
    )


def _claims_of(subject: Subject) -> Select[SubsidyClaim, str]:
    column = {
        "placement": SubsidyClaim.placement_id,
        "student": SubsidyClaim.student_id,
        "school": SubsidyClaim.school_id,
        "enterprise": SubsidyClaim.enterprise_id,
    }[subject.kind]
    return (
        select(SubsidyClaim, SubsidyPolicy.name)
        .join(SubsidyPolicy, SubsidyPolicy.id == SubsidyClaim.policy_id)
        .where(column == subject.id)
        .order_by(SubsidyClaim.id)
    )


def _add_claims(session: Session, bundle: _Bundle, subject: Subject) -> None:
    """The claims and, per claim, the evaluation it was decided on."""
    rows = session.execute(_claims_of(subject)).all()
    bundle.add_csv(
        "subsidy_claims.csv",
        ("申领编号", "补贴政策", "状态", "金额（元）", "依据日期", "决定时间", "驳回理由")
        + ("支付时间", "自动发起"),
        [
            (c.id, policy, c.status.value, c.amount_yuan, c.on_date.isoformat())
            + (_plain(c.decided_at) if c.decided_at else "", c.decision_reason or "")
            + (_plain(c.paid_at) if c.paid_at else "", "是" if c.automatic else "否")
            for c, policy in rows
        ],
    )
    for claim, _policy in rows:
        bundle.add_json(f"subsidy_claims/{claim.id}-evaluation.json", claim.evaluation)


def _document_owners(session: Session, subject: Subject) -> list[tuple[DocumentOwner, int]]:
    """The records whose documents belong in the subject's bundle."""
    owners: list[tuple[DocumentOwner, int]] = []
    if subject.kind in ("placement", "student"):
        placement_ids = [p.id for p in _placements_of(session, subject)]
        agreements = session.scalars(
            select(PlacementAgreement.id).where(PlacementAgreement.placement_id.in_(placement_ids))
        )
        owners += [(DocumentOwner.PLACEMENT_AGREEMENT, a) for a in agreements]
    else:
        kind = DocumentOwner.SCHOOL if subject.kind == "school" else DocumentOwner.ENTERPRISE
        owners.append((kind, subject.id))
        party = (
            CooperationAgreement.school_id
            if subject.kind == "school"
            else CooperationAgreement.enterprise_id
        )
        cooperation = session.scalars(select(CooperationAgreement.id).where(party == subject.id))
        owners += [(DocumentOwner.COOPERATION_AGREEMENT, a) for a in cooperation]
    claims = session.scalars(select(_claims_of(subject).subquery().c.id))
    owners += [(DocumentOwner.SUBSIDY_CLAIM, c) for c in claims]
    return owners


def _add_documents(
    session: Session, bundle: _Bundle, storage: Storage, owners: list[tuple[DocumentOwner, int]]
) -> None:
    """Every live document of the records, under documents/<record>/, with a metadata table."""
    rows: list[tuple[object, ...]] = []
    for owner_type, owner_id in owners:
        documents = session.scalars(
            select(Document)
            .where(
                Document.owner_type == owner_type,
                Document.owner_id == owner_id,
                Document.deleted_at.is_(None),
            )
            .order_by(Document.id)
        )
        for document in documents:
            name = (
                f"documents/{owner_type.value}-{owner_id}/"
                f"{document.id}-{document.kind}{EXTENSIONS[document.content_type]}"
            )
            bundle.add_bytes(name, storage.get(document.sha256))
            bundle.documents.append({"id": document.id, "sha256": document.sha256})
            rows.append(
                (document.id, owner_type.value, owner_id, document.kind, name)
                + (document.original_filename, document.sha256, document.size_bytes)
                + (_plain(document.uploaded_at), document.uploaded_by_id)
            )
    bundle.add_csv(
        "documents.csv",
        ("材料编号", "所属记录", "记录编号", "材料类型", "包内文件", "原文件名", "SHA-256")
        + ("字节数", "上传时间", "上传人编号"),
        rows,
    )


def _add_organisation(session: Session, bundle: _Bundle, subject: Subject) -> None:
    """An organisation's placements, cooperation agreements and credit records."""
    side = Student.school_id if subject.kind == "school" else Slot.enterprise_id
    placements = session.execute(
        select(Placement, Student.name, School.name, Enterprise.name, Slot.title)
        .join(Student, Student.id == Placement.student_id)
        .join(School, School.id == Student.school_id)
        .join(Slot, Slot.id == Placement.slot_id)
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .where(side == subject.id, Placement.status != PlacementStatus.PROPOSED)
        .order_by(Placement.id)
    )
    bundle.add_csv(
        "placements.csv",
        ("安排编号", "学生", "学校", "实习单位", "岗位", "状态", "开始日期", "结束日期", "月数"),
        [
            (p.id, student, school, firm, title, p.status.value, p.start_date.isoformat())
            + (p.end_date.isoformat(), p.months)
            for p, student, school, firm, title in placements
        ],
    )
    party = CooperationAgreement.enterprise_id
    if subject.kind == "school":
        party = CooperationAgreement.school_id
    agreements = session.execute(
        select(CooperationAgreement, School.name, Enterprise.name)
        .join(School, School.id == CooperationAgreement.school_id)
        .join(Enterprise, Enterprise.id == CooperationAgreement.enterprise_id)
        .where(party == subject.id)
        .order_by(CooperationAgreement.id)
    )
    bundle.add_csv(
        "cooperation_agreements.csv",
        ("协议编号", "学校", "企业", "类型", "状态", "有效期起", "有效期止", "决定理由"),
        [
            (a.id, school, firm, a.kind.value, a.status.value, a.valid_from.isoformat())
            + (a.valid_to.isoformat(), a.decision_reason or "")
            for a, school, firm in agreements
        ],
    )
    credit_of = CreditRecord.school_id if subject.kind == "school" else CreditRecord.enterprise_id
    records = session.scalars(
        select(CreditRecord).where(credit_of == subject.id).order_by(CreditRecord.id)
    )
    bundle.add_csv(
        "credit_records.csv",
        ("编号", "规则", "理由", "起始日期", "截止日期", "撤销时间", "撤销理由"),
        [
            (r.id, r.rule, r.reason, r.starts_on.isoformat(), r.ends_on.isoformat())
            + (_plain(r.revoked_at) if r.revoked_at else "", r.revocation_reason or "")
            for r in records
        ],
    )


def _add_audit(session: Session, bundle: _Bundle, subject: Subject) -> None:
    """The events as a readable CSV, and as chained JSON lines that `audit verify` can check."""
    rows = session.execute(events_query(subject)).all()
    bundle.add_csv(
        "audit.csv",
        ("序号", "时间", "操作人", "操作", "对象类型", "对象编号", "内容"),
        [
            (e.seq, _plain(e.occurred_at), name or "系统", e.action, e.object_type, e.object_id)
            + (json.dumps(json.loads(e.payload).get("data", {}), ensure_ascii=False),)
            for e, name in rows
        ],
    )
    bundle.add(
        "audit.jsonl",
        "".join(
            json.dumps(
                {"payload": e.payload, "prev_hash": e.prev_hash, "entry_hash": e.entry_hash},
                ensure_ascii=False,
            )
            + "\n"
            for e, _name in rows
        ),
    )
