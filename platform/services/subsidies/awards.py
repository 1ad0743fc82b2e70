"""The grant of an award (award_selected): raised as a claim when a round's decision records it.

The claim carries its round, so its approval counts against the round's quota period, not the
claim date's (a 2025 round's grant claimed in January 2026 uses the 2025 quota), and its
selection pays for the round's year.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from skillbridge.models import (
    Award,
    Beneficiary,
    Enterprise,
    Person,
    SelectionRound,
    SubsidyClaim,
    SubsidyPolicy,
)
from skillbridge.platform.policy import SKILL_LEVELS, AwardSelection
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.subsidies.claims import ClaimDraft, assess, insert_claim
from skillbridge.platform.services.subsidies.routes import raises
from skillbridge.platform.services.subsidies.workers import current_employment
from skillbridge.platform.text import N_


@raises(
    "award_selected",
    frozenset({Beneficiary.PERSON}),
    N_("人社局在评选中认定当选者时，系统为当选职工自动发起申领（在本期评选的名额内）"),
    "selections.index",
)
def on_award_decided(session: Session, award: Award, on_date: date) -> SubsidyClaim | None:
    """Raise the grant's claim for a recorded award; when its conditions do not hold on the day
    (no confirmed employment, a condition failed), no claim is raised and the award says why."""
    row = session.get_one(SelectionRound, award.round_id)
    policy = session.get_one(SubsidyPolicy, row.policy_id)
    if not policy.active:
        award.claim_note = "补贴政策已停用，未发起申领"
        return None
    person = session.get_one(Person, award.person_id)
    employment = current_employment(session, person.id)
    if employment is None:
        award.claim_note = "无企业确认的在职劳动关系，未发起申领"
        return None
    level = SKILL_LEVELS[award.level] if award.level is not None else None
    selection = AwardSelection(
        policy.code, award.year, level=level, criterion=award.criterion, pay_year=row.period_start
    )
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
        award.claim_note = f"不符合申领条件，未发起申领：{failed}"
        return None
    try:
        return insert_claim(session, draft, assessment, None)
    except Conflict:
        award.claim_note = "该事项已申领过补贴"
        return None
