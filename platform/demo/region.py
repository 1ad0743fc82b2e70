"""Demo data: one realistic, deterministic region (吴江区) with a login per role."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from faker import Faker
from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc

from skillbridge.models import (
    STAFF_ROLES,
    AgreementStatus,
    Certificate,
    CertificateStatus,
    Cohort,
    CooperationAgreement,
    CooperationKind,
    Enterprise,
    EnterpriseDesignation,
    EnterpriseRanking,
    Occupation,
    Party,
    Person,
    Region,
    RegionLevel,
    Role,
    School,
    SchoolDesignation,
    SchoolType,
    ShortageListing,
    Slot,
    SlotKind,
    SlotStatus,
    Specialty,
    StaffRole,
    Student,
    StudentPreference,
    User,
    VerificationStatus,
)
from skillbridge.models.agreement import agreement_specialty
from skillbridge.models.occupation import specialty_occupation
from skillbridge.models.school import school_specialty
from skillbridge.models.slot import slot_specialty
from skillbridge.platform.demo.catalogue import (
    INDUSTRIES,
    LOCAL_BIRTHPLACE,
    OCCUPATIONS,
    OTHER_BIRTHPLACES,
    SCHOOL_PROFILES,
    SPECIALTIES,
    TOWNS,
    TRADE_NAME_CHARACTERS,
    IndustryEntry,
    SchoolProfile,
)
from skillbridge.platform.demo.provinces import DEMO_PROVINCE, seed_other_regions
from skillbridge.platform.demo.rows import insert_rows as _insert
from skillbridge.platform.demo.workforce import Employer, Workforce
from skillbridge.platform.policy import load_pack
from skillbridge.platform.services import audit
from skillbridge.platform.services.accounts.passwords import hash_password
from skillbridge.platform.services.accounts.registration import new_session_token
from skillbridge.platform.services.errors import Conflict, InvalidInput
from skillbridge.platform.services.identity import IdentityKeys, mask_national_id
from skillbridge.platform.services.schools.roster import INVITATION_ALPHABET, INVITATION_LENGTH
from skillbridge.platform.services.subsidies.budgets import install_region_policies

DEMO_PASSWORD = "skillbridge-demo"  # published on purpose: it opens demo accounts only
DEMO_DOMAIN = "demo.skillbridge.cn"
DEMO_LOGINS: dict[str, str] = {
    name: f"{name}@{DEMO_DOMAIN}"
    for name in (
        *(role.value for role in (Role.SCHOOL, Role.ENTERPRISE, Role.STUDENT, Role.BUREAU)),
        # Staff with a narrow job beside the admins: the school's 指导教师, the enterprise's
        # 师傅, and the bureau's reviewer and finance officer (the four-eyes payment).
        "teacher",
        "mentor",
        "reviewer",
        "finance",
        # The officer of the province above the demo city (regions above cities).
        "province",
    )
}
REGION_CODE = "wujiang"
# Every date derives from this instead of today, so a seed gives the same rows in any year.
REFERENCE_DATE = date(2026, 9, 1)
FULL_SIZE = {"schools": 8, "cohorts": 40, "students": 3000, "enterprises": 120, "slots": 400}

KIND_WEIGHTS = {
    SlotKind.POST_INTERNSHIP: 45,
    SlotKind.SHADOW_INTERNSHIP: 20,
    SlotKind.APPRENTICESHIP: 20,
    SlotKind.ORDER_CLASS: 15,
}
KIND_TITLES = {
    SlotKind.POST_INTERNSHIP: "岗位实习",
    SlotKind.SHADOW_INTERNSHIP: "跟岗实习",
    SlotKind.APPRENTICESHIP: "学徒",
    SlotKind.ORDER_CLASS: "订单班",
}
# Share of each cohort level's students at skill levels 0, 1, 2, ... (mostly 0–3).
SKILL_WEIGHTS = {
    "secondary": (45, 40, 15),
    "senior": (10, 30, 45, 15),
    "pre_technician": (0, 10, 40, 40, 10),
    "higher": (15, 35, 35, 15),
}
FEMALE_SHARE = {"520201": 0.85, "590302": 0.75, "530701": 0.55, "540202": 0.4, "530802": 0.4}
FAKER_PREFIX_NOISE = ("电子", "计算机", "软件", "信息", "电脑", "科技", "公司", "国际", "数字",
                      "网络", "开发区", "济南", "黄石", "襄樊", "MBP", "浙大", "中建")  # fmt: skip
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WUJIANG_DIVISION = "320509"


def database_is_empty(session: Session) -> bool:
    """True when no region and no account exist yet (the audit chain head does not count)."""
    return (
        session.scalar(select(Region.id).limit(1)) is None
        and session.scalar(select(User.id).limit(1)) is None
    )


def seed_demo_region(
    session: Session, seed: int, *, keys: IdentityKeys, scale: float = 1.0
) -> dict[str, str]:
    """Seed the demo region in the caller's transaction and return the logins (role → email).

    `scale` shrinks every count (schools stay at least one per school type) so tests run fast.
    """
    if not 0 < scale <= 1:
        raise InvalidInput("scale must be in (0, 1]")
    if session.scalar(select(Region.id).where(Region.code == REGION_CODE)) is not None:
        raise Conflict(f"地区 {REGION_CODE} 已存在：演示数据只能写入空数据库")
    sizes = {
        "schools": max(len(SCHOOL_PROFILES), round(FULL_SIZE["schools"] * scale)),
        "enterprises": max(8, round(FULL_SIZE["enterprises"] * scale)),
    }
    sizes["cohorts"] = max(sizes["schools"], round(FULL_SIZE["cohorts"] * scale))
    sizes["students"] = max(sizes["cohorts"], round(FULL_SIZE["students"] * scale))
    sizes["slots"] = max(sizes["enterprises"], round(FULL_SIZE["slots"] * scale))
    return _Seeder(session, seed, keys, sizes, scale).run()


def _link(session: Session, table: Table, rows: list[dict[str, int]]) -> None:
    if rows:
        session.execute(insert(table), rows)


def _add_months(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _weighted_sample(
    rng: random.Random, items: Sequence[int], weights: Sequence[float], k: int
) -> list[int]:
    """k distinct items, heavier ones likelier (Efraimidis–Spirakis keys u^(1/w))."""
    keyed = sorted(
        ((rng.random() ** (1 / w), item) for item, w in zip(items, weights, strict=True)),
        reverse=True,
    )
    return [item for _, item in keyed[:k]]


def _organisation_code(rng: random.Random) -> str:
    """A 9-character 组织机构代码 with its GB 11714 check character."""
    if rng.random() < 0.5:  # codes issued since 2015 start with MA
        body = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    else:
        body = f"{rng.randrange(10**7, 10**8)}"
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


@dataclass
class _CohortInfo:
    id: int
    school: int
    specialty: str
    level: str
    intake_year: int
    graduation_year: int
    window_start: date
    window_end: date
    size: int = 0


@dataclass
class _StudentInfo:
    id: int
    school: int
    cohort: _CohortInfo
    skill_level: int
    certified: list[str] = field(default_factory=list)  # occupation codes
    person_id: int = 0


@dataclass
class _SlotInfo:
    id: int
    enterprise: int
    kind: SlotKind
    occupation: str
    specialties: list[str]
    start_date: date
    min_level: int
    certificate_required: bool
    status: SlotStatus
    seats: int


class _Seeder:
    """Builds the region table by table; every random choice comes from one seeded source."""

    def __init__(
        self, session: Session, seed: int, keys: IdentityKeys, sizes: dict[str, int], scale: float
    ) -> None:
        self.session = session
        self.sizes = sizes
        self.scale = scale
        self.keys = keys
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.pack = load_pack(REGION_CODE)
        self.password_hash = hash_password(DEMO_PASSWORD)  # argon2 is slow: hash once
        self.counts: dict[str, int] = {}

    def run(self) -> dict[str, str]:
        self._catalogue()
        self._region()
        self._schools()
        self._cohorts()
        self._students()
        self._certificates()
        self._enterprises()
        self._slots()
        self._agreements()
        self._preferences()
        self._rankings()
        self._users()
        self._workforce()
        self.session.flush()
        audit.record(self.session, None, "demo.seeded", "region", self.region_id, self.counts)
        install_region_policies(self.session, self.session.get_one(Region, self.region_id))
        seed_other_regions(self.session)
        return dict(DEMO_LOGINS)

    # Catalogue and region

    def _catalogue(self) -> None:
        occupation_ids = _insert(
            self.session,
            Occupation,
            [
                {
                    "code": o.code,
                    "name": o.name,
                    "name_en": o.name_en,
                    "requires_certificate": o.requires_certificate,
                }
                for o in OCCUPATIONS
            ],
        )
        self.occupations = {o.code: o for o in OCCUPATIONS}
        self.occupation_ids = dict(zip((o.code for o in OCCUPATIONS), occupation_ids, strict=True))
        specialty_ids = _insert(
            self.session, Specialty, [{"code": s.code, "name": s.name} for s in SPECIALTIES]
        )
        self.specialties = {s.code: s for s in SPECIALTIES}
        self.specialty_ids = dict(zip((s.code for s in SPECIALTIES), specialty_ids, strict=True))
        _link(
            self.session,
            specialty_occupation,
            [
                {
                    "specialty_id": self.specialty_ids[s.code],
                    "occupation_id": self.occupation_ids[o],
                }
                for s in SPECIALTIES
                for o in s.occupations
            ],
        )
        self.counts["occupations"] = len(OCCUPATIONS)
        self.counts["specialties"] = len(SPECIALTIES)

    def _region(self) -> None:
        province_code, province_name = DEMO_PROVINCE
        (self.province_id,) = _insert(
            self.session,
            Region,
            [{"code": province_code, "name": province_name, "level": RegionLevel.PROVINCE}],
        )
        (self.region_id,) = _insert(
            self.session,
            Region,
            [
                {
                    "code": REGION_CODE,
                    "name": self.pack.name_zh,
                    "policy_pack": REGION_CODE,
                    "level": RegionLevel.DISTRICT,
                    "parent_id": self.province_id,
                }
            ],
        )
        shortage = [o for o in OCCUPATIONS if o.shortage]
        _insert(
            self.session,
            ShortageListing,
            [
                {
                    "region_id": self.region_id,
                    "occupation_id": self.occupation_ids[o.code],
                    "year": REFERENCE_DATE.year,
                }
                for o in shortage
            ],
        )
        self.counts["shortage_listings"] = len(shortage)
        (self.bureau_user_id, _reviewer, _finance) = self._insert_users(
            [
                {
                    "email": DEMO_LOGINS["bureau"],
                    "display_name": "吴江区人社局（演示）",
                    "role": Role.BUREAU,
                    "region_id": self.region_id,
                },
                {
                    "email": DEMO_LOGINS["reviewer"],
                    "display_name": "吴江区人社局审核员（演示）",
                    "role": Role.BUREAU,
                    "staff_role": StaffRole.REVIEWER,
                    "region_id": self.region_id,
                },
                {
                    "email": DEMO_LOGINS["finance"],
                    "display_name": "吴江区人社局财务（演示）",
                    "role": Role.BUREAU,
                    "staff_role": StaffRole.FINANCE,
                    "region_id": self.region_id,
                },
            ]
        )
        # The province's officer: reads 吴江's figures from above, onboards its other cities.
        self._insert_users(
            [
                {
                    "email": DEMO_LOGINS["province"],
                    "display_name": "江苏省人社厅（演示）",
                    "role": Role.BUREAU,
                    "region_id": self.province_id,
                }
            ]
        )

    def _insert_users(self, rows: list[dict[str, Any]]) -> list[int]:
        for row in rows:
            row.update(password_hash=self.password_hash, session_token=new_session_token())
            # Each demo login runs its whole organisation unless a staff role is given.
            row.setdefault("staff_role", STAFF_ROLES[row["role"]][0])
        return _insert(self.session, User, rows)

    # Schools, cohorts, students, certificates

    def _schools(self) -> None:
        rng, n = self.rng, self.sizes["schools"]
        towns = (
            rng.sample(TOWNS, n) if n <= len(TOWNS) else [TOWNS[i % len(TOWNS)] for i in range(n)]
        )
        self.school_profiles: list[SchoolProfile] = []
        self.school_offers: list[list[str]] = []
        rows, codes = [], []
        for i in range(n):
            profile = SCHOOL_PROFILES[i % len(SCHOOL_PROFILES)]
            code = f"{profile.code_prefix}05{rng.randrange(1000, 10000):04d}"
            while code in codes:
                code = f"{profile.code_prefix}05{rng.randrange(1000, 10000):04d}"
            codes.append(code)
            self.school_profiles.append(profile)
            offers = rng.sample(profile.specialties, rng.randint(4, len(profile.specialties)))
            self.school_offers.append(offers)
            rows.append(
                {
                    "region_id": self.region_id,
                    "name": profile.name_pattern.format(town=towns[i]),
                    "code": code,
                    "school_type": profile.school_type,
                    "verification_status": VerificationStatus.VERIFIED,
                    "contact_name": self.fake.name(),
                    "contact_phone": self.fake.phone_number(),
                }
            )
        self.school_ids = _insert(self.session, School, rows)
        # The bureau's designations of the reference year (reference_data): technician colleges
        # and technical schools are designated; every other school sits in an education base.
        designated = (SchoolType.TECHNICIAN_COLLEGE, SchoolType.TECHNICAL)
        _insert(
            self.session,
            SchoolDesignation,
            [
                {
                    "school_id": school_id,
                    "year": REFERENCE_DATE.year,
                    "designated": profile.school_type in designated,
                    "education_base": i % 2 == 0,
                }
                for i, (school_id, profile) in enumerate(
                    zip(self.school_ids, self.school_profiles, strict=True)
                )
            ],
        )
        _link(
            self.session,
            school_specialty,
            [
                {"school_id": self.school_ids[i], "specialty_id": self.specialty_ids[code]}
                for i, offers in enumerate(self.school_offers)
                for code in offers
            ],
        )
        self.counts["schools"] = n

    def _cohorts(self) -> None:
        rng, n_schools = self.rng, self.sizes["schools"]
        plans: list[dict[str, Any]] = []
        taught = []
        names: dict[tuple[int, str, int], int] = {}
        for j in range(self.sizes["cohorts"]):
            school = j % n_schools
            offers = self.school_offers[school]
            specialty = offers[(j // n_schools) % len(offers)]
            level, years = rng.choice(self.school_profiles[school].programmes)
            # Final-year cohorts go on post internships this school year; the year below
            # goes on shadowing and apprenticeships next spring and summer.
            final_year = rng.random() < 0.6
            graduation = REFERENCE_DATE.year + (1 if final_year else 2)
            if final_year:
                window = (date(2026, rng.choice((7, 9)), 1), date(2027, 6, 30))
            else:
                window = (date(2027, 3, 1), date(2027, 8, 31))
            intake = graduation - years
            key = (school, specialty, intake)
            names[key] = names.get(key, 0) + 1
            taught.append(specialty)
            plans.append(
                {
                    "school_id": self.school_ids[school],
                    "specialty_id": self.specialty_ids[specialty],
                    "name": f"{intake}级{self.specialties[specialty].name}{names[key]}班",
                    "intake_year": intake,
                    "graduation_year": graduation,
                    "level": level,
                    "window_start": window[0],
                    "window_end": window[1],
                }
            )
        ids = _insert(self.session, Cohort, plans)
        self.cohorts = [
            _CohortInfo(
                id=cohort_id,
                school=j % n_schools,
                specialty=taught[j],
                level=plan["level"].value,
                intake_year=plan["intake_year"],
                graduation_year=plan["graduation_year"],
                window_start=plan["window_start"],
                window_end=plan["window_end"],
            )
            for j, (cohort_id, plan) in enumerate(zip(ids, plans, strict=True))
        ]
        # Cohort sizes vary around the mean but add up to the requested number of students.
        total, n = self.sizes["students"], len(self.cohorts)
        sizes = [total // n + (1 if j < total % n else 0) for j in range(n)]
        for j in range(n):
            shift = rng.randint(-sizes[j] // 3, sizes[j] // 3)
            partner = (j + 1) % n
            shift = max(min(shift, sizes[partner] - 1), 1 - sizes[j])
            sizes[j] += shift
            sizes[partner] -= shift
        for cohort, size in zip(self.cohorts, sizes, strict=True):
            cohort.size = size
        self.counts["cohorts"] = n

    def _students(self) -> None:
        rng, fake = self.rng, self.fake
        month_cap = self.pack.placement_rules.post_internship_max_months.value
        used_ids: set[str] = set()
        used_codes: set[str] = set()
        rows, people, self.students = [], [], []
        for cohort in self.cohorts:
            age = self.school_profiles[cohort.school].intake_age
            female_share = FEMALE_SHARE.get(cohort.specialty, 0.15)
            weights = SKILL_WEIGHTS[cohort.level]
            for _ in range(cohort.size):
                female = rng.random() < female_share
                born = date(cohort.intake_year - age - 1, 9, 1) + timedelta(rng.randrange(365))
                spread = rng.random()
                if spread < 0.04:  # started school a year early
                    born += timedelta(days=365)
                elif spread < 0.10:  # repeated a year or started late
                    born -= timedelta(days=365)
                local = rng.random() < 0.6
                area, hukou = LOCAL_BIRTHPLACE if local else rng.choice(OTHER_BIRTHPLACES)
                national_id = self._national_id(area, born, female, used_ids)
                level = rng.choices(range(len(weights)), weights)[0]
                months = 0
                if cohort.graduation_year == REFERENCE_DATE.year + 1:
                    draw = rng.random()
                    if draw < 0.02:
                        months = rng.randint(month_cap - 2, month_cap)
                    elif draw < 0.2:
                        months = rng.randint(1, 6)
                code = "".join(rng.choice(INVITATION_ALPHABET) for _ in range(INVITATION_LENGTH))
                while code in used_codes:
                    code = "".join(
                        rng.choice(INVITATION_ALPHABET) for _ in range(INVITATION_LENGTH)
                    )
                used_codes.add(code)
                name = fake.name_female() if female else fake.name_male()
                phone = fake.phone_number()
                people.append(
                    {
                        "name": name,
                        "birth_date": born,
                        "national_id_masked": mask_national_id(national_id),
                        "national_id_hash": self.keys.hash(national_id),
                        "national_id_encrypted": self.keys.encrypt(national_id),
                        "phone": phone,
                    }
                )
                rows.append(
                    {
                        "school_id": self.school_ids[cohort.school],
                        "cohort_id": cohort.id,
                        "name": name,
                        "birth_date": born,
                        "hukou_locality": hukou,
                        "is_local": local,
                        "skill_level": level,
                        "phone": phone,
                        "invitation_code": code,
                        "months_used": months,
                        "month_cap": month_cap,
                    }
                )
                self.students.append(_StudentInfo(0, cohort.school, cohort, level))
        person_ids = _insert(self.session, Person, people)
        for row, info, person_id in zip(rows, self.students, person_ids, strict=True):
            row["person_id"] = info.person_id = person_id
        for info, student_id in zip(
            self.students, _insert(self.session, Student, rows), strict=True
        ):
            info.id = student_id
        self.counts["students"] = len(rows)

    def _national_id(self, area: str, born: date, female: bool, used: set[str]) -> str:
        """An 18-digit resident ID; the 17th digit is odd for men and even for women."""
        while True:
            # 000 is never issued; the rest alternate odd (men) and even (women).
            sequence = self.rng.randrange(1, 500) * 2 - (0 if female else 1)
            body = f"{area}{born:%Y%m%d}{sequence:03d}"
            # stdnum's calc_check_digit reads all but the last character of its argument.
            national_id = body + ric.calc_check_digit(body + "0")
            if national_id not in used:
                used.add(national_id)
                return national_id

    def _certificates(self) -> None:
        rng, rows, serial = self.rng, [], 0
        for student in self.students:
            if student.skill_level == 0:
                continue
            occupations = self.specialties[student.cohort.specialty].occupations
            required = [o for o in occupations if self.occupations[o].requires_certificate]
            occupation = rng.choice(required if required and rng.random() < 0.6 else occupations)
            earliest = date(student.cohort.intake_year, 12, 1)
            latest = REFERENCE_DATE - timedelta(days=30)
            issued = earliest + timedelta(rng.randrange(max(1, (latest - earliest).days)))
            held = [(student.skill_level, issued)]
            earlier = issued - timedelta(days=rng.randint(180, 360))
            if student.skill_level >= 2 and earlier >= earliest and rng.random() < 0.4:
                held.append((student.skill_level - 1, earlier))
            for level, day in held:
                serial += 1
                by_employer = rng.random() < 0.3  # employer or social evaluator
                issuer = "Y" if by_employer else "S"
                rows.append(
                    {
                        "person_id": student.person_id,
                        "issuer": "企业技能等级认定" if by_employer else "社会培训评价组织",
                        # The appraisal bodies' own lists: imported, so verified.
                        "status": CertificateStatus.IMPORTED,
                        "occupation_id": self.occupation_ids[occupation],
                        "level": level,
                        "issued_on": day,
                        # National grade: 初级工 is 5级 down to 高级技师 1级.
                        "number": f"{issuer}000{rng.randrange(100, 1000)}{WUJIANG_DIVISION}"
                        f"{day.year % 100:02d}{6 - level}{serial:06d}",
                    }
                )
            student.certified.append(occupation)
        _insert(self.session, Certificate, rows)
        self.counts["certificates"] = len(rows)

    # Enterprises, slots, agreements

    def _enterprises(self) -> None:
        rng, fake, n = self.rng, self.fake, self.sizes["enterprises"]
        taught = {o for c in self.cohorts for o in self.specialties[c.specialty].occupations}
        # Industries that hire what the region's cohorts learn are likelier, so a small region
        # still has slots its students fit.
        weights = [i.weight * (3 if taught.intersection(i.occupations) else 1) for i in INDUSTRIES]
        status = [VerificationStatus.VERIFIED] * n
        pending = max(1, round(5 * self.scale))
        rejected = round(2 * self.scale)
        for k, index in enumerate(rng.sample(range(n), pending + rejected)):
            status[index] = (
                VerificationStatus.PENDING if k < pending else VerificationStatus.REJECTED
            )
        self.industries: list[IndustryEntry] = []
        self.headcounts: list[int] = []
        self.enterprise_status = status
        self.enterprise_towns: list[str] = []
        names: set[str] = set()
        codes: set[str] = set()
        rows: list[dict[str, Any]] = []
        for i in range(n):
            industry = rng.choices(INDUSTRIES, weights)[0]
            name = self._enterprise_name(industry)
            while name in names:
                name = self._enterprise_name(industry)
            names.add(name)
            code = self._uscc(industry)
            while code in codes:
                code = self._uscc(industry)
            codes.add(code)
            headcount = round(20 * 250 ** rng.random())  # log-uniform over 20–5000
            town = rng.choice(TOWNS)
            self.industries.append(industry)
            self.headcounts.append(headcount)
            self.enterprise_towns.append(town)
            rows.append(
                {
                    "region_id": self.region_id,
                    "name": name,
                    "uscc": code,
                    "industry": industry.name,
                    "is_key_industry": rng.random() < industry.key_industry_share,
                    "staff_headcount": headcount,
                    "address": f"江苏省苏州市吴江区{town}{fake.street_name()}{rng.randint(1, 2999)}号",
                    "verification_status": status[i],
                    "rejection_reason": (
                        "营业执照名称与统一社会信用代码登记信息不一致"
                        if status[i] == VerificationStatus.REJECTED
                        else None
                    ),
                    "contact_name": fake.name(),
                    "contact_phone": fake.phone_number(),
                }
            )
        self.enterprise_ids = _insert(self.session, Enterprise, rows)
        self.enterprise_names = [row["name"] for row in rows]
        # The reference year's key-industry list (reference_data), as the enterprises registered.
        _insert(
            self.session,
            EnterpriseDesignation,
            [
                {
                    "enterprise_id": e,
                    "year": REFERENCE_DATE.year,
                    "key_industry": row["is_key_industry"],
                }
                for e, row in zip(self.enterprise_ids, rows, strict=True)
            ],
        )
        self.counts["enterprises"] = n

    def _enterprise_name(self, industry: IndustryEntry) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            trade = self.fake.company_prefix()
            while any(noise in trade for noise in FAKER_PREFIX_NOISE) or len(trade) > 4:
                trade = self.fake.company_prefix()
        else:
            trade = "".join(rng.sample(TRADE_NAME_CHARACTERS, 2))
        place = rng.choice(("苏州", "吴江", "苏州市吴江区", "江苏"))
        return f"{place}{trade}{rng.choice(industry.name_endings)}"

    def _uscc(self, industry: IndustryEntry) -> str:
        body = f"{industry.uscc_prefix}{WUJIANG_DIVISION}{_organisation_code(self.rng)}"
        return body + uscc.calc_check_digit(body)

    def _slots(self) -> None:
        rng = self.rng
        n_enterprises = self.sizes["enterprises"]
        offered = {c.specialty for c in self.cohorts}
        self.cohorts_by_specialty: dict[str, list[_CohortInfo]] = {}
        for cohort in self.cohorts:
            self.cohorts_by_specialty.setdefault(cohort.specialty, []).append(cohort)
        feeds: dict[str, list[str]] = {}  # occupation → specialties feeding it, catalogue order
        for specialty in SPECIALTIES:
            for occupation in specialty.occupations:
                feeds.setdefault(occupation, []).append(specialty.code)
        hosts = [
            i
            for i in range(n_enterprises)
            if self.enterprise_status[i] != VerificationStatus.REJECTED
        ]
        verified = [i for i in hosts if self.enterprise_status[i] == VerificationStatus.VERIFIED]
        owners = list(hosts)
        owners += rng.choices(
            verified,
            [math.log(self.headcounts[i]) for i in verified],
            k=self.sizes["slots"] - len(owners),
        )
        intern_room = [max(1, h // 10) for h in self.headcounts]  # N2: ≤ 10% of staff
        min_ratio = self.pack.placement_rules.min_stipend_ratio.value
        rows: list[dict[str, Any]] = []
        self.slots = []
        for enterprise in owners:
            industry = self.industries[enterprise]
            fitting = [o for o in industry.occupations if offered.intersection(feeds[o])]
            occupation = rng.choice(fitting or list(industry.occupations))
            candidates = [s for s in feeds[occupation] if s in offered] or feeds[occupation]
            specialties = sorted(rng.sample(candidates, rng.randint(1, min(3, len(candidates)))))
            kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
            seats = min(20, 1 + int(rng.expovariate(1 / 5)))
            if kind == SlotKind.POST_INTERNSHIP:
                if intern_room[enterprise] == 0:
                    kind = SlotKind.SHADOW_INTERNSHIP
                else:
                    seats = min(seats, intern_room[enterprise])
                    intern_room[enterprise] -= seats
            duration = self._duration(kind)
            start = self._start_date(specialties, duration)
            wage = stipend = post_headcount = None
            if kind in (SlotKind.POST_INTERNSHIP, SlotKind.APPRENTICESHIP) and rng.random() < 0.9:
                wage = round(self.occupations[occupation].wage_yuan * rng.uniform(0.85, 1.25), -2)
                percent = rng.choice((min_ratio, min_ratio, 85, 90, 100))
                stipend = math.ceil(wage * percent / 10000) * 100  # N4, rounded up to 100 yuan
                post_headcount = min(self.headcounts[enterprise], seats * rng.randint(5, 12))
            elif kind == SlotKind.POST_INTERNSHIP:
                stipend = rng.choice((3000, 3200, 3500))
            elif kind == SlotKind.SHADOW_INTERNSHIP:
                stipend = rng.choice((800, 1000, 1200, 1500))
            else:
                stipend = rng.choice((0, 0, 300, 500))
            if kind == SlotKind.POST_INTERNSHIP:
                min_level = rng.choices((0, 1, 2), (50, 30, 20))[0]
            elif kind == SlotKind.APPRENTICESHIP:
                min_level = rng.choices((0, 1, 2), (20, 50, 30))[0]
            else:
                min_level = 0
            if self.enterprise_status[enterprise] == VerificationStatus.PENDING:
                status = SlotStatus.DRAFT  # unverified enterprises cannot publish
            else:
                status = rng.choices(list(SlotStatus), (5, 90, 5))[0]
            title = f"{self.occupations[occupation].name}{KIND_TITLES[kind]}"
            if kind == SlotKind.ORDER_CLASS:
                title = f"{self.specialties[specialties[0]].name}{KIND_TITLES[kind]}"
            rows.append(
                {
                    "enterprise_id": self.enterprise_ids[enterprise],
                    "kind": kind,
                    "title": title,
                    "occupation_id": self.occupation_ids[occupation],
                    "min_level": min_level,
                    # Employment access (R7) binds whoever works the post: post internships and
                    # apprenticeships; shadowing and order classes train under supervision.
                    "certificate_required": kind
                    in (SlotKind.POST_INTERNSHIP, SlotKind.APPRENTICESHIP)
                    and self.occupations[occupation].requires_certificate,
                    "start_date": start,
                    "duration_months": duration,
                    "seats": seats,
                    "stipend_yuan": stipend,
                    "post_wage_yuan": wage,
                    "post_headcount": post_headcount,
                    "location": f"吴江区{self.enterprise_towns[enterprise]}",
                    "status": status,
                }
            )
            self.slots.append(
                _SlotInfo(
                    0,
                    enterprise,
                    kind,
                    occupation,
                    specialties,
                    start,
                    min_level,
                    rows[-1]["certificate_required"],
                    status,
                    seats,
                )
            )
        for info, slot_id in zip(self.slots, _insert(self.session, Slot, rows), strict=True):
            info.id = slot_id
        _link(
            self.session,
            slot_specialty,
            [
                {"slot_id": s.id, "specialty_id": self.specialty_ids[code]}
                for s in self.slots
                for code in s.specialties
            ],
        )
        self.counts["slots"] = len(rows)
        self.counts["seats"] = sum(s.seats for s in self.slots)

    def _duration(self, kind: SlotKind) -> int:
        rng = self.rng
        if kind == SlotKind.POST_INTERNSHIP:  # N9: generally 6 months
            return rng.choices((6, 3, 4, 5, 8, 10, 12), (55, 8, 10, 10, 7, 5, 5))[0]
        if kind == SlotKind.SHADOW_INTERNSHIP:
            return rng.randint(1, 3)
        if kind == SlotKind.APPRENTICESHIP:
            return rng.choice((12, 18, 24))
        return rng.choice((12, 24))

    def _start_date(self, specialties: list[str], duration: int) -> date:
        """A month start inside the window of a cohort that may take the slot."""
        cohorts = [c for s in specialties for c in self.cohorts_by_specialty.get(s, [])]
        window = (REFERENCE_DATE, date(REFERENCE_DATE.year + 1, 6, 30))
        if cohorts:
            chosen = cohorts[self.rng.randrange(len(cohorts))]
            window = (chosen.window_start, chosen.window_end)
        first = max(window[0], REFERENCE_DATE)
        starts = []
        month = first
        while month <= window[1]:
            starts.append(month)
            month = _add_months(month, 1)
        # Prefer starts that let the slot end inside the window.
        fitting = [m for m in starts if _add_months(m, duration) <= window[1] + timedelta(days=1)]
        return self.rng.choice(fitting or starts[:1])

    def _agreements(self) -> None:
        rng = self.rng
        verified = [
            i
            for i, status in enumerate(self.enterprise_status)
            if status == VerificationStatus.VERIFIED
        ]
        hosting: dict[str, list[int]] = {}  # specialty → enterprises with slots accepting it
        for slot in self.slots:
            for code in slot.specialties:
                if slot.enterprise not in hosting.setdefault(code, []):
                    hosting[code].append(slot.enterprise)
        pairs = [
            (school, code) for school, offers in enumerate(self.school_offers) for code in offers
        ]
        # R3 wants ≥ 3 partners per specialty; a couple of specialties fall short for the audit.
        short = set(rng.sample(range(len(pairs)), min(len(pairs), max(1, round(2 * self.scale)))))
        partners: dict[tuple[int, int], list[str]] = {}
        for index, (school, code) in enumerate(pairs):
            occupations = self.specialties[code].occupations
            hosts = [e for e in hosting.get(code, []) if e in verified]
            others = [
                e
                for e in verified
                if e not in hosts and set(occupations).intersection(self.industries[e].occupations)
            ]
            rng.shuffle(hosts)
            rng.shuffle(others)
            wanted = rng.randint(1, 2) if index in short else rng.randint(3, 5)
            for enterprise in (hosts + others)[:wanted]:
                partners.setdefault((school, enterprise), []).append(code)
        rows, links = [], []
        for (school, enterprise), codes in partners.items():
            kinds = {
                s.kind
                for s in self.slots
                if s.enterprise == enterprise and set(codes) & set(s.specialties)
            }
            if SlotKind.ORDER_CLASS in kinds:
                kind = CooperationKind.ORDER_TRAINING
            elif SlotKind.APPRENTICESHIP in kinds:
                kind = CooperationKind.APPRENTICESHIP
            else:
                kind = CooperationKind.INTERNSHIP_BASE
            valid_from = date(2025, rng.randint(1, 8), 1)
            filed = datetime.combine(
                valid_from - timedelta(days=rng.randint(20, 40)), time(1, 30), tzinfo=UTC
            )
            rows.append(
                self._agreement_row(school, enterprise, kind, valid_from, AgreementStatus.APPROVED)
                | {
                    "filed_at": filed,
                    "decided_at": filed
                    + timedelta(days=rng.randint(3, 15), hours=rng.randint(0, 7)),
                    "decided_by_id": self.bureau_user_id,
                }
            )
            links.append(codes)
        self.approved_pairs = list(partners)
        # A few agreements still on their way; the first is filed, so the bureau's review
        # queue is not empty.
        open_pairs = []
        for school, offers in enumerate(self.school_offers):
            for enterprise in verified:
                codes = [
                    c
                    for c in offers
                    if set(self.specialties[c].occupations)
                    & set(self.industries[enterprise].occupations)
                ]
                if codes and (school, enterprise) not in partners:
                    open_pairs.append((school, enterprise, codes))
        waiting = rng.sample(open_pairs, min(len(open_pairs), max(1, round(6 * self.scale))))
        for index, (school, enterprise, codes) in enumerate(waiting):
            status = AgreementStatus.FILED
            if index > 0:
                status = rng.choice(
                    (AgreementStatus.PROPOSED, AgreementStatus.ACCEPTED, AgreementStatus.FILED)
                )
            row = self._agreement_row(
                school, enterprise, CooperationKind.INTERNSHIP_BASE, REFERENCE_DATE, status
            )
            if status == AgreementStatus.FILED:
                row["filed_at"] = datetime.combine(
                    REFERENCE_DATE - timedelta(days=7), time(2), tzinfo=UTC
                )
            partners[(school, enterprise)] = codes
            rows.append(row)
            links.append(codes)
        ids = _insert(self.session, CooperationAgreement, rows)
        _link(
            self.session,
            agreement_specialty,
            [
                {"agreement_id": agreement_id, "specialty_id": self.specialty_ids[code]}
                for agreement_id, codes in zip(ids, links, strict=True)
                for code in codes
            ],
        )
        self.counts["agreements"] = len(rows)

    def _agreement_row(
        self,
        school: int,
        enterprise: int,
        kind: CooperationKind,
        valid_from: date,
        status: AgreementStatus,
    ) -> dict[str, Any]:
        return {
            "school_id": self.school_ids[school],
            "enterprise_id": self.enterprise_ids[enterprise],
            "kind": kind,
            "valid_from": valid_from,
            "valid_to": date(valid_from.year + 3, 8, 31),
            "status": status,
            "proposed_by": self.rng.choice((Party.SCHOOL, Party.ENTERPRISE)),
        }

    # Preferences, rankings, users

    def _preferences(self) -> None:
        rng = self.rng
        order = list(range(len(self.slots)))
        rng.shuffle(order)
        # Zipf-like popularity: the slot at popularity position p weighs 1 / p^1.1.
        popularity = [0.0] * len(self.slots)
        for position, index in enumerate(order, start=1):
            popularity[index] = 1 / position**1.1
        open_by_cohort: dict[int, list[int]] = {}
        for cohort in self.cohorts:
            open_by_cohort[cohort.id] = [
                index
                for index, slot in enumerate(self.slots)
                if slot.status == SlotStatus.OPEN
                and cohort.specialty in slot.specialties
                and cohort.window_start <= slot.start_date <= cohort.window_end
            ]
        rows: list[dict[str, Any]] = []
        self.preferences: dict[int, list[int]] = {}  # student id → slot indexes by rank
        for student in self.students:
            if rng.random() < 0.1:  # some students have not chosen yet
                continue
            fits = [
                index
                for index in open_by_cohort[student.cohort.id]
                if self.slots[index].min_level <= student.skill_level + 1
                and (
                    not self.slots[index].certificate_required
                    or self.slots[index].occupation in student.certified
                )
            ]
            wanted = min(len(fits), rng.randint(3, 10))
            chosen = _weighted_sample(rng, fits, [popularity[i] for i in fits], wanted)
            self.preferences[student.id] = chosen
            rows.extend(
                {"student_id": student.id, "slot_id": self.slots[index].id, "rank": rank}
                for rank, index in enumerate(chosen, start=1)
            )
        _insert(self.session, StudentPreference, rows)
        self.counts["preferences"] = len(rows)

    def _rankings(self) -> None:
        rng = self.rng
        applicants: dict[int, list[int]] = {}
        for student_id, chosen in self.preferences.items():
            for index in chosen:
                applicants.setdefault(index, []).append(student_id)
        rows: list[dict[str, Any]] = []
        for index in sorted(applicants):
            if rng.random() >= 0.3:
                continue
            ranked = applicants[index][: self.slots[index].seats * 3]
            rng.shuffle(ranked)
            rank = 0
            for student_id in ranked:
                screened = rng.random() < 0.1
                rank += 0 if screened else 1
                rows.append(
                    {
                        "slot_id": self.slots[index].id,
                        "student_id": student_id,
                        "rank": None if screened else rank,
                        "screened_out": screened,
                    }
                )
        _insert(self.session, EnterpriseRanking, rows)
        self.counts["enterprise_rankings"] = len(rows)

    def _users(self) -> None:
        school = 0
        school_specialties = {c.specialty for c in self.cohorts if c.school == school}
        open_slots = [0] * len(self.enterprise_ids)
        for slot in self.slots:
            if slot.status == SlotStatus.OPEN and school_specialties.intersection(slot.specialties):
                open_slots[slot.enterprise] += 1
        partnered = [e for (s, e) in self.approved_pairs if s == school]
        enterprise = max(
            range(len(self.enterprise_ids)),
            key=lambda e: (
                self.enterprise_status[e] == VerificationStatus.VERIFIED,
                e in partnered,
                open_slots[e],
                -e,
            ),
        )
        self.demo_enterprise = enterprise
        theirs = {i for i, s in enumerate(self.slots) if s.enterprise == enterprise}
        own = [s for s in self.students if s.school == school]
        student = max(
            own,
            key=lambda s: (
                bool(theirs.intersection(self.preferences.get(s.id, []))),
                len(self.preferences.get(s.id, [])) >= 3,
                -s.id,
            ),
        )
        # The demo student has activated its account, which spends the invitation code.
        self.session.execute(
            update(Student).where(Student.id == student.id).values(invitation_code=None)
        )
        self._insert_users(
            [
                {
                    "email": DEMO_LOGINS["school"],
                    "display_name": "学校管理员（演示）",
                    "role": Role.SCHOOL,
                    "school_id": self.school_ids[school],
                },
                {
                    "email": DEMO_LOGINS["enterprise"],
                    "display_name": "企业HR（演示）",
                    "role": Role.ENTERPRISE,
                    "enterprise_id": self.enterprise_ids[enterprise],
                },
                {
                    "email": DEMO_LOGINS["student"],
                    "display_name": "学生（演示）",
                    "role": Role.STUDENT,
                    "student_id": student.id,
                },
                # After the admins: the season's parties sign as each organisation's first login.
                {
                    "email": DEMO_LOGINS["teacher"],
                    "display_name": "指导教师（演示）",
                    "role": Role.SCHOOL,
                    "staff_role": StaffRole.TEACHER,
                    "school_id": self.school_ids[school],
                },
                {
                    "email": DEMO_LOGINS["mentor"],
                    "display_name": "企业师傅（演示）",
                    "role": Role.ENTERPRISE,
                    "staff_role": StaffRole.MENTOR,
                    "enterprise_id": self.enterprise_ids[enterprise],
                },
            ]
        )
        self.counts["users"] = len(DEMO_LOGINS)

    # Employees, 名师带徒, education fund

    def _workforce(self) -> None:
        """Employees at the demo enterprise and a few other verified ones; mentors with
        agreements and allowances at the first two; an education-fund return for each."""
        others = [
            e
            for e, status in enumerate(self.enterprise_status)
            if status == VerificationStatus.VERIFIED and e != self.demo_enterprise
        ]
        chosen = [self.demo_enterprise, *others[: max(1, round(10 * self.scale))]]
        employers = [
            Employer(self.enterprise_ids[e], self.enterprise_names[e], self.headcounts[e])
            for e in chosen
        ]
        workforce = Workforce(self.session, self.rng, self.fake, self.keys, REFERENCE_DATE)
        self.counts.update(workforce.seed(employers, list(self.occupation_ids.values())))
