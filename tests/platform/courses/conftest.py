"""Scenes for courses: a Wujiang region (technician classes, the school's matching fund) and a
Zhanjiang region (subsidised training, paid per completed trainee, with its 13,000 target)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from skillbridge.models import (
    Budget,
    CourseTrainee,
    Enterprise,
    Occupation,
    Person,
    Region,
    Role,
    School,
    ShortageListing,
    StaffRole,
    SubsidyPolicy,
    TrainingCourse,
    User,
)
from skillbridge.platform.demo.factories import Factories, next_number, valid_national_id
from skillbridge.platform.keys import id_keys
from skillbridge.platform.services.courses import records
from skillbridge.platform.services.identity import IdentityKeys
from skillbridge.platform.services.people.persons import new_person
from skillbridge.platform.services.subsidies.budgets import install_region_policies

STARTS_ON, ENDS_ON = date(2024, 5, 6), date(2024, 5, 31)
AFTER = date(2024, 6, 3)
BIRTH = date(1995, 4, 1)
MATCHING_FUND = "wujiang.technician_class_matching_fund"
TRAINING_SUBSIDY = "zhanjiang.subsidised_vocational_training"


@dataclass
class Scene:
    """Organisers and onlookers of one region, and another region's organiser and bureau."""

    region: Region
    enterprise: Enterprise
    school: School
    occupation: Occupation
    users: dict[str, User]
    factories: Factories
    keys: IdentityKeys

    def person(self) -> tuple[Person, str]:
        """A person the platform knows (keyed as the app keys IDs), and their national ID."""
        n = next_number()
        national_id = valid_national_id(n, BIRTH)
        person = new_person(self.keys, national_id, f"学员{n}", BIRTH)
        self.factories.session.add(person)
        self.factories.session.flush()
        return person, national_id

    def policy(self, session: Session, code: str) -> SubsidyPolicy:
        return session.query(SubsidyPolicy).filter_by(region_id=self.region.id, code=code).one()


def _scene(app: Flask, session: Session, factories: Factories, pack: str) -> Scene:
    region, other_region = factories.region(pack=pack), factories.region(pack=pack)
    enterprise, school = factories.enterprise(region), factories.school(region)
    other_school = factories.school(other_region)
    occupation = factories.occupation()
    users = {
        "enterprise": factories.user(Role.ENTERPRISE, StaffRole.ADMIN, enterprise_id=enterprise.id),
        "mentor": factories.user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=enterprise.id),
        "school": factories.user(Role.SCHOOL, StaffRole.ADMIN, school_id=school.id),
        "teacher": factories.user(Role.SCHOOL, StaffRole.TEACHER, school_id=school.id),
        "officer": factories.user(Role.BUREAU, StaffRole.OFFICER, region_id=region.id),
        "reviewer": factories.user(Role.BUREAU, StaffRole.REVIEWER, region_id=region.id),
        "other_school": factories.user(Role.SCHOOL, StaffRole.ADMIN, school_id=other_school.id),
        "other_bureau": factories.user(Role.BUREAU, StaffRole.OFFICER, region_id=other_region.id),
    }
    install_region_policies(session, region)
    for budget in session.query(Budget).filter_by(region_id=region.id):
        budget.allocated_yuan = budget.remaining_yuan = 10_000_000
    # The technician class is of a shortage occupation of the year (002 二(二)2 紧缺职业（工种）).
    session.add(ShortageListing(region_id=region.id, occupation_id=occupation.id, year=2024))
    session.commit()
    return Scene(region, enterprise, school, occupation, users, factories, id_keys(app))


@pytest.fixture
def wujiang(app: Flask, session: Session, factories: Factories) -> Scene:
    return _scene(app, session, factories, "wujiang")


@pytest.fixture
def zhanjiang(app: Flask, session: Session, factories: Factories) -> Scene:
    return _scene(app, session, factories, "zhanjiang")


def course_input(scene: Scene, **changes: object) -> records.CourseInput:
    values: dict[str, object] = {
        "title": "数控车工技师班",
        "kind": "technician_class",
        "occupation_id": scene.occupation.id,
        "level": "technician",
        "starts_on": STARTS_ON,
        "ends_on": ENDS_ON,
        "planned_places": 30,
    }
    values.update(changes)
    return records.CourseInput(**values)  # type: ignore[arg-type]


def course_with(
    session: Session,
    scene: Scene,
    trainees: int,
    completed: int = 0,
    organiser: str = "school",
    **changes: object,
) -> TrainingCourse:
    """An open course of the organiser with `trainees` known persons, the first `completed` 结业."""
    actor = scene.users[organiser]
    course = records.create_course(session, actor, course_input(scene, **changes))
    for n in range(trainees):
        person = scene.factories.person(birth=BIRTH)
        session.add(
            CourseTrainee(
                course_id=course.id,
                person_id=person.id,
                completed=n < completed,
                added_by_id=actor.id,
            )
        )
    session.flush()
    return course
