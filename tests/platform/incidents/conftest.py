"""Incident fixtures: an active, insured post internship with its teacher, mentor and managers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from skillbridge.models import (
    Placement,
    PlacementAgreement,
    PlacementAgreementKind,
    PlacementStatus,
    Role,
    StaffRole,
    User,
)
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services.incidents.reports import ReportInput

START, END = date(2026, 7, 1), date(2026, 12, 31)
# "Now" for the services: 1 December 2026, 10:00 in Suzhou.
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@dataclass
class Site:
    """The world's student on an active placement at the world's enterprise, and its people."""

    placement: Placement
    agreement: PlacementAgreement
    users: dict[str, User]


@pytest.fixture
def site(world, session: Session, factories: Factories) -> Site:  # type: ignore[no-untyped-def]
    teacher = factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=world.school.id)
    mentor = factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=world.enterprise.id)
    placement = factories.placement(
        world.student,
        factories.slot(world.enterprise),
        status=PlacementStatus.ACTIVE,
        start_date=START,
        end_date=END,
        months=6,
    )
    placement.teacher_user_id, placement.mentor_user_id = teacher.id, mentor.id
    agreement = PlacementAgreement(
        placement_id=placement.id,
        kind=PlacementAgreementKind.TRIPARTITE_INTERNSHIP,
        insurer="中国人寿财产保险",
        insurance_policy_no="PICC-2026-001",
        insurance_start=START,
        insurance_end=END,
    )
    session.add(agreement)
    users = dict(world.users)
    users |= {
        "teacher": teacher,
        "mentor": mentor,
        "school_officer": factories.user(
            Role.SCHOOL, StaffRole.PLACEMENT_OFFICER, school_id=world.school.id
        ),
        "hr": factories.user(Role.ENTERPRISE, StaffRole.HR, enterprise_id=world.enterprise.id),
        "reviewer": factories.user(Role.BUREAU, StaffRole.REVIEWER, region_id=world.region.id),
        "other_bureau": factories.user(Role.BUREAU, region_id=world.other_region.id),
        "other_school": factories.user(Role.SCHOOL, school_id=world.other_school.id),
        "other_teacher": factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=world.school.id),
    }
    session.commit()
    return Site(placement, agreement, users)


def report_input(**changes: object) -> ReportInput:
    """A valid report: an injury on 20 November 2026 at 14:30 local time."""
    values: dict[str, object] = {
        "kind": "injury",
        "severity": "minor",
        "occurred_at": datetime(2026, 11, 20, 14, 30),
        "location": "二号车间数控车床旁",
        "description": "装夹工件时左手食指被划伤。",
        "immediate_measures": "现场消毒包扎，师傅陪同到厂医务室检查。",
    }
    values.update(changes)
    return ReportInput(**values)  # type: ignore[arg-type]
