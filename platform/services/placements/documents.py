"""A placement's generated PDFs: the agreement, the internship plan and the completion certificate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from skillbridge.models import (
    DocumentKind,
    DocumentVersion,
    FilingStatus,
    PlacementStatus,
    User,
    utcnow,
)
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.placements.records import PlacementContext, load_placement
from skillbridge.platform.services.placements.terms import (
    AGREEMENT_SUBJECT,
    SLOT_KIND_ZH,
    agreement_number,
    agreement_version,
)
from skillbridge.platform.services.renditions.store import rendition_of
from skillbridge.platform.services.renditions.versions import issue_version
from skillbridge.platform.text import N_

TEMPLATE = "document.html"
PLAN_STATUS_ZH = {
    FilingStatus.NOT_FILED: "未报备",
    FilingStatus.FILED: "已报人社局审定备案，待审查",
    FilingStatus.APPROVED: "人社局已审定备案",
    FilingStatus.REJECTED: "人社局已驳回",
}


@dataclass(frozen=True)
class RenderedPdf:
    """A PDF to send, the version it renders, and the name to save it under."""

    filename: str
    data: bytes
    version: DocumentVersion


def _rendered(session: Session, version: DocumentVersion, stem: str) -> RenderedPdf:
    return RenderedPdf(
        f"{stem}-v{version.version}.pdf", rendition_of(session, version, TEMPLATE), version
    )


def _names(context: PlacementContext) -> list[dict[str, str]]:
    return [
        {"role": "学校", "name": context.school.name, "detail": ""},
        {"role": "实习单位", "name": context.enterprise.name, "detail": ""},
        {"role": "学生", "name": context.student.name, "detail": ""},
    ]


def agreement_pdf(session: Session, actor: User, placement_id: int) -> RenderedPdf:
    """The PDF of the agreement's current version, which the parties sign (404/403 first)."""
    context = load_placement(session, actor, placement_id)
    if context.agreement is None:
        raise Conflict(N_("接受录用后才会生成实习协议"))
    version = agreement_version(session, context, context.agreement, utcnow())
    return _rendered(session, version, f"agreement-{agreement_number(context.agreement)}")


def plan_body(context: PlacementContext) -> dict[str, Any]:
    """The filed internship plan (R2) with the parties and where its filing stands."""
    agreement = context.agreement
    assert agreement is not None  # callers check
    lines = [line.strip() for line in agreement.internship_plan.splitlines() if line.strip()]
    filing = [f"状态：{PLAN_STATUS_ZH[agreement.plan_status]}"]
    if agreement.plan_filed_at is not None:
        filing.append(f"报备时间：{agreement.plan_filed_at:%Y-%m-%d}")
    if agreement.plan_decided_at is not None:
        filing.append(f"审查时间：{agreement.plan_decided_at:%Y-%m-%d}")
    if agreement.plan_decision_reason:
        filing.append(f"审查意见：{agreement.plan_decision_reason}")
    return {
        "document": DocumentKind.INTERNSHIP_PLAN.value,
        "title": "实习计划",
        "number": f"{agreement_number(agreement)}-P",
        "placement_id": context.placement.id,
        "parties": _names(context),
        "sections": [
            {
                "heading": "一、岗位与期限",
                "paragraphs": [
                    f"{context.slot.title}（{SLOT_KIND_ZH[context.slot.kind]}），"
                    f"{context.placement.start_date} 至 {context.placement.end_date}。"
                ],
            },
            {"heading": "二、实习计划", "paragraphs": lines},
            {"heading": "三、报备与审查（R2）", "paragraphs": filing},
        ],
        "signatories": ["学校"],
    }


def plan_pdf(session: Session, actor: User, placement_id: int) -> RenderedPdf:
    """The PDF of the filed plan; a refiled or decided plan is a new version."""
    context = load_placement(session, actor, placement_id)
    agreement = context.agreement
    if agreement is None or not agreement.internship_plan.strip():
        raise Conflict(N_("该实习安排尚未报备实习计划"))
    version = issue_version(
        session,
        DocumentKind.INTERNSHIP_PLAN,
        AGREEMENT_SUBJECT,
        agreement.id,
        plan_body(context),
        utcnow(),
    )
    return _rendered(session, version, f"internship-plan-{agreement_number(agreement)}")


def certificate_body(context: PlacementContext) -> dict[str, Any]:
    """The completion certificate of an ended placement: who, where, what, from when to when."""
    placement, slot = context.placement, context.slot
    return {
        "document": DocumentKind.COMPLETION_CERTIFICATE.value,
        "title": "实习结业证明",
        "number": f"SB-{placement.id:06d}-C",
        "placement_id": placement.id,
        "parties": _names(context),
        "sections": [
            {
                "heading": "证明",
                "paragraphs": [
                    f"兹证明 {context.student.name}（{context.school.name}）于 "
                    f"{placement.start_date} 至 {placement.end_date} 在 {context.enterprise.name}"
                    f" {slot.title} 岗位完成{SLOT_KIND_ZH[slot.kind]}，共计 {placement.months} 个月。",
                ],
            }
        ],
        "signatories": ["学校", "实习单位"],
    }


def certificate_pdf(session: Session, actor: User, placement_id: int) -> RenderedPdf:
    """The completion certificate, once the placement has ended."""
    context = load_placement(session, actor, placement_id)
    if context.placement.status != PlacementStatus.ENDED:
        raise Conflict(N_("实习结束后才能出具结业证明"))
    version = issue_version(
        session,
        DocumentKind.COMPLETION_CERTIFICATE,
        "placement",
        context.placement.id,
        certificate_body(context),
        utcnow(),
    )
    return _rendered(session, version, f"completion-certificate-SB-{context.placement.id:06d}")
