"""The 实习鉴定 (completion certificate with appraisal): when it may be issued, its content, PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from skillbridge.models import (
    DocumentKind,
    DocumentVersion,
    EvaluationStage,
    Evaluator,
    PlacementStatus,
    User,
    utcnow,
)
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.evaluations.reports import GRADE_LABELS, report_of
from skillbridge.platform.services.evaluations.scores import EVALUATOR_LABELS, evaluations_of
from skillbridge.platform.services.placements.records import PlacementContext, load_placement
from skillbridge.platform.services.placements.terms import SLOT_KIND_ZH
from skillbridge.platform.services.renditions.store import rendition_of
from skillbridge.platform.services.renditions.versions import content_of, issue_version
from skillbridge.platform.text import N_

TEMPLATE = "document.html"
#: The subject type of the appraisal certificate; the bare "placement" one (placements/documents.py)
#: is the plain 结业证明 that needs no evaluations.
SUBJECT = "placement_appraisal"
#: The final evaluations the certificate needs.
SIGNING_EVALUATORS = (Evaluator.MENTOR, Evaluator.TEACHER)


@dataclass(frozen=True)
class CertificateStatus:
    """Whether the certificate may be issued, and what is still missing (message ids)."""

    missing: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.missing


def certificate_status(
    session: Session, context: PlacementContext, today: date
) -> CertificateStatus:
    """What stands between the placement and its certificate."""
    placement, missing = context.placement, []
    over = placement.status == PlacementStatus.ENDED or (
        placement.status == PlacementStatus.ACTIVE and placement.end_date < today
    )
    if not over:
        missing.append(N_("实习尚未结束"))
    finals = {
        e.evaluator
        for e in evaluations_of(session, placement.id)
        if e.stage == EvaluationStage.FINAL
    }
    if Evaluator.MENTOR not in finals:
        missing.append(N_("企业师傅的终期评价"))
    if Evaluator.TEACHER not in finals:
        missing.append(N_("指导教师的终期评价"))
    report = report_of(session, placement.id)
    if report is None or report.grade is None:
        missing.append(N_("指导教师评定的实习成绩"))
    return CertificateStatus(tuple(missing))


def _body(session: Session, context: PlacementContext) -> dict[str, Any]:
    placement, slot = context.placement, context.slot
    report = report_of(session, placement.id)
    assert report is not None and report.grade is not None and report.score is not None  # checked
    finals = [
        e
        for e in evaluations_of(session, placement.id)
        if e.stage == EvaluationStage.FINAL and e.evaluator in SIGNING_EVALUATORS
    ]
    appraisal = [
        f"{EVALUATOR_LABELS[e.evaluator]}终期评价：{e.weighted_centi / 100:.2f} / 5"
        + (f"。评语：{e.comment}" if e.comment else "")
        for e in finals
    ]
    return {
        "document": DocumentKind.COMPLETION_CERTIFICATE.value,
        "title": "实习鉴定暨结业证明",
        "number": f"SB-{placement.id:06d}-A",
        "placement_id": placement.id,
        "parties": [
            {"role": "学校", "name": context.school.name, "detail": ""},
            {"role": "实习单位", "name": context.enterprise.name, "detail": ""},
            {"role": "学生", "name": context.student.name, "detail": ""},
        ],
        "sections": [
            {
                "heading": "一、实习经历",
                "paragraphs": [
                    f"{context.student.name}（{context.school.name}）于 {placement.start_date} 至 "
                    f"{placement.end_date} 在 {context.enterprise.name} {slot.title} 岗位"
                    f"完成{SLOT_KIND_ZH[slot.kind]}。"
                ],
            },
            {"heading": "二、实习鉴定", "paragraphs": appraisal},
            {
                "heading": "三、实习成绩",
                "paragraphs": [
                    f"实习报告成绩：{report.score} 分（{GRADE_LABELS[report.grade]}）。"
                ],
            },
        ],
        "signatories": ["学校", "实习单位"],
    }


def issue_certificate(
    session: Session, actor: User, placement_id: int, today: date
) -> DocumentVersion:
    """The certificate's current version, issued now if its content changed (409 until ready)."""
    context = load_placement(session, actor, placement_id)
    status = certificate_status(session, context, today)
    if not status.ready:
        raise Conflict(N_("结业证明的条件尚未具备"), details=list(status.missing))
    return issue_version(
        session,
        DocumentKind.COMPLETION_CERTIFICATE,
        SUBJECT,
        placement_id,
        _body(session, context),
        utcnow(),
    )


@dataclass(frozen=True)
class CertificatePdf:
    """The certificate's PDF, the name to save it under and its content hash (the 核验码)."""

    filename: str
    data: bytes
    sha256: str


def certificate_pdf(
    session: Session, actor: User, placement_id: int, today: date
) -> CertificatePdf:
    """The certificate as PDF, rendered once per version and kept."""
    version = issue_certificate(session, actor, placement_id, today)
    return CertificatePdf(
        f"appraisal-SB-{placement_id:06d}-v{version.version}.pdf",
        rendition_of(session, version, TEMPLATE),
        version.content_sha256,
    )


@dataclass(frozen=True)
class CertificateView:
    """The certificate's content for the print page, with its version and content hash."""

    content: dict[str, Any]
    version: int
    sha256: str


def certificate_view(
    session: Session, actor: User, placement_id: int, today: date
) -> CertificateView:
    """The certificate as the print page shows it: the same content the PDF renders."""
    version = issue_certificate(session, actor, placement_id, today)
    return CertificateView(content_of(version), version.version, version.content_sha256)
