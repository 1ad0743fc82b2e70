"""A pack policy's trigger, amount, quota and conditions in plain words, in either language.

The words are built from the registry's own labels (conditions.py: ``label_zh`` / ``label_en``,
the skill-level and route labels) and from catalogue messages marked here, so that the page
translates them through the catalogue and the CLI prints the Chinese; nothing here is a second
copy of a rule: the figures are the pack's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Union

from skillbridge.platform.policy import CONDITIONS, SKILL_LEVEL_LABELS, TRAINING_ROUTES, TRIGGERS
from skillbridge.platform.policy.conditions import (
    AGE_REFERENCE_DATES,
    ConditionRef,
    Reading,
    Ruling,
)
from skillbridge.platform.policy.packs import Amount, Quota, Trigger
from skillbridge.platform.text import N_

__all__ = [
    "AND",
    "OR",
    "SERIES",
    "Contested",
    "Named",
    "Phrase",
    "Series",
    "Value",
    "Worded",
    "amount_words",
    "beneficiary_words",
    "condition_words",
    "contested_words",
    "quota_words",
    "render",
    "trigger_words",
]


@dataclass(frozen=True)
class Named:
    """Text that its source gives in both languages (a pack's name_en, a registry label_en)."""

    zh: str
    en: str


@dataclass(frozen=True)
class Phrase:
    """A catalogue message (marked with N_) and the values its placeholders take."""

    message: str
    values: Mapping[str, Value] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Series:
    """Values joined by a catalogue separator (SERIES, AND or OR)."""

    items: tuple[Value, ...]
    joiner: str


#: Anything the page shows: data as it stands (str, int) or words to render in a language.
Value = Union[str, int, Named, Phrase, Series]  # noqa: UP007  # a runtime alias of a forward ref

SERIES = N_("、")
AND = N_("；并且")
OR = N_("；或者")


def render(value: Value, translate: Callable[[str], str] = str, english: bool = False) -> str:
    """The words of ``value`` in one language: ``translate`` looks a message up in the catalogue
    (the identity gives the Chinese), ``english`` picks the English of ``Named`` text."""
    if isinstance(value, Named):
        return value.en if english else value.zh
    if isinstance(value, Phrase):
        text = translate(value.message)
        if not value.values:
            return text
        return text % {k: render(v, translate, english) for k, v in value.values.items()}
    if isinstance(value, Series):
        return translate(value.joiner).join(render(v, translate, english) for v in value.items)
    return str(value)


def _phrase(message: str, **values: Value) -> Phrase:
    return Phrase(message, MappingProxyType(values))


def _yuan(amount: int) -> str:
    return f"{amount:,}"


def _levels(levels: tuple[str, ...]) -> Series:
    return Series(tuple(Phrase(SKILL_LEVEL_LABELS[level]) for level in levels), SERIES)


def _label(code: str) -> Named:
    check = CONDITIONS[code]
    return Named(check.label_zh, check.label_en)


def _generic(label: Named, params: Mapping[str, object]) -> Value:
    """A check the wording below does not know yet: its label and its parameters as written."""
    if not params:
        return label
    shown = Series(tuple(f"{name}={value}" for name, value in params.items()), SERIES)
    return _phrase(N_("%(label)s：%(params)s"), label=label, params=shown)


# --- conditions ------------------------------------------------------------------------------


def _condition(ref: ConditionRef) -> Value:
    code, p, label = ref.code, ref.params, _label(ref.code)
    if code in ("age_max", "age_min"):
        message = N_("%(label)s：%(years)s周岁以下（按%(day)s计）")
        if code == "age_min":
            message = N_("%(label)s：%(years)s周岁以上（按%(day)s计）")
        day = Phrase(AGE_REFERENCE_DATES[p["age_on"]])
        return _phrase(message, label=label, years=p["years"], day=day)
    if code == "contract_insured_months":
        return _phrase(N_("%(label)s：连续满%(months)s个月"), label=label, months=p["months"])
    if code == "local_hukou_or_insured_months":
        message = N_("%(label)s：本地户籍，或劳动合同和社保连续满%(months)s个月")
        return _phrase(message, label=label, months=p["months"])
    if code in ("min_employer_service_years", "min_district_service_years"):
        return _phrase(N_("%(label)s：连续满%(years)s年"), label=label, years=p["years"])
    if code in ("holds_level_at_least", "student_track_at_least"):
        level = Phrase(SKILL_LEVEL_LABELS[p["level"]])
        return _phrase(N_("%(label)s：%(level)s及以上"), label=label, level=level)
    if code == "certificate_level_in":
        return _phrase(N_("%(label)s：%(levels)s"), label=label, levels=_levels(p["levels"]))
    if code == "certificate_route":
        routes = Series(tuple(Phrase(TRAINING_ROUTES[r]) for r in p["routes"]), SERIES)
        return _phrase(N_("%(label)s：%(routes)s"), label=label, routes=routes)
    if code == "selection_criterion":
        criteria = Series(tuple(p["criteria"]), SERIES)
        message = N_("%(label)s：经专家评审认定符合条件%(criteria)s之一")
        return _phrase(message, label=label, criteria=criteria)
    if code == "no_credit_record":
        return _phrase(N_("%(label)s：受益方无在期失信记录"), label=label)
    if code == "any_of":
        options = tuple(
            Series(tuple(_condition(c) for c in option), AND) for option in p["options"]
        )
        return _phrase(N_("满足其一：%(options)s"), options=Series(options, OR))
    if code == "contested":
        message = N_("%(label)s：%(issue)s（两种读法见下）")
        return _phrase(message, label=label, issue=p["issue_zh"])
    return _generic(label, p)


@dataclass(frozen=True)
class Worded:
    """One condition of a policy in plain words, with the article it cites (if it names one)."""

    words: Value
    citation: str | None


def condition_words(ref: ConditionRef) -> Worded:
    """``ref`` in plain words, e.g. 年龄：40周岁以下（按申报日计）."""
    return Worded(_condition(ref), ref.citation)


@dataclass(frozen=True)
class Contested:
    """A provision whose wording contradicts itself: the readings and the bureau's ruling."""

    issue_zh: str
    citation: str | None
    readings: tuple[tuple[Reading, tuple[Value, ...]], ...]
    ruling: Ruling | None

    @property
    def ruled_reading(self) -> Reading | None:
        """The reading the ruling applies, if the bureau ruled."""
        if self.ruling is None:
            return None
        return next(r for r, _ in self.readings if r.id == self.ruling.reading)


def contested_words(ref: ConditionRef) -> Contested:
    """A ``contested`` condition's issue, each reading in plain words, and its ruling."""
    readings = tuple(
        (r, tuple(_condition(c) for c in r.conditions)) for r in ref.params["readings"]
    )
    return Contested(ref.params["issue_zh"], ref.citation, readings, ref.params["ruling"])


# --- trigger, amount, quota, beneficiary -------------------------------------------------------


def trigger_words(trigger: Trigger) -> Value:
    """The event that makes the policy relevant, e.g. 取得高级工、技师职业资格证书."""
    p = trigger.params
    check = TRIGGERS[trigger.kind]
    if trigger.kind == "certificate_obtained":
        return _phrase(N_("取得%(levels)s职业资格证书"), levels=_levels(p["levels"]))
    if trigger.kind == "placed_months_on_post":
        return _phrase(N_("在岗满%(months)s个月"), months=p["months"])
    if trigger.kind == "talent_introduced":
        if p["months"] == 0:
            return Phrase(N_("引进并签订劳动合同、缴纳社会保险"))
        return _phrase(N_("引进后劳动合同和社保满%(months)s个月"), months=p["months"])
    if trigger.kind == "award_selected":
        return _phrase(N_("评选当选，享受%(years)s年"), years=p["pay_years"])
    if trigger.kind == "studio_recognised":
        return Phrase(N_("工作室经人社局评选认定"))
    if trigger.kind == "competition_held":
        return _phrase(N_("举办技能竞赛，参赛%(count)s人以上"), count=p["min_participants"])
    if trigger.kind == "service_years_reached":
        return _phrase(N_("在本单位连续工作满%(years)s年"), years=p["years"])
    return _generic(Named(check.label_zh, check.label_en), p)


_PER = {"once": N_("一次性"), "year": N_("每年")}


def amount_words(amount: Amount) -> tuple[Value, ...]:
    """What the policy pays (or grants), each part of the amount as one phrase."""
    per = Phrase(_PER[amount.per])
    if amount.kind == "fixed":
        assert amount.yuan is not None  # the pack loader requires it for a fixed amount
        return (_phrase(N_("%(per)s%(yuan)s元"), per=per, yuan=_yuan(amount.yuan)),)
    if amount.kind == "per_level":
        basis = N_("按证书等级") if amount.level_of == "certificate" else N_("按当选等级")
        rows = tuple(
            _phrase(N_("%(level)s %(yuan)s元"), level=Phrase(SKILL_LEVEL_LABELS[lv]), yuan=_yuan(y))
            for lv, y in amount.levels.items()
        )
        return (_phrase(N_("%(per)s，%(basis)s"), per=per, basis=Phrase(basis)), *rows)
    if amount.kind == "by_hukou":
        assert amount.local_yuan is not None and amount.non_local_yuan is not None
        message = N_("%(per)s本地户籍%(local)s元，外地户籍%(other)s元")
        local, other = _yuan(amount.local_yuan), _yuan(amount.non_local_yuan)
        return (_phrase(message, per=per, local=local, other=other),)
    if amount.kind == "entitlement":
        message = N_("%(per)s%(quantity)s个工作日（非资金待遇）")
        return (_phrase(message, per=per, quantity=amount.quantity or 0),)
    # "local": the bureau sets the figure under the schedule the seed names.
    parts: list[Value] = [
        _phrase(
            N_("%(per)s由人社部门核定：%(schedule)s"), per=per, schedule=amount.schedule_zh or ""
        )
    ]
    low, high = amount.min_yuan, amount.max_yuan
    if low is not None and high is not None:
        parts.append(_phrase(N_("%(low)s–%(high)s元"), low=_yuan(low), high=_yuan(high)))
    elif low is not None:
        parts.append(_phrase(N_("不低于%(low)s元"), low=_yuan(low)))
    elif high is not None:
        parts.append(_phrase(N_("不超过%(high)s元"), high=_yuan(high)))
    return tuple(parts)


def quota_words(quota: Quota) -> Value:
    """How many per period: a cap on selections or a target to reach."""
    if quota.kind == "cap":
        message = N_("每%(years)s年不超过%(count)s名（上限）")
        return _phrase(message, years=quota.period_years, count=_yuan(quota.count))
    if quota.year is not None:
        message = N_("目标：自%(year)s年起每%(years)s年%(count)s名（人次）")
        return _phrase(message, year=quota.year, years=quota.period_years, count=_yuan(quota.count))
    message = N_("目标：每%(years)s年%(count)s名（人次）")
    return _phrase(message, years=quota.period_years, count=_yuan(quota.count))


_BENEFICIARIES = {
    "person": N_("个人"),
    "student": N_("学生"),
    "enterprise": N_("企业"),
    "school": N_("学校"),
}


def beneficiary_words(beneficiary: str) -> Phrase:
    """Who the policy pays, as the pack names it."""
    return Phrase(_BENEFICIARIES[beneficiary])
