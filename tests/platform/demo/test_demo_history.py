"""The demo's first season, played through the services: what it leaves obeys every invariant."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    SEAT_HOLDING,
    AuditEvent,
    Competition,
    CompetitionParticipant,
    CompetitionStatus,
    ComplianceFinding,
    Enterprise,
    Placement,
    PlacementStatus,
    Region,
    Slot,
    Student,
    User,
)
from skillbridge.platform.db import get_database
from skillbridge.platform.demo.history import SEASON_DATE, seed_demo_history
from skillbridge.platform.demo.region import DEMO_LOGINS, REGION_CODE, seed_demo_region
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services import audit
from skillbridge.platform.services.competitions import records
from skillbridge.platform.services.oversight.compliance import run_compliance
from skillbridge.platform.services.subsidies import claims as subsidy_claims


@pytest.fixture
def season(app, session: Session) -> dict:  # type: ignore[no-untyped-def]
    """The season's counts, and the months each student had used before it (seeded history)."""
    seed_demo_region(session, 7, keys=id_keys(app), scale=0.2)
    session.commit()
    before = dict(session.execute(select(Student.id, Student.months_used)).all())
    session.rollback()  # end this read, so the next one sees what the season commits
    counts = seed_demo_history(get_database(app), 7)
    return {**counts, "months_before": before}


def test_the_season_answers_every_offer_and_starts_placements(session, season) -> None:  # type: ignore[no-untyped-def]
    statuses = Counter(session.scalars(select(Placement.status)))
    assert statuses[PlacementStatus.OFFERED] == 0  # answered or expired
    assert statuses[PlacementStatus.ACCEPTED] == season["accepted"] - season["started"]
    # One started placement has ended, evaluated (demo/evaluations.py).
    assert statuses[PlacementStatus.ENDED] == season["evaluated placements"] == 1
    assert statuses[PlacementStatus.ACTIVE] == season["started"] - 1 > 0
    assert statuses[PlacementStatus.DECLINED] == season["declined"] > 0
    assert statuses[PlacementStatus.EXPIRED] == season["expired"]
    started = session.scalars(
        select(Placement).where(Placement.status == PlacementStatus.ACTIVE)
    ).all()
    assert all(p.start_date <= SEASON_DATE for p in started)


def test_seats_months_and_the_audit_chain_hold_after_the_season(session, season) -> None:  # type: ignore[no-untyped-def]
    holders = dict(
        session.execute(
            select(Placement.slot_id, func.count())
            .where(Placement.status.in_(SEAT_HOLDING))
            .group_by(Placement.slot_id)
        ).all()
    )
    for slot in session.scalars(select(Slot)):
        assert slot.seats_taken == holders.get(slot.id, 0) <= slot.seats
    counted = dict(
        session.execute(
            select(Placement.student_id, func.sum(Placement.months))
            .where(Placement.status.in_(SEAT_HOLDING), Placement.counts_toward_cap)
            .group_by(Placement.student_id)
        ).all()
    )
    before = season["months_before"]
    for student in session.scalars(select(Student)):
        booked = student.months_used - before[student.id]
        assert booked == counted.get(student.id, 0) and student.months_used <= student.month_cap
    assert audit.verify_chain(session).ok
    assert session.scalar(select(func.count()).select_from(AuditEvent)) > season["accepted"]


def test_placed_students_have_accounts_and_no_rule_is_broken_by_a_match(session, season) -> None:  # type: ignore[no-untyped-def]
    placed = set(session.scalars(select(Placement.student_id).where(Placement.run_id.is_not(None))))
    with_account = set(session.scalars(select(User.student_id).where(User.student_id.is_not(None))))
    assert placed <= with_account
    spent = session.scalars(select(Student.invitation_code).where(Student.id.in_(placed)))
    assert set(spent) == {None}
    region_id = session.scalar(select(Region.id).where(Region.code == REGION_CODE))
    run_compliance(session, region_id, SEASON_DATE)
    session.commit()
    rules = {f.rule_id for f in session.scalars(select(ComplianceFinding))}
    # What matching and the start checks enforce never shows up as a finding.
    assert not rules & {"R1", "R2", "R4", "R5", "R6", "R7", "N1", "N5", "N6"}, rules


def test_the_demo_teacher_and_mentor_follow_placements_of_their_own(session, season) -> None:  # type: ignore[no-untyped-def]
    from skillbridge.platform.demo.region import DEMO_LOGINS
    from skillbridge.platform.services.placements.assignment import followed_placements

    teacher, mentor, school = (
        session.scalars(select(User).where(User.email == DEMO_LOGINS[n])).one()
        for n in ("teacher", "mentor", "school")
    )
    assert season["assigned to the demo teacher"] > 0
    assert season["assigned to the demo mentor"] > 0
    mine = followed_placements(session, teacher).items
    # The finished, evaluated placement may be one more the teacher follows.
    newly = season["evaluated, newly followed by the teacher"]
    assert len(mine) == season["assigned to the demo teacher"] + newly
    assert {c.student.school_id for c in mine} == {teacher.school_id}
    assert {c.slot.enterprise_id for c in followed_placements(session, mentor).items} == {
        mentor.enterprise_id
    }
    # The school's admin sees more than its teacher (the teacher's list is its own, not all).
    assert followed_placements(session, school).total >= len(mine)


def test_the_demo_teacher_follows_a_closed_minor_and_an_open_serious_incident(
    session, season
) -> None:  # type: ignore[no-untyped-def]
    from skillbridge.models import Incident, IncidentSeverity, IncidentStatus, InsuranceClaimStatus

    assert season["incidents"] == 2
    incidents = {i.severity: i for i in session.scalars(select(Incident))}
    minor, serious = incidents[IncidentSeverity.MINOR], incidents[IncidentSeverity.SERIOUS]
    assert minor.status == IncidentStatus.CLOSED and minor.resolution
    assert serious.status == IncidentStatus.OPEN
    assert serious.claim_status == InsuranceClaimStatus.FILED and serious.guardian_informed_at


def test_the_demo_student_has_a_finished_placement_evaluated_and_certified(session, season) -> None:  # type: ignore[no-untyped-def]
    from skillbridge.models import DocumentVersion, EmploymentOutcome, Evaluation, InternshipReport
    from skillbridge.platform.services.evaluations.certificate import SUBJECT

    assert season["evaluated placements"] == 1
    assert session.scalar(select(func.count(Evaluation.id))) == 6  # 2 stages × mentor/teacher/self
    assert session.scalar(select(InternshipReport.grade)) is not None
    assert session.scalar(select(func.count(EmploymentOutcome.id))) == 1
    assert session.scalar(select(DocumentVersion.id).where(DocumentVersion.subject_type == SUBJECT))


def test_the_demo_student_has_weeks_of_attendance_a_correction_and_a_leave_request(  # type: ignore[no-untyped-def]
    session, season
) -> None:
    from skillbridge.models import AttendanceDay, DayStatus, LeaveRequest

    assert season["attendance days"] >= 10 and season["leave requests"] == 1
    statuses = set(session.scalars(select(AttendanceDay.status)))
    assert {DayStatus.CORRECTED, DayStatus.CONFIRMED, DayStatus.RECORDED} <= statuses
    assert session.scalar(select(LeaveRequest.id)) is not None


def test_the_demo_enterprise_held_a_closed_competition_its_subsidy_can_pay(session, season) -> None:  # type: ignore[no-untyped-def]
    """The competition page has something to show: 60 participants (above 002 三(三)'s 50),
    six winners, closed, and the subsidy's facts pass on a day of the competition's year."""
    assert season["competitions"] == 1 and season["competition participants"] == 60
    competition = session.scalars(select(Competition)).one()
    assert competition.status == CompetitionStatus.CLOSED
    assert records.participant_count(session, competition.id) == 60
    placed = session.scalar(
        select(func.count(CompetitionParticipant.id)).where(
            CompetitionParticipant.competition_id == competition.id,
            CompetitionParticipant.prize.is_not(None),
        )
    )
    assert placed == 6
    enterprise = session.scalars(select(User).where(User.email == DEMO_LOGINS["enterprise"])).one()
    policy = subsidy_claims.competition_policies(session, enterprise)[0]
    draft = subsidy_claims.ClaimDraft(
        policy,
        date(competition.ends_on.year, 12, 1),
        enterprise=session.get_one(Enterprise, enterprise.enterprise_id),
        competition=competition,
    )
    assert subsidy_claims.assess(session, draft).evaluation.eligible


def test_the_demo_has_bases_and_studios_one_recognised_with_its_award(session, season) -> None:  # type: ignore[no-untyped-def]
    """The base pages have something to show: the demo enterprise's 技能大师工作室 reviewed and
    recognised (its 10万元 award raised, 002 二(三)1), two more waiting for the yearly review."""
    from skillbridge.models import BaseStatus, SubsidyClaim, TrainingBase

    assert season["training bases and studios"] == 3 and season["studio awards raised"] == 1
    statuses = sorted(b.status for b in session.scalars(select(TrainingBase)))
    assert statuses == [BaseStatus.APPLIED, BaseStatus.APPLIED, BaseStatus.RECOGNISED]
    claim = session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.training_base_id.is_not(None))
    ).one()
    assert claim.amount_yuan == 100_000
