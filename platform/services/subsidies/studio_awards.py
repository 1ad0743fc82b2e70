"""A studio's award (studio_recognised): raised as a claim for its host when it is recognised.

Wujiang 002 二(三)1 "评选出技能大师工作室、名师工作室…分别给予10万元、5万元奖励资助": the
region's pack names the policy per kind (platform/policy/bases.toml `[[awards]]`). The claim
pays the recognition's year, within the policy's budget; its once-only key (the pack's
`{policy}:{enterprise}`) and the partial UNIQUE index keep it to one.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Beneficiary,
    Enterprise,
    Region,
    School,
    SubsidyClaim,
    SubsidyPolicy,
    TrainingBase,
)
from skillbridge.platform.policy import AwardSelection
from skillbridge.platform.policy.bases import award_for
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.packs import region_pack
from skillbridge.platform.services.subsidies.claims import ClaimDraft, assess, insert_claim
from skillbridge.platform.services.subsidies.routes import raises
from skillbridge.platform.text import N_

NO_AWARD = N_("本地区政策未对该类认定设奖励资助，未发起申领")
INACTIVE = N_("补贴政策已停用，未发起申领")
NOT_BENEFICIARY = N_("该项奖励资助不向这类举办单位发放，未发起申领")
CLAIMED = N_("该事项已申领过补贴")


def _host_of(
    session: Session, base: TrainingBase, policy: SubsidyPolicy
) -> tuple[Enterprise | None, School | None] | None:
    """The host as the policy's beneficiary, or None when the policy pays another kind."""
    if policy.beneficiary == Beneficiary.ENTERPRISE and base.enterprise_id is not None:
        return session.get_one(Enterprise, base.enterprise_id), None
    if policy.beneficiary == Beneficiary.SCHOOL and base.school_id is not None:
        return None, session.get_one(School, base.school_id)
    return None


@raises(
    "studio_recognised",
    frozenset({Beneficiary.ENTERPRISE, Beneficiary.SCHOOL}),
    N_("人社局在年度评审通过后认定工作室时，系统为举办单位自动发起申领（在专项资金预算内）"),
    "bases.index",
)
def on_studio_recognised(
    session: Session, base: TrainingBase, on_date: date
) -> SubsidyClaim | None:
    """Raise the award's claim for a recognised base; when there is none to raise (no award
    for the kind, another beneficiary, a condition failed, claimed already) the base says why."""
    region = session.get_one(Region, base.region_id)
    award = award_for(region_pack(region).region, base.kind.value)
    policy = (
        session.scalar(
            select(SubsidyPolicy)
            .where(SubsidyPolicy.region_id == region.id)
            .where(SubsidyPolicy.code == award.policy)
        )
        if award is not None
        else None
    )
    if policy is None:
        base.claim_note = NO_AWARD
        return None
    if not policy.active:
        base.claim_note = INACTIVE
        return None
    host = _host_of(session, base, policy)
    if host is None:
        base.claim_note = NOT_BENEFICIARY
        return None
    enterprise, school = host
    draft = ClaimDraft(
        policy,
        on_date,
        enterprise=enterprise,
        school=school,
        selection=AwardSelection(policy.code, on_date.year),
        training_base=base,
    )
    assessment = assess(session, draft)
    if not assessment.evaluation.eligible:
        failed = "；".join(c.display_zh() for c in assessment.evaluation.failed)
        base.claim_note = f"不符合申领条件，未发起申领：{failed}"
        return None
    try:
        return insert_claim(session, draft, assessment, None)
    except Conflict:
        base.claim_note = CLAIMED
        return None
