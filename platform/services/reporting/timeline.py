"""Drill-down timelines: an organisation's, student's or placement's audit events and its parts'."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, and_, cast, literal, or_, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    AuditEvent,
    Cohort,
    CooperationAgreement,
    CreditRecord,
    Enterprise,
    Inspection,
    Placement,
    PlacementAgreement,
    School,
    Slot,
    Student,
    SubsidyClaim,
    User,
)
from skillbridge.platform.services.errors import NotFound, PermissionDenied
from skillbridge.platform.services.policies import can_audit_region
from skillbridge.platform.text import N_

KINDS = ("school", "enterprise", "student", "placement")
LIMIT = 500
ACTION_LABELS = {
    "school.registered": N_("学校注册"),
    "school.verified": N_("机构审核通过"),
    "school.rejected": N_("机构审核驳回"),
    "school.specialty_added": N_("新增专业"),
    "enterprise.registered": N_("企业注册"),
    "enterprise.verified": N_("机构审核通过"),
    "enterprise.rejected": N_("机构审核驳回"),
    "cohort.created": N_("新建班级"),
    "roster.imported": N_("导入学生名册"),
    "roster.student_updated": N_("名册更新学生信息"),
    "student.activated": N_("学生激活账号"),
    "preferences.ranked": N_("学生填报志愿"),
    "slot.created": N_("岗位创建"),
    "slot.updated": N_("岗位修改"),
    "slot.opened": N_("岗位开放"),
    "slot.closed": N_("岗位关闭"),
    "slot.candidates_ranked": N_("企业排序候选人"),
    "agreement.proposed": N_("提出合作协议"),
    "agreement.accepted": N_("接受合作协议"),
    "agreement.filed": N_("合作协议报备"),
    "agreement.approved": N_("合作协议审核通过"),
    "agreement.rejected": N_("合作协议驳回"),
    "agreement.terminated": N_("合作协议终止"),
    "agreement.expired": N_("合作协议到期"),
    "placement.offered": N_("发出录用通知"),
    "placement.accepted": N_("接受录用"),
    "placement.declined": N_("拒绝录用"),
    "placement.expired": N_("录用通知过期"),
    "placement.started": N_("实习开始"),
    "placement.ended": N_("实习结束"),
    "placement.extended": N_("实习延长"),
    "placement.amended": N_("实习日期变更"),
    "placement.cancelled": N_("实习撤回"),
    "placement_agreement.created": N_("生成实习协议"),
    "placement_agreement.signed": N_("签署实习协议"),
    "placement_agreement.insured": N_("登记保险"),
    "placement_agreement.guardian_consent": N_("登记监护人同意"),
    "placement_agreement.voided": N_("协议签署作废"),
    "internship_plan.filed": N_("实习计划报备"),
    "internship_plan.approved": N_("实习计划审定备案"),
    "internship_plan.rejected": N_("实习计划驳回"),
    "claim.submitted": N_("提交补贴申领"),
    "claim.raised": N_("自动发起补贴申领"),
    "claim.approved": N_("补贴批准"),
    "claim.rejected": N_("补贴驳回"),
    "claim.paid": N_("补贴支付"),
    "credit.recorded": N_("记入诚信档案"),
    "credit.revoked": N_("撤销诚信记录"),
    "inspection.recorded": N_("登记现场检查结果"),
}


@dataclass(frozen=True)
class Subject:
    """What a drill-down is about; `title` names it for people."""

    kind: str
    id: int
    title: str
    region_ids: frozenset[int]
    student_id: int | None = None


@dataclass(frozen=True)
class Entry:
    seq: int | None  # None for the moment between its commit and its chaining
    occurred_at: datetime
    actor: str
    action: str
    label: str
    object_type: str
    object_id: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Timeline:
    subject: Subject
    entries: list[Entry]
    truncated: bool


def load_subject(session: Session, actor: User, kind: str, object_id: int) -> Subject:
    """The subject, 404 when unknown, 403 unless the actor is the bureau of a region it is in."""
    subject = _find(session, kind, object_id)
    if subject is None:
        raise NotFound(N_("对象不存在"))
    if not can_audit_region(actor, set(subject.region_ids)):
        raise PermissionDenied(N_("只有所在地区的人社局可以查看时间线和证据"))
    return subject


def _find(session: Session, kind: str, object_id: int) -> Subject | None:
    if kind == "school":
        school = session.get(School, object_id)
        if school is None:
            return None
        return Subject(kind, school.id, school.name, frozenset({school.region_id}))
    if kind == "enterprise":
        firm = session.get(Enterprise, object_id)
        if firm is None:
            return None
        return Subject(kind, firm.id, firm.name, frozenset({firm.region_id}))
    if kind == "student":
        row = session.execute(
            select(Student, School).join(School).where(Student.id == object_id)
        ).one_or_none()
        if row is None:
            return None
        student, school = row
        title = f"{student.name}（{school.name}）"
        return Subject(kind, student.id, title, frozenset({school.region_id}), student.id)
    if kind == "placement":
        found = session.execute(
            select(Placement, Student.name, School.region_id, Enterprise.name, Enterprise.region_id)
            .join(Student, Student.id == Placement.student_id)
            .join(School, School.id == Student.school_id)
            .join(Slot, Slot.id == Placement.slot_id)
            .join(Enterprise, Enterprise.id == Slot.enterprise_id)
            .where(Placement.id == object_id)
        ).one_or_none()
        if found is None:
            return None
        placement, student_name, school_region, firm_name, firm_region = found
        title = N_("实习安排 #%(id)s：%(student)s @ %(firm)s") % {
            "id": placement.id,
            "student": student_name,
            "firm": firm_name,
        }
        regions = frozenset({school_region, firm_region})
        return Subject(kind, placement.id, title, regions, placement.student_id)
    return None


def related(subject: Subject) -> list[tuple[str, Select | None]]:
    """(object_type, ids) whose events belong on the subject's timeline; None means its own id.

    Organisations show their own records (cohorts or slots, cooperation agreements, claims,
    credit records) but not every student's or placement's events, which have their own pages.
    """
    sid = subject.id
    if subject.kind == "placement":
        return [
            ("placement", None),
            (
                "placement_agreement",
                select(PlacementAgreement.id).where(PlacementAgreement.placement_id == sid),
            ),
            ("subsidy_claim", select(SubsidyClaim.id).where(SubsidyClaim.placement_id == sid)),
            ("inspection", select(Inspection.id).where(Inspection.placement_id == sid)),
        ]
    if subject.kind == "student":
        placements = select(Placement.id).where(Placement.student_id == sid)
        agreements = select(PlacementAgreement.id).where(
            PlacementAgreement.placement_id.in_(placements)
        )
        return [
            ("student", None),
            ("placement", placements),
            ("placement_agreement", agreements),
            ("subsidy_claim", select(SubsidyClaim.id).where(SubsidyClaim.student_id == sid)),
            ("credit_record", select(CreditRecord.id).where(CreditRecord.student_id == sid)),
        ]
    if subject.kind == "school":
        parts = ("cohort", select(Cohort.id).where(Cohort.school_id == sid))
        columns = (CooperationAgreement.school_id, SubsidyClaim.school_id, CreditRecord.school_id)
    else:
        parts = ("slot", select(Slot.id).where(Slot.enterprise_id == sid))
        columns = (
            CooperationAgreement.enterprise_id,
            SubsidyClaim.enterprise_id,
            CreditRecord.enterprise_id,
        )
    agreement_of, claim_of, credit_of = columns
    return [
        (subject.kind, None),
        parts,
        ("cooperation_agreement", select(CooperationAgreement.id).where(agreement_of == sid)),
        ("subsidy_claim", select(SubsidyClaim.id).where(claim_of == sid)),
        ("credit_record", select(CreditRecord.id).where(credit_of == sid)),
    ]


def events_query(subject: Subject) -> Select:
    """Audit events about the subject and its related objects, oldest first."""
    conditions = []
    for object_type, ids in related(subject):
        if ids is None:
            target = AuditEvent.object_id == literal(str(subject.id))
        else:
            # object_id is text in the log: compare against the ids spelled the same way.
            id_column = ids.selected_columns[0]
            target = AuditEvent.object_id.in_(ids.with_only_columns(cast(id_column, String)))
        conditions.append(and_(AuditEvent.object_type == object_type, target))
    return (
        select(AuditEvent, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(or_(*conditions))
        .order_by(AuditEvent.id)
    )


def entries(session: Session, subject: Subject, limit: int | None = None) -> list[Entry]:
    """The subject's events, oldest first; the most recent `limit` when a limit is given."""
    statement = events_query(subject)
    rows: Sequence[Any]
    if limit is not None:
        newest = statement.order_by(None).order_by(AuditEvent.id.desc()).limit(limit)
        rows = list(reversed(session.execute(newest).all()))
    else:
        rows = session.execute(statement).all()
    return [_entry(event, name) for event, name in rows]


def _entry(event: AuditEvent, actor_name: str | None) -> Entry:
    data = json.loads(event.payload).get("data", {})
    return Entry(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor=actor_name or N_("系统"),
        action=event.action,
        label=ACTION_LABELS.get(event.action, event.action),
        object_type=event.object_type,
        object_id=event.object_id,
        data=data,
    )


def timeline(session: Session, actor: User, kind: str, object_id: int) -> Timeline:
    """The drill-down page's timeline: the latest `LIMIT` events, oldest of them first."""
    subject = load_subject(session, actor, kind, object_id)
    shown = entries(session, subject, LIMIT + 1)
    return Timeline(subject, shown[-LIMIT:], truncated=len(shown) > LIMIT)
