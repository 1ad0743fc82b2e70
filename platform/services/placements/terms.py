"""The terms of a placement's agreement as document content: what the parties sign and the PDF prints.

The content is Chinese only: it is the legal text of the agreement, identical for every reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from skillbridge.models import (
    DocumentKind,
    DocumentVersion,
    Party,
    PlacementAgreement,
    PlacementAgreementKind,
    SlotKind,
)
from skillbridge.platform.policy import age_in_years
from skillbridge.platform.services.placements.records import PlacementContext
from skillbridge.platform.services.renditions.versions import current_version, issue_version
from skillbridge.platform.text import N_

TITLES = {
    PlacementAgreementKind.TRIPARTITE_INTERNSHIP: N_("三方实习协议"),
    PlacementAgreementKind.APPRENTICE_TRAINING: N_("学生学徒培养协议"),
}

# Who signs: school–enterprise–student for internships (N5); enterprise–apprentice (R5).
REQUIRED_PARTIES = {
    PlacementAgreementKind.TRIPARTITE_INTERNSHIP: (Party.SCHOOL, Party.ENTERPRISE, Party.STUDENT),
    PlacementAgreementKind.APPRENTICE_TRAINING: (Party.ENTERPRISE, Party.STUDENT),
}

SLOT_KIND_ZH = {
    SlotKind.POST_INTERNSHIP: "岗位实习（顶岗实习）",
    SlotKind.SHADOW_INTERNSHIP: "跟岗实习",
    SlotKind.APPRENTICESHIP: "学徒",
    SlotKind.ORDER_CLASS: "订单班",
}
PARTY_ZH = {
    Party.SCHOOL: "学校",
    Party.ENTERPRISE: "实习单位",
    Party.STUDENT: "学生",
    Party.GUARDIAN: "监护人",
}
AGREEMENT_SUBJECT = "placement_agreement"


@dataclass(frozen=True)
class ProposedTerms:
    """An amendment's terms of a running placement: its new end, the months it then counts, why."""

    end: date
    months: int
    reason: str
    old_end: date


def agreement_number(agreement: PlacementAgreement) -> str:
    """The number printed on the agreement, as on its printable page."""
    return f"SB-{agreement.id:06d}"


def _parties(context: PlacementContext, kind: PlacementAgreementKind) -> list[dict[str, str]]:
    school, enterprise, student = context.school, context.enterprise, context.student
    age = age_in_years(student.birth_date, context.placement.start_date)
    if kind == PlacementAgreementKind.TRIPARTITE_INTERNSHIP:
        return [
            {"role": "甲方（学校）", "name": school.name, "detail": f"学校标识码 {school.code}"},
            {
                "role": "乙方（实习单位）",
                "name": enterprise.name,
                "detail": f"统一社会信用代码 {enterprise.uscc}",
            },
            {"role": "丙方（学生）", "name": student.name, "detail": f"实习开始时 {age} 周岁"},
        ]
    return [
        {
            "role": "甲方（企业）",
            "name": enterprise.name,
            "detail": f"统一社会信用代码 {enterprise.uscc}",
        },
        {"role": "乙方（学徒）", "name": student.name, "detail": f"就读学校 {school.name}"},
    ]


def _sections(
    context: PlacementContext, kind: PlacementAgreementKind, proposed: ProposedTerms | None
) -> list[dict[str, Any]]:
    placement, slot = context.placement, context.slot
    end, count = (
        (proposed.end, proposed.months) if proposed else (placement.end_date, placement.months)
    )
    term = f"期限自 {placement.start_date} 起至 {end} 止，共计 {count} 个月。"
    if placement.counts_toward_cap:
        term += (
            f"本期限计入学生顶岗实习累计月数，累计不得超过 {context.student.month_cap} 个月（R1）。"
        )
    if kind == PlacementAgreementKind.TRIPARTITE_INTERNSHIP:
        care = [
            "实习期间投保实习责任保险，覆盖整个实习期，保险费不由学生承担（R4、N6）。",
            "不得安排学生加班、夜班或在法定节假日实习（N7）；不得向学生收取费用、押金或扣押证件（N8）。",
        ]
    else:
        care = [
            "企业按在职职工管理学徒，提供岗位培训并依法给予工伤保障，以学徒在本企业就业为目标（R5）。"
        ]
    return [
        {
            "heading": "一、岗位与期限",
            "paragraphs": [
                f"岗位：{slot.title}（{SLOT_KIND_ZH[slot.kind]}）；地点：{slot.location or '—'}。",
                term,
            ],
        },
        {
            "heading": "二、报酬",
            "paragraphs": [
                f"实习报酬每月 {slot.stipend_yuan} 元，以货币形式按月直接支付给学生本人（N4）。"
            ],
        },
        {"heading": "三、保障与管理", "paragraphs": care},
        *_amendment_section(proposed),
    ]


def _amendment_section(proposed: ProposedTerms | None) -> list[dict[str, Any]]:
    if proposed is None:
        return []
    return [
        {
            "heading": "四、协议变更",
            "paragraphs": [
                f"实习结束日期由 {proposed.old_end} 变更为 {proposed.end}。变更原因：{proposed.reason}",
                "本变更经各方签署后生效；生效前按原协议执行。",
            ],
        }
    ]


def agreement_body(
    context: PlacementContext,
    agreement: PlacementAgreement,
    proposed: ProposedTerms | None = None,
) -> dict[str, Any]:
    """The agreement's terms as they stand (or as an amendment proposes them): parties, post,
    term, pay and the duties of care."""
    return {
        "document": DocumentKind.PLACEMENT_AGREEMENT.value,
        "title": TITLES[agreement.kind],
        "number": agreement_number(agreement),
        "agreement_kind": agreement.kind.value,
        "placement_id": context.placement.id,
        "parties": _parties(context, agreement.kind),
        "sections": _sections(context, agreement.kind, proposed),
        "signatories": [PARTY_ZH[party] for party in REQUIRED_PARTIES[agreement.kind]],
    }


def issue_agreement(
    session: Session,
    context: PlacementContext,
    agreement: PlacementAgreement,
    now: datetime,
    proposed: ProposedTerms | None = None,
) -> DocumentVersion:
    """A new version of the agreement if its terms changed (the first one at creation)."""
    return issue_version(
        session,
        DocumentKind.PLACEMENT_AGREEMENT,
        AGREEMENT_SUBJECT,
        agreement.id,
        agreement_body(context, agreement, proposed),
        now,
    )


def agreement_version(
    session: Session, context: PlacementContext, agreement: PlacementAgreement, now: datetime
) -> DocumentVersion:
    """The version the parties sign now: the current one, issued first for older agreements."""
    version = current_version(
        session, DocumentKind.PLACEMENT_AGREEMENT, AGREEMENT_SUBJECT, agreement.id
    )
    return version if version is not None else issue_agreement(session, context, agreement, now)
