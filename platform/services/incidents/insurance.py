"""Whether the placement's accident insurance (R4, N6) covered the day of an incident."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from skillbridge.models import PlacementAgreement
from skillbridge.platform.services.placements.agreements import insurance_covers, needs_insurance
from skillbridge.platform.text import N_


class CoverStatus(enum.StrEnum):
    """The policy on the placement's agreement against the incident's day."""

    COVERED = "covered"
    OUTSIDE_PERIOD = "outside_period"
    NOT_RECORDED = "not_recorded"
    # Apprentices are insured as staff (R5: work-injury protection): no intern policy is kept.
    STAFF = "staff"


COVER_LABELS = {
    CoverStatus.COVERED: N_("事故日期在保险期内"),
    CoverStatus.OUTSIDE_PERIOD: N_(
        "事故日期不在保险期内：保险公司可能拒赔，请学校与实习单位立即核实"
    ),
    CoverStatus.NOT_RECORDED: N_("该实习未登记意外伤害保险（R4、N6）：请学校与实习单位立即核实"),
    CoverStatus.STAFF: N_("学徒按企业职工参加工伤保险，理赔走工伤认定程序"),
}


@dataclass(frozen=True)
class Cover:
    """The policy shown beside an incident and whether the day falls in its period."""

    status: CoverStatus
    insurer: str | None = None
    policy_no: str | None = None
    start: date | None = None
    end: date | None = None

    @property
    def warning(self) -> bool:
        return self.status in (CoverStatus.OUTSIDE_PERIOD, CoverStatus.NOT_RECORDED)

    @property
    def label(self) -> str:
        return COVER_LABELS[self.status]


def insurance_cover(agreement: PlacementAgreement | None, day: date) -> Cover:
    """The placement's recorded policy and whether it covers `day` (both ends included)."""
    if agreement is not None and not needs_insurance(agreement):
        return Cover(CoverStatus.STAFF)
    if agreement is None or not (agreement.insurer and agreement.insurance_policy_no):
        return Cover(CoverStatus.NOT_RECORDED)
    status = (
        CoverStatus.COVERED if insurance_covers(agreement, day, day) else CoverStatus.OUTSIDE_PERIOD
    )
    return Cover(
        status,
        agreement.insurer,
        agreement.insurance_policy_no,
        agreement.insurance_start,
        agreement.insurance_end,
    )
