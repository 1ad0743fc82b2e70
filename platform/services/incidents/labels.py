"""The Chinese labels (message ids, translated by the pages) of incidents' kinds, severities,
claim states and timeline steps, and each severity's definition."""

from __future__ import annotations

from skillbridge.models import (
    IncidentAction,
    IncidentKind,
    IncidentSeverity,
    IncidentStatus,
    InsuranceClaimStatus,
)
from skillbridge.platform.text import N_

KIND_LABELS = {
    IncidentKind.INJURY: N_("人身伤害（工伤）"),
    IncidentKind.SAFETY_HAZARD: N_("安全隐患"),
    IncidentKind.HARASSMENT: N_("骚扰或侵害"),
    IncidentKind.OTHER: N_("其他"),
}
SEVERITY_LABELS = {
    IncidentSeverity.MINOR: N_("轻微"),
    IncidentSeverity.SERIOUS: N_("严重"),
    IncidentSeverity.CRITICAL: N_("重大"),
}
SEVERITY_DEFINITIONS = {
    IncidentSeverity.MINOR: N_("无需就医或当场处置即可，未误工"),
    IncidentSeverity.SERIOUS: N_("需要就医或误工，或存在可能造成伤害的隐患"),
    IncidentSeverity.CRITICAL: N_("住院、致残或危及生命，或多人受影响"),
}
STATUS_LABELS = {
    IncidentStatus.OPEN: N_("处理中"),
    IncidentStatus.CLOSED: N_("已结案"),
}
CLAIM_LABELS = {
    InsuranceClaimStatus.NONE: N_("未报案"),
    InsuranceClaimStatus.FILED: N_("已向保险公司报案"),
    InsuranceClaimStatus.ACCEPTED: N_("保险公司已受理"),
    InsuranceClaimStatus.PAID: N_("已赔付"),
    InsuranceClaimStatus.REJECTED: N_("已拒赔"),
}
ACTION_LABELS = {
    IncidentAction.REPORTED: N_("报告事故"),
    IncidentAction.GUARDIAN_INFORMED: N_("已告知监护人"),
    IncidentAction.CLAIM_FILED: N_("向保险公司报案"),
    IncidentAction.CLAIM_ACCEPTED: N_("保险公司受理"),
    IncidentAction.CLAIM_PAID: N_("保险赔付"),
    IncidentAction.CLAIM_REJECTED: N_("保险拒赔"),
    IncidentAction.CLOSED: N_("结案"),
}
