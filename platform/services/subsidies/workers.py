"""Worker-side subsidy events: the claims a confirmed employment or a verified certificate raise.

The seeds pay these on a recorded fact, so they are raised automatically as soon as the record
makes someone eligible (the bureau still decides): the employment its enterprise confirmed
(Wujiang's introduction reward, settling and housing subsidies: 002 二(一)1), and a certificate
the bureau verified or imported from the appraisal body (Zhongkai's training and appraisal subsidy: 000 第六条(一)2;
Wujiang's training grant, in-house training subsidy and technician-class subsidy: 002 二(一)2,
二(一)3, 二(二)2; Dalian's enterprise training subsidy: 003 二(一)). Time-based eligibility
(months of contract and insurance) grows, so the nightly sweep (sweep.py) re-runs
the employment events; the once-only keys make a repeat a no-op.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    TRUSTED_CERTIFICATE,
    Beneficiary,
    Certificate,
    Employment,
    EmploymentStatus,
    Enterprise,
    Person,
    SubsidyClaim,
)
from skillbridge.platform.services.directory import latest_enrolment
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.subsidies.claims import (
    ClaimDraft,
    active_policies,
    assess,
    insert_claim,
    today,
)
from skillbridge.platform.services.subsidies.facts import parse_declared
from skillbridge.platform.services.subsidies.routes import ClaimRoute, declare, raises
from skillbridge.platform.text import N_

#: The event a confirmed employment stands for: its contract-and-insurance months run. (The
#: months-on-the-post reward, 002 二(二)2, also asks for school–enterprise training, which only
#: a placement records, so it stays with `claims.on_placement_months_reached`.)
EMPLOYMENT_EVENTS = ("talent_introduced",)
#: Who a worker-side event's claims are paid to (only monetary policies are installed, so paid
#: leave is never a claim).
WORKER_BENEFICIARIES = frozenset({Beneficiary.PERSON, Beneficiary.ENTERPRISE})
for _event in EMPLOYMENT_EVENTS:  # raised by on_employment_confirmed and the nightly sweep
    declare(
        ClaimRoute(
            _event,
            WORKER_BENEFICIARIES,
            N_("企业确认职工的雇佣关系时（此后每日例行任务复核），系统为职工和企业自动发起申领"),
            "people.employees",
        )
    )


def _raise(
    session: Session,
    event_kind: str,
    person: Person,
    employment: Employment,
    on_date: date,
    certificate: Certificate | None = None,
    declared: dict[str, Any] | None = None,
) -> list[SubsidyClaim]:
    """Raise every policy of the employer's region the event makes the worker or the employer
    eligible for."""
    employer = session.get_one(Enterprise, employment.enterprise_id)
    student = latest_enrolment(session, person.id)
    raised = []
    for policy in active_policies(session, employer.region_id, event_kind):
        if policy.beneficiary not in WORKER_BENEFICIARIES:
            continue
        draft = ClaimDraft(
            policy,
            on_date,
            student=student,
            enterprise=employer,
            certificate=certificate,
            declared=dict(declared or {}),
            person=person,
            employment=employment,
        )
        assessment = assess(session, draft)
        if not assessment.evaluation.eligible:
            continue
        try:
            raised.append(insert_claim(session, draft, assessment, None))
        except Conflict:
            continue  # already claimed under this once-only key
    return raised


def on_employment_confirmed(
    session: Session, employment: Employment, on_date: date | None = None
) -> list[SubsidyClaim]:
    """Raise the claims a confirmed employment makes the worker or its enterprise eligible for.

    Called by the employment confirmation (and nightly, by `sweep.raise_employment_claims`); an
    employment not confirmed raises nothing.
    """
    if employment.status != EmploymentStatus.CONFIRMED:
        return []
    on = on_date or today()
    person = session.get_one(Person, employment.person_id)
    raised = []
    for event_kind in EMPLOYMENT_EVENTS:
        raised += _raise(session, event_kind, person, employment, on)
    return raised


def current_employment(session: Session, person_id: int) -> Employment | None:
    """The person's current primary employment its enterprise confirmed, if any."""
    return session.scalars(
        select(Employment)
        .where(Employment.person_id == person_id, Employment.is_primary.is_(True))
        .where(Employment.status == EmploymentStatus.CONFIRMED)
        .limit(1)
    ).first()


@raises(
    "certificate_recorded",
    WORKER_BENEFICIARIES,
    N_("人社局核验职工申报的证书或导入鉴定名单时，系统为职工和企业自动发起申领"),
    "certificates.queue",
)
def on_certificate_verified(
    session: Session,
    certificate: Certificate,
    *,
    on_date: date | None = None,
    route: str | None = None,
    training_ended_on: date | None = None,
) -> list[SubsidyClaim]:
    """Raise the claims a verified (or imported) certificate of an employed person makes the
    worker or the employer eligible for.

    The verifier may state how the certificate was obtained and when its training ended; those
    stay declared facts. A person with no confirmed employment raises nothing here: a student's
    certificate goes through `claims.on_certificate_recorded`.
    """
    if certificate.status not in TRUSTED_CERTIFICATE:
        return []
    employment = current_employment(session, certificate.person_id)
    if employment is None:
        return []
    declared = parse_declared({"certificate_route": route, "training_ended_on": training_ended_on})
    person = session.get_one(Person, certificate.person_id)
    return _raise(
        session,
        "certificate_recorded",
        person,
        employment,
        on_date or today(),
        certificate=certificate,
        declared=declared,
    )
