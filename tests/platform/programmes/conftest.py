"""A Zhanjiang scene for apprenticeship programmes: enterprise, school, mentors, bureau, employee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from skillbridge.models import (
    ApprenticeshipProgramme,
    Budget,
    Cohort,
    Employment,
    EmploymentSource,
    EmploymentStatus,
    Enterprise,
    Occupation,
    Person,
    ProgrammeKind,
    Region,
    Role,
    School,
    StaffRole,
    Student,
    SubsidyPolicy,
    User,
)
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services.programmes import filing
from skillbridge.platform.services.programmes.enrolments import EnrolmentInput
from skillbridge.platform.services.programmes.filing import ModuleInput, ProgrammeInput
from skillbridge.platform.services.subsidies.budgets import install_region_policies

START, END = date(2026, 9, 1), date(2027, 8, 31)
SUBSIDY_YUAN = 5000
SUBSIDY_POLICY = "zhanjiang.apprenticeship_training_subsidy"


@dataclass
class Scene:
    """Everyone a programme involves, in one Zhanjiang region, and a second region beside it."""

    region: Region
    enterprise: Enterprise
    school: School
    occupation: Occupation
    users: dict[str, User]
    employee: Person
    employment: Employment
    student: Student
    student_cohort: Cohort
    policy: SubsidyPolicy
    other_region: Region


def employ(factories: Factories, enterprise: Enterprise, **changes: object) -> Employment:
    """A confirmed employment of a new person at the enterprise (part A's flow, done directly)."""
    person = factories.person(birth=date(1998, 5, 1))
    values: dict[str, object] = {
        "person_id": person.id,
        "enterprise_id": enterprise.id,
        "post": "数控车工",
        "hire_date": date(2025, 3, 1),
        "contract_start": date(2025, 3, 1),
        "contract_end": date(2028, 2, 29),
        "status": EmploymentStatus.CONFIRMED,
        "source": EmploymentSource.ENTERPRISE,
    }
    values.update(changes)
    employment = Employment(**values)
    factories.session.add(employment)
    factories.session.flush()
    return employment


@pytest.fixture
def scene(session, factories: Factories) -> Scene:  # type: ignore[no-untyped-def]
    region = factories.region(pack="zhanjiang")
    other_region = factories.region(pack="zhanjiang")
    enterprise = factories.enterprise(region)
    school = factories.school(region)
    occupation = factories.occupation()
    cohort = factories.cohort(school, graduation_year=2027)
    student = factories.student(school, cohort=cohort)
    employment = employ(factories, enterprise)
    other_enterprise = factories.enterprise(other_region)
    other_school = factories.school(other_region)

    def user(role: Role, staff: StaffRole, **tenant: int) -> User:
        return factories.user(role, staff, **tenant)

    users = {
        "enterprise": user(Role.ENTERPRISE, StaffRole.ADMIN, enterprise_id=enterprise.id),
        "hr": user(Role.ENTERPRISE, StaffRole.HR, enterprise_id=enterprise.id),
        "mentor": user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=enterprise.id),
        "mentor2": user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=enterprise.id),
        "school": user(Role.SCHOOL, StaffRole.ADMIN, school_id=school.id),
        "teacher": user(Role.SCHOOL, StaffRole.TEACHER, school_id=school.id),
        "teacher2": user(Role.SCHOOL, StaffRole.TEACHER, school_id=school.id),
        "officer": user(Role.BUREAU, StaffRole.OFFICER, region_id=region.id),
        "reviewer": user(Role.BUREAU, StaffRole.REVIEWER, region_id=region.id),
        "finance": user(Role.BUREAU, StaffRole.FINANCE, region_id=region.id),
        "worker": user(Role.WORKER, StaffRole.SELF, person_id=employment.person_id),
        "student": user(Role.STUDENT, StaffRole.SELF, student_id=student.id),
        "other_enterprise": user(
            Role.ENTERPRISE, StaffRole.ADMIN, enterprise_id=other_enterprise.id
        ),
        "other_mentor": user(Role.ENTERPRISE, StaffRole.MENTOR, enterprise_id=other_enterprise.id),
        "other_school": user(Role.SCHOOL, StaffRole.ADMIN, school_id=other_school.id),
        "other_teacher": user(Role.SCHOOL, StaffRole.TEACHER, school_id=other_school.id),
        "other_bureau": user(Role.BUREAU, StaffRole.OFFICER, region_id=other_region.id),
    }
    install_region_policies(session, region)
    policy = session.scalars(
        select(SubsidyPolicy).where(
            SubsidyPolicy.region_id == region.id, SubsidyPolicy.code == SUBSIDY_POLICY
        )
    ).one()
    policy.amount_yuan = SUBSIDY_YUAN
    budget = session.get_one(Budget, policy.budget_id)
    budget.allocated_yuan = budget.remaining_yuan = 1_000_000
    session.commit()
    return Scene(
        region,
        enterprise,
        school,
        occupation,
        users,
        session.get_one(Person, employment.person_id),
        employment,
        student,
        cohort,
        policy,
        other_region,
    )


def programme_input(
    scene: Scene, kind: ProgrammeKind = ProgrammeKind.EMPLOYEE, **changes
) -> ProgrammeInput:  # type: ignore[no-untyped-def]
    values = {
        "kind": kind,
        "title": "数控车工企业新型学徒制",
        "school_id": scene.school.id,
        "occupation_id": scene.occupation.id,
        "target_level": 3,
        "start_date": START,
        "end_date": END,
        "total_hours": 600,
        "assessment_body": "湛江市职业技能鉴定指导中心",
        "modules": [ModuleInput("数控编程", 400), ModuleInput("安全生产", 200)],
    }
    values.update(changes)
    return ProgrammeInput(**values)  # type: ignore[arg-type]


def approved_programme(
    session, scene: Scene, kind: ProgrammeKind = ProgrammeKind.EMPLOYEE, **changes
) -> ApprenticeshipProgramme:  # type: ignore[no-untyped-def]
    """Drafted, accepted, filed and approved through the services."""
    programme = filing.create_programme(
        session, scene.users["enterprise"], programme_input(scene, kind, **changes)
    )
    filing.accept_training(session, scene.users["school"], programme.id)
    filing.file_programme(session, scene.users["enterprise"], programme.id)
    filing.decide_filing(session, scene.users["officer"], programme.id, True, "材料齐全，准予备案")
    session.commit()
    return programme


def employee_input(scene: Scene, employment: Employment | None = None) -> EnrolmentInput:
    return EnrolmentInput(
        employment_id=(employment or scene.employment).id,
        student_id=None,
        mentor_user_id=scene.users["mentor"].id,
        teacher_user_id=scene.users["teacher"].id,
        labour_contract_ref="HT-2025-001",
    )


def student_input(scene: Scene) -> EnrolmentInput:
    return EnrolmentInput(
        employment_id=None,
        student_id=scene.student.id,
        mentor_user_id=scene.users["mentor"].id,
        teacher_user_id=scene.users["teacher"].id,
    )
