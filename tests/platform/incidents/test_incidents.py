"""The incident flow: report and notifications, the guardian rule, claim states, closing, cover."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillbridge.models import (
    AuditEvent,
    Incident,
    IncidentAction,
    IncidentEvent,
    IncidentSeverity,
    IncidentStatus,
    InsuranceClaimStatus,
    Notification,
    PlacementAgreementKind,
    PlacementStatus,
)
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from skillbridge.platform.services.incidents import counts, records, reports, steps
from skillbridge.platform.services.incidents.insurance import CoverStatus, insurance_cover
from skillbridge.platform.services.reporting.todo import todo_items

from .conftest import NOW, Site, report_input

LATER = NOW + timedelta(hours=1)


def _report(session: Session, site: Site, who: str = "student", **changes: object) -> Incident:
    incident = reports.report_incident(
        session, site.users[who], site.placement.id, report_input(**changes), NOW
    )
    session.commit()
    return incident


def _recipients(session: Session, incident: Incident) -> set[int]:
    return set(
        session.scalars(
            select(Notification.user_id).where(
                Notification.kind == reports.INCIDENT_REPORTED,
                Notification.link_args["incident_id"].as_integer() == incident.id,
            )
        )
    )


def _actions(session: Session, incident: Incident) -> list[IncidentAction]:
    return list(
        session.scalars(
            select(IncidentEvent.action)
            .where(IncidentEvent.incident_id == incident.id)
            .order_by(IncidentEvent.id)
        )
    )


@pytest.mark.parametrize("who", ["student", "teacher", "mentor", "school", "enterprise", "hr"])
def test_the_student_and_the_supervisors_report(session, site, who):  # type: ignore[no-untyped-def]
    incident = _report(session, site, who)
    assert incident.status == IncidentStatus.OPEN
    assert incident.claim_status == InsuranceClaimStatus.NONE
    # Typed 14:30 in Suzhou, stored as 06:30 UTC.
    assert incident.occurred_at.replace(tzinfo=None) == datetime(2026, 11, 20, 6, 30)
    assert _actions(session, incident) == [IncidentAction.REPORTED]
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "incident.reported"))
    assert "划伤" not in audit.one().payload  # the narrative stays out of the audit chain


@pytest.mark.parametrize("who", ["bureau", "reviewer", "other_school", "other_teacher"])
def test_others_may_not_report(session, site, who):  # type: ignore[no-untyped-def]
    with pytest.raises((PermissionDenied, NotFound)):
        reports.report_incident(session, site.users[who], site.placement.id, report_input(), NOW)
    session.rollback()
    assert session.scalar(select(func.count(Incident.id))) == 0


def test_a_report_notifies_the_school_admin_the_bureau_officer_and_the_teacher(
    session, site, world, factories
):  # type: ignore[no-untyped-def]
    incident = _report(session, site)
    users = site.users
    expected = {users["school"].id, users["bureau"].id, users["teacher"].id}
    # Not the placement officer, the reviewer, the host, the other region's bureau or the reporter.
    assert _recipients(session, incident) == expected
    critical = _report(session, site, "teacher", severity="critical")
    assert _recipients(session, critical) == {
        users["school"].id,
        users["bureau"].id,
        users["enterprise"].id,
    }


def test_bad_reports_are_refused_with_every_reason(session, site):  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        reports.report_incident(
            session,
            site.users["student"],
            site.placement.id,
            report_input(
                kind="fire", severity="huge", location="  ", occurred_at=datetime(2026, 12, 2)
            ),
            NOW,
        )
    assert len(refused.value.details) == 4
    before_start = report_input(occurred_at=datetime(2026, 6, 30, 23, 0))
    with pytest.raises(InvalidInput):
        reports.report_incident(
            session, site.users["student"], site.placement.id, before_start, NOW
        )


def test_only_a_placement_under_way_or_ended_takes_reports(session, site):  # type: ignore[no-untyped-def]
    site.placement.status = PlacementStatus.ACCEPTED
    session.commit()
    with pytest.raises(Conflict):
        reports.report_incident(
            session, site.users["student"], site.placement.id, report_input(), NOW
        )


def test_a_serious_incident_closes_only_after_the_guardian_was_informed(session, site):  # type: ignore[no-untyped-def]
    incident = _report(session, site, severity="serious")
    with pytest.raises(Conflict) as refused:
        steps.close_incident(session, site.users["teacher"], incident.id, "已康复返岗", LATER)
    assert "已告知监护人（严重、重大事故必须）" in refused.value.details
    session.rollback()
    steps.record_guardian_informed(
        session, site.users["teacher"], incident.id, datetime(2026, 11, 20, 15, 0), "王老师", LATER
    )
    session.commit()
    with pytest.raises(Conflict):  # once
        steps.record_guardian_informed(
            session, site.users["teacher"], incident.id, datetime(2026, 11, 20, 16, 0), "王", LATER
        )
    session.rollback()
    steps.close_incident(session, site.users["teacher"], incident.id, "已康复返岗", LATER)
    session.commit()
    assert (
        incident.status == IncidentStatus.CLOSED
        and incident.closed_by_id == site.users["teacher"].id
    )
    assert _actions(session, incident) == [
        IncidentAction.REPORTED,
        IncidentAction.GUARDIAN_INFORMED,
        IncidentAction.CLOSED,
    ]
    with pytest.raises(Conflict):  # closed: no more steps
        steps.file_claim(
            session, site.users["school"], incident.id, "BA-1", date(2026, 11, 21), LATER
        )


def test_a_minor_incident_closes_without_the_guardian(session, site):  # type: ignore[no-untyped-def]
    incident = _report(session, site)
    steps.close_incident(session, site.users["school_officer"], incident.id, "已处理", LATER)
    session.commit()
    assert incident.status == IncidentStatus.CLOSED


def test_the_guardian_time_lies_between_the_incident_and_now(session, site):  # type: ignore[no-untyped-def]
    incident = _report(session, site)
    for moment in (datetime(2026, 11, 20, 14, 0), datetime(2026, 12, 1, 11, 30)):
        with pytest.raises(InvalidInput):
            steps.record_guardian_informed(
                session, site.users["teacher"], incident.id, moment, "王老师", LATER
            )


def test_the_claim_goes_filed_accepted_paid_and_the_case_then_closes(session, site):  # type: ignore[no-untyped-def]
    incident = _report(session, site, "mentor")
    mentor, school = site.users["mentor"], site.users["school"]
    with pytest.raises(Conflict):  # nothing filed yet
        steps.accept_claim(session, mentor, incident.id, LATER)
    steps.file_claim(session, mentor, incident.id, "BA2026-7781", date(2026, 11, 21), LATER)
    session.commit()
    with pytest.raises(Conflict):  # an open claim keeps the case open
        steps.close_incident(session, school, incident.id, "已处理", LATER)
    session.rollback()
    with pytest.raises(Conflict):  # paid only once accepted
        steps.pay_claim(session, mentor, incident.id, 800, LATER)
    steps.accept_claim(session, mentor, incident.id, LATER)
    with pytest.raises(InvalidInput):
        steps.pay_claim(session, mentor, incident.id, 0, LATER)
    steps.pay_claim(session, mentor, incident.id, 800, LATER)
    steps.close_incident(session, school, incident.id, "医药费已由保险赔付", LATER)
    session.commit()
    assert (incident.claim_status, incident.claim_paid_yuan) == (InsuranceClaimStatus.PAID, 800)
    assert _actions(session, incident)[1:] == [
        IncidentAction.CLAIM_FILED,
        IncidentAction.CLAIM_ACCEPTED,
        IncidentAction.CLAIM_PAID,
        IncidentAction.CLOSED,
    ]
    assert {e.action for e in session.scalars(select(AuditEvent))} >= {
        "incident.claim_filed",
        "incident.claim_paid",
        "incident.closed",
    }


def test_a_rejected_claim_keeps_its_reason_and_lets_the_case_close(session, site):  # type: ignore[no-untyped-def]
    incident = _report(session, site)
    school = site.users["school"]
    steps.file_claim(session, school, incident.id, "BA-9", date(2026, 11, 22), LATER)
    session.commit()
    with pytest.raises(Conflict):  # a claim is filed once
        steps.file_claim(session, school, incident.id, "BA-10", date(2026, 11, 22), LATER)
    session.rollback()
    with pytest.raises(InvalidInput):
        steps.reject_claim(session, school, incident.id, "  ", LATER)
    steps.reject_claim(session, school, incident.id, "不属于保险责任范围", LATER)
    steps.close_incident(session, school, incident.id, "由实习单位承担医药费", LATER)
    session.commit()
    assert incident.claim_rejection_reason == "不属于保险责任范围"


def test_the_host_follows_up_but_only_the_school_closes(session, site):  # type: ignore[no-untyped-def]
    incident = _report(session, site)
    for who in ("enterprise", "mentor", "student", "bureau"):
        with pytest.raises(PermissionDenied):
            steps.close_incident(session, site.users[who], incident.id, "已处理", LATER)
    for who in ("student", "bureau"):
        with pytest.raises(PermissionDenied):
            steps.file_claim(session, site.users[who], incident.id, "X", date(2026, 11, 21), LATER)
    for who in ("other_bureau", "other_school", "other_teacher"):
        with pytest.raises(NotFound):
            records.load_incident(session, site.users[who], incident.id)


def test_the_database_refuses_a_close_that_breaks_the_rules(session, site):  # type: ignore[no-untyped-def]
    incident = _report(session, site, severity="critical")
    incident.status, incident.resolution, incident.closed_at = IncidentStatus.CLOSED, "x", NOW
    with pytest.raises(IntegrityError):  # the guardian was not informed
        session.commit()
    session.rollback()
    incident.claim_status = InsuranceClaimStatus.PAID  # without a number or amount
    with pytest.raises(IntegrityError):
        session.commit()


def test_the_cover_check_reads_the_placements_policy(session, site):  # type: ignore[no-untyped-def]
    agreement = site.agreement
    assert insurance_cover(agreement, date(2026, 11, 20)).status == CoverStatus.COVERED
    assert insurance_cover(agreement, date(2026, 12, 31)).status == CoverStatus.COVERED
    outside = insurance_cover(agreement, date(2027, 1, 1))
    assert outside.status == CoverStatus.OUTSIDE_PERIOD and outside.warning
    assert outside.policy_no == "PICC-2026-001"
    assert insurance_cover(None, date(2026, 11, 20)).status == CoverStatus.NOT_RECORDED
    agreement.insurance_policy_no = None
    assert insurance_cover(agreement, date(2026, 11, 20)).warning
    agreement.kind = PlacementAgreementKind.APPRENTICE_TRAINING
    assert insurance_cover(agreement, date(2026, 11, 20)).status == CoverStatus.STAFF


def test_an_uninsured_placement_cannot_file_a_claim(session, site):  # type: ignore[no-untyped-def]
    site.agreement.insurer = None
    session.commit()
    incident = _report(session, site)
    page = records.describe_incident(session, site.users["school"], incident.id)
    assert page.found.cover.status == CoverStatus.NOT_RECORDED and page.found.cover.warning
    with pytest.raises(Conflict):
        steps.file_claim(
            session, site.users["school"], incident.id, "BA", date(2026, 11, 21), LATER
        )


def test_lists_are_scoped_and_filtered(session, site, world, factories):  # type: ignore[no-untyped-def]
    minor = _report(session, site)
    serious = _report(session, site, severity="serious")
    steps.close_incident(session, site.users["school"], minor.id, "已处理", LATER)
    session.commit()

    def ids(who: str, **filters: object) -> list[int]:
        page = records.list_incidents(session, site.users[who], records.ListFilter(**filters))
        return [row.incident.id for row in page.items]

    for who in ("student", "teacher", "mentor", "school", "enterprise", "bureau"):
        assert ids(who) == [serious.id, minor.id]  # open first
    for who in ("other_bureau", "other_school", "other_teacher"):
        assert ids(who) == []
    assert ids("school", status=IncidentStatus.OPEN) == [serious.id]
    assert ids("bureau", severity=IncidentSeverity.MINOR) == [minor.id]
    labels = {item.endpoint: item.count for item in todo_items(session, site.users["bureau"])}
    assert labels["incidents.index"] == 1
    assert {i.endpoint: i.count for i in todo_items(session, site.users["teacher"])}[
        "incidents.index"
    ] == 1
    assert "incidents.index" not in {
        i.endpoint for i in todo_items(session, site.users["other_teacher"])
    }


def test_incident_counts_per_severity_in_a_region(session, site, world):  # type: ignore[no-untyped-def]
    minor = _report(session, site)
    _report(session, site, severity="critical")
    steps.close_incident(session, site.users["school"], minor.id, "已处理", LATER)
    session.commit()
    figures = counts.incident_counts(session, world.region.id)
    assert figures[IncidentSeverity.MINOR] == {IncidentStatus.OPEN: 0, IncidentStatus.CLOSED: 1}
    assert figures[IncidentSeverity.CRITICAL][IncidentStatus.OPEN] == 1
    assert figures[IncidentSeverity.SERIOUS] == {IncidentStatus.OPEN: 0, IncidentStatus.CLOSED: 0}
    empty = counts.incident_counts(session, world.other_region.id)
    assert sum(n for by_status in empty.values() for n in by_status.values()) == 0


def test_a_harassment_report_is_kept_from_the_host_staff(session, site):  # type: ignore[no-untyped-def]
    incident = _report(session, site, kind="harassment", severity="serious")
    for who, sees in [
        ("student", True),
        ("teacher", True),
        ("school", True),
        ("bureau", True),
        ("enterprise", False),
        ("hr", False),
        ("mentor", False),
    ]:
        assert records.describe_incident(session, site.users[who], incident.id).narrative is sees
    reported_by_mentor = _report(session, site, "mentor", kind="harassment")
    assert records.describe_incident(session, site.users["mentor"], reported_by_mentor.id).narrative
