"""The rows of a region's paid-claims export, with Chinese headers (files: services/exports.py)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from skillbridge.models import (
    Budget,
    ClaimStatus,
    Enterprise,
    Person,
    Role,
    School,
    Student,
    SubsidyClaim,
    SubsidyPolicy,
    User,
)
from skillbridge.platform.services.errors import PermissionDenied
from skillbridge.platform.text import N_

HEADERS = (
    "申领编号",
    "补贴政策",
    "政策代码",
    "受益方类型",
    "受益方",
    "证件号码",
    "金额（元）",
    "资金",
    "申领依据日期",
    "批准时间",
    "支付时间",
    "自动发起",
)
_KIND = {"student": "个人", "enterprise": "企业", "school": "学校"}
BATCH = 1000
#: A worker paid without a student record; aliased, since Student reads its masked ID from Person.
_WORKER = aliased(Person)


def paid_claim_rows(session: Session, actor: User) -> Iterator[tuple]:
    """One row per paid claim of the bureau's region, oldest payment first, streamed in batches."""
    if actor.role != Role.BUREAU:
        raise PermissionDenied(N_("只有人社局可以导出已支付的补贴"))
    query = (
        select(
            SubsidyClaim,
            SubsidyPolicy.name,
            SubsidyPolicy.code,
            Budget.name,
            Student.name,
            Student.national_id_masked,
            Enterprise.name,
            Enterprise.uscc,
            School.name,
            School.code,
            _WORKER.name,
            _WORKER.national_id_masked,
        )
        .join(SubsidyPolicy, SubsidyPolicy.id == SubsidyClaim.policy_id)
        .outerjoin(Budget, Budget.id == SubsidyPolicy.budget_id)
        .outerjoin(Student, Student.id == SubsidyClaim.student_id)
        .outerjoin(Enterprise, Enterprise.id == SubsidyClaim.enterprise_id)
        .outerjoin(School, School.id == SubsidyClaim.school_id)
        .outerjoin(_WORKER, _WORKER.id == SubsidyClaim.person_id)
        .where(SubsidyPolicy.region_id == actor.region_id)
        .where(SubsidyClaim.status == ClaimStatus.PAID)
        .order_by(SubsidyClaim.paid_at, SubsidyClaim.id)
        .execution_options(yield_per=BATCH)
    )
    # A server-side cursor on PostgreSQL: closed however the stream ends.
    result = session.execute(query)
    try:
        for (
            claim,
            policy,
            code,
            fund,
            student,
            masked,
            firm,
            uscc,
            school,
            school_code,
            worker,
            worker_masked,
        ) in result:
            kind = "student" if student or worker else "enterprise" if firm else "school"
            yield (
                claim.id,
                policy,
                code,
                _KIND[kind],
                student or worker or firm or school,
                masked or worker_masked or uscc or school_code,
                claim.amount_yuan,
                fund or "",
                claim.on_date.isoformat(),
                claim.decided_at.isoformat(timespec="seconds") if claim.decided_at else "",
                claim.paid_at.isoformat(timespec="seconds") if claim.paid_at else "",
                "是" if claim.automatic else "否",
            )
    finally:
        result.close()
