"""Bases and studios in two regions: Wujiang (studio awards) and Zhongkai (figure thresholds),
their hosts and bureaus, known persons to lead them, and the Wujiang award budget funded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    Budget,
    Enterprise,
    Person,
    Region,
    Role,
    School,
    StaffRole,
    SubsidyPolicy,
    TrainingBase,
    User,
)
from skillbridge.platform.demo.factories import Factories, next_number, valid_national_id
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.bases import records
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.people.persons import new_person
from skillbridge.platform.services.subsidies.budgets import install_region_policies

MASTER_AWARD = "wujiang.skill_master_studio_award"
TEACHER_AWARD = "wujiang.famous_teacher_studio_award"
# From 2000: the ID check knows the area code (440303) from then on.
BIRTH = date(2000, 4, 1)


@dataclass
class Scene:
    """Hosts, bureaus and onlookers of a Wujiang and a Zhongkai region."""

    wujiang: Region
    zhongkai: Region
    enterprise: Enterprise
    school: School
    zhongkai_enterprise: Enterprise
    users: dict[str, User]
    factories: Factories
    keys: IdentityKeys

    def person(self) -> tuple[Person, str]:
        """A person the platform knows (keyed as the app keys IDs), and their national ID."""
        n = next_number()
        national_id = valid_national_id(n, BIRTH)
        person = new_person(self.keys, national_id, f"大师{n}", BIRTH)
        self.factories.session.add(person)
        self.factories.session.flush()
        return person, national_id

    def policy(self, code: str) -> SubsidyPolicy:
        return self.factories.session.scalars(
            select(SubsidyPolicy).where(
                SubsidyPolicy.region_id == self.wujiang.id, SubsidyPolicy.code == code
            )
        ).one()

    def base_input(self, kind: str = "skill_master_studio", **changes: object) -> records.BaseInput:
        person, national_id = self.person()
        values: dict[str, object] = {
            "kind": kind,
            "name": "数控技能大师工作室",
            "leader_name": person.name,
            "leader_national_id": national_id,
            "occupation_count": 4,
            "site_m2": 500,
            "capacity": 200,
            "yearly_intake": 2000,
        }
        values.update(changes)
        return records.BaseInput(**values)  # type: ignore[arg-type]

    def base(
        self, host: str = "enterprise", kind: str = "skill_master_studio", **changes: object
    ) -> TrainingBase:
        return records.create_base(
            self.factories.session, self.users[host], self.keys, self.base_input(kind, **changes)
        )


@pytest.fixture
def scene(app: Flask, session: Session, factories: Factories) -> Scene:
    wujiang, zhongkai = factories.region(pack="wujiang"), factories.region(pack="zhongkai")
    enterprise, school = factories.enterprise(wujiang), factories.school(wujiang)
    zhongkai_enterprise = factories.enterprise(zhongkai)
    user = factories.user
    users = {
        "enterprise": user(Role.ENTERPRISE, StaffRole.ADMIN, enterprise_id=enterprise.id),
        "hr": user(Role.ENTERPRISE, StaffRole.HR, enterprise_id=enterprise.id),
        "mentor": user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=enterprise.id),
        "school": user(Role.SCHOOL, StaffRole.ADMIN, school_id=school.id),
        "teacher": user(Role.SCHOOL, StaffRole.TEACHER, school_id=school.id),
        "officer": user(Role.BUREAU, StaffRole.OFFICER, region_id=wujiang.id),
        "reviewer": user(Role.BUREAU, StaffRole.REVIEWER, region_id=wujiang.id),
        "finance": user(Role.BUREAU, StaffRole.FINANCE, region_id=wujiang.id),
        "zhongkai_enterprise": user(
            Role.ENTERPRISE, StaffRole.ADMIN, enterprise_id=zhongkai_enterprise.id
        ),
        "zhongkai_bureau": user(Role.BUREAU, StaffRole.OFFICER, region_id=zhongkai.id),
    }
    install_region_policies(session, wujiang)
    install_region_policies(session, zhongkai)
    for code in (MASTER_AWARD, TEACHER_AWARD):
        policy = session.scalars(
            select(SubsidyPolicy).where(
                SubsidyPolicy.region_id == wujiang.id, SubsidyPolicy.code == code
            )
        ).one()
        budget = session.get_one(Budget, policy.budget_id)
        budget.allocated_yuan = budget.remaining_yuan = 1_000_000
    session.commit()
    return Scene(
        wujiang, zhongkai, enterprise, school, zhongkai_enterprise, users, factories, id_keys(app)
    )
