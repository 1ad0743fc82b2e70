"""Every route × anonymous and the four roles × own and another tenant's object.

The expectations are written down per endpoint (who may act on its own objects); the test
asserts there is no unauthorised 2xx (or, for a POST, no success redirect), no anonymous access to
a non-public route, and no 5xx anywhere.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask import Flask
from sqlalchemy.orm import Session
from support import World
from werkzeug.routing import Rule

from skillbridge.models import (
    AgreementStatus,
    Cohort,
    ComplianceFinding,
    CreditRecord,
    Inspection,
    InspectionSample,
    MatchRun,
    Notification,
    PlacementStatus,
    RunScope,
    RunStatus,
    Severity,
    SlotStatus,
    SubsidyClaim,
)
from skillbridge.platform.demo.factories import Factories

ROLES = ("school", "enterprise", "student", "bureau")
ALL = frozenset(ROLES)
SCHOOL, ENTERPRISE, STUDENT, BUREAU = (frozenset({r}) for r in ROLES)

# Routes anyone may call.
PUBLIC = {
    "static",
    "bootstrap.static",
    "home.index",
    "home.healthz",
    "auth.login",
    "auth.register_school",
    "auth.register_enterprise",
    "auth.activate",
    "auth.switch_language",
    "api.spec",
}

# Who may get a 2xx (or, for POST, a success redirect) on its OWN objects. Nobody may on another
# tenant's objects. Routes without object parameters use the same table for the role check.
ALLOWED: dict[str, frozenset[str]] = {
    "home.dashboard": ALL,
    "auth.change_password": ALL,
    "auth.logout": ALL,
    "api.me": ALL,
    "api.school": SCHOOL | BUREAU,
    "api.enterprise": ENTERPRISE | BUREAU,
    "api.student": ALL - ENTERPRISE,
    "orgs.school": SCHOOL | BUREAU,
    "orgs.enterprise": ENTERPRISE | BUREAU,
    "orgs.student": ALL - ENTERPRISE,
    "orgs.record_certificate": SCHOOL | BUREAU,
    "bureau.verifications": BUREAU,
    "bureau.decide": BUREAU,
    "schools.cohorts": SCHOOL,
    "schools.cohort": SCHOOL,
    "schools.import_roster": SCHOOL,
    "schools.invitations": SCHOOL,
    "schools.roster_template": SCHOOL,
    "schools.specialties": SCHOOL,
    "slots.browse": ALL,
    "slots.detail": ALL,
    "slots.mine": ENTERPRISE,
    "slots.create": ENTERPRISE,
    "slots.edit": ENTERPRISE,
    "slots.open_": ENTERPRISE,
    "slots.close": ENTERPRISE,
    "cooperation.index": SCHOOL | ENTERPRISE | BUREAU,
    "cooperation.detail": SCHOOL | ENTERPRISE | BUREAU,
    "cooperation.coverage": SCHOOL | BUREAU,
    "cooperation.propose": SCHOOL | ENTERPRISE,
    "cooperation.accept": SCHOOL | ENTERPRISE,
    "cooperation.file": SCHOOL,
    "cooperation.decide": BUREAU,
    "cooperation.terminate": SCHOOL | ENTERPRISE | BUREAU,
    "preferences.mine": STUDENT,
    "preferences.candidates": ENTERPRISE,
    "placements.index": ALL,
    "placements.detail": ALL,
    "placements.agreement": ALL,
    "placements.offers": STUDENT,
    "placements.near_cap": SCHOOL,
    "placements.plans": BUREAU,
    "placements.accept": STUDENT,
    "placements.decline": STUDENT,
    "placements.sign": SCHOOL | ENTERPRISE | STUDENT,
    "placements.insurance": SCHOOL | ENTERPRISE,
    "placements.guardian": SCHOOL,
    "placements.file_plan": SCHOOL,
    "placements.decide_plan": BUREAU,
    "placements.start": SCHOOL | ENTERPRISE,
    "placements.end": SCHOOL | ENTERPRISE,
    "placements.extend": SCHOOL | ENTERPRISE,
    "placements.amend": SCHOOL | ENTERPRISE,
    "placements.cancel": SCHOOL | ENTERPRISE,
    "notifications.index": ALL,
    "notifications.read": ALL,
    "notifications.read_all": ALL,
    "subsidies.my_claims": ALL - BUREAU,
    "subsidies.claim": ALL,
    "subsidies.new_claim": ALL - BUREAU,
    "subsidies.review": BUREAU,
    "subsidies.approve": BUREAU,
    "subsidies.reject": BUREAU,
    "subsidies.pay": BUREAU,
    "subsidies.budgets": BUREAU,
    "subsidies.budget": BUREAU,
    "subsidies.allocate": BUREAU,
    "subsidies.policies": BUREAU,
    "subsidies.update_policy": BUREAU,
    "subsidies.credit_records": BUREAU,
    "subsidies.revoke_credit": BUREAU,
    "subsidies.export_csv": BUREAU,
    "subsidies.export_xlsx": BUREAU,
    "dashboard.index": BUREAU,
    "dashboard.listing": BUREAU,
    "dashboard.export_csv": BUREAU,
    "dashboard.export_xlsx": BUREAU,
    "drilldown.timeline": BUREAU,
    "drilldown.evidence_bundle": BUREAU,
    "inspections.index": BUREAU,
    "inspections.draw": BUREAU,
    "inspections.sample": BUREAU,
    "inspections.export_csv": BUREAU,
    "inspections.export_xlsx": BUREAU,
    "inspections.record": BUREAU,
    "compliance.rules": BUREAU,
    "compliance.findings": BUREAU,
    "compliance.finding": BUREAU,
    "compliance.run": BUREAU,
    "matching.index": SCHOOL | BUREAU,
    "matching.start": SCHOOL | BUREAU,
    "matching.run": SCHOOL | BUREAU,
    "matching.status": SCHOOL | BUREAU,
    "matching.review": SCHOOL | BUREAU,
    "matching.publish": SCHOOL | BUREAU,
}


@dataclass
class Side:
    """One tenant's objects: everything a URL parameter can point at."""

    ids: dict[str, int]
    notification_by_role: dict[str, int]
    claim_by_role: dict[str, int]


def _make_side(session: Session, factories: Factories, world: World, own: bool) -> Side:
    """Objects of the world's own region (own=True) or of the other region."""
    region = world.region if own else world.other_region
    school = world.school if own else world.other_school
    enterprise = world.enterprise if own else world.other_enterprise
    student = world.student if own else world.other_student
    cohort = session.get(Cohort, student.cohort_id)
    occupation = factories.occupation(code=f"9-99-{'a' if own else 'b'}", name="测试工种")
    slot = factories.slot(
        enterprise,
        occupation,
        title="岗位实习",
        start_date=date(2025, 9, 1),
        seats=3,
        stipend_yuan=0,
        post_wage_yuan=None,
        # Open slots are visible to every school and student by design; the other tenant's slot is
        # a draft so that seeing it would be a leak.
        status=SlotStatus.OPEN if own else SlotStatus.DRAFT,
    )
    agreement = factories.cooperation(school, enterprise, status=AgreementStatus.PROPOSED)
    budget, policy = factories.budget(region, allocated=1000)
    policy.amount_kind, policy.amount_yuan = "local", 100
    placement = factories.placement(
        student,
        slot,
        status=PlacementStatus.OFFERED,
        start_date=date(2025, 9, 1),
        end_date=date(2026, 2, 28),
        months=6,
        counts_toward_cap=True,
    )
    placement.offer_deadline = date(2099, 1, 1)
    credit = CreditRecord(
        school_id=school.id,
        rule="R6",
        reason="测试",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
        recorded_by_id=world.users["bureau"].id,
    )
    # A school run owned by this side's school: its school and its region's bureau may see it.
    run = MatchRun(
        scope=RunScope.SCHOOL,
        region_id=region.id,
        school_id=school.id,
        created_by_id=world.users["bureau"].id,
        status=RunStatus.SUCCEEDED,
        stats={
            "placed": 0,
            "unplaced": 0,
            "students": 0,
            "seats": 0,
            "blocking_pairs": 0,
            "rank_distribution": {},
            "method": "auto",
            "timings": {},
        },
    )
    finding = ComplianceFinding(
        region_id=region.id,
        rule_id="R3",
        severity=Severity.MEDIUM,
        subject_key=f"school:{school.id}:specialty:{cohort.specialty_id}",
        object_type="school",
        object_id=school.id,
        summary="专业合作企业不足",
    )
    session.add_all([policy, placement, credit, run, finding])
    session.flush()
    sample = InspectionSample(
        region_id=region.id,
        seed=1,
        size=1,
        as_of=date(2025, 9, 1),
        drawn_by_id=world.users["bureau"].id,
        parameters={"population": 1, "population_sha256": "0" * 64, "strata": {}},
    )
    session.add(sample)
    session.flush()
    inspection = Inspection(sample_id=sample.id, placement_id=placement.id)
    session.add(inspection)
    session.flush()
    claims = {
        "student": SubsidyClaim(student_id=student.id),
        "enterprise": SubsidyClaim(enterprise_id=enterprise.id),
        "school": SubsidyClaim(school_id=school.id),
    }
    for role, claim in claims.items():
        claim.policy_id = policy.id
        claim.on_date = date(2026, 1, 1)
        claim.once_only_key = f"{role}-{'own' if own else 'other'}"
    session.add_all(claims.values())
    notifications = {
        role: Notification(user_id=user.id, kind="test", title="通知")
        for role, user in world.users.items()
    }
    if not own:
        # Another tenant's notification: one addressed to the other region's users is not
        # available, so every role's "other" notification belongs to a different user.
        notifications = {
            role: Notification(
                user_id=world.users[ROLES[(i + 1) % len(ROLES)]].id, kind="test", title="通知"
            )
            for i, role in enumerate(ROLES)
        }
    session.add_all(notifications.values())
    session.flush()
    claims["bureau"] = claims["student"]
    return Side(
        ids={
            "school_id": school.id,
            "enterprise_id": enterprise.id,
            "student_id": student.id,
            "cohort_id": cohort.id,
            "slot_id": slot.id,
            "agreement_id": agreement.id,
            "placement_id": placement.id,
            "budget_id": budget.id,
            "policy_id": policy.id,
            "credit_record_id": credit.id,
            "organisation_id": school.id,
            "run_id": run.id,
            "finding_id": finding.id,
            "object_id": school.id,
            "sample_id": sample.id,
            "inspection_id": inspection.id,
        },
        notification_by_role={r: n.id for r, n in notifications.items()},
        claim_by_role={r: c.id for r, c in claims.items()},
    )


def _url(rule: Rule, side: Side, role: str) -> str:
    values: dict[str, object] = {}
    for argument in rule.arguments:
        if argument == "notification_id":
            values[argument] = side.notification_by_role[role]
        elif argument == "claim_id":
            values[argument] = side.claim_by_role[role]
        elif argument == "kind":
            values[argument] = "school"
        elif argument == "fmt":
            values[argument] = "csv"
        elif argument == "code":
            values[argument] = "en"
        elif argument == "name":
            # Dashboard lists are always the actor's own region's; the name is not an object.
            values[argument] = "students"
        else:
            values[argument] = side.ids[argument]
    return rule.build(values, append_unknown=False)[1]


def _routes(app: Flask) -> list[tuple[Rule, str]]:
    pairs = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            pairs.append((rule, method))
    return sorted(pairs, key=lambda p: (p[1] != "GET", p[0].rule))  # GETs before state changes


def _succeeded(method: str, response) -> bool:  # type: ignore[no-untyped-def]
    """A GET succeeds with 2xx; a POST with 2xx or a redirect anywhere but the login page."""
    if 200 <= response.status_code < 300:
        return True
    location = response.headers.get("Location", "")
    return method != "GET" and 300 <= response.status_code < 400 and "/login" not in location


def test_every_route_is_public_or_refuses_anonymous_requests(app, world, session, factories):
    side = _make_side(session, factories, world, own=True)
    session.commit()
    client = app.test_client()
    leaks = []
    for rule, method in _routes(app):
        response = client.open(_url(rule, side, "student"), method=method)
        response.close()
        refused = response.status_code == 401 or (
            response.status_code == 302 and "/login" in response.headers["Location"]
        )
        if not refused:
            leaks.append((method, rule.rule, response.status_code))
    assert leaks == []


def test_every_route_has_a_written_expectation(app):
    missing = sorted({r.endpoint for r, _m in _routes(app)} - set(ALLOWED))
    assert missing == [], "add these endpoints to ALLOWED with the roles that may use them"


def test_route_role_tenant_matrix(app, world, session, factories, login_as, capsys):
    own = _make_side(session, factories, world, own=True)
    other = _make_side(session, factories, world, own=False)
    session.commit()
    clients = {role: login_as(user) for role, user in world.users.items()}
    routes = _routes(app)
    violations, server_errors, cells = [], [], 0
    for rule, method in routes:
        allowed = ALLOWED.get(rule.endpoint, frozenset())
        has_object = bool(set(rule.arguments) - {"fmt", "code", "kind", "name"})
        for role, client in clients.items():
            for tenant, side in (("own", own), ("other", other)):
                if tenant == "other" and not has_object:
                    continue
                cells += 1
                response = client.open(_url(rule, side, role), method=method)
                response.close()  # a streamed body left open would keep its request alive
                if response.status_code >= 500:
                    server_errors.append((method, rule.rule, role, tenant, response.status_code))
                may = role in allowed and tenant == "own"
                if _succeeded(method, response) and not may:
                    violations.append((method, rule.rule, role, tenant, response.status_code))
    with capsys.disabled():
        print(
            f"\nauthorization matrix: {len(routes)} route-methods, {cells} cells "
            f"(4 roles × own/other tenant), {len(violations)} unauthorised successes, "
            f"{len(server_errors)} server errors"
        )
    assert server_errors == []
    assert violations == [], "\n".join(map(str, violations))


def test_ids_past_what_a_row_can_hold_are_404_on_every_route(app, world, login_as):
    # /schools/99999999999999999999 once reached the database: "integer out of range" (a 500).
    client = login_as(world.users["bureau"])
    answers = Counter()
    for rule, method in _routes(app):
        ids = re.findall(r"<int:\w+>", rule.rule)
        if not ids or len(ids) != len(rule.arguments):
            continue
        for number in (2**31, 10**20):
            url = re.sub(r"<int:\w+>", str(number), rule.rule)
            response = client.open(url, method=method)
            response.close()
            answers[response.status_code] += 1
    assert answers[404] > 50 and set(answers) == {404}, answers
