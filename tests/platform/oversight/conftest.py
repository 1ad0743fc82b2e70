"""Factories for compliance tests: slots, placements with their agreements, cooperation, checks."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session
from support import World

from skillbridge.models import (
    AgreementStatus,
    Cohort,
    CooperationAgreement,
    DocumentKind,
    Enterprise,
    FilingStatus,
    Occupation,
    Party,
    Placement,
    PlacementAgreement,
    PlacementAgreementKind,
    PlacementStatus,
    Region,
    School,
    Signature,
    Slot,
    SlotKind,
    SlotStatus,
    Specialty,
    Student,
    User,
    utcnow,
)
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.policy import PlacementRules, load_pack
from skillbridge.platform.services.oversight.checks import CheckContext, Violation, rule_by_id
from skillbridge.platform.services.renditions.versions import issue_version

TODAY = date(2026, 3, 1)
START = date(2025, 9, 1)
END = date(2026, 2, 28)
_numbers = itertools.count(1)


@dataclass
class Kit:
    """The shared factories with this folder's defaults, bound to the test's session and world."""

    session: Session
    world: object
    factories: Factories

    @property
    def signer(self) -> User:
        return self.world.users["school"]

    def occupation(self, requires_certificate: bool = False) -> Occupation:
        return self.factories.occupation("工种", requires_certificate=requires_certificate)

    def slot(
        self,
        enterprise: Enterprise | None = None,
        kind: SlotKind = SlotKind.POST_INTERNSHIP,
        stipend: int = 3000,
        wage: int | None = 3500,
        post_headcount: int | None = 50,
        occupation: Occupation | None = None,
        status: SlotStatus = SlotStatus.OPEN,
    ) -> Slot:
        return self.factories.slot(
            enterprise or self.world.enterprise,
            occupation or self.occupation(),
            kind=kind,
            start_date=START,
            seats=50,
            stipend_yuan=stipend,
            post_wage_yuan=wage,
            post_headcount=post_headcount,
            status=status,
        )

    def placement(
        self,
        student: Student,
        slot: Slot,
        status: PlacementStatus = PlacementStatus.ACTIVE,
        start: date = START,
        end: date = END,
        months: int = 6,
    ) -> Placement:
        return self.factories.placement(
            student,
            slot,
            status=status,
            start_date=start,
            end_date=end,
            months=months,
            counts_toward_cap=slot.kind == SlotKind.POST_INTERNSHIP,
        )

    def agreement(
        self,
        placement: Placement,
        kind: PlacementAgreementKind = PlacementAgreementKind.TRIPARTITE_INTERNSHIP,
        parties: tuple[Party, ...] = (Party.SCHOOL, Party.ENTERPRISE, Party.STUDENT),
        insured: tuple[date, date] | None = (START, END),
        plan: FilingStatus = FilingStatus.APPROVED,
        guardian_consent: bool = False,
    ) -> PlacementAgreement:
        agreement = PlacementAgreement(
            placement_id=placement.id,
            kind=kind,
            plan_status=plan,
            guardian_consent=guardian_consent,
        )
        if insured is not None:
            agreement.insurer = "中国人民财产保险"
            agreement.insurance_policy_no = f"PICC{next(_numbers)}"
            agreement.insurance_start, agreement.insurance_end = insured
        self.session.add(agreement)
        self.session.flush()
        version = issue_version(
            self.session,
            DocumentKind.PLACEMENT_AGREEMENT,
            "placement_agreement",
            agreement.id,
            {"title": "三方实习协议", "placement_id": placement.id},
            utcnow(),
        )
        for party in parties:
            self.session.add(
                Signature(
                    version_id=version.id,
                    document_kind=version.kind,
                    document_id=agreement.id,
                    version=version.version,
                    content_sha256=version.content_sha256,
                    party=party,
                    signer_id=self.signer.id,
                )
            )
        self.session.flush()
        return agreement

    def cooperation(
        self,
        enterprise: Enterprise | None = None,
        student: Student | None = None,
        status: AgreementStatus = AgreementStatus.APPROVED,
        valid_from: date = date(2025, 1, 1),
        valid_to: date = date(2027, 12, 31),
    ) -> CooperationAgreement:
        """An agreement of the student's school with `enterprise` over the student's specialty."""
        student = student or self.world.student
        cohort = self.session.get(Cohort, student.cohort_id)
        return self.factories.cooperation(
            self.session.get(School, student.school_id),
            enterprise or self.world.enterprise,
            [self.session.get(Specialty, cohort.specialty_id)],
            valid_from=valid_from,
            valid_to=valid_to,
            status=status,
        )

    def compliant_post(self, student: Student | None = None, **slot_args: object) -> Placement:
        """An active post internship that meets every placement rule."""
        student = student or self.world.student
        placement = self.placement(student, self.slot(**slot_args))
        self.agreement(placement)
        self.cooperation(student=student)
        return placement


@pytest.fixture
def kit(session: Session, world: World, factories: Factories) -> Kit:
    return Kit(session, world, factories)


def figures(region: Region) -> PlacementRules:
    return load_pack(region.policy_pack).placement_rules


@pytest.fixture
def check(session: Session, world):  # type: ignore[no-untyped-def]
    """Run one rule's check over a region (the world's by default) as of TODAY."""

    def run(rule_id: str, region: Region | None = None, today: date = TODAY) -> list[Violation]:
        region = region or world.region
        session.flush()
        context = CheckContext(session, region, figures(region), today)
        return list(rule_by_id(rule_id).check(context))

    return run
