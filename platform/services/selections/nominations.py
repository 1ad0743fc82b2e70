"""Nominations (报名推荐) with their evidence, and the automatic screening (资格审查) of each.

Screening evaluates the pack's conditions of the round's policy on the nominee's facts, read
from the records as for a claim (the confirmed employment, trusted certificates, the district
history); the award itself is assumed, for the round's year and the criterion the nomination
claims, so what is shown is whether the grant would be payable if the panel selects the
nominee. Nothing is re-implemented: the eligibility engine evaluates the policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    Employment,
    EmploymentStatus,
    Enterprise,
    Nomination,
    NominationStatus,
    Person,
    Role,
    RoundStatus,
    SelectionRound,
    SubsidyPolicy,
    User,
)
from skillbridge.platform.policy import AwardSelection, Policy, evaluate
from skillbridge.platform.services import audit
from skillbridge.platform.services.documents.owners import load_owner
from skillbridge.platform.services.documents.uploads import (
    DocumentStore,
    Upload,
    check_uploads,
    store_checked,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.paging import Page, paginate
from skillbridge.platform.services.policies import (
    can_nominate_employee,
    can_nominate_self,
    can_see_selections,
    can_view_nomination,
)
from skillbridge.platform.services.selections import rounds
from skillbridge.platform.services.selections.rounds import (
    get_round,
    pack_policy,
    require_status,
    round_for_bureau,
    round_policy,
)
from skillbridge.platform.services.subsidies.claims import snapshot
from skillbridge.platform.services.subsidies.facts import BuiltFacts, build_facts
from skillbridge.platform.services.subsidies.worker_facts import build_worker_facts
from skillbridge.platform.services.subsidies.workers import current_employment
from skillbridge.platform.text import N_

#: The evidence a nomination must carry (document_kinds.toml): its materials (证明材料).
EVIDENCE_KIND = "selection_evidence"
STATEMENT_MAX = 2000
#: Outcomes of the engine that are not the nominee's conditions: the award itself (assumed) and
#: the document's validity (checked when the call is published and again on payment).
_NOT_SCREENED = ("policy_in_force",)


def nominee_selection(
    row: SelectionRound, code: str, level: str | None, criterion: str | None
) -> AwardSelection:
    """The award a screening assumes and a decision records: the round's year pays."""
    return AwardSelection(
        code, row.period_start, level=level, criterion=criterion, pay_year=row.period_start
    )


def screen(
    session: Session, row: SelectionRound, nomination: Nomination, on_date: date
) -> tuple[bool, dict[str, Any]]:
    """Evaluate the round's policy for the nominee on `on_date`: (passed, the stored snapshot)."""
    policy = round_policy(session, row)
    described = pack_policy(session, policy)
    if nomination.person_id is None:
        # An organisation: the enterprise's facts, as for its own claim.
        built = build_facts(
            session, policy, on_date, enterprise=session.get_one(Enterprise, nomination.employer_id)
        )
        return _screened(described, policy, built, nominee_selection(
            row, described.id, None, nomination.criterion), on_date)  # fmt: skip
    person = session.get_one(Person, nomination.person_id)
    employment = current_employment(session, person.id)
    if employment is None:
        return False, {
            "on_date": on_date.isoformat(),
            "eligible": False,
            "conditions": [
                {
                    "code": "employment",
                    "passed": False,
                    "display": "✘ 劳动关系 无企业确认的在职劳动关系",
                }
            ],
            "facts": [],
        }
    built = build_worker_facts(session, policy, on_date, person=person, employment=employment)
    level = built.facts.certificate.level if built.facts.certificate is not None else None
    selection = nominee_selection(row, described.id, level, nomination.criterion)
    return _screened(described, policy, built, selection, on_date)


def _screened(
    described: Policy,
    policy: SubsidyPolicy,
    built: BuiltFacts,
    selection: AwardSelection,
    on_date: date,
) -> tuple[bool, dict[str, Any]]:
    """The policy evaluated on the nominee's facts with the award assumed, as stored."""
    built = replace(built, facts=replace(built.facts, selection=selection))
    override = policy.amount_yuan if described.amount.kind == "local" else None
    evaluation = evaluate(described, built.facts, on_date, amount_override=override)
    stored = snapshot(described, evaluation, built, None)
    stored["conditions"] = [
        c
        for c in stored["conditions"]
        if not c["code"].startswith("trigger.") and c["code"] not in _NOT_SCREENED
    ]
    passed = all(c["passed"] for c in stored["conditions"])
    stored["eligible"] = passed
    stored["level"] = selection.level
    return passed, stored


@dataclass(frozen=True)
class NominationRequest:
    """A nomination: the round, the nominee (an enterprise's employee, the worker, or the
    enterprise itself when the round's award is paid to organisations: no person), the seed's
    criterion it claims (e.g. "(2)"), a statement of merits and the evidence."""

    round_id: int
    statement: str
    person_id: int | None = None
    criterion: str | None = None
    evidence: Sequence[Upload] = ()


def _organisation(
    session: Session, actor: User, row: SelectionRound, request: NominationRequest
) -> int:
    """The enterprise applying for itself in a round among organisations."""
    if actor.role != Role.ENTERPRISE or actor.enterprise_id is None:
        raise PermissionDenied(N_("本期评选表彰企业和培养机构：只有企业可以申报本单位"))
    if request.person_id is not None:
        raise InvalidInput(N_("本期评选表彰单位，不推荐个人"), details=["person_id"])
    enterprise = session.get_one(Enterprise, actor.enterprise_id)
    if not can_nominate_employee(actor, enterprise, row.region_id):
        raise PermissionDenied(N_("只能申报本区域的企业"))
    return enterprise.id


def _nominee(
    session: Session, actor: User, row: SelectionRound, request: NominationRequest
) -> tuple[Person, Employment, int | None]:
    """The person, their confirmed employment, and the nominating enterprise (None: self)."""
    if actor.role == Role.WORKER:
        assert actor.person_id is not None
        person_id = actor.person_id
        if request.person_id not in (None, person_id) or not can_nominate_self(actor, person_id):
            raise PermissionDenied(N_("个人只能自荐本人"))
        employment = current_employment(session, person_id)
        if employment is None:
            raise Conflict(N_("自荐须有企业确认的在职劳动关系"))
        return session.get_one(Person, person_id), employment, None
    if actor.role != Role.ENTERPRISE or request.person_id is None:
        raise PermissionDenied(N_("只有企业（单位推荐）或职工本人（个人自荐）可以申报"))
    employment = current_employment(session, request.person_id)
    if employment is None or employment.enterprise_id != actor.enterprise_id:
        raise NotFound(N_("该人员不是本企业在职职工"))
    employer = session.get_one(Enterprise, employment.enterprise_id)
    if not can_nominate_employee(actor, employer, row.region_id):
        raise PermissionDenied(N_("只能推荐本区域企业的本单位职工"))
    return session.get_one(Person, request.person_id), employment, employer.id


def nominate(
    session: Session, store: DocumentStore, actor: User, request: NominationRequest
) -> Nomination:
    """Submit a nomination with its evidence, screened at once; nothing is kept if refused.

    Refused: a round not taking nominations or past its deadline (409), a nominee already
    nominated in the round (409), no statement or no evidence (400, naming the field), a file
    that fails the upload checks (400, naming it), a nominee who is not the enterprise's
    employee (404) or someone else than the worker (403).
    """
    row = get_round(session, request.round_id)
    require_status(row, RoundStatus.OPEN)
    if rounds.today() > row.nominations_close_on:
        raise Conflict(N_("申报已截止"))
    person_id: int | None
    by_enterprise: int | None
    if rounds.for_organisations(session, row):
        employer_id = by_enterprise = _organisation(session, actor, row, request)
        person_id = None
    else:
        person, employment, by_enterprise = _nominee(session, actor, row, request)
        person_id, employer_id = person.id, employment.enterprise_id
    statement = request.statement.strip()
    problems = []
    if not statement:
        problems.append(N_("推荐理由（事迹）：必须填写"))
    elif len(statement) > STATEMENT_MAX:
        problems.append(N_("推荐理由（事迹）：不能超过2000字"))
    criterion = (request.criterion or "").strip() or None
    if criterion is not None and len(criterion) > 10:
        problems.append(N_("评选条件：格式不正确，例如(2)"))
    if not any(upload.kind == EVIDENCE_KIND for upload in request.evidence):
        problems.append(N_("证明材料：请至少上传一份"))
    if problems:
        raise InvalidInput(problems[0], details=problems)
    nomination = Nomination(
        round_id=row.id,
        person_id=person_id,
        employer_id=employer_id,
        nominated_by_enterprise_id=by_enterprise,
        nominated_by_id=actor.id,
        criterion=criterion,
        statement=statement,
        status=NominationStatus.SUBMITTED,
        screening={},
    )
    try:
        with session.begin_nested():
            session.add(nomination)
            session.flush()
    except IntegrityError as exc:
        if person_id is None:
            raise Conflict(N_("本单位已在本期评选中申报")) from exc
        raise Conflict(N_("该人员已在本期评选中申报")) from exc
    owner = load_owner(session, "nomination", nomination.id)
    store_checked(session, store, actor, owner, check_uploads(owner, request.evidence))
    on = rounds.today()
    passed, stored = screen(session, row, nomination, on)
    nomination.screening, nomination.screened_on = stored, on
    session.flush()
    audit.record(
        session,
        actor,
        "selection.nominated",
        "nomination",
        nomination.id,
        {
            "round_id": row.id,
            "person_id": person_id,
            "enterprise_id": employer_id,
            "by_enterprise_id": by_enterprise,
            "criterion": criterion,
            "screening_passed": passed,
        },
    )
    return nomination


def close_nominations(session: Session, actor: User, round_id: int) -> SelectionRound:
    """End the nominations (资格审查): screen every nominee again on the day and move the
    round to review; those screened out take no further part."""
    row = round_for_bureau(session, actor, round_id)
    require_status(row, RoundStatus.OPEN)
    on = rounds.today()
    if on <= row.nominations_close_on:
        raise Conflict(N_("申报截止日之后才能结束申报并进行资格审查"))
    counts = {True: 0, False: 0}
    for nomination in session.scalars(
        select(Nomination).where(Nomination.round_id == row.id).order_by(Nomination.id)
    ):
        passed, stored = screen(session, row, nomination, on)
        nomination.screening, nomination.screened_on = stored, on
        nomination.status = (
            NominationStatus.SCREENED_IN if passed else NominationStatus.SCREENED_OUT
        )
        counts[passed] += 1
    row.status = RoundStatus.REVIEW
    session.flush()
    audit.record(
        session,
        actor,
        "selection.screened",
        "selection_round",
        row.id,
        {"on": on.isoformat(), "screened_in": counts[True], "screened_out": counts[False]},
    )
    return row


def get_nomination(session: Session, actor: User, nomination_id: int) -> Nomination:
    """A nomination its nominee, its nominating enterprise or its region's bureau may see."""
    nomination = session.get(Nomination, nomination_id)
    if nomination is None:
        raise NotFound(N_("申报不存在"))
    row = session.get_one(SelectionRound, nomination.round_id)
    if not can_view_nomination(
        actor, nomination.person_id, nomination.nominated_by_enterprise_id, row.region_id
    ):
        raise NotFound(N_("申报不存在"))
    return nomination


@dataclass(frozen=True)
class NominationRow:
    """A nomination with its nominee's name (the enterprise's, for an organisation) and the
    employer's."""

    nomination: Nomination
    person_name: str
    employer_name: str


def _page(session: Session, condition: Any, page: int) -> Page[NominationRow]:
    statement = (
        select(Nomination, func.coalesce(Person.name, Enterprise.name), Enterprise.name)
        .outerjoin(Person, Person.id == Nomination.person_id)
        .join(Enterprise, Enterprise.id == Nomination.employer_id)
        .where(condition)
        .order_by(Nomination.id)
    )
    return paginate(session, statement, page, lambda r: NominationRow(r[0], r[1], r[2]))


def round_nominations(
    session: Session, actor: User, row: SelectionRound, page: int = 1
) -> Page[NominationRow]:
    """A page of a round's nominations for its region's bureau (the empty page for others)."""
    if not can_see_selections(actor, row.region_id):
        return _page(session, false(), page)
    return _page(session, Nomination.round_id == row.id, page)


def my_nominations(session: Session, actor: User, page: int = 1) -> Page[NominationRow]:
    """The nominations an enterprise made, or a worker's own (whoever nominated them)."""
    if actor.role == Role.ENTERPRISE and actor.enterprise_id is not None:
        condition = Nomination.nominated_by_enterprise_id == actor.enterprise_id
    elif actor.role == Role.WORKER and actor.person_id is not None:
        condition = Nomination.person_id == actor.person_id
    else:
        condition = false()
    return _page(session, condition, page)


def nominable_employees(session: Session, actor: User) -> list[tuple[Person, Employment]]:
    """The enterprise's current employees it confirmed: whom it may nominate."""
    if actor.role != Role.ENTERPRISE or actor.enterprise_id is None:
        return []
    rows = session.execute(
        select(Person, Employment)
        .join(Employment, Employment.person_id == Person.id)
        .where(Employment.enterprise_id == actor.enterprise_id)
        .where(Employment.status == EmploymentStatus.CONFIRMED, Employment.is_primary.is_(True))
        .order_by(Person.id)
    )
    return [(person, employment) for person, employment in rows]
