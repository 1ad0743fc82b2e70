"""Factories for the dashboard tests: slots, placements with ranks, funds, paid claims, findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from support import next_number

from skillbridge.models import (
    SEAT_HOLDING,
    AgreementStatus,
    Beneficiary,
    Budget,
    ClaimStatus,
    ComplianceFinding,
    CooperationAgreement,
    CooperationKind,
    Enterprise,
    Occupation,
    Party,
    Placement,
    PlacementStatus,
    Region,
    Role,
    School,
    Severity,
    Slot,
    SlotKind,
    SlotStatus,
    Specialty,
    Student,
    StudentPreference,
    SubsidyClaim,
    SubsidyPolicy,
    User,
)
from skillbridge.platform.services.placements import agreements as placement_agreements
from skillbridge.platform.services.placements import offers

TODAY = date.today()
START = date(2026, 7, 1)


@pytest.fixture
def make_occupation(session: Session):  # type: ignore[no-untyped-def]
    def factory(name: str = "车工") -> Occupation:
        n = next_number()
        occupation = Occupation(code=f"6-99-{n:06d}", name=f"{name}{n}")
        session.add(occupation)
        session.flush()
        return occupation

    return factory


@pytest.fixture
def make_slot(session: Session, make_occupation):  # type: ignore[no-untyped-def]
    def factory(
        enterprise: Enterprise,
        kind: SlotKind = SlotKind.POST_INTERNSHIP,
        seats: int = 5,
        occupation: Occupation | None = None,
        status: SlotStatus = SlotStatus.OPEN,
    ) -> Slot:
        slot = Slot(
            enterprise_id=enterprise.id,
            kind=kind,
            title=f"实习岗{next_number()}",
            occupation_id=(occupation or make_occupation()).id,
            start_date=START,
            duration_months=6,
            seats=seats,
            stipend_yuan=3000,
            post_wage_yuan=3500,
            status=status,
        )
        session.add(slot)
        session.flush()
        return slot

    return factory


@pytest.fixture
def add_placement(session: Session):  # type: ignore[no-untyped-def]
    """A placement row as the services leave it, with the student's rank of the slot if given."""

    def factory(
        student: Student,
        slot: Slot,
        status: PlacementStatus = PlacementStatus.ACTIVE,
        months: int = 6,
        rank: int | None = None,
    ) -> Placement:
        counts = slot.kind == SlotKind.POST_INTERNSHIP
        placement = Placement(
            student_id=student.id,
            slot_id=slot.id,
            status=status,
            start_date=START,
            end_date=START + timedelta(days=30 * months),
            months=months,
            counts_toward_cap=counts,
        )
        session.add(placement)
        if rank is not None:
            session.add(StudentPreference(student_id=student.id, slot_id=slot.id, rank=rank))
        if status in SEAT_HOLDING:
            slot.seats_taken += 1
            if counts:
                student.months_used += months
        session.flush()
        return placement

    return factory


@pytest.fixture
def make_budget(session: Session):  # type: ignore[no-untyped-def]
    def factory(region: Region, allocated: int = 100_000) -> tuple[Budget, SubsidyPolicy]:
        n = next_number()
        budget = Budget(
            region_id=region.id,
            code=f"fund-{n}",
            name=f"专项资金{n}",
            allocated_yuan=allocated,
            remaining_yuan=allocated,
        )
        session.add(budget)
        session.flush()
        policy = SubsidyPolicy(
            region_id=region.id,
            code=f"policy-{n}",
            name=f"补贴政策{n}",
            beneficiary=Beneficiary.PERSON,
            budget_id=budget.id,
        )
        session.add(policy)
        session.flush()
        return budget, policy

    return factory


@pytest.fixture
def pay_claim(session: Session):  # type: ignore[no-untyped-def]
    """A paid claim of `amount` for the student, moving the fund's figures as payment does."""

    def factory(
        budget: Budget,
        policy: SubsidyPolicy,
        student: Student,
        amount: int,
        paid_at: datetime,
        decided_by: User,
        placement: Placement | None = None,
    ) -> SubsidyClaim:
        claim = SubsidyClaim(
            policy_id=policy.id,
            student_id=student.id,
            placement_id=placement.id if placement else None,
            on_date=paid_at.date(),
            once_only_key=f"{policy.code}:{student.id}:{next_number()}",
            status=ClaimStatus.PAID,
            amount_yuan=amount,
            evaluation={"eligible": True, "conditions": [{"id": "age", "met": True}]},
            decided_by_id=decided_by.id,
            decided_at=paid_at,
            paid_at=paid_at,
            paid_by_id=decided_by.id,
        )
        session.add(claim)
        budget.paid_yuan += amount
        budget.remaining_yuan -= amount
        session.flush()
        return claim

    return factory


@pytest.fixture
def add_finding(session: Session):  # type: ignore[no-untyped-def]
    def factory(
        region: Region,
        rule: str = "R4",
        severity: Severity = Severity.HIGH,
        subject: tuple[str, int] = ("placement", 1),
        resolved: bool = False,
    ) -> ComplianceFinding:
        finding = ComplianceFinding(
            region_id=region.id,
            rule_id=rule,
            severity=severity,
            subject_key=f"{subject[0]}:{subject[1]}:{next_number()}",
            object_type=subject[0],
            object_id=subject[1],
            summary=f"{rule} 不符合",
            resolved_at=datetime.now(UTC) if resolved else None,
        )
        session.add(finding)
        session.flush()
        return finding

    return factory


@pytest.fixture
def add_partner(session: Session):  # type: ignore[no-untyped-def]
    """An approved cooperation agreement in force between a school and an enterprise."""

    def factory(school: School, enterprise: Enterprise, specialty: Specialty) -> None:
        session.add(
            CooperationAgreement(
                school_id=school.id,
                enterprise_id=enterprise.id,
                kind=CooperationKind.INTERNSHIP_BASE,
                valid_from=TODAY - timedelta(days=30),
                valid_to=TODAY + timedelta(days=365),
                status=AgreementStatus.APPROVED,
                proposed_by=Party.SCHOOL,
                specialties=[specialty],
            )
        )
        session.flush()

    return factory


@dataclass
class Flow:
    """A placement taken through the real services, so its audit trail is the real one."""

    placement: Placement
    school_user: User
    student_user: User


@pytest.fixture
def accepted_flow(session: Session, world, make_slot, make_user) -> Flow:  # type: ignore[no-untyped-def]
    """The world's student accepted a post internship; insurance and plan are on file."""
    slot = make_slot(world.enterprise, seats=2)
    placement = Placement(
        student_id=world.student.id,
        slot_id=slot.id,
        status=PlacementStatus.PROPOSED,
        start_date=START,
        end_date=date(2026, 12, 31),
        months=0,
    )
    session.add(placement)
    session.flush()
    school_user = make_user(Role.SCHOOL, school_id=world.school.id)
    offers.publish_offers(session, school_user, [placement], TODAY + timedelta(days=7), TODAY)
    offers.accept_offer(session, world.users["student"], placement.id, TODAY)
    placement_agreements.record_insurance(
        session,
        school_user,
        placement.id,
        placement_agreements.Insurance("中国人保", "PICC-2026-001", START, date(2027, 1, 31)),
    )
    placement_agreements.file_internship_plan(
        session, school_user, placement.id, "第一阶段：安全培训；第二阶段：数控车床操作。"
    )
    session.commit()
    return Flow(placement, school_user, world.users["student"])
