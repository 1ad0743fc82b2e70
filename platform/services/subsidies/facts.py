"""Facts for the eligibility engine, built from the database plus what a claimant declares.

What the database supplies: a student's birth date, hukou (本地/外地), certificates (occupation,
level, date), roster enrolment (full-time, the cohort's programme level, the specialty's
occupations), placements (employer, the day it took up the post), school–enterprise
cooperation (an approved agreement between the student's school and the employer), the
region's shortage list for the claim year, the occupations the bureau designated for the policy,
enterprises' district and the claim year's key-industry record, the school's designation and
education-base membership for the claim year when the bureau recorded them (reference_data), whether an enterprise extracts and uses its
education fund (its filed return of this or last year), and active credit records (R6).
A worker's facts come from the employment its enterprise confirmed (see worker_facts).

What it cannot supply yet, so the claim form lets the claimant declare it (``DECLARABLE``):
labour contract plus social insurance (no social-insurance feed; an apprenticeship placement
implies it from its start, since 企业新型学徒制 requires a contract of a year or more), service with the employer and
in district enterprises, first job in the district, newly introduced talent, front-line post,
how a certificate was obtained (its training route, unless school–enterprise cooperation shows
it) and when that training ended, the school's designation and education-base status (when the bureau kept no record for the year), and
whether an enterprise extracts its education fund when it filed no return. Declared values are kept in the claim's
evaluation snapshot with ``source = "declared"``, and every condition that read one is marked.
Award selections are recorded by selection rounds and read from the person's awards (see
worker_facts); competitions are read from their record (see competition_facts); training
courses are not recorded yet, so policies triggered by them (培训项目) cannot be claimed here;
apprenticeship programmes are, and their completion is passed in as programme facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from skillbridge.models import (
    SEAT_HOLDING,
    TRUSTED_CERTIFICATE,
    AgreementStatus,
    Certificate,
    CertificateStatus,
    Cohort,
    CooperationAgreement,
    EducationLevel,
    Enterprise,
    Occupation,
    Placement,
    School,
    Slot,
    SlotKind,
    Specialty,
    Student,
    SubsidyPolicy,
)
from skillbridge.platform import policy as engine
from skillbridge.platform.policy.dates import age_in_years
from skillbridge.platform.services.credit import active_credit_record
from skillbridge.platform.services.errors import InvalidInput
from skillbridge.platform.services.evaluations.outcomes import host_hire_of, with_labour_contract
from skillbridge.platform.services.mentoring.fund_returns import latest_return
from skillbridge.platform.services.packs import placement_rules_for
from skillbridge.platform.services.reference_data import yearly
from skillbridge.platform.text import N_


@dataclass(frozen=True)
class Declarable:
    """A fact the claimant may declare: its label, value kind and who it describes."""

    label_zh: str
    kind: str  # "date", "bool" or "route"
    about: str  # "person", "student", "certificate" or "enterprise"


DECLARABLE: dict[str, Declarable] = {
    "contract_insured_since": Declarable(N_("劳动合同和社会保险连续缴纳起始日"), "date", "person"),
    "employer_since": Declarable(N_("本单位连续工作起始日"), "date", "person"),
    "district_work_since": Declarable(N_("在本区企业连续工作起始日"), "date", "person"),
    "first_job_in_district": Declarable(N_("首次在本区就业"), "bool", "person"),
    "newly_introduced": Declarable(N_("新引进人才"), "bool", "person"),
    "front_line": Declarable(N_("在企业一线岗位工作"), "bool", "person"),
    "certificate_route": Declarable(N_("取证途径"), "route", "certificate"),
    "training_ended_on": Declarable(N_("培训结业日期"), "date", "certificate"),
    "designated_school": Declarable(N_("就读院校为指定院校"), "bool", "student"),
    "in_education_base": Declarable(N_("院校在职业教育基地内"), "bool", "student"),
    "extracts_education_fund": Declarable(
        N_("企业按规定提取使用职工教育经费"), "bool", "enterprise"
    ),
}

#: The facts each condition (or trigger) reads that a claimant may have declared.
CONDITION_FACTS: dict[str, tuple[str, ...]] = {
    "contract_insured_months": ("contract_insured_since",),
    "contract_and_insurance": ("contract_insured_since",),
    "local_hukou_or_insured_months": ("contract_insured_since",),
    "trigger.talent_introduced": ("contract_insured_since",),
    "min_employer_service_years": ("employer_since",),
    "trigger.service_years_reached": ("employer_since",),
    "min_district_service_years": ("district_work_since",),
    "first_job_in_district": ("first_job_in_district",),
    "newly_introduced": ("newly_introduced",),
    "front_line_post": ("front_line",),
    "certificate_route": ("certificate_route",),
    "certificate_in_training_year": ("training_ended_on",),
    "designated_school": ("designated_school",),
    "school_in_education_base": ("in_education_base",),
    "employer_extracts_education_fund": ("extracts_education_fund",),
}

#: A cohort's programme level as the ladder level it trains to (高职 trains to 高级工).
TRACK_LEVELS = {
    EducationLevel.SECONDARY: "intermediate",
    EducationLevel.SENIOR: "senior",
    EducationLevel.PRE_TECHNICIAN: "technician",
    EducationLevel.HIGHER: "senior",
}


def parse_declared(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validate declared values (dates as ISO strings or dates, booleans, routes)."""
    declared: dict[str, Any] = {}
    problems = []
    for name, value in raw.items():
        spec = DECLARABLE.get(name)
        if spec is None:
            problems.append(N_("不能声明的事项：%(name)s", name=name))
        elif value is None or value == "":
            continue
        elif spec.kind == "date":
            try:
                declared[name] = value if isinstance(value, date) else date.fromisoformat(value)
            except (TypeError, ValueError):
                problems.append(N_("%(label)s：日期格式应为 YYYY-MM-DD", label=spec.label_zh))
        elif spec.kind == "bool":
            if not isinstance(value, bool):
                problems.append(N_("%(label)s：应为是或否", label=spec.label_zh))
            else:
                declared[name] = value
        elif value not in engine.TRAINING_ROUTES:
            problems.append(N_("%(label)s：未知的取证途径", label=spec.label_zh))
        else:
            declared[name] = value
    if problems:
        raise InvalidInput(problems[0], details=problems)
    return declared


def declared_for_snapshot(declared: Mapping[str, Any]) -> dict[str, Any]:
    """Declared values as JSON-ready data."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in declared.items()}


@dataclass(frozen=True)
class FactRow:
    """One fact shown with a claim: what, its value, and where it came from."""

    label_zh: str
    value: str
    source: str  # "database", "derived" or "declared"


@dataclass(frozen=True)
class BuiltFacts:
    """Engine facts with their provenance."""

    facts: engine.Facts
    rows: tuple[FactRow, ...]
    declared: Mapping[str, Any]

    def declared_conditions(self, codes: list[str]) -> set[str]:
        """The condition codes among `codes` that read a declared fact."""
        return {c for c in codes if any(f in self.declared for f in CONDITION_FACTS.get(c, ()))}


def person_key(student_id: int) -> str:
    return f"student-{student_id}"


def enterprise_key(enterprise_id: int) -> str:
    return f"enterprise-{enterprise_id}"


def school_key(school_id: int) -> str:
    return f"school-{school_id}"


def _yes(value: bool) -> str:
    return N_("是") if value else N_("否")


class FactsBuilder:
    """Collects facts and their provenance rows for one evaluation."""

    def __init__(
        self, session: Session, policy: SubsidyPolicy, on_date: date, declared: Mapping[str, Any]
    ) -> None:
        self.session = session
        self.policy = policy
        self.on_date = on_date
        self.declared = declared
        self.rows: list[FactRow] = []

    def row(self, label: str, value: object, source: str = "database") -> None:
        self.rows.append(FactRow(label, value if isinstance(value, str) else str(value), source))

    def pick(
        self, name: str, default: Any, label: str | None = None, source: str = "database"
    ) -> Any:
        """A declared value when there is one, else `default` (shown only when given a label)."""
        if name in self.declared:
            value = self.declared[name]
            self.row(DECLARABLE[name].label_zh, _shown(value), "declared")
            return value
        if label is not None:
            self.row(label, _shown(default), source)
        return default

    def credit(
        self,
        *,
        student_id: int | None = None,
        enterprise_id: int | None = None,
        school_id: int | None = None,
    ) -> bool:
        record = active_credit_record(
            self.session,
            self.on_date,
            student_id=student_id,
            enterprise_id=enterprise_id,
            school_id=school_id,
        )
        self.row(
            N_("诚信档案"),
            N_("在期失信记录#%(id)d", id=record.id) if record else N_("无在期失信记录"),
        )
        return record is not None

    def enterprise(self, enterprise: Enterprise | None) -> engine.EnterpriseFacts | None:
        if enterprise is None:
            return None
        in_district = enterprise.region_id == self.policy.region_id
        self.row(
            N_("企业"),
            N_("%(name)s（本区企业）", name=enterprise.name)
            if in_district
            else N_("%(name)s（外区企业）", name=enterprise.name),
        )
        key_industry = yearly.is_key_industry(self.session, enterprise, self.on_date.year)
        self.row(N_("%(year)d年重点产业企业", year=self.on_date.year), _yes(key_industry))
        return engine.EnterpriseFacts(
            enterprise_key(enterprise.id),
            in_district=in_district,
            key_industry=key_industry,
            extracts_education_fund=self.education_fund(enterprise),
            credit_record_active=self.credit(enterprise_id=enterprise.id),
        )

    def education_fund(self, enterprise: Enterprise) -> bool:
        """From the enterprise's education-fund return of this or last year when it filed one
        (a record beats a declaration); declared, or no, otherwise."""
        fund = latest_return(self.session, enterprise, self.on_date.year)
        if fund is None or fund.year < self.on_date.year - 1:
            return bool(self.pick("extracts_education_fund", False))
        rules = placement_rules_for(self.session, self.policy.region_id)
        rate = rules.education_fund_payroll_rate
        share = rules.education_fund_front_line_min_share
        # Exact decimals: a return exactly at the figure meets it.
        extracted = fund.extracted_yuan > 0 and (
            rate is None or fund.extracted_yuan >= fund.payroll_yuan * rate.ratio
        )
        used = share is None or fund.front_line_yuan >= fund.spent_yuan * share.ratio
        self.row(
            N_("职工教育经费"),
            N_(
                "%(year)d年申报：工资总额%(payroll)s元，提取%(extracted)s元，"
                "使用%(spent)s元，其中一线职工%(front_line)s元（申报#%(id)d）",
                year=fund.year,
                payroll=fund.payroll_yuan,
                extracted=fund.extracted_yuan,
                spent=fund.spent_yuan,
                front_line=fund.front_line_yuan,
                id=fund.id,
            ),
        )
        return extracted and used


def shortage_list_label(year: int) -> str:
    """The label of the row that lists a year's shortage occupations."""
    return N_("%(year)d年紧缺职业（工种）目录", year=year)


def age_row(age: int, on_date: date) -> str:
    """An age as a fact row shows it: the age, not the birth date."""
    return N_("%(age)d 周岁（%(day)s）", age=age, day=on_date.isoformat())


def hukou_row(locality: str, is_local: bool) -> str:
    """A hukou locality as a fact row shows it, local or not."""
    if is_local:
        return N_("%(locality)s（本地）", locality=locality)
    return N_("%(locality)s（外地）", locality=locality)


def certificate_row(
    code: str, label: str, issued_on: date, certificate_id: int, trust: str | None
) -> str:
    """A certificate as a fact row shows it; ``trust`` says whose record it is, if said."""
    if trust is None:
        return N_(
            "%(code)s %(label)s %(issued)s（证书#%(id)d）",
            code=code,
            label=label,
            issued=issued_on.isoformat(),
            id=certificate_id,
        )
    return N_(
        "%(code)s %(label)s %(issued)s（证书#%(id)d，%(trust)s）",
        code=code,
        label=label,
        issued=issued_on.isoformat(),
        id=certificate_id,
        trust=trust,
    )


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return _yes(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return N_("无")
    return engine.TRAINING_ROUTES.get(str(value), str(value))


def _certificate_rows(session: Session, student_id: int) -> list[tuple[Certificate, str]]:
    return list(
        session.execute(
            select(Certificate, Occupation.code)
            .join(Occupation, Occupation.id == Certificate.occupation_id)
            .join(Student, Student.person_id == Certificate.person_id)
            .where(Student.id == student_id)
            # A certificate the bureau rejected is no fact at all.
            .where(Certificate.status != CertificateStatus.REJECTED)
            .order_by(Certificate.issued_on, Certificate.id)
        )
    )


def current_placement(
    session: Session, student_id: int, on_date: date, enterprise_id: int | None = None
) -> Placement | None:
    """The student's latest seat-holding placement started by `on_date` (at `enterprise_id`)."""
    query = (
        select(Placement)
        .join(Slot, Slot.id == Placement.slot_id)
        .where(Placement.student_id == student_id)
        .where(Placement.status.in_(SEAT_HOLDING))
        .where(Placement.start_date <= on_date)
        .order_by(Placement.start_date.desc(), Placement.id.desc())
        .limit(1)
    )
    if enterprise_id is not None:
        query = query.where(Slot.enterprise_id == enterprise_id)
    return session.scalar(query)


def _cooperation(session: Session, school_id: int, enterprise_id: int, on: date) -> bool:
    return (
        session.scalar(
            select(CooperationAgreement.id)
            .where(CooperationAgreement.school_id == school_id)
            .where(CooperationAgreement.enterprise_id == enterprise_id)
            .where(CooperationAgreement.status == AgreementStatus.APPROVED)
            .where(and_(CooperationAgreement.valid_from <= on, CooperationAgreement.valid_to >= on))
            .limit(1)
        )
        is not None
    )


def lists_for(
    session: Session, policy: SubsidyPolicy, on_date: date
) -> tuple[frozenset, frozenset]:
    """The region's shortage occupations for the claim year and the policy's designated ones."""
    shortage = yearly.shortage_codes(session, policy.region_id, on_date.year)
    return shortage, frozenset(policy.designated_occupations or ())


def build_facts(
    session: Session,
    policy: SubsidyPolicy,
    on_date: date,
    *,
    student: Student | None = None,
    enterprise: Enterprise | None = None,
    school: School | None = None,
    certificate: Certificate | None = None,
    placement: Placement | None = None,
    programme: engine.ProgrammeFacts | None = None,
    competition: engine.CompetitionFacts | None = None,
    declared: Mapping[str, Any] | None = None,
) -> BuiltFacts:
    """Facts about the claim's subjects on `on_date`.

    `student` is the person the claim is about (the beneficiary of a person policy, or the
    employee of an enterprise policy); `enterprise` the claiming enterprise or, when omitted,
    the host of the student's placement; `certificate` the certificate claimed for (else the
    student's highest certificate held on `on_date`); `programme` the apprenticeship completed;
    `competition` the competition an organiser claims for (see competition_facts).
    """
    b = FactsBuilder(session, policy, on_date, dict(declared or {}))
    shortage, designated = lists_for(session, policy, on_date)
    b.row(shortage_list_label(on_date.year), "、".join(sorted(shortage)) or N_("无"))
    b.row(N_("指定职业（工种）"), "、".join(sorted(designated)) or N_("未指定"))
    person = subject_cert = employer = None
    if student is not None:
        if placement is None:
            placement = current_placement(
                session, student.id, on_date, enterprise.id if enterprise else None
            )
        if enterprise is None and placement is not None:
            enterprise = session.get_one(
                Enterprise, session.get_one(Slot, placement.slot_id).enterprise_id
            )
        person, subject_cert = _person(b, student, enterprise, certificate, placement)
    employer = b.enterprise(enterprise)
    if programme is not None:
        b.row(
            N_("学徒培养"),
            N_(
                "%(programme)s（%(occupation)s）",
                programme=programme.programme_id,
                occupation=programme.occupation_code,
            ),
        )
        if programme.completed:
            b.row(N_("结业考核合格"), programme.held_on.isoformat())
    if competition is not None:
        b.row(
            N_("竞赛"),
            N_(
                "%(competition)s（%(occupation)s，%(start)s至%(end)s）",
                competition=competition.competition_id,
                occupation=competition.occupation_code,
                start=competition.starts_on.isoformat(),
                end=competition.ended_on.isoformat(),
            ),
        )
        b.row(
            N_("参赛人数"),
            N_("%(n)d人（参赛名单记录）", n=competition.participants),
        )
    if student is None and certificate is not None:
        b.row(
            N_("证书"),
            N_(
                "%(number)s（%(issuer)s，%(status)s）",
                number=certificate.number,
                issuer=certificate.issuer,
                status=certificate.status.value,
            ),
        )
    school_facts = None
    if school is not None:
        b.row(N_("学校"), school.name)
        school_facts = engine.SchoolFacts(
            school_key(school.id), credit_record_active=b.credit(school_id=school.id)
        )
    facts = engine.Facts(
        person=person,
        employer=employer,
        school=school_facts,
        certificate=subject_cert,
        programme=programme,
        competition=competition,
        shortage_occupations=shortage,
        designated_occupations=designated,
    )
    return BuiltFacts(facts, tuple(b.rows), b.declared)


def _school_designation(b: FactsBuilder, school_id: int) -> dict[str, bool]:
    """The bureau's record of the school for the claim year beats a declaration; without one,
    the claimant declares it (or it is no)."""
    record = yearly.school_designation(b.session, school_id, b.on_date.year)
    if record is None:
        return {
            "designated_school": b.pick("designated_school", False),
            "in_education_base": b.pick("in_education_base", False),
        }
    year = b.on_date.year
    b.row(N_("%(year)d年指定院校（人社局记录）", year=year), _yes(record.designated))
    b.row(N_("%(year)d年职业教育基地院校（人社局记录）", year=year), _yes(record.education_base))
    return {"designated_school": record.designated, "in_education_base": record.education_base}


def _contract_since(b: FactsBuilder, placement: Placement | None) -> date | None:
    """Declared, or the start of an apprenticeship: 企业新型学徒制 requires a labour contract of at
    least a year with social insurance, so an apprentice's post starts its contract run."""
    slot = b.session.get(Slot, placement.slot_id) if placement is not None else None
    if placement is None or slot is None or slot.kind != SlotKind.APPRENTICESHIP:
        return b.pick("contract_insured_since", None)
    return b.pick(
        "contract_insured_since",
        placement.start_date,
        N_("劳动合同和社会保险（学徒岗位）"),
        "derived",
    )


def _person(
    b: FactsBuilder,
    student: Student,
    employer: Enterprise | None,
    certificate: Certificate | None,
    placement: Placement | None,
) -> tuple[engine.PersonFacts, engine.Certificate | None]:
    session, on_date = b.session, b.on_date
    b.row(N_("姓名"), student.name)
    # The age, not the birth date: this explanation is read by enterprises too (README table).
    b.row(N_("年龄"), age_row(age_in_years(student.birth_date, on_date), on_date))
    b.row(N_("户籍"), hukou_row(student.hukou_locality, student.is_local))
    cooperating = (
        employer is not None
        and placement is not None
        and _cooperation(session, student.school_id, employer.id, placement.start_date)
    )
    on_post = contract_since = None
    if placement is not None:
        on_post = placement.start_date
        # ── evaluations ── the recorded outcome: a confirmed hire by the host is the post
        # (上岗) and, with a labour contract and social insurance, the contract run.
        hire = host_hire_of(session, placement.id)
        if hire is not None and hire.started_on is not None:
            on_post = hire.started_on
            b.row(
                N_("录用（就业去向）"),
                N_(
                    "%(employer)s %(day)s 起（企业已确认）",
                    employer=hire.employer_name,
                    day=on_post.isoformat(),
                ),
            )
            if with_labour_contract(hire):
                contract_since = b.pick(
                    "contract_insured_since", on_post, N_("劳动合同和社会保险（录用）"), "database"
                )
        b.row(
            N_("上岗日期"),
            N_("%(day)s（岗位#%(id)d）", day=on_post.isoformat(), id=placement.id),
        )
        b.row(
            N_("校企合作培养"),
            N_("是（学校与企业有已批准的合作协议）") if cooperating else N_("否"),
            "derived",
        )
    route = "school_enterprise" if cooperating else "social_appraisal"
    route = b.pick("certificate_route", route)
    training_end = b.pick("training_ended_on", None)
    held, subject = [], None
    for row, code in _certificate_rows(session, student.id):
        is_subject = certificate is not None and row.id == certificate.id
        fact = engine.Certificate(
            code,
            engine.SKILL_LEVELS[row.level],
            row.issued_on,
            route=route if is_subject or certificate is None else "social_appraisal",
            training_ended_on=training_end if is_subject or certificate is None else None,
        )
        held.append(fact)
        if is_subject:
            subject = fact
        label = engine.SKILL_LEVEL_LABELS[fact.level]
        # Only a verified or imported certificate is the bureau's record; one the school or the
        # holder entered stands as declared until the bureau verifies it.
        trusted = row.status in TRUSTED_CERTIFICATE
        b.row(
            N_("证书"),
            certificate_row(
                code, label, row.issued_on, row.id, None if trusted else N_("自报未核验")
            ),
            "database" if trusted else "declared",
        )
    if certificate is None:
        current = [c for c in held if c.issued_on <= on_date]
        subject = max(current, key=lambda c: engine.SKILL_LEVELS.index(c.level), default=None)
    if subject is not None and "certificate_route" not in b.declared:
        b.row(N_("取证途径"), engine.TRAINING_ROUTES[subject.route], "derived")
    cohort = session.get_one(Cohort, student.cohort_id)
    specialty = session.get_one(Specialty, cohort.specialty_id)
    occupations = tuple(o.code for o in specialty.occupations)
    b.row(
        N_("在籍"),
        N_("%(cohort)s（%(specialty)s，全日制）", cohort=cohort.name, specialty=specialty.name),
        "derived",
    )
    student_facts = engine.StudentFacts(
        full_time=True,
        track_level=TRACK_LEVELS[cohort.level],
        specialty_occupations=occupations,
        **_school_designation(b, student.school_id),
    )
    person = engine.PersonFacts(
        person_key(student.id),
        birth_date=student.birth_date,
        hukou_local=student.is_local,
        certificates=tuple(held),
        contract_insured_since=contract_since or _contract_since(b, placement),
        on_post_since=on_post,
        employer_since=b.pick("employer_since", None),
        district_work_since=b.pick("district_work_since", None),
        first_job_in_district=b.pick("first_job_in_district", False),
        newly_introduced=b.pick("newly_introduced", False),
        front_line=b.pick("front_line", False),
        credit_record_active=b.credit(student_id=student.id),
        student=student_facts,
    )
    return person, subject
