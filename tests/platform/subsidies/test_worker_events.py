"""Worker-side policies raised from recorded events, with facts read from the records.

Employment confirmed → Wujiang introduction reward, settling and housing subsidies (002 二(一)1).
Certificate verified → Wujiang in-house training subsidy, training grant and technician-class
subsidy (002 二(一)2, 二(一)3, 二(二)2), Zhongkai training and appraisal subsidy (000 第六条(一)2),
Dalian enterprise training subsidy (003 二(一)).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from skillbridge.models import (
    CertificateStatus,
    ClaimStatus,
    EducationFundReturn,
    EmploymentStatus,
    Enterprise,
    Person,
    Role,
    SubsidyClaim,
    SubsidyPolicy,
    utcnow,
)
from skillbridge.platform.services.errors import Conflict
from skillbridge.platform.services.subsidies import claims as claims_module
from skillbridge.platform.services.subsidies.budgets import (
    install_region_policies,
    set_budget_allocation,
)
from skillbridge.platform.services.subsidies.claims import approve_claim, pay_claim
from skillbridge.platform.services.subsidies.sweep import raise_employment_claims
from skillbridge.platform.services.subsidies.workers import (
    on_certificate_verified,
    on_employment_confirmed,
)

from .conftest import TRAINING_GRANT

DAY = date(2025, 9, 1)


@pytest.fixture
def hire(session, factories, kit):  # type: ignore[no-untyped-def]
    """A worker of `enterprise` with a certificate of `level` in a shortage occupation."""

    def make(enterprise: Enterprise, level: int, birth: date = date(1985, 4, 1), **employment):  # type: ignore[no-untyped-def]
        occupation = factories.occupation()
        kit.shortage(enterprise.region_id, occupation)
        person = factories.person(birth=birth)
        job = factories.employment(person, enterprise, **employment)
        certificate = factories.certificate(person, occupation, level)
        session.commit()
        return person, job, certificate, occupation

    return make


def _facts(claim: SubsidyClaim) -> dict[str, tuple[str, str]]:
    return {f["label"]: (f["value"], f["source"]) for f in claim.evaluation["facts"]}


def _declared(claim: SubsidyClaim) -> set[str]:
    return {c["code"] for c in claim.evaluation["conditions"] if c["declared"]}


def test_confirmed_employment_raises_the_introduction_reward_after_six_months(
    session, installed, hire
) -> None:  # type: ignore[no-untyped-def]
    person, job, _, _ = hire(
        installed.enterprise, 3, hire_date=date(2025, 3, 1), contract_start=date(2025, 3, 1),
        social_insurance_since=date(2025, 3, 1),
    )  # fmt: skip
    assert on_employment_confirmed(session, job, date(2025, 8, 31)) == []  # 5 months
    assert raise_employment_claims(session, DAY) == 1  # the nightly sweep, 6 months on
    claim = session.scalar(select(SubsidyClaim))
    assert (claim.enterprise_id, claim.amount_yuan, claim.automatic) == (
        installed.enterprise.id, 2000, True,
    )  # fmt: skip
    facts = _facts(claim)
    assert facts["劳动合同和社会保险"] == (
        "合同2025-03-01–2026-12-31，社保自2025-03-01",
        "database",
    )
    assert facts["首次在本区就业"][1] == "derived"
    assert _declared(claim) == set()  # nothing declared: every fact is a record
    assert claim.evaluation["subject_person_id"] == person.id
    assert raise_employment_claims(session, DAY) == 0  # once only


def test_settling_subsidy_for_a_newly_introduced_senior_technician(
    session, installed, hire
) -> None:  # type: ignore[no-untyped-def]
    installed.enterprise.is_key_industry = True
    person, job, _, _ = hire(installed.enterprise, 5, birth=date(1976, 1, 1))
    raised = {c.evaluation["policy"]: c for c in on_employment_confirmed(session, job, DAY)}
    assert set(raised) == {"wujiang.settling_subsidy", "wujiang.introduction_reward"}
    settling = raised["wujiang.settling_subsidy"]
    assert (settling.person_id, settling.student_id, settling.amount_yuan) == (
        person.id, None, 150_000,
    )  # fmt: skip
    # The age at introduction (the hire on 2024-01-01, the 48th birthday: still 47周岁).
    assert any(
        "引进日2024-01-01 47周岁 ≤ 50周岁" == c["evidence"]
        for c in settling.evaluation["conditions"]
    )
    assert settling.once_only_key == f"wujiang.settling_subsidy:person-{person.id}"


@pytest.mark.parametrize(
    ("birth", "raised_too"), [(date(1974, 3, 1), True), (date(1974, 2, 28), False)]
)
def test_settling_subsidy_age_is_taken_on_the_hire_day(  # type: ignore[no-untyped-def]
    session, installed, hire, birth, raised_too
) -> None:
    """002 二(一)1 "重点产业企业新引进年龄在50周岁以下的…高级技师": the age on the day of
    introduction (the confirmed hire), not on the claim. Hired 2025-03-01 on the 51st birthday
    (still 50周岁, Civil Code art. 201), 51 by the claim on 2025-09-01: eligible. Born a day
    earlier, 51 on the hire day: refused, through the same path."""
    installed.enterprise.is_key_industry = True
    _, job, _, _ = hire(
        installed.enterprise, 5, birth=birth, hire_date=date(2025, 3, 1),
        contract_start=date(2025, 3, 1), social_insurance_since=date(2025, 3, 1),
    )  # fmt: skip
    raised = {c.evaluation["policy"]: c for c in on_employment_confirmed(session, job, DAY)}
    assert ("wujiang.settling_subsidy" in raised) is raised_too
    if raised_too:
        settling = raised["wujiang.settling_subsidy"]
        assert any(
            c["evidence"] == "引进日2025-03-01 50周岁 ≤ 50周岁"
            for c in settling.evaluation["conditions"]
        )
        assert _facts(settling)["年龄"][0] == "51 周岁（2025-09-01）"


def test_housing_subsidy_for_a_young_technician(session, installed, hire) -> None:  # type: ignore[no-untyped-def]
    person, job, _, _ = hire(installed.enterprise, 4, birth=date(1992, 1, 1))
    raised = {c.evaluation["policy"]: c for c in on_employment_confirmed(session, job, DAY)}
    assert raised["wujiang.housing_subsidy"].amount_yuan == 60_000
    assert raised["wujiang.housing_subsidy"].person_id == person.id


def test_an_earlier_district_job_means_not_newly_introduced(
    session, installed, hire, factories
) -> None:  # type: ignore[no-untyped-def]
    person, job, _, _ = hire(installed.enterprise, 4, birth=date(1992, 1, 1))
    earlier = factories.enterprise(installed.region)
    factories.employment(
        person, earlier, hire_date=date(2020, 1, 1), status=EmploymentStatus.ENDED,
        is_primary=False, ended_on=date(2023, 12, 31),
    )  # fmt: skip
    session.commit()
    assert on_employment_confirmed(session, job, DAY) == []
    job.status = EmploymentStatus.PENDING
    assert on_employment_confirmed(session, job, DAY) == []  # and nothing before confirmation


def test_in_house_certificate_raises_the_enterprise_subsidy(session, installed, hire) -> None:  # type: ignore[no-untyped-def]
    _, _, certificate, _ = hire(installed.enterprise, 4)
    assert on_certificate_verified(session, certificate, on_date=DAY) == []  # appraisal centre
    certificate.issuer = installed.enterprise.name  # the enterprise's own evaluation
    [claim] = on_certificate_verified(session, certificate, on_date=DAY)
    assert (claim.enterprise_id, claim.amount_yuan) == (installed.enterprise.id, 750)
    assert _facts(claim)["取证途径"][1] == "derived"
    certificate.status = CertificateStatus.DECLARED
    assert on_certificate_verified(session, certificate, on_date=DAY) == []


def test_training_grant_with_the_route_the_verifier_states(session, installed, hire, kit) -> None:  # type: ignore[no-untyped-def]
    person, _, certificate, occupation = hire(
        installed.enterprise, 4, contract_start=date(2022, 1, 1),
        social_insurance_since=date(2022, 6, 1),
    )  # fmt: skip
    kit.designate(installed.region.id, TRAINING_GRANT, occupation)
    raised = on_certificate_verified(
        session, certificate, on_date=DAY, route="designated_training",
        training_ended_on=date(2025, 5, 20),
    )  # fmt: skip
    [claim] = [c for c in raised if c.evaluation["policy"] == TRAINING_GRANT]
    assert (claim.person_id, claim.amount_yuan) == (person.id, 1500)
    assert _declared(claim) == {"certificate_route", "certificate_in_training_year"}
    insured = next(c for c in claim.evaluation["conditions"] if c["code"].startswith("local_"))
    assert not insured["declared"] and "39个月" in insured["evidence"]


def test_technician_class_subsidy(session, installed, hire) -> None:  # type: ignore[no-untyped-def]
    person, _, certificate, _ = hire(installed.enterprise, 4)
    raised = on_certificate_verified(session, certificate, on_date=DAY, route="technician_class")
    [claim] = [c for c in raised if c.evaluation["policy"] == "wujiang.technician_class_subsidy"]
    assert (claim.person_id, claim.amount_yuan) == (person.id, 2000)


IN_FORCE = date(2015, 9, 1)  # inside 第十条's term, 2014-05-09 to 2016-05-08


def _zhongkai_worker(session, factories, hire):  # type: ignore[no-untyped-def]
    region = factories.region(pack="zhongkai")
    install_region_policies(session, region)
    person, job, certificate, _ = hire(
        factories.enterprise(region), 4, hire_date=date(2015, 1, 5),
        contract_start=date(2015, 1, 5), social_insurance_since=date(2015, 1, 5),
    )  # fmt: skip
    certificate.issued_on = date(2015, 6, 1)
    session.commit()
    return person, certificate


def test_zhongkai_training_and_appraisal_subsidy(session, factories, hire) -> None:  # type: ignore[no-untyped-def]
    person, certificate = _zhongkai_worker(session, factories, hire)
    assert on_certificate_verified(session, certificate, on_date=IN_FORCE) == []  # route unknown
    [claim] = on_certificate_verified(
        session, certificate, on_date=IN_FORCE, route="district_programme"
    )
    assert (claim.evaluation["policy"], claim.person_id, claim.amount_yuan) == (
        "zhongkai.training_appraisal_subsidy", person.id, 1000,
    )  # fmt: skip


def test_zhongkai_raises_nothing_once_its_document_expired(session, factories, hire) -> None:  # type: ignore[no-untyped-def]
    """000 第十条 "自2014年5月9日起施行，有效期2年", no extension recorded: the same certificate
    and route that raise a claim in 2015 (the control above) raise none in 2016 after 05-08."""
    _, certificate = _zhongkai_worker(session, factories, hire)
    late = date(2016, 5, 9)
    assert (
        on_certificate_verified(session, certificate, on_date=late, route="district_programme")
        == []
    )


@pytest.mark.parametrize(
    ("decided", "refused"), [(date(2016, 5, 8), False), (date(2016, 5, 9), True)]
)
def test_an_expired_policy_is_not_approved_and_says_until_when(  # type: ignore[no-untyped-def]
    session, factories, hire, monkeypatch, decided, refused
) -> None:
    """A claim raised while the document was in force waits for the bureau; after the term's last
    day (2016-05-08) approving it is refused, naming the policy and the day it expired."""
    _, certificate = _zhongkai_worker(session, factories, hire)
    [claim] = on_certificate_verified(
        session, certificate, on_date=IN_FORCE, route="district_programme"
    )
    session.commit()
    policy = session.get_one(SubsidyPolicy, claim.policy_id)
    bureau = factories.user(Role.BUREAU, region_id=policy.region_id)
    assert policy.budget_id is not None
    set_budget_allocation(session, bureau, policy.budget_id, 10_000)  # the seed names no total
    monkeypatch.setattr(claims_module, "today", lambda: decided)
    if not refused:
        assert approve_claim(session, bureau, claim.id).status == ClaimStatus.APPROVED
        return
    with pytest.raises(Conflict) as caught:
        approve_claim(session, bureau, claim.id)
    assert caught.value.details == [
        "✘ 政策有效期 培训和鉴定费用补贴（仲恺高新区技能人才百千万工程实施办法）"
        "有效期2014-05-09至2016-05-08，已于2016-05-08届满，无延期记录"
        " (仲恺高新区技能人才百千万工程实施办法 第十条)"
    ]


def test_dalian_enterprise_subsidy_reads_the_education_fund_return(
    session, factories, hire
) -> None:  # type: ignore[no-untyped-def]
    region = factories.region(pack="dalian")
    install_region_policies(session, region)
    enterprise = factories.enterprise(region)
    _, _, certificate, _ = hire(enterprise, 3)
    verify = lambda: on_certificate_verified(  # noqa: E731
        session, certificate, on_date=DAY, route="promotion_training"
    )
    assert verify() == []  # no return filed: the fund is not shown to be extracted
    session.add(
        EducationFundReturn(
            enterprise_id=enterprise.id, year=2024, payroll_yuan=1_000_000, extracted_yuan=15_000,
            spent_yuan=10_000, front_line_yuan=7_000, mentoring_yuan=0, school_enterprise_yuan=0,
        )
    )  # fmt: skip
    session.flush()
    [claim] = verify()
    assert claim.enterprise_id == enterprise.id and claim.amount_yuan is None  # local schedule
    fund = _facts(claim)["职工教育经费"]
    assert fund[1] == "database" and "2024年申报" in fund[0]
    assert "employer_extracts_education_fund" not in _declared(claim)


def test_a_graduate_keeps_the_student_key(session, installed, factories, kit) -> None:  # type: ignore[no-untyped-def]
    student = installed.student
    person = session.get(Person, student.person_id)
    occupation = factories.occupation()
    kit.shortage(installed.region.id, occupation)
    installed.enterprise.is_key_industry = True
    job = factories.employment(person, installed.enterprise)
    factories.certificate(person, occupation, 4)
    session.commit()
    raised = {c.evaluation["policy"]: c for c in on_employment_confirmed(session, job, DAY)}
    assert "wujiang.housing_subsidy" in raised  # born 2005, 技师
    housing = raised["wujiang.housing_subsidy"]
    assert (housing.student_id, housing.person_id) == (student.id, None)
    assert housing.once_only_key == f"wujiang.housing_subsidy:student-{student.id}"


def test_the_worker_sees_its_claim_and_the_bureau_decides_it(
    session, installed, hire, factories, login_as
) -> None:  # type: ignore[no-untyped-def]
    person, job, _, _ = hire(installed.enterprise, 4, birth=date(1992, 1, 1))
    raised = {c.evaluation["policy"]: c for c in on_employment_confirmed(session, job, DAY)}
    housing = raised["wujiang.housing_subsidy"]
    worker = factories.user(Role.WORKER, person_id=person.id)
    other, other_job, _, _ = hire(installed.enterprise, 4, birth=date(1993, 1, 1))
    stranger = factories.user(Role.WORKER, person_id=other.id)
    # The employer confirms after the accounts exist: only then do the workers' pages open.
    job.confirmed_at = other_job.confirmed_at = utcnow()
    session.commit()
    assert login_as(worker).get(f"/subsidies/claims/{housing.id}").status_code == 200
    assert login_as(stranger).get(f"/subsidies/claims/{housing.id}").status_code == 404
    queue = login_as(installed.users["bureau"]).get("/subsidies/review").get_data(as_text=True)
    assert f"职工 · {person.name}" in queue
    approved = approve_claim(session, installed.users["bureau"], housing.id)
    assert approved.status == ClaimStatus.APPROVED and approved.person_id == person.id
    pay_claim(session, installed.users["bureau"], housing.id)
    session.commit()
    bureau = login_as(installed.users["bureau"])
    exported = bureau.get("/subsidies/exports/paid.csv").get_data(as_text=True)
    assert f"个人,{person.name},{person.national_id_masked},60000" in exported
    listed = bureau.get("/bureau/dashboard/lists/paid_claims").get_data(as_text=True)
    assert person.name in listed


def test_the_database_keeps_one_beneficiary_per_claim(session, installed, hire) -> None:  # type: ignore[no-untyped-def]
    person, job, _, _ = hire(installed.enterprise, 4, birth=date(1992, 1, 1))
    [claim, *_] = [c for c in on_employment_confirmed(session, job, DAY) if c.person_id is not None]
    session.commit()
    claim.student_id = installed.student.id  # a worker's claim paying a student as well
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    claim.student_id = None
    session.flush()  # the positive control: the worker alone
