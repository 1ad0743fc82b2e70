"""Every pack policy is claimable by a route the code declares, or says why not; nothing silently."""

from __future__ import annotations

from datetime import date

import pytest

from skillbridge.models import Beneficiary
from skillbridge.platform.policy import EVENT_KINDS, load_all_packs, load_pack
from skillbridge.platform.services.policy_catalogue import claimability as module
from skillbridge.platform.services.policy_catalogue.claimability import (
    NO_ROUTE_FOR_BENEFICIARY,
    NOT_MONEY,
    claimability,
)
from skillbridge.platform.services.policy_catalogue.table import claimability_table
from skillbridge.platform.services.subsidies import claims, routes
from skillbridge.platform.services.subsidies.routes import ClaimRoute, claim_routes, declare

ALL_POLICIES = [p for pack in load_all_packs().values() for p in pack.policies]


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=lambda p: p.id)
def test_every_pack_policy_has_a_claim_route_or_a_reason(policy) -> None:  # type: ignore[no-untyped-def]
    found = claimability(policy)
    assert bool(found.routes) != bool(found.reasons), policy.id
    assert found.event_kind == policy.trigger.event_kind
    for route in found.routes:
        assert route.event_kind == policy.trigger.event_kind and route.how


def test_the_online_claim_form_events_are_routes_of_their_own() -> None:
    online = {r.event_kind for r in claim_routes() if r.online}
    assert online == set(claims.CLAIMABLE_EVENTS)
    assert {r.endpoint for r in claim_routes() if r.online} == {"subsidies.new_claim"}
    assert all(r.event_kind in EVENT_KINDS for r in claim_routes())


def test_a_route_for_an_unknown_event_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown event kind 'award_selcted'"):
        declare(ClaimRoute("award_selcted", frozenset({Beneficiary.PERSON}), "x"))


def test_award_grants_follow_the_selection_decision() -> None:
    # The round's decision raises the grant for the person selected (subsidies/awards.py).
    chief = load_pack("zhongkai").policy("zhongkai.chief_technician_grant")
    (route,) = claimability(chief).routes
    assert (route.endpoint, route.online) == ("selections.index", False)
    assert route.beneficiaries == frozenset({Beneficiary.PERSON, Beneficiary.ENTERPRISE})
    table = claimability_table(date(2015, 1, 1))
    assert "✅ `award_selected`：人社局在评选中认定当选者" in table
    # 002 二(三)1 "评选表彰在高技能人才培养上做出突出贡献的企业和培养机构": a round among
    # organisations pays the enterprise selected.
    training = load_pack("wujiang").policy("wujiang.training_contribution_enterprise_award")
    (route,) = claimability(training).routes
    assert route.event_kind == "award_selected" and Beneficiary.ENTERPRISE in route.beneficiaries


def test_studio_awards_follow_the_studio_recognition() -> None:
    # 002 二(三)1: the bureau's recognition of a studio raises its host's award (studio_awards.py).
    for code in ("wujiang.skill_master_studio_award", "wujiang.famous_teacher_studio_award"):
        (route,) = claimability(load_pack("wujiang").policy(code)).routes
        assert (route.event_kind, route.endpoint, route.online) == (
            "studio_recognised",
            "bases.index",
            False,
        )
    assert "✅ `studio_recognised`：人社局在年度评审通过后认定工作室时" in claimability_table(
        date(2026, 1, 1)
    )


def test_an_entitlement_is_never_claimable_even_with_its_event_recorded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    leave = load_pack("zhongkai").policy("zhongkai.paid_training_leave")
    route = ClaimRoute("service_years_reached", frozenset({Beneficiary.PERSON}), "工龄满")
    monkeypatch.setattr(routes, "_ROUTES", [*routes._ROUTES, route])
    assert claimability(leave).reasons == (NOT_MONEY,)


def test_a_recorded_event_that_pays_no_route_of_the_beneficiary_says_so(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Wujiang's matching fund is paid to the school; a programme route for enterprises only
    # (in place of the course raiser, which pays schools).
    fund = load_pack("wujiang").policy("wujiang.technician_class_matching_fund")
    route = ClaimRoute("programme_held", frozenset({Beneficiary.ENTERPRISE}), "项目举办")
    others = [r for r in routes._ROUTES if r.event_kind != "programme_held"]
    monkeypatch.setattr(routes, "_ROUTES", [*others, route])
    assert claimability(fund).reasons == (NO_ROUTE_FOR_BENEFICIARY,)
    # Positive control: a route that pays schools makes it claimable.
    school = ClaimRoute("programme_held", frozenset({Beneficiary.SCHOOL}), "学校项目")
    monkeypatch.setattr(routes, "_ROUTES", [*others, route, school])
    assert claimability(fund).routes == (school,)


def test_a_closed_course_raises_the_matching_fund_and_the_training_subsidy() -> None:
    """The course raiser (claims.on_course_closed) pays the school's technician-class fund and
    the person's subsidised training; neither is claimed online."""
    fund = load_pack("wujiang").policy("wujiang.technician_class_matching_fund")
    training = load_pack("zhanjiang").policy("zhanjiang.subsidised_vocational_training")
    for policy in (fund, training):
        (route,) = claimability(policy).routes
        assert route.endpoint == "courses.index" and not route.online
        assert route.beneficiaries == claims.COURSE_BENEFICIARIES


def test_routes_follow_the_raisers_of_the_code() -> None:
    # Zhanjiang's apprenticeship subsidy is raised by the programme assessment, not online.
    apprenticeship = load_pack("zhanjiang").policy("zhanjiang.apprenticeship_training_subsidy")
    (route,) = claimability(apprenticeship).routes
    assert route.endpoint == "programmes.index" and not route.online
    assert route.beneficiaries == claims.PROGRAMME_BENEFICIARIES
    # Dalian's tuition subsidy only through the online form (no raiser for the school year).
    tuition = load_pack("dalian").policy("dalian.tuition_subsidy")
    assert [r.online for r in claimability(tuition).routes] == [True]


def test_the_table_has_one_row_per_policy_with_its_verdict() -> None:
    table = claimability_table(date(2026, 12, 3))
    lines = table.splitlines()
    assert lines[0] == "| region | policy code | name | claimable by which event / or why not |"
    rows = [line for line in lines[2:] if line.startswith("| ")]
    assert len(rows) == len(ALL_POLICIES)
    for policy, row in zip(ALL_POLICIES, rows, strict=True):
        cells = row.split(" | ")
        assert cells[1] == f"`{policy.id}`" and policy.name_en in cells[2]
        verdict = claimability(policy)
        assert cells[3].startswith("✅" if verdict.claimable else "❌")
    claimable = sum(claimability(p).claimable for p in ALL_POLICIES)
    assert lines[-1] == f"{claimable} / {len(ALL_POLICIES)} 项政策可在平台申领（2026-12-03）。"
    # 000 第十条: in force 2014-05-09 for 2 years; on a later day the row says it has ended.
    zhongkai = next(r for r in rows if "`zhongkai.training_appraisal_subsidy`" in r)
    assert "文件有效期已于2016-05-08届满，未登记延期" in zhongkai
    in_force = claimability_table(date(2015, 6, 1))
    assert "届满" not in next(r for r in in_force.splitlines() if "training_appraisal" in r)


def test_module_imports_every_raiser() -> None:
    # The registry fills as the raising modules load; the catalogue imports all of them.
    assert {"claims", "workers"} <= set(vars(module))
    assert {r.endpoint for r in claim_routes() if not r.online} >= {
        "schools.cohorts",
        "certificates.queue",
        "people.employees",
        "programmes.index",
    }
