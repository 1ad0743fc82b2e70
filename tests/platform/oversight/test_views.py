"""Compliance pages: rules, findings, evidence with links, running checks; bureau of the region only."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import func, select

from skillbridge.models import ComplianceFinding, ComplianceRun, Role, Severity
from skillbridge.platform.services.oversight import compliance
from skillbridge.platform.services.oversight.compliance import run_compliance

from .conftest import TODAY, figures


@pytest.fixture
def findings(session, world, kit):  # type: ignore[no-untyped-def]
    """Own-region findings (an uninsured placement: R4, N6; R3) and one of the other region, both
    Dalian's, whose own 大政发[2011]46号 二(三) is the basis of R3 and R4."""
    world.region.policy_pack = world.other_region.policy_pack = "dalian"
    own = kit.placement(world.student, kit.slot())
    kit.agreement(own, insured=None)
    kit.cooperation()
    other = kit.placement(world.other_student, kit.slot(world.other_enterprise))
    kit.agreement(other, insured=None)
    session.commit()
    run_compliance(session, world.region.id, TODAY)
    run_compliance(session, world.other_region.id, TODAY)
    session.commit()
    by_rule = {
        (f.region_id, f.rule_id): f
        for f in session.scalars(select(ComplianceFinding).order_by(ComplianceFinding.id))
    }
    return by_rule[(world.region.id, "R4")], by_rule[(world.other_region.id, "R4")], own


def test_rule_list_shows_every_rule_with_open_counts(login_as, world, findings) -> None:  # type: ignore[no-untyped-def]
    page = login_as(world.users["bureau"]).get("/bureau/compliance/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for rule_id in ("R1", "R9", "N10"):
        assert f"<td>{rule_id}</td>" in html
    assert '/bureau/compliance/findings?rule=R4&amp;state=open">1</a>' in html
    assert "平台不经手实习费用" in html  # N8 is manual, with its reason
    assert "平台未登记实习考勤" not in html  # N7 is automatic now (attendance)
    assert "平台未登记企业职工教育经费" not in html  # R9 is automatic now (mentoring)


def test_rule_counts_add_up_each_rules_severities_and_each_severitys_rules(  # type: ignore[no-untyped-def]
    session, world, factories
) -> None:
    for rule, severity, resolved in (
        ("R4", Severity.HIGH, False),
        ("R4", Severity.LOW, False),
        ("R4", Severity.HIGH, True),
        ("N2", Severity.HIGH, False),
        ("N2", Severity.MEDIUM, True),
    ):
        factories.finding(world.region, rule, severity, resolved=resolved)
    factories.finding(world.other_region, "R4", Severity.LOW)
    session.commit()
    overview = compliance.overview(session, world.users["bureau"])
    counts = {row.rule.id: (row.open_count, row.resolved_count) for row in overview.rules}
    assert (counts["R4"], counts["N2"], counts["R1"]) == ((2, 1), (1, 1), (0, 0))
    assert overview.open_by_severity == {Severity.HIGH: 2, Severity.MEDIUM: 0, Severity.LOW: 1}


def test_findings_filter_by_rule_severity_and_state(login_as, world, findings) -> None:  # type: ignore[no-untyped-def]
    own, other, _ = findings
    client = login_as(world.users["bureau"])
    html = client.get("/bureau/compliance/findings?rule=R4").get_data(as_text=True)
    assert f"/bureau/compliance/findings/{own.id}" in html
    assert f"/bureau/compliance/findings/{other.id}" not in html
    assert "共 1 项" in html
    low = client.get("/bureau/compliance/findings?severity=low&state=open").get_data(as_text=True)
    assert f"/bureau/compliance/findings/{own.id}" not in low
    resolved = client.get("/bureau/compliance/findings?state=resolved").get_data(as_text=True)
    assert "共 0 项" in resolved
    assert client.get("/bureau/compliance/findings?rule=X9").status_code == 400


def test_finding_detail_shows_evidence_dates_and_links(app, login_as, world, findings) -> None:  # type: ignore[no-untyped-def]
    own, _, placement = findings
    with app.test_request_context():
        links = {
            url_for("orgs.enterprise", enterprise_id=world.enterprise.id),
            url_for("slots.detail", slot_id=placement.slot_id),
            url_for("placements.detail", placement_id=placement.id),
        }
    page = login_as(world.users["bureau"]).get(f"/bureau/compliance/findings/{own.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for link in links:
        assert f'href="{link}"' in html, link
    assert "首次发现" in html and "未解决" in html
    assert "保险公司" in html and placement.start_date.isoformat() in html


def test_run_now_records_a_run_and_redirects(login_as, world, session) -> None:  # type: ignore[no-untyped-def]
    response = login_as(world.users["bureau"]).post("/bureau/compliance/runs")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bureau/compliance/")
    run = session.scalars(select(ComplianceRun)).one()
    assert run.region_id == world.region.id
    assert run.triggered_by_id == world.users["bureau"].id


def test_another_regions_bureau_gets_404(login_as, world, findings, make_user, session) -> None:  # type: ignore[no-untyped-def]
    own, other, _ = findings
    stranger = make_user(Role.BUREAU, region_id=world.other_region.id)
    session.commit()
    client = login_as(world.users["bureau"])
    assert client.get(f"/bureau/compliance/findings/{other.id}").status_code == 404
    assert client.get("/bureau/compliance/findings/999999").status_code == 404
    assert login_as(stranger).get(f"/bureau/compliance/findings/{own.id}").status_code == 404


@pytest.mark.parametrize("role", ["school", "enterprise", "student"])
def test_other_roles_are_refused(login_as, world, findings, session, role) -> None:  # type: ignore[no-untyped-def]
    own, _, _ = findings
    client = login_as(world.users[role])
    for url in (
        "/bureau/compliance/",
        "/bureau/compliance/findings",
        f"/bureau/compliance/findings/{own.id}",
    ):
        assert client.get(url).status_code == 403, url
    before = session.scalar(select(func.count()).select_from(ComplianceRun))
    assert client.post("/bureau/compliance/runs").status_code == 403
    assert session.scalar(select(func.count()).select_from(ComplianceRun)) == before


def test_anonymous_is_sent_to_login(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/bureau/compliance/findings")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_month_cap_finding_lists_each_placement_with_its_link(
    login_as, world, kit, session
) -> None:  # type: ignore[no-untyped-def]
    world.region.policy_pack = "dalian"  # R1's basis: 大政发[2011]46号 二(三)
    cap = figures(world.region).post_internship_max_months.value
    placements = [kit.placement(world.student, kit.slot(), months=m) for m in (cap, 1)]
    session.commit()
    run_compliance(session, world.region.id, TODAY)
    session.commit()
    finding = session.scalars(
        select(ComplianceFinding).where(ComplianceFinding.rule_id == "R1")
    ).one()
    html = login_as(world.users["bureau"]).get(f"/bureau/compliance/findings/{finding.id}")
    html = html.get_data(as_text=True)
    assert f'href="/students/{world.student.id}"' in html
    for placement in placements:
        assert f'<a href="/placements/{placement.id}">{placement.id}</a>' in html
    assert f"{cap + 1}" in html


def _row(html: str, rule_id: str) -> str:
    start = html.index(f"<td>{rule_id}</td>")
    return html[start : html.index("</tr>", start)]


def test_each_rule_shows_its_basis_in_the_region(login_as, world, session) -> None:  # type: ignore[no-untyped-def]
    """Wujiang's own seed (吴政规字〔2012〕13号) has no R1 (it is 大政发[2011]46号 二(三), Dalian's):
    the row says it is not applied and not checked there, with no figure; Dalian's row (the
    control) cites its own text, is checked and shows the figure."""
    html = login_as(world.users["bureau"]).get("/bureau/compliance/").get_data(as_text=True)
    row = _row(html, "R1")
    assert "本地区不适用" in row and "本地人社局未作采纳决定" in row and "不检查" in row
    assert "12个月" not in row and "12" not in row.split("本地人社局未作采纳决定")[1]
    assert "教职成〔2021〕4号《职业学校学生实习管理规定》 第十六条(二)" in _row(html, "N1")
    world.region.policy_pack = "dalian"
    session.commit()
    html = login_as(world.users["bureau"]).get("/bureau/compliance/").get_data(as_text=True)
    row = _row(html, "R1")
    assert "大政发[2011]46号 二(三)" in row and "本地区不适用" not in row and "不检查" not in row


def test_a_findings_summary_reads_in_english(login_as, world, findings, compiled_catalogue) -> None:  # type: ignore[no-untyped-def]
    own = findings[0]
    client = login_as(world.users["bureau"])
    chinese = client.get(f"/bureau/compliance/findings/{own.id}").get_data(as_text=True)
    assert f'<p class="lead">{own.summary}</p>' in chinese
    client.get("/lang/en")
    page = client.get(f"/bureau/compliance/findings/{own.id}").get_data(as_text=True)
    listed = client.get("/bureau/compliance/findings?rule=R4").get_data(as_text=True)
    english = "&#39;s post internship at {} has started with no accident insurance recorded"
    enterprise = world.enterprise.name
    assert english.format(enterprise) in page and english.format(enterprise) in listed
    assert "未登记意外伤害保险" not in page and "未登记意外伤害保险" not in listed
    assert "summary_message" not in page  # the stored message is not shown as evidence
