"""Host enterprises and their posts: N2 (interns ≤ a share of the staff), N3 (≤ a share of the
post's staff) and N4 (intern pay ≥ a share of the post's wage), with the pack's figures."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, exists, func, or_, select

from skillbridge.models import Enterprise, Placement, PlacementStatus, Slot, SlotKind, SlotStatus
from skillbridge.platform.services.oversight.checks.base import (
    CheckContext,
    Violation,
    figure_evidence,
    ratio_exceeded,
    ratio_short,
)
from skillbridge.platform.text import N_

#: Interns counted against headcounts are those on the post now: active post internships.
_ON_POST = and_(Slot.kind == SlotKind.POST_INTERNSHIP, Placement.status == PlacementStatus.ACTIVE)
#: Placements that will be or are on the post, for the pay rule.
_LIVE = (PlacementStatus.ACCEPTED, PlacementStatus.ACTIVE)


def enterprise_over_intern_share(ctx: CheckContext) -> Iterator[Violation]:
    """N2: enterprises of the region with more post interns on post than the share of their
    staff on post (在岗职工总数) allows."""
    share = ctx.rules.max_intern_share_of_enterprise_staff
    interns = func.count(Placement.id)
    rows = ctx.session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.staff_headcount, interns.label("interns"))
        .join(Slot, Slot.enterprise_id == Enterprise.id)
        .join(Placement, Placement.slot_id == Slot.id)
        .where(Enterprise.region_id == ctx.region.id, _ON_POST)
        .group_by(Enterprise.id, Enterprise.name, Enterprise.staff_headcount)
        .having(ratio_exceeded(interns, share, Enterprise.staff_headcount))
        .order_by(Enterprise.id)
    )
    for row in rows:
        yield Violation(
            subject_key=f"enterprise:{row.id}",
            object_type="enterprise",
            object_id=row.id,
            summary_zh=(
                N_(
                    "%(name)s 在岗实习学生 %(interns)d 人，在岗职工 %(staff)d 人，超过 %(share)s%%",
                    name=row.name,
                    interns=row.interns,
                    staff=row.staff_headcount,
                    share=share.value,
                )
            ),
            evidence={
                "enterprise_id": row.id,
                "enterprise_name": row.name,
                "interns_on_post": row.interns,
                "staff_headcount": row.staff_headcount,
                "max_share": figure_evidence(share),
            },
        )


def post_over_intern_share(ctx: CheckContext) -> Iterator[Violation]:
    """N3: posts (slots) with interns on post beyond the share of the post's staff, or with
    interns on post and no post headcount recorded to check against."""
    share = ctx.rules.max_intern_share_of_post_staff
    interns = func.count(Placement.id)
    rows = ctx.session.execute(
        select(
            Slot.id,
            Slot.title,
            Slot.post_headcount,
            Enterprise.id.label("enterprise_id"),
            Enterprise.name.label("enterprise_name"),
            interns.label("interns"),
        )
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .join(Placement, Placement.slot_id == Slot.id)
        .where(Enterprise.region_id == ctx.region.id, _ON_POST)
        .group_by(Slot.id, Slot.title, Slot.post_headcount, Enterprise.id, Enterprise.name)
        .having(
            or_(Slot.post_headcount.is_(None), ratio_exceeded(interns, share, Slot.post_headcount))
        )
        .order_by(Slot.id)
    )
    for row in rows:
        if row.post_headcount is None:
            detail = N_("未登记同类岗位在岗职工人数，无法核对")
        else:
            detail = N_(
                "同类岗位在岗职工 %(staff)d 人，超过 %(share)s%%",
                staff=row.post_headcount,
                share=share.value,
            )
        yield Violation(
            subject_key=f"slot:{row.id}",
            object_type="slot",
            object_id=row.id,
            summary_zh=N_(
                "%(enterprise)s「%(title)s」在岗实习学生 %(interns)d 人，%(detail)s",
                enterprise=row.enterprise_name,
                title=row.title,
                interns=row.interns,
                detail=detail,
            ),
            evidence={
                "slot_id": row.id,
                "slot_title": row.title,
                "enterprise_id": row.enterprise_id,
                "enterprise_name": row.enterprise_name,
                "interns_on_post": row.interns,
                "post_headcount": row.post_headcount,
                "max_share": figure_evidence(share),
            },
        )


def stipend_below_floor(ctx: CheckContext) -> Iterator[Violation]:
    """N4: open post-internship slots, or ones with accepted or active interns, paying less than
    the share of the post's wage; or with interns and no post wage recorded to check against."""
    floor = ctx.rules.min_stipend_ratio
    has_interns = exists().where(Placement.slot_id == Slot.id, Placement.status.in_(_LIVE))
    rows = ctx.session.execute(
        select(
            Slot.id,
            Slot.title,
            Slot.status,
            Slot.stipend_yuan,
            Slot.post_wage_yuan,
            Enterprise.id.label("enterprise_id"),
            Enterprise.name.label("enterprise_name"),
            has_interns.label("has_interns"),
        )
        .join(Enterprise, Enterprise.id == Slot.enterprise_id)
        .where(Enterprise.region_id == ctx.region.id, Slot.kind == SlotKind.POST_INTERNSHIP)
        .where(or_(Slot.status == SlotStatus.OPEN, has_interns))
        .where(
            or_(
                and_(
                    Slot.post_wage_yuan.is_not(None),
                    ratio_short(Slot.stipend_yuan, floor, Slot.post_wage_yuan),
                ),
                and_(Slot.post_wage_yuan.is_(None), has_interns),
            )
        )
        .order_by(Slot.id)
    )
    for row in rows:
        if row.post_wage_yuan is None:
            detail = N_("未登记同岗位职工工资，无法核对")
        else:
            detail = N_(
                "低于同岗位工资 %(wage)s 元/月的 %(share)s%%",
                wage=row.post_wage_yuan,
                share=floor.value,
            )
        yield Violation(
            subject_key=f"slot:{row.id}",
            object_type="slot",
            object_id=row.id,
            summary_zh=(
                N_(
                    "%(enterprise)s「%(title)s」实习报酬 %(stipend)s 元/月，%(detail)s",
                    enterprise=row.enterprise_name,
                    title=row.title,
                    stipend=row.stipend_yuan,
                    detail=detail,
                )
            ),
            evidence={
                "slot_id": row.id,
                "slot_title": row.title,
                "slot_status": row.status.value,
                "enterprise_id": row.enterprise_id,
                "enterprise_name": row.enterprise_name,
                "stipend_yuan": row.stipend_yuan,
                "post_wage_yuan": row.post_wage_yuan,
                "has_interns": bool(row.has_interns),
                "min_ratio": figure_evidence(floor),
            },
        )
