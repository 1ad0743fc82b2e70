"""The grant of an award (award_selected): raised as a claim when a round's decision records it.

The claim carries its round, so its approval counts against the round's quota period, not the
claim date's (a 2025 round's grant claimed in January 2026 uses the 2025 quota), and its
selection pays for the round's year. An award paid over several years gets each later year's
claim from the nightly run (`raise_later_years`).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Award,
    Beneficiary,
    Enterprise,
    Person,
    Region,
    SelectionRound,
    SubsidyClaim,
    SubsidyPolicy,
)
from skillbridge.platform.policy import SKILL_LEVELS, AwardSelection
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.packs import region_pack
from skillbridge.platform.services.subsidies.claims import ClaimDraft, assess, insert_claim
from skillbridge.platform.services.subsidies.routes import raises
from skillbridge.platform.services.subsidies.workers import current_employment
from skillbridge.platform.text import N_


@raises(
    "award_selected",
    frozenset({Beneficiary.PERSON, Beneficiary.ENTERPRISE}),
    N_(
        "人社局在评选中认定当选者（职工，或自行申报的企业）时，系统为当选者自动发起申领"
        "（在本期评选的名额内）；多年享受的，每日例行任务在此后每年为其发起当年的申领"
    ),
    "selections.index",
)
def on_award_decided(session: Session, award: Award, on_date: date) -> SubsidyClaim | None:
    """Raise the grant's claim for a recorded award, for the round's first year; when its
    conditions do not hold on the day (no confirmed employment, a condition failed), no claim
    is raised and the award says why."""
    row = session.get_one(SelectionRound, award.round_id)
    claim, note = _raise_grant(session, award, row, on_date, row.period_start)
    award.claim_note = note
    return claim


def raise_later_years(session: Session, today: date) -> int:
    """Raise this year's claim of every award that pays over several years (Wujiang 二(三)1
    "五年内享受政府薪酬补贴"); returns how many were raised.

    A year already claimed, in any state, is left alone: a rejected one is for its beneficiary
    to declare again, not for the nightly run to raise every night. The once-only key (with its
    claim year) keeps a race with a declaration from paying a year twice.
    """
    raised = 0
    for policy, pay_years in _multi_year_policies(session):
        awards = session.scalars(
            select(Award)
            .where(Award.region_id == policy.region_id, Award.policy_code == policy.code)
            .where(Award.year < today.year, Award.year > today.year - pay_years)
            .order_by(Award.id)
        )
        for award in awards:
            row = session.get_one(SelectionRound, award.round_id)
            if today.year <= row.period_start or _year_claimed(session, award, policy, today.year):
                continue
            claim, _note = _raise_grant(session, award, row, today, today.year)
            raised += claim is not None
    return raised


def _multi_year_policies(session: Session) -> list[tuple[SubsidyPolicy, int]]:
    found = []
    for policy in session.scalars(select(SubsidyPolicy).where(SubsidyPolicy.active.is_(True))):
        region = session.get_one(Region, policy.region_id)
        trigger = region_pack(region).policy(policy.code).trigger
        if trigger.kind == "award_selected" and trigger.params.get("pay_years", 1) > 1:
            found.append((policy, int(trigger.params["pay_years"])))
    return found


def _year_claimed(session: Session, award: Award, policy: SubsidyPolicy, year: int) -> bool:
    return (
        session.scalar(
            select(SubsidyClaim.id)
            .where(SubsidyClaim.policy_id == policy.id)
            .where(
                SubsidyClaim.person_id == award.person_id
                if award.person_id is not None
                else SubsidyClaim.enterprise_id == award.enterprise_id
            )
            .where(SubsidyClaim.selection_round_id == award.round_id)
            .where(SubsidyClaim.pays_for_year == year)
            .limit(1)
        )
        is not None
    )


def _raise_grant(
    session: Session, award: Award, row: SelectionRound, on_date: date, pay_year: int
) -> tuple[SubsidyClaim | None, str | None]:
    """The award's claim for `pay_year`, or why none was raised."""
    policy = session.get_one(SubsidyPolicy, row.policy_id)
    if not policy.active:
        return None, "补贴政策已停用，未发起申领"
    level = SKILL_LEVELS[award.level] if award.level is not None else None
    selection = AwardSelection(
        policy.code, award.year, level=level, criterion=award.criterion, pay_year=pay_year
    )
    if award.enterprise_id is not None:
        # An organisation's award: the enterprise is the beneficiary, no person's facts.
        draft = ClaimDraft(
            policy,
            on_date,
            enterprise=session.get_one(Enterprise, award.enterprise_id),
            selection=selection,
            selection_round_id=row.id,
        )
    else:
        assert award.person_id is not None  # the CHECK: a person or an enterprise
        person = session.get_one(Person, award.person_id)
        employment = current_employment(session, person.id)
        if employment is None:
            return None, "无企业确认的在职劳动关系，未发起申领"
        draft = ClaimDraft(
            policy,
            on_date,
            enterprise=session.get_one(Enterprise, employment.enterprise_id),
            person=person,
            employment=employment,
            selection=selection,
            selection_round_id=row.id,
        )
    assessment = assess(session, draft)
    if not assessment.evaluation.eligible:
        failed = "；".join(c.display_zh() for c in assessment.evaluation.failed)
        return None, f"不符合申领条件，未发起申领：{failed}"
    try:
        return insert_claim(session, draft, assessment, None), None
    except Conflict:
        return None, "该事项已申领过补贴"
