"""R6 (no subsidy to a subject under an active credit record) and R8 (a certificate subsidy is
claimed in the certificate's year, where the region's policy says so)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import extract, or_, select

from skillbridge.models import (
    Certificate,
    ClaimStatus,
    CreditRecord,
    SubsidyClaim,
    SubsidyPolicy,
)
from skillbridge.platform.services.oversight.checks.base import CheckContext, Violation, iso
from skillbridge.platform.services.packs import region_pack
from skillbridge.platform.text import N_

# Credit terms are local calendar dates; decision and payment times are stored in UTC.
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
#: The pack condition that carries R8.
CLAIM_YEAR_CONDITION = "certificate_in_claim_year"


def _local_date(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite hands back the stored UTC time without its zone
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(LOCAL_TIME).date()


def _beneficiary(claim: SubsidyClaim) -> tuple[str, int]:
    for kind in ("student", "enterprise", "school"):
        value = getattr(claim, f"{kind}_id")
        if value is not None:
            return kind, value
    raise AssertionError("a claim has exactly one beneficiary (CHECK one_beneficiary)")


def subsidy_to_barred_subject(ctx: CheckContext) -> Iterator[Violation]:
    """R6: approved or paid claims whose beneficiary had an unrevoked credit record in force on
    the approval or payment day, or (approved, not yet paid) is under one today."""
    rows = ctx.session.execute(
        select(SubsidyClaim, SubsidyPolicy.code, SubsidyPolicy.name, CreditRecord)
        .join(SubsidyPolicy, SubsidyPolicy.id == SubsidyClaim.policy_id)
        .join(
            CreditRecord,
            or_(
                CreditRecord.student_id == SubsidyClaim.student_id,
                CreditRecord.enterprise_id == SubsidyClaim.enterprise_id,
                CreditRecord.school_id == SubsidyClaim.school_id,
            ),
        )
        .where(SubsidyPolicy.region_id == ctx.region.id)
        .where(SubsidyClaim.status.in_((ClaimStatus.APPROVED, ClaimStatus.PAID)))
        .where(CreditRecord.revoked_at.is_(None), CreditRecord.starts_on <= ctx.today)
        .order_by(SubsidyClaim.id, CreditRecord.starts_on)
    )
    reported: set[int] = set()
    for claim, code, name, record in rows:
        days = {"approved_on": _local_date(claim.decided_at), "paid_on": _local_date(claim.paid_at)}
        if claim.status == ClaimStatus.APPROVED:
            days["today"] = ctx.today
        barred = [k for k, day in days.items() if day and record.starts_on <= day <= record.ends_on]
        if not barred or claim.id in reported:
            continue
        reported.add(claim.id)
        kind, subject_id = _beneficiary(claim)
        yield Violation(
            subject_key=f"subsidy_claim:{claim.id}",
            object_type="subsidy_claim",
            object_id=claim.id,
            summary_zh=(
                N_(
                    "%(name)s（申领 #%(id)d，%(amount)s 元）%(status)s，"
                    "但受益方处于诚信档案限制期（%(start)s 至 %(end)s）",
                    name=name,
                    id=claim.id,
                    amount=claim.amount_yuan,
                    status=N_("已发放") if claim.status == ClaimStatus.PAID else N_("已批准"),
                    start=record.starts_on,
                    end=record.ends_on,
                )
            ),
            evidence={
                "claim_id": claim.id,
                "policy_code": code,
                "policy_name": name,
                "claim_status": claim.status.value,
                "amount_yuan": claim.amount_yuan,
                "beneficiary": kind,
                f"{kind}_id": subject_id,
                "approved_on": iso(days["approved_on"]),
                "paid_on": iso(days["paid_on"]),
                "barred_on": barred,
                "credit_record_id": record.id,
                "credit_rule": record.rule,
                "credit_reason": record.reason,
                "credit_starts_on": iso(record.starts_on),
                "credit_ends_on": iso(record.ends_on),
            },
        )


def certificate_claimed_late(ctx: CheckContext) -> Iterator[Violation]:
    """R8: live claims under a policy with the claim-year condition whose claim date falls in
    another year than the certificate's."""
    codes = [
        policy.id
        for policy in region_pack(ctx.region).policies
        if any(condition.code == CLAIM_YEAR_CONDITION for condition in policy.conditions)
    ]
    if not codes:
        return
    rows = ctx.session.execute(
        select(
            SubsidyClaim.id,
            SubsidyClaim.status,
            SubsidyClaim.on_date,
            SubsidyClaim.student_id,
            SubsidyClaim.enterprise_id,
            SubsidyPolicy.code,
            SubsidyPolicy.name,
            Certificate.id.label("certificate_id"),
            Certificate.number,
            Certificate.issued_on,
        )
        .join(SubsidyPolicy, SubsidyPolicy.id == SubsidyClaim.policy_id)
        .join(Certificate, Certificate.id == SubsidyClaim.certificate_id)
        .where(SubsidyPolicy.region_id == ctx.region.id, SubsidyPolicy.code.in_(codes))
        .where(SubsidyClaim.status != ClaimStatus.REJECTED)
        .where(extract("year", SubsidyClaim.on_date) != extract("year", Certificate.issued_on))
        .order_by(SubsidyClaim.id)
    )
    for row in rows:
        yield Violation(
            subject_key=f"subsidy_claim:{row.id}",
            object_type="subsidy_claim",
            object_id=row.id,
            summary_zh=(
                N_(
                    "%(name)s（申领 #%(id)d）于 %(claimed)s 申报，证书取得于 %(issued)s，不在取证当年",
                    name=row.name,
                    id=row.id,
                    claimed=row.on_date,
                    issued=row.issued_on,
                )
            ),
            evidence={
                "claim_id": row.id,
                "claim_status": row.status.value,
                "policy_code": row.code,
                "policy_name": row.name,
                "claimed_on": iso(row.on_date),
                "certificate_id": row.certificate_id,
                "certificate_number": row.number,
                "certificate_issued_on": iso(row.issued_on),
                "student_id": row.student_id,
                "enterprise_id": row.enterprise_id,
            },
        )
