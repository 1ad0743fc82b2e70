"""The demo region's workforce: employees the enterprises confirmed, 名师带徒 agreements with
their monthly allowances, and an education-fund return per employer.

Rows are bulk-inserted like the rest of the seed (no services, no audit events), every choice
comes from the seeder's random source, and every date from the reference date.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from faker import Faker
from sqlalchemy.orm import Session
from stdnum.cn import ric

from skillbridge.models import (
    AllowanceEntry,
    Certificate,
    CertificateStatus,
    EducationFundReturn,
    Employment,
    EmploymentSource,
    EmploymentStatus,
    MentorshipAgreement,
    Person,
)
from skillbridge.platform.demo.rows import insert_rows as _insert
from skillbridge.platform.services.identity import IdentityKeys, mask_national_id

POSTS = ("数控车工", "装配钳工", "维修电工", "焊工", "质检员", "设备维护工", "操作工")
# The monthly allowance each mentor level gets in the demo: the seed leaves it to the enterprise.
ALLOWANCE_BY_LEVEL = {3: 300, 4: 500, 5: 800}
AGREEMENT_MONTHS = 24
DIVISION = "320509"


@dataclass(frozen=True)
class Employer:
    """An enterprise of the seed that has employees on the platform."""

    id: int
    name: str
    headcount: int


def _months(start: date, count: int) -> list[date]:
    return [date(start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 1)
            for k in range(count)]  # fmt: skip


class Workforce:
    """Builds the workforce tables for the given employers (the demo enterprise first)."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        fake: Faker,
        keys: IdentityKeys,
        reference: date,
    ) -> None:
        self.session, self.rng, self.fake, self.keys = session, rng, fake, keys
        self.reference = reference
        self.used: set[str] = set()

    def _national_id(self, born: date) -> str:
        while True:
            body = f"{DIVISION}{born:%Y%m%d}{self.rng.randrange(1, 1000):03d}"
            national_id = body + ric.calc_check_digit(body + "0")
            if national_id not in self.used:
                self.used.add(national_id)
                return national_id

    def _people(self, count: int, oldest: int, youngest: int) -> list[int]:
        rows = []
        for _ in range(count):
            born = date(self.reference.year - self.rng.randint(youngest, oldest), 1, 1)
            born += timedelta(self.rng.randrange(365))
            national_id = self._national_id(born)
            rows.append({
                "name": self.fake.name(),
                "birth_date": born,
                "national_id_masked": mask_national_id(national_id),
                "national_id_hash": self.keys.hash(national_id),
                "national_id_encrypted": self.keys.encrypt(national_id),
                "phone": self.fake.phone_number(),
            })  # fmt: skip
        return _insert(self.session, Person, rows)

    def _employ(self, employer: Employer, people: Sequence[int], years: int) -> list[int]:
        rows = []
        for person_id in people:
            hired = self.reference - timedelta(days=self.rng.randint(120, 365 * years))
            rows.append({
                "person_id": person_id,
                "enterprise_id": employer.id,
                "post": self.rng.choice(POSTS),
                "hire_date": hired,
                "contract_start": hired,
                "contract_end": date(hired.year + 3, hired.month, 1),
                "social_insurance_since": hired + timedelta(days=self.rng.choice((0, 0, 31))),
                "is_front_line": self.rng.random() < 0.85,
                "is_primary": True,
                "status": EmploymentStatus.CONFIRMED,
                "source": EmploymentSource.ENTERPRISE,
                "confirmed_at": datetime.combine(hired, time(9), UTC),
            })  # fmt: skip
        return _insert(self.session, Employment, rows)

    def seed(self, employers: Sequence[Employer], occupation_ids: Sequence[int]) -> dict[str, int]:
        """Employees for every employer, mentors and agreements at the first two; counts."""
        counts = {"employees": 0, "mentorship_agreements": 0, "allowance_entries": 0}
        returns = []
        for index, employer in enumerate(employers):
            size = max(4, min(12, employer.headcount // 20))
            self._employ(employer, self._people(size, 55, 20), 8)
            counts["employees"] += size
            ledger = self._mentors(employer, occupation_ids, counts) if index < 2 else {}
            returns.append(self._fund_return(employer, ledger.get(self.reference.year - 1, 0)))
        _insert(self.session, EducationFundReturn, returns)
        counts["education_fund_returns"] = len(returns)
        return counts

    def _mentors(
        self, employer: Employer, occupation_ids: Sequence[int], counts: dict[str, int]
    ) -> dict[int, int]:
        """Two certified mentors with two apprentices each; the allowance paid per year."""
        mentors = self._people(2, 55, 35)
        mentor_jobs = self._employ(employer, mentors, 15)
        apprentices = self._people(4, 24, 18)
        apprentice_jobs = self._employ(employer, apprentices, 2)
        counts["employees"] += 6
        levels = [self.rng.choice((4, 5)), self.rng.choice((3, 4))]
        certificate_ids = _insert(self.session, Certificate, [
            {
                "person_id": person_id,
                "occupation_id": self.rng.choice(occupation_ids),
                "level": level,
                "issued_on": self.reference - timedelta(days=self.rng.randint(900, 3000)),
                "number": f"S000{DIVISION}{employer.id:04d}{k:02d}{level}",
                "issuer": "苏州市职业技能鉴定中心",
                "status": CertificateStatus.IMPORTED,
            }
            for k, (person_id, level) in enumerate(zip(mentors, levels, strict=True))
        ])  # fmt: skip
        start = date(self.reference.year - 1, 9, 1)
        months = _months(start, AGREEMENT_MONTHS)
        rows: list[dict[str, Any]] = []
        for k, (apprentice, job) in enumerate(zip(apprentices, apprentice_jobs, strict=True)):
            mentor = k // 2
            rows.append({
                "enterprise_id": employer.id,
                "mentor_person_id": mentors[mentor],
                "mentor_employment_id": mentor_jobs[mentor],
                "apprentice_person_id": apprentice,
                "apprentice_employment_id": job,
                "mentor_level": levels[mentor],
                "level_certificate_id": certificate_ids[mentor],
                "start_month": months[0],
                "end_month": months[-1],
                "monthly_allowance_yuan": ALLOWANCE_BY_LEVEL[levels[mentor]],
                "agreement_ref": f"MSDT-{start.year}-{employer.id:04d}-{k + 1:02d}",
            })  # fmt: skip
        agreement_ids = _insert(self.session, MentorshipAgreement, rows)
        counts["mentorship_agreements"] += len(rows)
        paid = [m for m in months if m < date(self.reference.year, self.reference.month, 1)]
        entries: list[dict[str, Any]] = []
        by_year: dict[int, int] = {}
        for agreement_id, row in zip(agreement_ids, rows, strict=True):
            for month in paid:
                amount = int(row["monthly_allowance_yuan"])
                entries.append({
                    "agreement_id": agreement_id,
                    "month": month,
                    "amount_yuan": amount,
                    "paid_on": month + timedelta(days=self.rng.randint(24, 27)),
                })  # fmt: skip
                by_year[month.year] = by_year.get(month.year, 0) + amount
        _insert(self.session, AllowanceEntry, entries)
        counts["allowance_entries"] += len(entries)
        return by_year

    def _fund_return(self, employer: Employer, mentoring: int) -> dict[str, Any]:
        """Last year's return: 1.5–2.5% of payroll extracted, most of it on front-line staff."""
        payroll = employer.headcount * self.rng.randint(70, 110) * 1000
        extracted = payroll * self.rng.randint(150, 250) // 10000
        spent = extracted * self.rng.randint(80, 100) // 100
        school_enterprise = spent * self.rng.randint(5, 15) // 100
        front_line = max(spent * self.rng.randint(55, 80) // 100, mentoring + school_enterprise)
        return {
            "enterprise_id": employer.id,
            "year": self.reference.year - 1,
            "payroll_yuan": payroll,
            "extracted_yuan": extracted,
            "spent_yuan": max(spent, front_line),
            "front_line_yuan": front_line,
            "mentoring_yuan": mentoring,
            "school_enterprise_yuan": school_enterprise,
            "filed_at": datetime.combine(date(self.reference.year, 3, 31), time(10), UTC),
        }
