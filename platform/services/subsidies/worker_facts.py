"""Facts about a worker (a person employed by an enterprise), read from the platform's records.

Where a student's facts lean on declarations, a worker's come from the employment the
enterprise confirmed: the labour contract and social insurance dates, the hire date (on the
post, with the employer), the front-line flag, earlier employments in the district (continuous
work there, first job, newly introduced), and the person's trusted certificates. Only how a
certificate was obtained and when its training ended stay declarable, since no record of the
training exists unless the enterprise's own evaluation issued it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.models import (
    TRUSTED_CERTIFICATE,
    Award,
    Certificate,
    CertificateStatus,
    Employment,
    EmploymentStatus,
    Enterprise,
    Occupation,
    Person,
    Student,
    SubsidyPolicy,
)
from skillbridge.platform import policy as engine
from skillbridge.platform.policy.dates import age_in_years
from skillbridge.platform.services.directory import latest_enrolment
from skillbridge.platform.services.subsidies.facts import (
    BuiltFacts,
    FactsBuilder,
    lists_for,
    person_key,
)

_TRUST = {CertificateStatus.VERIFIED: "人社局已核验", CertificateStatus.IMPORTED: "鉴定机构名单"}
#: Employments that record real work with the enterprise (pending and rejected ones do not).
_WORKED = (EmploymentStatus.CONFIRMED, EmploymentStatus.ENDED)


def worker_key(session: Session, person: Person) -> str:
    """The once-only key's person: the student key when the person has a student record, so a
    graduate cannot claim once as a student and again as a worker."""
    student = latest_enrolment(session, person.id)
    return person_key(student.id) if student is not None else f"person-{person.id}"


def _district_history(
    session: Session, person: Person, region_id: int, employment: Employment
) -> tuple[date, bool]:
    """Start of the unbroken run of district work ending in `employment`, and whether no
    earlier district employment is on record (first job in the district)."""
    earlier = list(
        session.scalars(
            select(Employment)
            .join(Enterprise, Enterprise.id == Employment.enterprise_id)
            .where(Employment.person_id == person.id, Employment.id != employment.id)
            .where(Employment.status.in_(_WORKED), Enterprise.region_id == region_id)
            .where(Employment.hire_date < employment.hire_date)
            .order_by(Employment.hire_date.desc())
        )
    )
    since = employment.hire_date
    for job in earlier:
        # A gap of more than a day between two jobs breaks the run.
        if job.ended_on is not None and job.ended_on + timedelta(days=1) < since:
            break
        since = min(since, job.hire_date)
    return since, not earlier


def _contract_insured_since(employment: Employment, on_date: date) -> date | None:
    """The later of contract start and social insurance start, while the contract runs."""
    if employment.contract_start is None or employment.social_insurance_since is None:
        return None
    if employment.contract_end is not None and employment.contract_end < on_date:
        return None
    return max(employment.contract_start, employment.social_insurance_since)


def _route(b: FactsBuilder, certificate: Certificate, employer: Enterprise) -> str:
    if certificate.issuer.strip() == employer.name:
        b.row("取证途径", engine.TRAINING_ROUTES["in_house_evaluation"] + "（发证机构为本企业）",
              "derived")  # fmt: skip
        return str(b.pick("certificate_route", "in_house_evaluation"))
    route = b.pick("certificate_route", "social_appraisal")
    if "certificate_route" not in b.declared:
        b.row("取证途径", engine.TRAINING_ROUTES[route], "derived")
    return str(route)


def build_worker_facts(
    session: Session,
    policy: SubsidyPolicy,
    on_date: date,
    *,
    person: Person,
    employment: Employment,
    certificate: Certificate | None = None,
    declared: Mapping[str, Any] | None = None,
) -> BuiltFacts:
    """Facts about `person`, employed under `employment`, on `on_date`, and its employer."""
    b = FactsBuilder(session, policy, on_date, dict(declared or {}))
    shortage, designated = lists_for(session, policy, on_date)
    b.row(f"{on_date.year}年紧缺职业（工种）目录", "、".join(sorted(shortage)) or "无")
    b.row("指定职业（工种）", "、".join(sorted(designated)) or "未指定")
    employer = session.get_one(Enterprise, employment.enterprise_id)
    b.row("姓名", person.name)
    b.row("年龄", f"{age_in_years(person.birth_date, on_date)} 周岁（{on_date.isoformat()}）")
    student = latest_enrolment(session, person.id)
    if student is not None:
        b.row("户籍", f"{student.hukou_locality}（{'本地' if student.is_local else '外地'}）")
    else:
        b.row("户籍", "平台无户籍记录（按非本地计）", "derived")
    b.row("岗位", f"{employment.post}（{'一线' if employment.is_front_line else '非一线'}，"
          f"劳动关系#{employment.id}，企业已确认）")  # fmt: skip
    b.row("入职日期", employment.hire_date.isoformat())
    contract_since = _contract_insured_since(employment, on_date)
    b.row(
        "劳动合同和社会保险",
        f"合同{_day(employment.contract_start)}–{_day(employment.contract_end)}，"
        f"社保自{_day(employment.social_insurance_since)}",
    )
    district_since, first_job = _district_history(session, person, policy.region_id, employment)
    in_district = employer.region_id == policy.region_id
    b.row(
        "在本区企业连续工作起始日", district_since.isoformat() if in_district else "无", "derived"
    )
    b.row("首次在本区就业", "是（平台无此前本区就业记录）" if first_job else "否", "derived")
    held, subject = [], None
    rows = session.execute(
        select(Certificate, Occupation.code)
        .join(Occupation, Occupation.id == Certificate.occupation_id)
        .where(Certificate.person_id == person.id)
        .where(Certificate.status.in_(TRUSTED_CERTIFICATE))
        .order_by(Certificate.issued_on, Certificate.id)
    )
    for row, code in rows:
        is_subject = certificate is not None and row.id == certificate.id
        fact = engine.Certificate(
            code,
            engine.SKILL_LEVELS[row.level],
            row.issued_on,
            route=_route(b, row, employer) if is_subject else "social_appraisal",
            training_ended_on=b.pick("training_ended_on", None) if is_subject else None,
        )
        held.append(fact)
        subject = fact if is_subject else subject
        label = engine.SKILL_LEVEL_LABELS[fact.level]
        b.row(
            "证书",
            f"{code} {label} {row.issued_on.isoformat()}（证书#{row.id}，{_TRUST[row.status]}）",
        )
    if certificate is None:  # the claim is about the person: their highest level held
        current = [c for c in held if c.issued_on <= on_date]
        subject = max(current, key=lambda c: engine.SKILL_LEVELS.index(c.level), default=None)
    facts = engine.Facts(
        selection=_award(b, session, person, policy, on_date),
        person=engine.PersonFacts(
            worker_key(session, person),
            birth_date=person.birth_date,
            hukou_local=student.is_local if student is not None else False,
            certificates=tuple(held),
            contract_insured_since=contract_since,
            on_post_since=employment.hire_date,
            employer_since=employment.hire_date,
            district_work_since=district_since if in_district else None,
            first_job_in_district=first_job and in_district,
            newly_introduced=first_job and in_district,
            # The hire that made the person newly introduced is the introduction (002 二(一)1).
            introduced_on=employment.hire_date if first_job and in_district else None,
            front_line=employment.is_front_line,
            credit_record_active=_credit(b, student),
        ),
        employer=b.enterprise(employer),
        certificate=subject,
        shortage_occupations=shortage,
        designated_occupations=designated,
    )
    return BuiltFacts(facts, tuple(b.rows), b.declared)


def _award(
    b: FactsBuilder, session: Session, person: Person, policy: SubsidyPolicy, on_date: date
) -> engine.AwardSelection | None:
    """The person's latest award under `policy` up to `on_date`'s year, as a selection round
    recorded it (the panel's level and criterion)."""
    award = session.scalars(
        select(Award)
        .where(Award.person_id == person.id, Award.policy_code == policy.code)
        .where(Award.region_id == policy.region_id, Award.year <= on_date.year)
        .order_by(Award.year.desc(), Award.id.desc())
        .limit(1)
    ).first()
    if award is None:
        return None
    level = engine.SKILL_LEVELS[award.level] if award.level is not None else None
    b.row(
        "评选当选",
        f"{award.year}年当选（评选轮次#{award.round_id}，{award.awarded_on.isoformat()}认定）",
    )
    return engine.AwardSelection(policy.code, award.year, level=level, criterion=award.criterion)


def _credit(b: FactsBuilder, student: Student | None) -> bool:
    if student is None:
        b.row("诚信档案", "无在期失信记录（个人诚信档案按学籍登记）")
        return False
    return b.credit(student_id=student.id)


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else "未登记"
