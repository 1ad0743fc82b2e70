"""Valid rows of every model with unique codes, for the tests and the benchmarks alike.

Two layers, so that one set of defaults serves both a test that adds one object and a benchmark
that bulk-inserts a hundred thousand: `*_row()` functions return column dictionaries (ready for
`insert(Model)`), and `Factories` adds them one at a time to a session as ORM objects, flushed.
Every default can be overridden by keyword. Nothing here decides a business rule: a factory
writes what it is told, and tests that need a rule obeyed go through the services.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

from skillbridge.models import (
    STAFF_ROLES,
    AgreementStatus,
    Beneficiary,
    Budget,
    Certificate,
    CertificateStatus,
    ClaimStatus,
    Cohort,
    ComplianceFinding,
    CooperationAgreement,
    CooperationKind,
    EducationLevel,
    Employment,
    EmploymentSource,
    EmploymentStatus,
    Enterprise,
    Occupation,
    Party,
    Person,
    Placement,
    PlacementStatus,
    Region,
    RegionLevel,
    Role,
    School,
    SchoolType,
    Severity,
    Slot,
    SlotKind,
    SlotStatus,
    Specialty,
    StaffRole,
    Student,
    SubsidyClaim,
    SubsidyPolicy,
    User,
    VerificationStatus,
)
from skillbridge.platform.services.accounts.registration import new_session_token
from skillbridge.platform.services.identity import mask_national_id, national_id_hash

# The season the default rows describe: cohorts placeable from July 2025, slots from July 2026.
SLOT_START = date(2026, 7, 1)
WINDOW = (date(2025, 7, 1), date(2026, 6, 30))
AGREEMENT_TERM = (date(2025, 1, 1), date(2027, 12, 31))

M = TypeVar("M")
_sequence = itertools.count(1)


def next_number() -> int:
    """A process-wide unique number for codes, names and e-mails."""
    return next(_sequence)


def valid_uscc(n: int) -> str:
    """A unified social credit code with a correct check character, unique per n."""
    body = f"91440300{n:09d}"
    return body + uscc.calc_check_digit(body)


def valid_national_id(n: int, birth: date = date(2005, 3, 1)) -> str:
    """A resident ID number with a correct checksum, unique per n (modulo 1000)."""
    body = f"440303{birth:%Y%m%d}{n % 1000:03d}"
    # stdnum's ric.calc_check_digit reads the first 17 of 18 characters: pad the body.
    return body + ric.calc_check_digit(body + "0")


def _with(defaults: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - set(defaults)
    if unknown:
        raise TypeError(f"unknown columns: {sorted(unknown)}")
    return {**defaults, **changes}


# --- column dictionaries -------------------------------------------------------------------------


def school_row(region_id: int, n: int, **changes: Any) -> dict[str, Any]:
    return _with(
        {
            "region_id": region_id,
            "name": f"测试职业技术学院{n}",
            "code": f"{4144000000 + n}",
            "school_type": SchoolType.HIGHER_VOCATIONAL,
            "verification_status": VerificationStatus.VERIFIED,
        },
        changes,
    )


def enterprise_row(region_id: int, n: int, **changes: Any) -> dict[str, Any]:
    return _with(
        {
            "region_id": region_id,
            "name": f"测试制造有限公司{n}",
            "uscc": valid_uscc(n),
            "industry": "制造业",
            "staff_headcount": 200,
            "verification_status": VerificationStatus.VERIFIED,
        },
        changes,
    )


def occupation_row(n: int, prefix: str = "车工", **changes: Any) -> dict[str, Any]:
    """An occupation named `prefix` and its number (pass `name` or `code` to fix either)."""
    return _with(
        {"code": f"6-99-{n:06d}", "name": f"{prefix}{n}", "requires_certificate": False}, changes
    )


def specialty_row(n: int, prefix: str = "数控技术", **changes: Any) -> dict[str, Any]:
    return _with({"code": f"4601{n:04d}", "name": f"{prefix}{n}"}, changes)


def person_row(n: int, national_id_hash: str, **changes: Any) -> dict[str, Any]:
    """A person; the caller hashes the national ID with its secret (see identity)."""
    return _with(
        {
            "name": f"学生{n}",
            "birth_date": date(2005, 3, 1),
            "national_id_masked": mask_national_id(valid_national_id(n)),
            "national_id_hash": national_id_hash,
        },
        changes,
    )


def student_row(
    school_id: int, cohort_id: int, person_id: int, n: int, **changes: Any
) -> dict[str, Any]:
    """A student enrolment of an existing person."""
    return _with(
        {
            "school_id": school_id,
            "cohort_id": cohort_id,
            "person_id": person_id,
            "name": f"学生{n}",
            "birth_date": date(2005, 3, 1),
            "hukou_locality": "广东省深圳市",
            "invitation_code": f"INV{n:08d}",
            "months_used": 0,
            "month_cap": 12,
        },
        changes,
    )


def cohort_row(school_id: int, specialty_id: int, n: int, **changes: Any) -> dict[str, Any]:
    return _with(
        {
            "school_id": school_id,
            "specialty_id": specialty_id,
            "name": f"{n}班",
            "intake_year": 2023,
            "graduation_year": 2026,
            "level": EducationLevel.HIGHER,
            "window_start": WINDOW[0],
            "window_end": WINDOW[1],
        },
        changes,
    )


def slot_row(enterprise_id: int, occupation_id: int, n: int, **changes: Any) -> dict[str, Any]:
    return _with(
        {
            "enterprise_id": enterprise_id,
            "kind": SlotKind.POST_INTERNSHIP,
            "title": f"实习岗{n}",
            "occupation_id": occupation_id,
            "min_level": 0,
            "certificate_required": False,
            "start_date": SLOT_START,
            "duration_months": 6,
            "seats": 5,
            "seats_taken": 0,
            "stipend_yuan": 3000,
            "post_wage_yuan": 3500,
            "post_headcount": None,
            "location": "",
            "status": SlotStatus.OPEN,
        },
        changes,
    )


def placement_row(student_id: int, slot_id: int, **changes: Any) -> dict[str, Any]:
    return _with(
        {
            "student_id": student_id,
            "slot_id": slot_id,
            "status": PlacementStatus.PROPOSED,
            "start_date": SLOT_START,
            "end_date": date(2026, 12, 31),
            "months": 0,
            "counts_toward_cap": False,
        },
        changes,
    )


def cooperation_row(school_id: int, enterprise_id: int, **changes: Any) -> dict[str, Any]:
    return _with(
        {
            "school_id": school_id,
            "enterprise_id": enterprise_id,
            "kind": CooperationKind.INTERNSHIP_BASE,
            "valid_from": AGREEMENT_TERM[0],
            "valid_to": AGREEMENT_TERM[1],
            "status": AgreementStatus.APPROVED,
            "proposed_by": Party.SCHOOL,
            "decision_reason": None,
            "termination_reason": None,
        },
        changes,
    )


def budget_row(region_id: int, n: int, allocated: int, **changes: Any) -> dict[str, Any]:
    return _with(
        {
            "region_id": region_id,
            "code": f"fund-{n}",
            "name": f"专项资金{n}",
            "allocated_yuan": allocated,
            "remaining_yuan": allocated,
        },
        changes,
    )


def policy_row(region_id: int, budget_id: int, n: int, **changes: Any) -> dict[str, Any]:
    return _with(
        {
            "region_id": region_id,
            "code": f"policy-{n}",
            "name": f"补贴政策{n}",
            "beneficiary": Beneficiary.PERSON,
            "budget_id": budget_id,
        },
        changes,
    )


def paid_claim_row(
    policy_id: int, student_id: int, amount: int, paid_at: datetime, paid_by_id: int, key: str
) -> dict[str, Any]:
    """A claim decided and paid at `paid_at` by `paid_by_id`; `key` is its once-only key."""
    return {
        "policy_id": policy_id,
        "student_id": student_id,
        "on_date": paid_at.date(),
        "once_only_key": key,
        "status": ClaimStatus.PAID,
        "amount_yuan": amount,
        "evaluation": {"eligible": True, "conditions": [{"id": "age", "met": True}]},
        "decided_by_id": paid_by_id,
        "decided_at": paid_at,
        "paid_at": paid_at,
        "paid_by_id": paid_by_id,
    }


def finding_row(
    region_id: int, rule: str, severity: Severity, subject: tuple[str, int], key: str
) -> dict[str, Any]:
    """An open finding of `rule` about `subject` (object type, id); `key` makes it unique."""
    return {
        "region_id": region_id,
        "rule_id": rule,
        "severity": severity,
        "subject_key": key,
        "object_type": subject[0],
        "object_id": subject[1],
        "summary": f"{rule} 不符合",
        "evidence": {},
    }


# --- objects in a session ------------------------------------------------------------------------


class Factories:
    """The builders bound to one session; each adds one object and flushes (never commits).

    `secret` keys the national-ID hash as the app under test does; `password_hash` is the hash
    every user gets, computed once by the caller (argon2 is slow on purpose).
    """

    def __init__(self, session: Session, secret: str, password_hash: str) -> None:
        self.session = session
        self.secret = secret
        self.password_hash = password_hash

    def _add(self, obj: M) -> M:
        self.session.add(obj)
        self.session.flush()
        return obj

    def region(
        self,
        code: str | None = None,
        pack: str | None = "wujiang",
        level: RegionLevel = RegionLevel.CITY,
        parent: Region | None = None,
    ) -> Region:
        n = next_number()
        return self._add(
            Region(
                code=code or f"region-{n}",
                name=f"测试区{n}",
                policy_pack=pack,
                level=level,
                parent_id=parent.id if parent is not None else None,
            )
        )

    def school(self, region: Region, verified: bool = True) -> School:
        status = VerificationStatus.VERIFIED if verified else VerificationStatus.PENDING
        return self._add(School(**school_row(region.id, next_number(), verification_status=status)))

    def enterprise(self, region: Region, verified: bool = True, headcount: int = 200) -> Enterprise:
        status = VerificationStatus.VERIFIED if verified else VerificationStatus.PENDING
        row = enterprise_row(
            region.id, next_number(), verification_status=status, staff_headcount=headcount
        )
        return self._add(Enterprise(**row))

    def occupation(self, prefix: str = "车工", **changes: Any) -> Occupation:
        return self._add(Occupation(**occupation_row(next_number(), prefix, **changes)))

    def specialty(
        self, prefix: str = "数控技术", occupations: Sequence[Occupation] = (), **changes: Any
    ) -> Specialty:
        """A specialty feeding `occupations` (a fresh one by default); `name`, `code` fix either."""
        n = next_number()
        fed = list(occupations) or [Occupation(code=f"6-18-01-{n:04d}", name=f"车工{n}")]
        return self._add(Specialty(**specialty_row(n, prefix, **changes), occupations=fed))

    def cohort(self, school: School, specialty: Specialty | None = None, **changes: Any) -> Cohort:
        specialty = specialty or self.specialty()
        return self._add(Cohort(**cohort_row(school.id, specialty.id, next_number(), **changes)))

    def student(
        self, school: School, birth: date = date(2005, 3, 1), cohort: Cohort | None = None
    ) -> Student:
        cohort = cohort or self.cohort(school)
        n = next_number()
        person = self.person(n, birth)
        return self._add(
            Student(**student_row(school.id, cohort.id, person.id, n, birth_date=birth))
        )

    def person(self, n: int | None = None, birth: date = date(2005, 3, 1)) -> Person:
        n = next_number() if n is None else n
        national_id = valid_national_id(n, birth)
        row = person_row(
            n,
            national_id_hash(national_id, self.secret),
            birth_date=birth,
            national_id_masked=mask_national_id(national_id),
        )
        return self._add(Person(**row))

    def user(self, role: Role, staff_role: StaffRole | None = None, **tenant: int) -> User:
        n = next_number()
        user = User(
            staff_role=staff_role or STAFF_ROLES[role][0],
            email=f"{role.value}{n}@example.cn",
            display_name=f"{role.value}{n}",
            password_hash=self.password_hash,
            role=role,
            session_token=new_session_token(),
            **tenant,
        )
        return self._add(user)

    def slot(
        self,
        enterprise: Enterprise,
        occupation: Occupation | None = None,
        accepted_specialties: Sequence[Specialty] = (),
        **changes: Any,
    ) -> Slot:
        occupation = occupation or self.occupation()
        row = slot_row(enterprise.id, occupation.id, next_number(), **changes)
        return self._add(Slot(**row, accepted_specialties=list(accepted_specialties)))

    def placement(self, student: Student, slot: Slot, **changes: Any) -> Placement:
        return self._add(Placement(**placement_row(student.id, slot.id, **changes)))

    def cooperation(
        self,
        school: School,
        enterprise: Enterprise,
        specialties: Sequence[Specialty] = (),
        **changes: Any,
    ) -> CooperationAgreement:
        row = cooperation_row(school.id, enterprise.id, **changes)
        return self._add(CooperationAgreement(**row, specialties=list(specialties)))

    def budget(self, region: Region, allocated: int = 100_000) -> tuple[Budget, SubsidyPolicy]:
        """A fund and the one policy that draws on it."""
        n = next_number()
        budget = self._add(Budget(**budget_row(region.id, n, allocated)))
        return budget, self._add(SubsidyPolicy(**policy_row(region.id, budget.id, n)))

    def paid_claim(
        self,
        budget: Budget,
        policy: SubsidyPolicy,
        student: Student,
        amount: int,
        paid_at: datetime,
        decided_by: User,
        placement: Placement | None = None,
    ) -> SubsidyClaim:
        """A paid claim, moving the fund's figures as payment does."""
        key = f"{policy.code}:{student.id}:{next_number()}"
        row = paid_claim_row(policy.id, student.id, amount, paid_at, decided_by.id, key)
        claim = SubsidyClaim(**row, placement_id=placement.id if placement else None)
        budget.paid_yuan += amount
        budget.remaining_yuan -= amount
        return self._add(claim)

    def employment(self, person: Person, enterprise: Enterprise, **changes: Any) -> Employment:
        """A confirmed primary employment since 2024-01-01, with contract and insurance."""
        row = _with(
            {
                "post": "数控车工",
                "hire_date": date(2024, 1, 1),
                "contract_start": date(2024, 1, 1),
                "contract_end": date(2026, 12, 31),
                "social_insurance_since": date(2024, 1, 1),
                "is_front_line": True,
                "is_primary": True,
                "status": EmploymentStatus.CONFIRMED,
                "source": EmploymentSource.ENTERPRISE,
                "confirmed_at": datetime(2024, 1, 2, tzinfo=UTC),
                "ended_on": None,
                "end_reason": None,
            },
            changes,
        )
        return self._add(Employment(person_id=person.id, enterprise_id=enterprise.id, **row))

    def certificate(
        self, person: Person, occupation: Occupation, level: int, **changes: Any
    ) -> Certificate:
        """A verified certificate issued 2025-06-01 by a social appraisal body."""
        row = _with(
            {
                "issued_on": date(2025, 6, 1),
                "number": f"ZS{next_number():08d}",
                "issuer": "职业技能鉴定中心",
                "status": CertificateStatus.VERIFIED,
            },
            changes,
        )
        return self._add(
            Certificate(person_id=person.id, occupation_id=occupation.id, level=level, **row)
        )

    def finding(
        self,
        region: Region,
        rule: str = "R4",
        severity: Severity = Severity.HIGH,
        subject: tuple[str, int] = ("placement", 1),
        resolved: bool = False,
    ) -> ComplianceFinding:
        key = f"{subject[0]}:{subject[1]}:{next_number()}"
        finding = ComplianceFinding(**finding_row(region.id, rule, severity, subject, key))
        finding.resolved_at = datetime.now(UTC) if resolved else None
        return self._add(finding)
