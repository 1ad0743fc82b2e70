"""Seeding for the supervision and host-quality tests: placements and the rows the figures count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from skillbridge.models import (
    AttendanceDay,
    Enterprise,
    Evaluation,
    EvaluationStage,
    Evaluator,
    HostRating,
    HoursException,
    Incident,
    IncidentKind,
    IncidentSeverity,
    IncidentStatus,
    Journal,
    JournalStatus,
    Placement,
    PlacementStatus,
    School,
    User,
)
from skillbridge.platform.demo.factories import Factories

# ISO weeks 10 to 22 of 2026; on TODAY the weeks 10–21 are past their deadline (12 weeks due).
START, END = date(2026, 3, 2), date(2026, 5, 31)
TODAY = date(2026, 6, 1)
WEEKS_DUE = 12


@dataclass
class Seeder:
    session: Session
    factories: Factories
    reporter: User

    def placement(
        self,
        school: School,
        enterprise: Enterprise,
        status: PlacementStatus = PlacementStatus.ACTIVE,
    ) -> Placement:
        student = self.factories.student(school)
        placement = self.factories.placement(
            student,
            self.factories.slot(enterprise),
            status=status,
            start_date=START,
            end_date=END,
            months=3,
        )
        self.session.flush()
        return placement

    def rating(self, placement: Placement, enterprise: Enterprise, score: int) -> None:
        self.session.add(
            HostRating(
                placement_id=placement.id,
                enterprise_id=enterprise.id,
                safety=score,
                learning=score,
                pay_on_time=score,
                treatment=score,
            )
        )

    def incident(
        self,
        placement: Placement,
        severity: IncidentSeverity,
        status: IncidentStatus = IncidentStatus.OPEN,
    ) -> None:
        at = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)
        closed = status == IncidentStatus.CLOSED
        self.session.add(
            Incident(
                placement_id=placement.id,
                reported_by_id=self.reporter.id,
                kind=IncidentKind.INJURY,
                severity=severity,
                status=status,
                occurred_at=at,
                location="车间",
                description="手指划伤",
                immediate_measures="包扎",
                guardian_informed_at=at,
                guardian_informed_by="班主任",
                resolution="已处理" if closed else None,
                closed_at=at if closed else None,
            )
        )

    def day(self, placement: Placement, day: date, *, rest_day: bool = False) -> None:
        """An 8-hour day; on a rest day it breaks N7."""
        self.session.add(
            AttendanceDay(
                placement_id=placement.id,
                day=day,
                check_in_at=datetime.combine(day, time(9)),
                check_out_at=datetime.combine(day, time(17)),
                minutes=480,
                rest_day=rest_day,
            )
        )

    def filed(self, placement: Placement, day: date) -> None:
        self.session.add(
            HoursException(
                placement_id=placement.id,
                start_day=day,
                end_day=day,
                reason="设备检修",
                reference_no="备-2026-1",
            )
        )

    def journal(
        self, placement: Placement, week: int, status: JournalStatus, submitted: date | None
    ) -> None:
        at = None if submitted is None else datetime.combine(submitted, time(12), tzinfo=UTC)
        self.session.add(
            Journal(
                placement_id=placement.id,
                iso_year=2026,
                iso_week=week,
                status=status,
                first_submitted_at=at,
                submitted_at=at,
            )
        )

    def evaluation(
        self, placement: Placement, stage: EvaluationStage, evaluator: Evaluator
    ) -> None:
        self.session.add(
            Evaluation(
                placement_id=placement.id,
                stage=stage,
                evaluator=evaluator,
                author_user_id=self.reporter.id,
                rubric_code="default",
                scores={},
                weighted_centi=400,
            )
        )
