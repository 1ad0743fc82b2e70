"""Registry of the conditions and triggers a policy pack may name, each with its evaluator."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from skillbridge.platform.text import CLAUSES, N_, SERIES, Text, bilingual, join

from .dates import age_in_years, completed_years, months_between
from .facts import SKILL_LEVEL_LABELS, SKILL_LEVELS, TRAINING_ROUTES, Facts, level_rank

__all__ = [
    "CONDITIONS",
    "EVENT_KINDS",
    "TRIGGERS",
    "Check",
    "ConditionOutcome",
    "ConditionRef",
    "Context",
    "ParamError",
    "Reading",
    "Ruling",
    "parse_condition",
]


@dataclass(frozen=True)
class ConditionOutcome:
    """One condition's result, with the evidence used and the article it comes from."""

    code: str
    label_zh: str
    label_en: str
    passed: bool
    evidence: str
    citation: str

    @property
    def label(self) -> Text:
        """The condition's label in either language."""
        return bilingual(self.label_zh, self.label_en)

    def display_zh(self) -> str:
        """Render the outcome for the UI, e.g. ``✔ 年龄 38周岁 ≤ 40周岁 (吴政规字… 二(二)2)``."""
        return N_(
            "%(mark)s %(label)s %(evidence)s (%(citation)s)",
            mark="✔" if self.passed else "✘",
            label=self.label,
            evidence=self.evidence,
            citation=self.citation,
        )


@dataclass(frozen=True)
class Context:
    """What an evaluator sees: the facts, the reference date and the policy evaluated."""

    facts: Facts
    on_date: date
    policy_id: str


@dataclass(frozen=True)
class ConditionRef:
    """A condition as a pack names it: registry code, validated parameters, optional citation."""

    code: str
    params: Params
    citation: str | None = None


class ParamError(ValueError):
    """A condition or trigger table is malformed; ``field`` names the offending key."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


#: Parameters of one condition, each already checked against its kind by parse_params().
Params = Mapping[str, Any]
Evaluator = Callable[[Params, Context], tuple[bool, str]]


@dataclass(frozen=True)
class Check:
    """A registered condition or trigger: labels, parameter kinds and its evaluator."""

    code: str
    label_zh: str
    label_en: str
    params: Mapping[str, str]
    evaluate: Evaluator
    #: For triggers: the platform event that makes the policy relevant.
    event_kind: str | None = None
    #: Values of the parameters a pack may leave out.
    defaults: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))


def _levels_zh(levels: Iterable[str]) -> Text:
    return join(SERIES, (SKILL_LEVEL_LABELS[level] for level in levels))


def _no(what: str) -> tuple[bool, str]:
    return False, N_("无%(what)s", what=what)


def _flag(value: bool, yes: str, no: str) -> tuple[bool, str]:
    return value, yes if value else no


# --- person ------------------------------------------------------------------------------------
# 以下/以上 include the number (Civil Code art. 1259): "40周岁以下" is age <= 40, "3年以上" >= 3.


#: The days an age bound can be taken on (a pack condition's ``age_on``), with their labels.
#: 002 二(一)1 "新引进年龄在50周岁以下" is the age at introduction; the default is the claim date.
AGE_REFERENCE_DATES: Mapping[str, str] = MappingProxyType(
    {"claim": N_("申报日"), "introduced": N_("引进日")}
)


def _age_on(p: Params, ctx: Context) -> tuple[int, str] | tuple[None, str]:
    """The person's age on the day the condition names, with that day for the evidence."""
    person = ctx.facts.person
    if person is None or person.birth_date is None:
        return None, N_("无出生日期")
    day = ctx.on_date if p["age_on"] == "claim" else person.introduced_on
    if day is None:
        return None, N_("无引进日期")
    label = AGE_REFERENCE_DATES[p["age_on"]]
    return age_in_years(person.birth_date, day), N_(
        "%(label)s%(day)s", label=label, day=day.isoformat()
    )


def _age_max(p: Params, ctx: Context) -> tuple[bool, str]:
    age, day = _age_on(p, ctx)
    if age is None:
        return False, day
    return age <= p["years"], N_(
        "%(day)s %(age)d周岁 ≤ %(years)d周岁", day=day, age=age, years=p["years"]
    )


def _age_min(p: Params, ctx: Context) -> tuple[bool, str]:
    age, day = _age_on(p, ctx)
    if age is None:
        return False, day
    return age >= p["years"], N_(
        "%(day)s %(age)d周岁 ≥ %(years)d周岁", day=day, age=age, years=p["years"]
    )


def _months_since(start: date | None, ctx: Context) -> int | None:
    if start is None or start > ctx.on_date:
        return None
    return months_between(start, ctx.on_date)


def _years_since(start: date | None, ctx: Context) -> int | None:
    if start is None or start > ctx.on_date:
        return None
    return completed_years(start, ctx.on_date)


def _contract_insured_months(p: Params, ctx: Context) -> tuple[bool, str]:
    person = ctx.facts.person
    months = None if person is None else _months_since(person.contract_insured_since, ctx)
    if months is None:
        return _no(N_("劳动合同和社会保险"))
    return months >= p["months"], N_(
        "合同+社保连续%(months)d个月 ≥ %(required)d个月", months=months, required=p["months"]
    )


def _contract_and_insurance(p: Params, ctx: Context) -> tuple[bool, str]:
    person = ctx.facts.person
    since = None if person is None else person.contract_insured_since
    if since is None or _months_since(since, ctx) is None:
        return _no(N_("劳动合同和社会保险"))
    return True, N_("合同+社保自%(since)s起", since=since.isoformat())


def _local_hukou_or_insured_months(p: Params, ctx: Context) -> tuple[bool, str]:
    person = ctx.facts.person
    if person is None:
        return _no(N_("个人信息"))
    if person.hukou_local:
        return True, N_("本地常住户口")
    months = _months_since(person.contract_insured_since, ctx)
    if months is None:
        return False, N_("非本地户口，无劳动合同和社会保险")
    passed = months >= p["months"]
    return passed, N_(
        "非本地户口；合同+社保连续%(months)d个月 ≥ %(required)d个月",
        months=months,
        required=p["months"],
    )


def _min_employer_service_years(p: Params, ctx: Context) -> tuple[bool, str]:
    person = ctx.facts.person
    years = None if person is None else _years_since(person.employer_since, ctx)
    if years is None:
        return _no(N_("本单位工作记录"))
    return years >= p["years"], N_(
        "本单位连续工作%(years)d年 ≥ %(required)d年", years=years, required=p["years"]
    )


def _min_district_service_years(p: Params, ctx: Context) -> tuple[bool, str]:
    person = ctx.facts.person
    years = None if person is None else _years_since(person.district_work_since, ctx)
    if years is None:
        return _no(N_("本区企业工作记录"))
    return years >= p["years"], N_(
        "在本区企业工作%(years)d年 ≥ %(required)d年", years=years, required=p["years"]
    )


def _person_flag(attr: str, yes: str, no: str) -> Evaluator:
    def evaluate(p: Params, ctx: Context) -> tuple[bool, str]:
        person = ctx.facts.person
        if person is None:
            return _no(N_("个人信息"))
        return _flag(getattr(person, attr), yes, no)

    return evaluate


def _holds_level_at_least(p: Params, ctx: Context) -> tuple[bool, str]:
    person = ctx.facts.person
    wanted = level_rank(p["level"])
    held = [] if person is None else [c for c in person.certificates if c.issued_on <= ctx.on_date]
    if not held:
        return _no(N_("职业资格证书"))
    best = max(held, key=lambda c: level_rank(c.level))
    passed = level_rank(best.level) >= wanted
    return (
        passed,
        N_(
            "最高等级%(held)s，要求%(required)s及以上",
            held=SKILL_LEVEL_LABELS[best.level],
            required=SKILL_LEVEL_LABELS[p["level"]],
        ),
    )


# --- certificate ---------------------------------------------------------------------------------


def _certificate_level_in(p: Params, ctx: Context) -> tuple[bool, str]:
    cert = ctx.facts.certificate
    if cert is None:
        return _no(N_("申报证书"))
    passed = cert.level in p["levels"]
    return passed, N_(
        "证书等级%(level)s ∈ {%(levels)s}",
        level=SKILL_LEVEL_LABELS[cert.level],
        levels=_levels_zh(p["levels"]),
    )


def _certificate_route(p: Params, ctx: Context) -> tuple[bool, str]:
    cert = ctx.facts.certificate
    if cert is None:
        return _no(N_("申报证书"))
    wanted = join(SERIES, (TRAINING_ROUTES[r] for r in p["routes"]))
    passed = cert.route in p["routes"]
    return passed, N_(
        "取证途径%(route)s，要求%(wanted)s", route=TRAINING_ROUTES[cert.route], wanted=wanted
    )


def _certificate_in_claim_year(p: Params, ctx: Context) -> tuple[bool, str]:
    cert = ctx.facts.certificate
    if cert is None:
        return _no(N_("申报证书"))
    passed = cert.issued_on.year == ctx.on_date.year
    return passed, N_(
        "取证%(issued)s，申报%(claimed)s（须同一年）",
        issued=cert.issued_on.isoformat(),
        claimed=ctx.on_date.isoformat(),
    )


def _certificate_in_training_year(p: Params, ctx: Context) -> tuple[bool, str]:
    cert = ctx.facts.certificate
    if cert is None:
        return _no(N_("申报证书"))
    if cert.training_ended_on is None:
        return _no(N_("培训结业日期"))
    passed = cert.issued_on.year == cert.training_ended_on.year
    return passed, N_(
        "培训结业%(ended)s，取证%(issued)s（须同一年）",
        ended=cert.training_ended_on.isoformat(),
        issued=cert.issued_on.isoformat(),
    )


def _subject_occupation(ctx: Context) -> str | None:
    if ctx.facts.certificate is not None:
        return ctx.facts.certificate.occupation_code
    if ctx.facts.programme is not None:
        return ctx.facts.programme.occupation_code
    if ctx.facts.competition is not None:
        return ctx.facts.competition.occupation_code
    if ctx.facts.course is not None:
        return ctx.facts.course.occupation_code
    return None


def _shortage_occupation(p: Params, ctx: Context) -> tuple[bool, str]:
    occupation = _subject_occupation(ctx)
    if occupation is None:
        return _no(N_("职业（工种）"))
    passed = occupation in ctx.facts.shortage_occupations
    if passed:
        return True, N_("职业（工种）%(occupation)s在紧缺目录", occupation=occupation)
    return False, N_("职业（工种）%(occupation)s不在紧缺目录", occupation=occupation)


def _designated_occupation(p: Params, ctx: Context) -> tuple[bool, str]:
    occupation = _subject_occupation(ctx)
    if occupation is None:
        return _no(N_("职业（工种）"))
    passed = occupation in ctx.facts.designated_occupations
    if passed:
        return True, N_("职业（工种）%(occupation)s是指定职业（工种）", occupation=occupation)
    return False, N_("职业（工种）%(occupation)s不是指定职业（工种）", occupation=occupation)


# --- employer ------------------------------------------------------------------------------------


def _employer_flag(attr: str, yes: str, no: str) -> Evaluator:
    def evaluate(p: Params, ctx: Context) -> tuple[bool, str]:
        employer = ctx.facts.employer
        if employer is None:
            return _no(N_("企业信息"))
        return _flag(getattr(employer, attr), yes, no)

    return evaluate


# --- student -------------------------------------------------------------------------------------


def _student_flag(attr: str, yes: str, no: str) -> Evaluator:
    def evaluate(p: Params, ctx: Context) -> tuple[bool, str]:
        person = ctx.facts.person
        if person is None or person.student is None:
            return _no(N_("在校学籍"))
        return _flag(getattr(person.student, attr), yes, no)

    return evaluate


def _student_track_at_least(p: Params, ctx: Context) -> tuple[bool, str]:
    person = ctx.facts.person
    if person is None or person.student is None:
        return _no(N_("在校学籍"))
    track = person.student.track_level
    passed = level_rank(track) >= level_rank(p["level"])
    return (
        passed,
        N_(
            "培养层次%(track)s，要求%(required)s及以上",
            track=SKILL_LEVEL_LABELS[track],
            required=SKILL_LEVEL_LABELS[p["level"]],
        ),
    )


def _specialty_on_shortage_list(p: Params, ctx: Context) -> tuple[bool, str]:
    person = ctx.facts.person
    if person is None or person.student is None:
        return _no(N_("在校学籍"))
    listed = sorted(set(person.student.specialty_occupations) & ctx.facts.shortage_occupations)
    if listed:
        return True, N_("专业对应紧缺职业（工种）%(listed)s", listed=join(SERIES, listed))
    return False, N_("专业不对应紧缺职业（工种）目录")


# --- selection, programme, credit ----------------------------------------------------------------


def _selection_criterion(p: Params, ctx: Context) -> tuple[bool, str]:
    selection = ctx.facts.selection
    if selection is None or selection.criterion is None:
        return _no(N_("评审认定的评选条件"))
    passed = selection.criterion in p["criteria"]
    return passed, N_(
        "评审认定条件%(criterion)s ∈ {%(criteria)s}",
        criterion=selection.criterion,
        criteria=join(SERIES, p["criteria"]),
    )


def _claim_in_programme_year(p: Params, ctx: Context) -> tuple[bool, str]:
    programme = ctx.facts.programme
    if programme is None:
        return _no(N_("项目信息"))
    passed = programme.held_on.year == ctx.on_date.year
    return passed, N_(
        "举办%(held)s，申报%(claimed)s（须当年）",
        held=programme.held_on.isoformat(),
        claimed=ctx.on_date.isoformat(),
    )


def _claim_in_competition_year(p: Params, ctx: Context) -> tuple[bool, str]:
    # 002 三(三) "当年给予": the year the competition was held, i.e. the year it ended, since it
    # can be claimed only once held; a competition over New Year is of the year it ended.
    competition = ctx.facts.competition
    if competition is None:
        return _no(N_("竞赛记录"))
    passed = competition.ended_on.year == ctx.on_date.year
    return passed, N_(
        "竞赛%(ended)s结束，申报%(claimed)s（须当年）",
        ended=competition.ended_on.isoformat(),
        claimed=ctx.on_date.isoformat(),
    )


def _no_credit_record(p: Params, ctx: Context) -> tuple[bool, str]:
    # R6 bars whoever receives the money, so look at the beneficiary named by the policy.
    party = {
        "person": ctx.facts.person,
        "student": ctx.facts.person,
        "enterprise": ctx.facts.employer,
        "school": ctx.facts.school,
    }[p["beneficiary"]]
    if party is None:
        return _no(N_("受益方信息"))
    active = party.credit_record_active
    return not active, N_("诚信档案有在期失信记录") if active else N_("无在期失信记录")


def _any_of(p: Params, ctx: Context) -> tuple[bool, str]:
    parts = []
    passed_any = False
    for number, option in enumerate(p["options"], start=1):
        results = [(ref, CONDITIONS[ref.code].evaluate(ref.params, ctx)) for ref in option]
        passed = all(ok for _, (ok, _) in results)
        passed_any = passed_any or passed
        detail = _checked(results)
        parts.append(N_("〔%(number)d〕%(detail)s", number=number, detail=detail))
    return passed_any, join(N_(" 或 "), parts)


def _checked(results: Iterable[tuple[ConditionRef, tuple[bool, str]]]) -> str:
    """Checked conditions one after another, each with its mark, label and evidence."""
    return join(
        CLAUSES,
        (
            N_(
                "%(mark)s%(label)s %(evidence)s",
                mark="✔" if ok else "✘",
                label=bilingual(CONDITIONS[ref.code].label_zh, CONDITIONS[ref.code].label_en),
                evidence=evidence,
            )
            for ref, (ok, evidence) in results
        ),
    )


@dataclass(frozen=True)
class Reading:
    """One reading of a provision whose wording contradicts itself, as conditions to check."""

    id: str
    label_zh: str
    conditions: tuple[ConditionRef, ...]


@dataclass(frozen=True)
class Ruling:
    """The competent bureau's decision on which reading of a contested provision applies."""

    reading: str
    decided_by: str
    reference: str


def _reading_result(reading: Reading, ctx: Context) -> tuple[bool, str]:
    results = [(ref, CONDITIONS[ref.code].evaluate(ref.params, ctx)) for ref in reading.conditions]
    detail = N_("〔%(reading)s〕%(detail)s", reading=reading.label_zh, detail=_checked(results))
    return all(ok for _, (ok, _) in results), detail


def _contested(p: Params, ctx: Context) -> tuple[bool, str]:
    # The seed contradicts itself: the pack lists every reading and, once the bureau ruled, which
    # one applies. Without a ruling the readings are all checked; if they disagree the claim waits
    # for the ruling instead of the engine picking one (the stricter one, say) on its own.
    readings: tuple[Reading, ...] = p["readings"]
    ruling: Ruling | None = p["ruling"]
    if ruling is not None:
        chosen = next(r for r in readings if r.id == ruling.reading)
        passed, detail = _reading_result(chosen, ctx)
        return passed, N_(
            "%(issue)s；按%(decided_by)s%(reference)s裁定适用%(detail)s",
            issue=p["issue_zh"],
            decided_by=ruling.decided_by,
            reference=ruling.reference,
            detail=detail,
        )
    results = [_reading_result(reading, ctx) for reading in readings]
    details = join(N_(" 或 "), (detail for _, detail in results))
    outcomes = {passed for passed, _ in results}
    if len(outcomes) == 1:
        return outcomes.pop(), N_(
            "%(issue)s；各种读法结果一致：%(details)s", issue=p["issue_zh"], details=details
        )
    return False, N_(
        "%(issue)s；读法结果不同，待人社部门裁定适用哪种读法：%(details)s",
        issue=p["issue_zh"],
        details=details,
    )


# --- triggers ------------------------------------------------------------------------------------


def _certificate_obtained(p: Params, ctx: Context) -> tuple[bool, str]:
    cert = ctx.facts.certificate
    if cert is None:
        return _no(N_("申报证书"))
    if cert.issued_on > ctx.on_date:
        return False, N_("证书%(issued)s尚未取得", issued=cert.issued_on.isoformat())
    passed = cert.level in p["levels"]
    return passed, N_(
        "%(issued)s取得%(level)s，可申报%(levels)s",
        issued=cert.issued_on.isoformat(),
        level=SKILL_LEVEL_LABELS[cert.level],
        levels=_levels_zh(p["levels"]),
    )


def _placed_months_on_post(p: Params, ctx: Context) -> tuple[bool, str]:
    person = ctx.facts.person
    months = None if person is None else _months_since(person.on_post_since, ctx)
    if months is None:
        return _no(N_("上岗记录"))
    return months >= p["months"], N_(
        "上岗%(months)d个月 ≥ %(required)d个月", months=months, required=p["months"]
    )


def _award_selected(p: Params, ctx: Context) -> tuple[bool, str]:
    selection = ctx.facts.selection
    if selection is None or selection.policy_id != ctx.policy_id:
        return _no(N_("本项评选结果"))
    last = selection.year + p["pay_years"] - 1
    pays = selection.pay_year if selection.pay_year is not None else ctx.on_date.year
    passed = selection.year <= pays <= last
    return (
        passed,
        N_(
            "%(year)d年当选，享受%(year)d–%(last)d年，申报%(pays)d年",
            year=selection.year,
            last=last,
            pays=pays,
        ),
    )


def _enrolment_year(p: Params, ctx: Context) -> tuple[bool, str]:
    person = ctx.facts.person
    if person is None or person.student is None:
        return _no(N_("在校学籍"))
    return True, N_("%(year)d学年在籍", year=ctx.on_date.year)


def _competition_held(p: Params, ctx: Context) -> tuple[bool, str]:
    competition = ctx.facts.competition
    if competition is None or competition.ended_on > ctx.on_date:
        return _no(N_("已结束的竞赛"))
    passed = competition.participants >= p["min_participants"]
    return passed, N_(
        "竞赛%(competition)s参赛%(participants)d人 %(relation)s %(required)d人",
        competition=competition.competition_id,
        participants=competition.participants,
        relation="≥" if passed else "<",
        required=p["min_participants"],
    )


def _programme_held(p: Params, ctx: Context) -> tuple[bool, str]:
    # A course is held once its end date is past and its record names who completed it: the
    # organiser's claim needs one completed trainee, a trainee's claim that trainee's 结业.
    course = ctx.facts.course
    if course is None or course.held_on > ctx.on_date:
        return _no(N_("已结束的培训项目"))
    if course.completed == 0:
        return False, N_("项目%(course)s没有结业学员", course=course.course_id)
    if course.subject_completed is False:
        return False, N_("申领人未在项目%(course)s结业", course=course.course_id)
    return True, N_(
        "项目%(course)s于%(held)s结束，结业%(completed)d人",
        course=course.course_id,
        held=course.held_on.isoformat(),
        completed=course.completed,
    )


def _programme_completed(p: Params, ctx: Context) -> tuple[bool, str]:
    programme = ctx.facts.programme
    if programme is None or not programme.completed or programme.held_on > ctx.on_date:
        return _no(N_("考核合格结业的学徒培养"))
    return True, N_(
        "学徒培养%(programme)s于%(held)s考核合格结业",
        programme=programme.programme_id,
        held=programme.held_on.isoformat(),
    )


_NO_PARAMS: Mapping[str, str] = MappingProxyType({})


def _check(
    code: str,
    zh: str,
    en: str,
    evaluate: Evaluator,
    params: Mapping[str, str] = _NO_PARAMS,
    event_kind: str | None = None,
    defaults: Mapping[str, object] = _NO_PARAMS,
) -> Check:
    return Check(
        code,
        zh,
        en,
        MappingProxyType(dict(params)),
        evaluate,
        event_kind,
        MappingProxyType(dict(defaults)),
    )


_AGE_PARAMS = {"years": "count", "age_on": "age_on"}
_AGE_ON = {"age_on": "claim"}


CONDITIONS: Mapping[str, Check] = MappingProxyType(
    {
        c.code: c
        for c in (
            _check("age_max", "年龄", "age at most", _age_max, _AGE_PARAMS, defaults=_AGE_ON),
            _check("age_min", "年龄", "age at least", _age_min, _AGE_PARAMS, defaults=_AGE_ON),
            _check(
                "contract_insured_months",
                "劳动合同和社保",
                "contract + social insurance months",
                _contract_insured_months,
                {"months": "count"},
            ),
            _check(
                "contract_and_insurance",
                "劳动合同和社保",
                "labour contract and social insurance",
                _contract_and_insurance,
            ),
            _check(
                "local_hukou_or_insured_months",
                "户籍或社保",
                "local hukou or insured months",
                _local_hukou_or_insured_months,
                {"months": "count"},
            ),
            _check(
                "min_employer_service_years",
                "本单位工龄",
                "years with the employer",
                _min_employer_service_years,
                {"years": "count"},
            ),
            _check(
                "min_district_service_years",
                "本区工作年限",
                "years in district enterprises",
                _min_district_service_years,
                {"years": "count"},
            ),
            _check(
                "first_job_in_district",
                "首次在本区就业",
                "first job in the district",
                _person_flag("first_job_in_district", N_("首次在本区就业"), N_("此前已在本区就业")),
            ),
            _check(
                "newly_introduced",
                "新引进人才",
                "newly introduced talent",
                _person_flag("newly_introduced", N_("新引进"), N_("非新引进")),
            ),
            _check(
                "front_line_post",
                "一线岗位",
                "front-line post",
                _person_flag("front_line", N_("在企业一线岗位"), N_("不在企业一线岗位")),
            ),
            _check(
                "holds_level_at_least",
                "持证等级",
                "holds a level at least",
                _holds_level_at_least,
                {"level": "level"},
            ),
            _check(
                "certificate_level_in",
                "证书等级",
                "certificate level",
                _certificate_level_in,
                {"levels": "levels"},
            ),
            _check(
                "certificate_route",
                "取证途径",
                "how the certificate was obtained",
                _certificate_route,
                {"routes": "routes"},
            ),
            _check(
                "certificate_in_claim_year",
                "当年申报",
                "claimed in the certificate year",
                _certificate_in_claim_year,
            ),
            _check(
                "certificate_in_training_year",
                "当年取证",
                "certified in the training year",
                _certificate_in_training_year,
            ),
            _check(
                "shortage_occupation",
                "紧缺职业（工种）",
                "shortage occupation",
                _shortage_occupation,
            ),
            _check(
                "designated_occupation",
                "指定职业（工种）",
                "designated occupation",
                _designated_occupation,
            ),
            _check(
                "employer_in_district",
                "本区企业",
                "enterprise in the district",
                _employer_flag("in_district", N_("本区企业"), N_("非本区企业")),
            ),
            _check(
                "key_industry_employer",
                "重点产业企业",
                "key-industry enterprise",
                _employer_flag("key_industry", N_("重点产业企业"), N_("非重点产业企业")),
            ),
            _check(
                "employer_extracts_education_fund",
                "职工教育经费",
                "extracts the education fund",
                _employer_flag(
                    "extracts_education_fund",
                    N_("按规定提取使用职工教育经费"),
                    N_("未按规定提取使用职工教育经费"),
                ),
            ),
            _check(
                "student_full_time",
                "全日制学籍",
                "full-time enrolment",
                _student_flag("full_time", N_("全日制正式学籍"), N_("非全日制正式学籍")),
            ),
            _check(
                "student_track_at_least",
                "培养层次",
                "programme level",
                _student_track_at_least,
                {"level": "level"},
            ),
            _check(
                "designated_school",
                "指定院校",
                "designated school",
                _student_flag("designated_school", N_("就读指定院校"), N_("非指定院校")),
            ),
            _check(
                "school_in_education_base",
                "职业教育基地",
                "school in the education base",
                _student_flag(
                    "in_education_base", N_("院校在职业教育基地内"), N_("院校不在职业教育基地内")
                ),
            ),
            _check(
                "specialty_on_shortage_list",
                "紧缺专业",
                "specialty on the shortage list",
                _specialty_on_shortage_list,
            ),
            _check(
                "selection_criterion",
                "评选条件",
                "selection criterion",
                _selection_criterion,
                {"criteria": "strings"},
            ),
            _check(
                "claim_in_programme_year",
                "当年申报",
                "claimed in the programme year",
                _claim_in_programme_year,
            ),
            _check(
                "claim_in_competition_year",
                "当年申报",
                "claimed in the competition year",
                _claim_in_competition_year,
            ),
            _check(
                "no_credit_record",
                "诚信档案",
                "no active credit record",
                _no_credit_record,
                {"beneficiary": "beneficiary"},
            ),
            _check("any_of", "满足其一", "any of", _any_of, {"options": "options"}),
            _check(
                "contested",
                "条文矛盾",
                "contested provision",
                _contested,
                {"issue_zh": "text", "readings": "readings", "ruling": "ruling"},
                defaults={"ruling": None},
            ),
        )
    }
)

TRIGGERS: Mapping[str, Check] = MappingProxyType(
    {
        c.code: c
        for c in (
            _check(
                "certificate_obtained",
                "取得证书",
                "certificate obtained",
                _certificate_obtained,
                {"levels": "levels"},
                "certificate_recorded",
            ),
            _check(
                "placed_months_on_post",
                "上岗时间",
                "months on the post",
                _placed_months_on_post,
                {"months": "count"},
                "placement_months_reached",
            ),
            _check(
                "talent_introduced",
                "引进时间",
                "contract + insurance after introduction",
                _contract_insured_months,
                {"months": "count"},
                "talent_introduced",
            ),
            _check(
                "award_selected",
                "评选当选",
                "selected for the award",
                _award_selected,
                {"pay_years": "count"},
                "award_selected",
            ),
            # A studio's recognition (认定) by the bureau: the award of 002 二(三)1 "评选出技能大师
            # 工作室、名师工作室", paid to its host; the same reading of the year as a selection.
            _check(
                "studio_recognised",
                "工作室认定",
                "studio recognised",
                _award_selected,
                {"pay_years": "count"},
                "studio_recognised",
            ),
            _check(
                "enrolment_year",
                "在校学年",
                "enrolled this school year",
                _enrolment_year,
                event_kind="school_year_started",
            ),
            _check(
                "competition_held",
                "竞赛规模",
                "competition held",
                _competition_held,
                {"min_participants": "count"},
                "competition_held",
            ),
            _check(
                "programme_held",
                "培训项目",
                "programme held",
                _programme_held,
                event_kind="programme_held",
            ),
            _check(
                "programme_completed",
                "学徒培养结业",
                "apprenticeship completed",
                _programme_completed,
                event_kind="programme_completed",
            ),
            _check(
                "service_years_reached",
                "本单位工龄",
                "years with the employer",
                _min_employer_service_years,
                {"years": "count"},
                "service_years_reached",
            ),
        )
    }
)

#: Events the web layer raises; each trigger kind belongs to exactly one.
EVENT_KINDS: tuple[str, ...] = tuple(
    sorted({t.event_kind for t in TRIGGERS.values() if t.event_kind is not None})
)

_BENEFICIARIES = ("person", "student", "enterprise", "school")


def _param(kind: str, field: str, value: object) -> object:
    if kind == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ParamError(field, f"must be a non-negative integer, got {value!r}")
        return value
    if kind == "level":
        if value not in SKILL_LEVELS:
            raise ParamError(
                field, f"unknown skill level {value!r}; expected one of {SKILL_LEVELS}"
            )
        return value
    if kind in ("levels", "routes", "strings"):
        allowed = {"levels": SKILL_LEVELS, "routes": tuple(TRAINING_ROUTES), "strings": None}[kind]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise ParamError(field, f"must be a non-empty list of strings, got {value!r}")
        unknown = [v for v in value if allowed is not None and v not in allowed]
        if unknown:
            raise ParamError(field, f"unknown values {unknown}; expected some of {allowed}")
        return tuple(value)
    if kind == "age_on":
        if value not in AGE_REFERENCE_DATES:
            raise ParamError(field, f"must be one of {tuple(AGE_REFERENCE_DATES)}, got {value!r}")
        return value
    if kind == "text":
        if not isinstance(value, str) or not value.strip():
            raise ParamError(field, f"must be a non-empty string, got {value!r}")
        return value
    if kind == "readings":
        return _readings(field, value)
    if kind == "ruling":
        return value if value is None else _ruling(field, value)
    if kind == "beneficiary":
        if value not in _BENEFICIARIES:
            raise ParamError(field, f"must be one of {_BENEFICIARIES}, got {value!r}")
        return value
    # "options": a list of alternatives, each a list of condition tables that must all hold.
    if not isinstance(value, list) or len(value) < 2:
        raise ParamError(field, "must list at least two alternatives")
    options = []
    for i, option in enumerate(value):
        if not isinstance(option, list) or not option:
            raise ParamError(f"{field}[{i}]", "must be a non-empty list of condition tables")
        options.append(
            tuple(parse_condition(c, f"{field}[{i}][{j}]") for j, c in enumerate(option))
        )
    return tuple(options)


def _readings(field: str, value: object) -> tuple[Reading, ...]:
    if not isinstance(value, list) or len(value) < 2:
        raise ParamError(field, "must list at least two readings")
    readings = []
    for i, table in enumerate(value):
        where = f"{field}[{i}]"
        if not isinstance(table, dict) or set(table) != {"id", "label_zh", "conditions"}:
            raise ParamError(where, "must be a table of id, label_zh and conditions")
        if not isinstance(table["id"], str) or not isinstance(table["label_zh"], str):
            raise ParamError(where, "id and label_zh must be strings")
        conditions = table["conditions"]
        if not isinstance(conditions, list) or not conditions:
            raise ParamError(f"{where}.conditions", "must be a non-empty list of condition tables")
        refs = tuple(
            parse_condition(c, f"{where}.conditions[{j}]") for j, c in enumerate(conditions)
        )
        readings.append(Reading(table["id"], table["label_zh"], refs))
    ids = [r.id for r in readings]
    if len(set(ids)) != len(ids):
        raise ParamError(field, f"reading ids must differ, got {ids}")
    return tuple(readings)


def _ruling(field: str, value: object) -> Ruling:
    fields_ = {"reading", "decided_by", "reference"}
    if not isinstance(value, dict) or set(value) != fields_:
        raise ParamError(field, f"must be a table of {sorted(fields_)}, got {value!r}")
    if not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise ParamError(field, "reading, decided_by and reference must be non-empty strings")
    return Ruling(value["reading"], value["decided_by"], value["reference"])


def parse_params(check: Check, table: Mapping[str, object], field: str) -> Mapping[str, object]:
    """Validate ``table`` against ``check``'s parameter kinds; extra keys are errors."""
    table = {**check.defaults, **table}
    missing = [name for name in check.params if name not in table]
    if missing:
        raise ParamError(f"{field}.{missing[0]}", f"required by {check.code!r}")
    return MappingProxyType(
        {name: _param(kind, f"{field}.{name}", table[name]) for name, kind in check.params.items()}
    )


def parse_condition(table: object, field: str) -> ConditionRef:
    """Turn one condition table of a pack into a :class:`ConditionRef`, or raise ParamError."""
    if not isinstance(table, dict):
        raise ParamError(field, f"must be a table, got {table!r}")
    code = table.get("code")
    if not isinstance(code, str) or code not in CONDITIONS:
        raise ParamError(
            f"{field}.code", f"unknown condition {code!r}; known: {sorted(CONDITIONS)}"
        )
    check = CONDITIONS[code]
    extra = sorted(set(table) - set(check.params) - {"code", "citation"})
    if extra:
        raise ParamError(f"{field}.{extra[0]}", f"not a parameter of condition {code!r}")
    citation = table.get("citation")
    if citation is not None and (not isinstance(citation, str) or not citation.strip()):
        raise ParamError(f"{field}.citation", "must be a non-empty string")
    params = parse_params(check, table, field)
    ruling, readings = params.get("ruling"), params.get("readings")
    if isinstance(ruling, Ruling) and isinstance(readings, tuple):
        if ruling.reading not in {reading.id for reading in readings}:
            raise ParamError(f"{field}.ruling.reading", f"names no reading: {ruling.reading!r}")
    return ConditionRef(code, params, citation)
