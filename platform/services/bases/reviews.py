"""The yearly review (年度评审): each base against its region's thresholds, pass or fail.

A figure threshold compares the record's figure with the seed's minimum (the figure itself
passes: 以上、不少于 include the number); a judged one is the reviewer's finding on the seed's
wording. Every threshold is stored with its citation, what was found and whether it held, so the
page explains the outcome line by line; the review passes when every threshold holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import BaseReview, Region, TrainingBase, User
from skillbridge.platform.policy.bases import Threshold, thresholds_for
from skillbridge.platform.services import audit
from skillbridge.platform.services.bases.records import get_base
from skillbridge.platform.services.errors import Conflict, InvalidInput, PermissionDenied
from skillbridge.platform.services.packs import region_pack
from skillbridge.platform.services.policies import can_review_bases
from skillbridge.platform.text import N_

NOTE_MAX = 500


def base_thresholds(session: Session, base: TrainingBase) -> tuple[Threshold, ...]:
    """The thresholds of the base's kind in its region's pack."""
    region = session.get_one(Region, base.region_id)
    return thresholds_for(region_pack(region).region, base.kind.value)


def judge(
    thresholds: tuple[Threshold, ...], base: TrainingBase, findings: Mapping[str, bool]
) -> list[dict[str, Any]]:
    """Each threshold with the record's figure (or the reviewer's finding) and whether it held;
    a judged threshold the reviewer did not find met fails."""
    results = []
    for threshold in thresholds:
        if threshold.measure == "judged":
            value: int | None = None
            passed = findings.get(threshold.code, False)
        else:
            assert threshold.minimum is not None  # the loader requires it for a figure
            value = getattr(base, threshold.measure)
            passed = value >= threshold.minimum
        results.append(
            {
                "code": threshold.code,
                "measure": threshold.measure,
                "name_zh": threshold.name_zh,
                "name_en": threshold.name_en,
                "citation": threshold.citation,
                "quote": threshold.quote,
                "minimum": threshold.minimum,
                "value": value,
                "passed": passed,
            }
        )
    return results


def reviewable_base(session: Session, actor: User, base_id: int) -> TrainingBase:
    """A base the actor reviews (404 unseen, 403 seen by a reader who does not review)."""
    base = get_base(session, actor, base_id)
    if not can_review_bases(actor, base.region_id):
        raise PermissionDenied(N_("只有人社局经办、审核人员可以评审和认定实训基地和工作室"))
    return base


def review_base(
    session: Session,
    actor: User,
    base_id: int,
    year: int,
    findings: Mapping[str, bool],
    note: str,
) -> BaseReview:
    """Record the year's review of a base: once per base and year (UNIQUE), audited."""
    base = reviewable_base(session, actor, base_id)
    thresholds = base_thresholds(session, base)
    unknown = sorted(set(findings) - {t.code for t in thresholds if t.measure == "judged"})
    if unknown:
        raise InvalidInput(N_("评审项目有误，未保存"), details=[N_("评审项目不属于本类别的标准")])
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(N_("评审意见有误，未保存"), details=[N_("评审意见：最多 500 个字符")])
    results = judge(thresholds, base, findings)
    review = BaseReview(
        base_id=base.id,
        year=year,
        passed=all(r["passed"] for r in results),
        results=results,
        note=note or None,
        reviewed_by_id=actor.id,
    )
    try:
        with session.begin_nested():
            session.add(review)
    except IntegrityError:
        raise Conflict(N_("该基地本年度已评审")) from None
    audit.record(
        session,
        actor,
        "training_base.reviewed",
        "training_base",
        base.id,
        {"year": year, "passed": review.passed, "results": results, "note": review.note},
    )
    return review


def reviews_of(session: Session, base: TrainingBase) -> list[BaseReview]:
    """The base's reviews, latest year first."""
    return list(
        session.scalars(
            select(BaseReview).where(BaseReview.base_id == base.id).order_by(BaseReview.year.desc())
        )
    )


def review_in(session: Session, base: TrainingBase, year: int) -> BaseReview | None:
    """The base's review of `year`, if recorded."""
    return session.scalar(
        select(BaseReview).where(BaseReview.base_id == base.id).where(BaseReview.year == year)
    )
