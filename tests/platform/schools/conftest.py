"""Fixtures for the school side: a verified school with a specialty and a cohort, roster files."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session
from stdnum.cn import ric
from support import World

from skillbridge.models import Cohort, Occupation, Role, School, Specialty, User
from skillbridge.platform.demo.factories import Factories
from skillbridge.platform.services.schools import roster


@dataclass
class SchoolSide:
    school: School
    specialty: Specialty
    cohort: Cohort
    user: User


@pytest.fixture
def school_side(session: Session, world: World, factories: Factories) -> SchoolSide:
    specialty = factories.specialty("数控技术")
    world.school.specialties.append(specialty)
    cohort = factories.cohort(world.school, specialty, name="数控2301班")
    session.commit()
    return SchoolSide(world.school, specialty, cohort, world.users["school"])


@pytest.fixture
def occupation(session: Session, factories: Factories) -> Occupation:
    occupation = factories.occupation(code="6-18-01-01", name="车工")
    session.commit()
    return occupation


@pytest.fixture
def pending_school_user(session: Session, make_school, make_user, world) -> User:  # type: ignore[no-untyped-def]
    school = make_school(world.region, verified=False)
    user = make_user(Role.SCHOOL, school_id=school.id)
    session.commit()
    return user


class RosterFiles:
    """Builders of roster files, valid or not, for the import tests."""

    @staticmethod
    def national_id(rng: random.Random) -> str:
        """A random resident ID with a valid checksum (Beijing Chaoyang, born 2000–2008)."""
        birth = date(2000, 1, 1) + timedelta(days=rng.randrange(9 * 365))
        body = f"110105{birth:%Y%m%d}{rng.randrange(1000):03d}"
        return body + ric.calc_check_digit(body + "0")

    @staticmethod
    def roster_rows(rng: random.Random, cohort, specialty, n: int) -> list[list[str]]:  # type: ignore[no-untyped-def]
        """A header and `n` valid rows for `cohort`."""
        rows = [list(roster.COLUMNS)]
        for i in range(n):
            nid = RosterFiles.national_id(rng)
            rows.append(
                [
                    f"学生{rng.randrange(10**6)}",
                    nid,
                    specialty.code,
                    str(cohort.intake_year),
                    cohort.name,
                    "江苏省苏州市吴江区",
                    rng.choice(["是", "否", ""]),
                    rng.choice(["中级工", "3", "", "初级工"]),
                    rng.choice(["13800000000", ""]),
                    rng.choice([ric.get_birth_date(nid).isoformat(), ""]) if i % 2 else "",
                ]
            )
        return rows

    @staticmethod
    def to_csv(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return buffer.getvalue().encode(encoding)

    @staticmethod
    def to_xlsx(rows: list[list[object]]) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


@pytest.fixture
def roster_files() -> type[RosterFiles]:
    return RosterFiles
