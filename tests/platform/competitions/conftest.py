"""A Wujiang scene for competitions: an enterprise, a school and the bureau of one region, a
second region beside it, known persons to enter, and the region's competition subsidy."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Budget,
    Competition,
    CompetitionParticipant,
    Enterprise,
    Occupation,
    Person,
    Region,
    Role,
    School,
    StaffRole,
    SubsidyPolicy,
    User,
)
from skillbridge.platform.demo.factories import Factories, next_number, valid_national_id
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.competitions import records
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.people.persons import new_person
from skillbridge.platform.services.subsidies.budgets import install_region_policies

STARTS_ON, ENDS_ON = date(2026, 5, 10), date(2026, 5, 12)
AFTER = date(2026, 6, 1)  # a day after the competition, in its year
SUBSIDY = "wujiang.competition_subsidy"
BIRTH = date(1999, 4, 1)


@dataclass
class Scene:
    """Organisers and onlookers in one Wujiang region, and another region's organisers."""

    region: Region
    other_region: Region
    enterprise: Enterprise
    school: School
    other_enterprise: Enterprise
    occupation: Occupation
    users: dict[str, User]
    policy: SubsidyPolicy
    factories: Factories
    keys: IdentityKeys

    def person(self) -> tuple[Person, str]:
        """A person the platform knows (keyed as the app keys IDs), and their national ID."""
        n = next_number()
        national_id = valid_national_id(n, BIRTH)
        person = new_person(self.keys, national_id, f"选手{n}", BIRTH)
        self.factories.session.add(person)
        self.factories.session.flush()
        return person, national_id


@pytest.fixture
def scene(app: Flask, session: Session, factories: Factories) -> Scene:
    region, other_region = factories.region(pack="wujiang"), factories.region(pack="wujiang")
    enterprise, school = factories.enterprise(region), factories.school(region)
    other_enterprise = factories.enterprise(other_region)
    occupation = factories.occupation()

    def user(role: Role, staff: StaffRole, **tenant: int) -> User:
        return factories.user(role, staff, **tenant)

    users = {
        "enterprise": user(Role.ENTERPRISE, StaffRole.ADMIN, enterprise_id=enterprise.id),
        "hr": user(Role.ENTERPRISE, StaffRole.HR, enterprise_id=enterprise.id),
        "mentor": user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=enterprise.id),
        "school": user(Role.SCHOOL, StaffRole.ADMIN, school_id=school.id),
        "teacher": user(Role.SCHOOL, StaffRole.TEACHER, school_id=school.id),
        "officer": user(Role.BUREAU, StaffRole.OFFICER, region_id=region.id),
        "reviewer": user(Role.BUREAU, StaffRole.REVIEWER, region_id=region.id),
        "other_enterprise": user(
            Role.ENTERPRISE, StaffRole.ADMIN, enterprise_id=other_enterprise.id
        ),
        "other_bureau": user(Role.BUREAU, StaffRole.OFFICER, region_id=other_region.id),
    }
    install_region_policies(session, region)
    policy = session.scalars(
        select(SubsidyPolicy).where(
            SubsidyPolicy.region_id == region.id, SubsidyPolicy.code == SUBSIDY
        )
    ).one()
    budget = session.get_one(Budget, policy.budget_id)
    budget.allocated_yuan = budget.remaining_yuan = 1_000_000
    session.commit()
    return Scene(
        region,
        other_region,
        enterprise,
        school,
        other_enterprise,
        occupation,
        users,
        policy,
        factories,
        id_keys(app),
    )


def competition_input(scene: Scene, **changes: object) -> records.CompetitionInput:
    values: dict[str, object] = {
        "title": "数控车工技能竞赛",
        "occupation_id": scene.occupation.id,
        "level": "enterprise",
        "starts_on": STARTS_ON,
        "ends_on": ENDS_ON,
        "venue": "实训车间",
    }
    values.update(changes)
    return records.CompetitionInput(**values)  # type: ignore[arg-type]


def competition_with(
    session: Session, scene: Scene, participants: int, organiser: str = "enterprise"
) -> Competition:
    """An open competition of the organiser with `participants` known persons entered."""
    actor = scene.users[organiser]
    competition = records.create_competition(session, actor, competition_input(scene))
    for _ in range(participants):
        person = scene.factories.person(birth=BIRTH)
        session.add(
            CompetitionParticipant(
                competition_id=competition.id, person_id=person.id, added_by_id=actor.id
            )
        )
    session.flush()
    return competition


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
