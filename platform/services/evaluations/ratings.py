"""The student's rating of its host, and the aggregates the host and the host-quality index see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import HostRating, Role, User
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.evaluations.access import rater_on
from skillbridge.platform.services.evaluations.rubrics import evaluation_settings
from skillbridge.platform.services.evaluations.scores import EVALUATED, MAX_COMMENT
from skillbridge.platform.services.placements.records import PlacementContext
from skillbridge.platform.services.policies import can_see_single_ratings
from skillbridge.platform.text import N_

#: The rated aspects, in the order the form and the summaries show them.
ASPECTS = {
    "safety": N_("安全保障"),
    "learning": N_("学习收获"),
    "pay_on_time": N_("按时足额发放报酬"),
    "treatment": N_("待遇与尊重"),
}
RATING_MIN, RATING_MAX = 1, 5


@dataclass(frozen=True)
class RatingInput:
    """A rating as submitted: 1–5 per aspect and an optional comment."""

    scores: dict[str, int | None]
    comment: str = ""


@dataclass(frozen=True)
class RatingSummary:
    """The mean of each aspect (times 100) over `count` ratings of one enterprise."""

    enterprise_id: int
    count: int
    means_centi: dict[str, int]


def rate_host(session: Session, actor: User, placement_id: int, data: RatingInput) -> HostRating:
    """The student rates the host of its placement, once."""
    context = rater_on(session, actor, placement_id)
    if context.placement.status not in EVALUATED:
        raise Conflict(N_("实习开始后才能评价实习单位"))
    bad = [
        aspect
        for aspect in ASPECTS
        if (value := data.scores.get(aspect)) is None or not RATING_MIN <= value <= RATING_MAX
    ]
    comment = data.comment.strip()
    if len(comment) > MAX_COMMENT:
        bad.append("comment")
    if bad:
        raise InvalidInput(N_("每项须打 1–5 分"), details=bad)
    rating = HostRating(
        placement_id=context.placement.id,
        enterprise_id=context.enterprise.id,
        comment=comment,
        **{aspect: data.scores[aspect] for aspect in ASPECTS},
    )
    try:
        with session.begin_nested():
            session.add(rating)
    except IntegrityError as exc:
        raise Conflict(N_("已经评价过该实习单位")) from exc
    audit.record(session, actor, "host_rating.submitted", "host_rating", rating.id)
    return rating


def host_rating_summary(session: Session, enterprise_id: int) -> RatingSummary:
    """Every rating of one enterprise, aggregated (for the host-quality index and the bureau)."""
    row = session.execute(
        select(
            func.count(HostRating.id),
            *(func.coalesce(func.avg(getattr(HostRating, aspect)), 0) for aspect in ASPECTS),
        ).where(HostRating.enterprise_id == enterprise_id)
    ).one()
    count, *means = row
    return RatingSummary(
        enterprise_id,
        int(count),
        {aspect: round(float(mean) * 100) for aspect, mean in zip(ASPECTS, means, strict=True)},
    )


def shown_summary(session: Session, actor: User, context: PlacementContext) -> RatingSummary | None:
    """The host's aggregate as the actor may see it: the host only from the threshold on."""
    summary = host_rating_summary(session, context.enterprise.id)
    # Every account of the host (its managers and its mentors) sees the aggregate only.
    if (
        actor.role == Role.ENTERPRISE
        and summary.count < evaluation_settings().host_rating_min_shown
    ):
        return None
    return summary


def rating_of(session: Session, actor: User, context: PlacementContext) -> HostRating | None:
    """The placement's single rating, for those who may see it (never the host)."""
    if not can_see_single_ratings(actor, context.student, context.region_ids):
        return None
    return session.scalar(select(HostRating).where(HostRating.placement_id == context.placement.id))
