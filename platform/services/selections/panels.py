"""The expert pool (专家库), the panel drawn from it at random (考察评审), scores and ballots."""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from skillbridge.models import (
    Ballot,
    Enterprise,
    Expert,
    ExpertScore,
    Nomination,
    NominationStatus,
    PanelMember,
    RoundStatus,
    SelectionRound,
    User,
    utcnow,
)
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import can_run_selections, can_see_selections
from skillbridge.platform.services.selections.rounds import require_status, round_for_bureau
from skillbridge.platform.text import N_

#: Ballot seeds are drawn below this bound so that they fit a signed 32-bit column.
SEED_BOUND = 2**31


def add_expert(
    session: Session, actor: User, name: str, field: str, enterprise_id: int | None
) -> Expert:
    """Add an expert to the region's pool; `enterprise_id` is the expert's employer, if any."""
    if actor.region_id is None or not can_run_selections(actor, actor.region_id):
        raise PermissionDenied(N_("只有人社局评选工作人员可以维护专家库"))
    name, field = name.strip(), field.strip()
    problems = []
    if not name or len(name) > 60:
        problems.append(N_("姓名：必须填写，不超过60字"))
    if not field or len(field) > 120:
        problems.append(N_("专业领域：必须填写，不超过120字"))
    if enterprise_id is not None:
        employer = session.get(Enterprise, enterprise_id)
        if employer is None or employer.region_id != actor.region_id:
            problems.append(N_("工作单位：不是本区域的企业"))
    if problems:
        raise InvalidInput(problems[0], details=problems)
    expert = Expert(
        region_id=actor.region_id, name=name, field=field, enterprise_id=enterprise_id, active=True
    )
    session.add(expert)
    session.flush()
    audit.record(
        session, actor, "selection.expert_added", "expert", expert.id,
        {"field": field, "enterprise_id": enterprise_id},
    )  # fmt: skip
    return expert


def set_expert_active(session: Session, actor: User, expert_id: int, active: bool) -> Expert:
    """Take an expert out of the pool, or back in; panels already drawn keep their members."""
    expert = session.get(Expert, expert_id)
    if expert is None or not can_see_selections(actor, expert.region_id):
        raise NotFound(N_("专家不存在"))
    if not can_run_selections(actor, expert.region_id):
        raise PermissionDenied(N_("只有人社局评选工作人员可以维护专家库"))
    expert.active = active
    session.flush()
    audit.record(session, actor, "selection.expert_active", "expert", expert.id, {"active": active})
    return expert


def list_experts(session: Session, actor: User, page: int = 1) -> Page[Expert]:
    """A page of the region's pool (the empty page for anyone but its bureau)."""
    statement = select(Expert).where(Expert.region_id == actor.region_id).order_by(Expert.id)
    if actor.region_id is None or not can_see_selections(actor, actor.region_id):
        statement = statement.where(Expert.id.is_(None))
    return paginate(session, statement, page, first_column)


def draw(pool: Sequence[int], size: int, seed: int) -> list[int]:
    """Draw `size` expert ids from `pool` with `seed`, in draw order: the same pool and seed
    always give the same panel (the pool is sorted first, so its order does not matter)."""
    if size > len(pool):
        raise ValueError(f"cannot draw {size} experts from a pool of {len(pool)}")
    return random.Random(seed).sample(sorted(pool), size)


def conflicted_employers(session: Session, row: SelectionRound) -> set[int]:
    """The employers of the round's nominees still in it: their employees may not judge it."""
    return set(
        session.scalars(
            select(Nomination.employer_id)
            .where(Nomination.round_id == row.id)
            .where(Nomination.status != NominationStatus.SCREENED_OUT)
        )
    )


def eligible_pool(session: Session, row: SelectionRound) -> list[int]:
    """Active experts of the region not employed by any nominee's employer (回避)."""
    conflicted = conflicted_employers(session, row)
    experts = session.scalars(
        select(Expert).where(Expert.region_id == row.region_id, Expert.active.is_(True))
    )
    return sorted(e.id for e in experts if e.enterprise_id not in conflicted)


def draw_panel(
    session: Session, actor: User, round_id: int, seed: int | None = None
) -> list[PanelMember]:
    """Draw the round's panel once, at random from the pool without conflicted experts; the
    seed (given, or drawn now) is recorded, so anyone can redo the draw from the pool."""
    row = round_for_bureau(session, actor, round_id)
    require_status(row, RoundStatus.REVIEW)
    if seed is not None and not 0 <= seed < SEED_BOUND:
        raise InvalidInput(N_("随机种子：应为0至2147483647之间的整数"))
    pool = eligible_pool(session, row)
    if len(pool) < row.panel_size:
        raise Conflict(
            N_("专家库中无利害关系的专家不足，无法抽取评审组"),
            details=[N_("需要%(size)d人，可抽取%(pool)d人", size=row.panel_size, pool=len(pool))],
        )
    chosen_seed = seed if seed is not None else secrets.randbelow(SEED_BOUND)
    claimed = cast(
        CursorResult[Any],
        session.execute(
            update(SelectionRound)
            .where(SelectionRound.id == row.id, SelectionRound.panel_seed.is_(None))
            .values(panel_seed=chosen_seed)
            .execution_options(synchronize_session=False)
        ),
    )
    if claimed.rowcount != 1:
        raise Conflict(N_("评审组已抽取"))
    members = [
        PanelMember(round_id=row.id, expert_id=expert_id, seat=seat)
        for seat, expert_id in enumerate(draw(pool, row.panel_size, chosen_seed), start=1)
    ]
    session.add_all(members)
    session.flush()
    session.refresh(row)
    audit.record(
        session, actor, "selection.panel_drawn", "selection_round", row.id,
        {"seed": chosen_seed, "pool": pool, "panel": [m.expert_id for m in members]},
    )  # fmt: skip
    return members


def panel_of(session: Session, row: SelectionRound) -> list[tuple[PanelMember, Expert]]:
    """The round's panel in seat order."""
    return [
        (m, e)
        for m, e in session.execute(
            select(PanelMember, Expert)
            .join(Expert, Expert.id == PanelMember.expert_id)
            .where(PanelMember.round_id == row.id)
            .order_by(PanelMember.seat)
        )
    ]


def candidates(session: Session, row: SelectionRound) -> list[Nomination]:
    """The nominations the panel judges: those screened in."""
    return list(
        session.scalars(
            select(Nomination)
            .where(Nomination.round_id == row.id)
            .where(Nomination.status == NominationStatus.SCREENED_IN)
            .order_by(Nomination.id)
        )
    )


def record_ballot(
    session: Session,
    actor: User,
    round_id: int,
    expert_id: int,
    scores: Mapping[int, int],
    votes: Mapping[int, bool],
) -> PanelMember:
    """Record one panel member's sheet: a score (0–100) for every candidate, kept with the
    expert, and a yes/no vote for each, kept without the expert (无记名投票); once only."""
    row = round_for_bureau(session, actor, round_id)
    require_status(row, RoundStatus.REVIEW)
    member = session.scalar(
        select(PanelMember).where(
            PanelMember.round_id == row.id, PanelMember.expert_id == expert_id
        )
    )
    if member is None:
        raise NotFound(N_("该专家不在本期评审组中"))
    judged = candidates(session, row)
    problems = []
    for nomination in judged:
        score = scores.get(nomination.id)
        if score is None or not 0 <= score <= 100:
            problems.append(N_("申报#%(id)d 评分：应为0至100之间的整数", id=nomination.id))
        if nomination.id not in votes:
            problems.append(N_("申报#%(id)d 投票：请选择同意或不同意", id=nomination.id))
    unknown = (set(scores) | set(votes)) - {n.id for n in judged}
    problems.extend(N_("申报#%(id)d：不是本期的评审对象", id=n) for n in sorted(unknown))
    if problems:
        raise InvalidInput(N_("评分表不完整"), details=problems)
    voted = cast(
        CursorResult[Any],
        session.execute(
            update(PanelMember)
            .where(PanelMember.id == member.id, PanelMember.voted_at.is_(None))
            .values(voted_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    if voted.rowcount != 1:
        raise Conflict(N_("该专家已投票"))
    for nomination in judged:
        session.add(
            ExpertScore(
                nomination_id=nomination.id, expert_id=expert_id, score=scores[nomination.id]
            )
        )
        session.add(Ballot(nomination_id=nomination.id, approve=votes[nomination.id]))
    session.flush()
    session.refresh(member)
    # The audit names who voted, never how: the ballots carry no expert.
    audit.record(
        session, actor, "selection.ballot_recorded", "selection_round", row.id,
        {"expert_id": expert_id, "scores": {str(k): v for k, v in scores.items()}},
    )  # fmt: skip
    return member


@dataclass(frozen=True)
class Tally:
    """A candidate's result: yes and no votes, mean score, and whether a majority approved."""

    nomination_id: int
    yes: int
    no: int
    mean_score: float | None
    panel_size: int

    @property
    def approved(self) -> bool:
        return 2 * self.yes > self.panel_size


def tallies(session: Session, row: SelectionRound) -> dict[int, Tally]:
    """The vote results of the round's nominations (counts only: who voted how is not kept)."""
    votes: dict[int, list[int]] = {}
    for nomination_id, approve, count in session.execute(
        select(Ballot.nomination_id, Ballot.approve, func.count())
        .join(Nomination, Nomination.id == Ballot.nomination_id)
        .where(Nomination.round_id == row.id)
        .group_by(Ballot.nomination_id, Ballot.approve)
    ):
        votes.setdefault(nomination_id, [0, 0])[0 if approve else 1] += count
    means: dict[int, Any] = dict(
        session.execute(
            select(ExpertScore.nomination_id, func.avg(ExpertScore.score))
            .join(Nomination, Nomination.id == ExpertScore.nomination_id)
            .where(Nomination.round_id == row.id)
            .group_by(ExpertScore.nomination_id)
        ).all()
    )
    return {
        n: Tally(n, yes, no, float(means[n]) if n in means else None, row.panel_size)
        for n, (yes, no) in votes.items()
    }


def get_expert(session: Session, actor: User, expert_id: int) -> Expert:
    """An expert of the actor's region's pool (404 for any other)."""
    expert = session.get(Expert, expert_id)
    if expert is None or not can_see_selections(actor, expert.region_id):
        raise NotFound(N_("专家不存在"))
    return expert
