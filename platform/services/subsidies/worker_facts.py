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
    age_row,
    certificate_row,
    hukou_row,
    lists_for,
    person_key,
    shortage_list_label,
)
from skillbridge.platform.text import N_

_TRUST = {
    CertificateStatus.VERIFIED: N_("人社局已核验"),
    CertificateStatus.IMPORTED: N_("鉴定机构名单"),
}
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
        b.row(
            N_("取证途径"),
            N_(
                "%(route)s（发证机构为本企业）",
                route=engine.TRAINING_ROUTES["in_house_evaluation"],
            ),
            "derived",
        )
        return str(b.pick("certificate_route", "in_house_evaluation"))
    route = b.pick("certificate_route", "social_appraisal")
    if "certificate_route" not in b.declared:
        b.row(N_("取证途径"), engine.TRAINING_ROUTES[route], "derived")
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
    b.row(shortage_list_label(on_date.year), "、".join(sorted(shortage)) or N_("无"))
    b.row(N_("指定职业（工种）"), "、".join(sorted(designated)) or N_("未指定"))
    employer = session.get_one(Enterprise, employment.enterprise_id)
    b.row(N_("姓名"), person.name)
    b.row(N_("年龄"), age_row(age_in_years(person.birth_date, on_date), on_date))
    student = latest_enrolment(session, person.id)
    if student is not None:
        b.row(N_("户籍"), hukou_row(student.hukou_locality, student.is_local))
    else:
        b.row(N_("户籍"), N_("平台无户籍记录（按非本地计）"), "derived")
    b.row(
        N_("岗位"),
        N_("%(post)s（一线，劳动关系#%(id)d，企业已确认）", post=employment.post, id=employment.id)
        if employment.is_front_line
        else N_(
            "%(post)s（非一线，劳动关系#%(id)d，企业已确认）",
            post=employment.post,
            id=employment.id,
        ),
    )
    b.row(N_("入职日期"), employment.hire_date.isoformat())
    contract_since = _contract_insured_since(employment, on_date)
    b.row(
        N_("劳动合同和社会保险"),
        N_(
            "合同%(start)s–%(end)s，社保自%(insured)s",
            start=_day(employment.contract_start),
            end=_day(employment.contract_end),
            insured=_day(employment.social_insurance_since),
        ),
    )
    district_since, first_job = _district_history(session, person, policy.region_id, employment)
    in_district = employer.region_id == policy.region_id
    b.row(
        N_("在本区企业连续工作起始日"),
        district_since.isoformat() if in_district else N_("无"),
        "derived",
    )
    b.row(
        N_("首次在本区就业"),
        N_("是（平台无此前本区就业记录）") if first_job else N_("否"),
        "derived",
    )
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
            N_("证书"),
            certificate_row(code, label, row.issued_on, row.id, _TRUST[row.status]),
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
        N_("评选当选"),
        N_(
            "%(year)d年当选（评选轮次#%(round)d，%(day)s认定）",
            year=award.year,
            round=award.round_id,
            day=award.awarded_on.isoformat(),
        ),
    )
    return engine.AwardSelection(policy.code, award.year, level=level, criterion=award.criterion)


def _credit(b: FactsBuilder, student: Student | None) -> bool:
    if student is None:
        b.row(N_("诚信档案"), N_("无在期失信记录（个人诚信档案按学籍登记）"))
        return False
    return b.credit(student_id=student.id)


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else N_("未登记")
