"""认定 and 公示: the proposed list from the anonymous vote, the window, objections and outcomes."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Enterprise,
    Nomination,
    NominationStatus,
    Objection,
    ObjectionOutcome,
    PanelMember,
    Person,
    RoundStatus,
    SelectionRound,
    User,
    utcnow,
)
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.policies import can_raise_objection, can_run_selections
from skillbridge.platform.services.selections import rounds
from skillbridge.platform.services.selections.panels import candidates, tallies
from skillbridge.platform.services.selections.rounds import (
    publicity_end,
    require_status,
    round_for_bureau,
)
from skillbridge.platform.text import N_

REASON_MAX = 2000


def start_publicity(session: Session, actor: User, round_id: int) -> SelectionRound:
    """Close the vote and publish the proposed list for 公示, from today for the round's
    working days: the candidates a majority of the panel approved, best first (yes votes, then
    mean score), within the places the quota leaves."""
    row = round_for_bureau(session, actor, round_id)
    require_status(row, RoundStatus.REVIEW)
    members = session.scalar(
        select(func.count()).select_from(PanelMember).where(PanelMember.round_id == row.id)
    )
    waiting = session.scalar(
        select(func.count())
        .select_from(PanelMember)
        .where(PanelMember.round_id == row.id, PanelMember.voted_at.is_(None))
    )
    if not members:
        raise Conflict(N_("尚未抽取评审组"))
    if waiting:
        raise Conflict(N_("评审组尚有专家未投票"), details=[N_("未投票%(n)d人", n=waiting)])
    results = tallies(session, row)
    judged = candidates(session, row)
    approved = sorted(
        (n for n in judged if n.id in results and results[n.id].approved),
        key=lambda n: (-results[n.id].yes, -(results[n.id].mean_score or 0), n.id),
    )
    places = None if row.quota is None else row.quota - row.selected_count
    proposed = approved if places is None else approved[:places]
    for nomination in judged:
        nomination.status = (
            NominationStatus.PROPOSED if nomination in proposed else NominationStatus.NOT_PROPOSED
        )
    start = rounds.today()
    row.publicity_starts_on = start
    row.publicity_ends_on = publicity_end(start, row.publicity_working_days)
    row.status = RoundStatus.PUBLICITY
    session.flush()
    audit.record(
        session, actor, "selection.publicity_started", "selection_round", row.id,
        {
            "proposed": [n.id for n in proposed],
            "starts_on": start.isoformat(),
            "ends_on": row.publicity_ends_on.isoformat(),
            "working_days": row.publicity_working_days,
        },
    )  # fmt: skip
    return row


def raise_objection(session: Session, actor: User, nomination_id: int, reason: str) -> Objection:
    """An objection to a proposed nominee during the 公示 window."""
    nomination = session.get(Nomination, nomination_id)
    row = session.get(SelectionRound, nomination.round_id) if nomination is not None else None
    if nomination is None or row is None or nomination.status != NominationStatus.PROPOSED:
        raise NotFound(N_("公示名单中没有该人选"))
    enterprise_region = (
        session.get_one(Enterprise, actor.enterprise_id).region_id
        if actor.enterprise_id is not None
        else None
    )
    if not can_raise_objection(actor, row.region_id, enterprise_region):
        raise PermissionDenied(N_("只有本区域的企业或人社局可以提出或登记异议"))
    on = rounds.today()
    if row.status != RoundStatus.PUBLICITY or row.publicity_ends_on is None:
        raise Conflict(N_("不在公示期内"))
    assert row.publicity_starts_on is not None
    if not row.publicity_starts_on <= on <= row.publicity_ends_on:
        raise Conflict(N_("不在公示期内"))
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(N_("异议内容：必须填写，不超过2000字"))
    objection = Objection(nomination_id=nomination.id, reason=reason, raised_by_id=actor.id)
    session.add(objection)
    session.flush()
    audit.record(
        session, actor, "selection.objection_raised", "objection", objection.id,
        {"nomination_id": nomination.id, "round_id": row.id},
    )  # fmt: skip
    return objection


def handle_objection(
    session: Session, actor: User, objection_id: int, outcome: ObjectionOutcome, note: str
) -> Objection:
    """Record how an objection was handled: upheld strikes the nominee from the list."""
    objection = session.get(Objection, objection_id)
    if objection is None:
        raise NotFound(N_("异议不存在"))
    nomination = session.get_one(Nomination, objection.nomination_id)
    row = round_for_bureau(session, actor, nomination.round_id)
    if not can_run_selections(actor, row.region_id):
        raise PermissionDenied(N_("只有人社局评选工作人员可以处理异议"))
    if objection.outcome is not None:
        raise Conflict(N_("该异议已处理"))
    require_status(row, RoundStatus.PUBLICITY)
    note = note.strip()
    if not note or len(note) > REASON_MAX:
        raise InvalidInput(N_("处理意见：必须填写，不超过2000字"))
    objection.outcome = outcome
    objection.handling_note = note
    objection.handled_by_id = actor.id
    objection.handled_at = utcnow()
    if outcome == ObjectionOutcome.UPHELD and nomination.status == NominationStatus.PROPOSED:
        nomination.status = NominationStatus.STRUCK
    session.flush()
    audit.record(
        session, actor, "selection.objection_handled", "objection", objection.id,
        {"outcome": outcome.value, "nomination_id": nomination.id, "note": note},
    )  # fmt: skip
    return objection


def objections_of(
    session: Session, row: SelectionRound, page: int = 1
) -> Page[tuple[Objection, Nomination]]:
    """A page of the round's objections, oldest first, with the nomination each is about."""
    statement = (
        select(Objection, Nomination)
        .join(Nomination, Nomination.id == Objection.nomination_id)
        .where(Nomination.round_id == row.id)
        .order_by(Objection.id)
    )
    return paginate(session, statement, page, lambda r: (r[0], r[1]))


def proposed_names(
    session: Session, row: SelectionRound, page: int = 1
) -> Page[tuple[Nomination, str, str]]:
    """A page of the published list: during 公示 the proposed nominees, then those selected
    (name, employer), as the seed publishes them (在“恺旋人才网”上公示)."""
    shown = {
        RoundStatus.PUBLICITY: (NominationStatus.PROPOSED, NominationStatus.SELECTED),
        RoundStatus.DECIDED: (NominationStatus.SELECTED,),
    }.get(row.status, ())
    statement = (
        select(Nomination, func.coalesce(Person.name, Enterprise.name), Enterprise.name)
        .outerjoin(Person, Person.id == Nomination.person_id)
        .join(Enterprise, Enterprise.id == Nomination.employer_id)
        .where(Nomination.round_id == row.id, Nomination.status.in_(shown))
        .order_by(Nomination.id)
    )
    return paginate(session, statement, page, lambda r: (r[0], r[1], r[2]))


def round_of(session: Session, nomination_id: int) -> int:
    """The round a nomination belongs to (404 for none), to return to its page."""
    round_id = session.scalar(select(Nomination.round_id).where(Nomination.id == nomination_id))
    if round_id is None:
        raise NotFound(N_("申报不存在"))
    return round_id


def round_of_objection(session: Session, objection_id: int) -> int:
    """The round an objection belongs to (404 for none)."""
    round_id = session.scalar(
        select(Nomination.round_id)
        .join(Objection, Objection.nomination_id == Nomination.id)
        .where(Objection.id == objection_id)
    )
    if round_id is None:
        raise NotFound(N_("异议不存在"))
    return round_id
