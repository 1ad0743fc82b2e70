"""The eligibility engine: evaluates one policy for one beneficiary's facts on a date."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from skillbridge.platform.text import N_, bilingual

from .conditions import CONDITIONS, EVENT_KINDS, TRIGGERS, ConditionOutcome, ConditionRef, Context
from .facts import SKILL_LEVEL_LABELS, Facts
from .packs import Policy, PolicyPack, Validity

__all__ = [
    "R6_CITATION",
    "Entitlement",
    "Evaluation",
    "evaluate",
    "policies_triggered_by",
    "term_evidence",
    "validity_outcome",
]

#: R6 bars every beneficiary with an active credit record from every subsidy, in every region.
R6_CITATION = "湛江高技能人才实施意见（征求意见稿） (十三)"


@dataclass(frozen=True)
class Entitlement:
    """A non-monetary benefit, e.g. 15 working days of paid training leave per year."""

    quantity: int
    unit: str
    per: str


@dataclass(frozen=True)
class Evaluation:
    """The outcome of :func:`evaluate`.

    ``amount`` is the integer yuan to pay; it is ``None`` when the policy is not eligible, when
    it grants an ``entitlement`` instead of money, or when ``amount_pending``: the seed leaves
    the amount to a local schedule and the bureau has not set it yet. ``once_only_key`` is set
    only when eligible; a claim whose key was already paid is a duplicate.
    """

    policy_id: str
    region: str
    on_date: date
    eligible: bool
    amount: int | None
    amount_pending: bool
    entitlement: Entitlement | None
    conditions: tuple[ConditionOutcome, ...]
    once_only_key: str | None
    budget_id: str | None

    @property
    def failed(self) -> tuple[ConditionOutcome, ...]:
        """The conditions that did not hold, in evaluation order."""
        return tuple(c for c in self.conditions if not c.passed)


def _outcome(ref: ConditionRef, ctx: Context, citation: str) -> ConditionOutcome:
    check = CONDITIONS[ref.code]
    passed, evidence = check.evaluate(ref.params, ctx)
    return ConditionOutcome(
        ref.code, check.label_zh, check.label_en, passed, evidence, ref.citation or citation
    )


def _trigger_outcome(policy: Policy, ctx: Context) -> ConditionOutcome:
    check = TRIGGERS[policy.trigger.kind]
    passed, evidence = check.evaluate(policy.trigger.params, ctx)
    return ConditionOutcome(
        f"trigger.{check.code}",
        check.label_zh,
        check.label_en,
        passed,
        evidence,
        policy.source.citation,
    )


def term_evidence(validity: Validity, on_date: date) -> str:
    """The document's term on ``on_date`` in words: its dates, any extension, whether it ended."""
    start, term_end = validity.effective_from.isoformat(), validity.term_ends_on.isoformat()
    extension = validity.extension
    if on_date < validity.effective_from:
        return N_("自%(start)s起施行，%(on)s尚未施行", start=start, on=on_date.isoformat())
    if extension is not None:
        until = extension.until.isoformat()
        words = dict(
            start=start,
            end=term_end,
            decided_by=extension.decided_by,
            reference=extension.reference,
            until=until,
        )
        if on_date > extension.until:
            return N_(
                "有效期%(start)s至%(end)s，经%(decided_by)s%(reference)s延期至%(until)s，"
                "已于%(until)s届满",
                **words,
            )
        return N_("有效期%(start)s至%(end)s，经%(decided_by)s%(reference)s延期至%(until)s", **words)
    if on_date > validity.term_ends_on:
        return N_(
            "有效期%(start)s至%(end)s，已于%(end)s届满，无延期记录", start=start, end=term_end
        )
    return N_("有效期%(start)s至%(end)s", start=start, end=term_end)


def validity_outcome(policy: Policy, on_date: date) -> ConditionOutcome | None:
    """Whether the policy's document is in force on ``on_date``, saying until when and why; None
    when the document names no term. A term that ended refuses unless an extension is recorded.
    """
    validity = policy.validity
    if validity is None:
        return None
    return ConditionOutcome(
        "policy_in_force",
        "政策有效期",
        "policy in force",
        validity.in_force(on_date),
        N_(
            "%(policy)s（%(document)s）%(term)s",
            policy=bilingual(policy.name_zh, policy.name_en),
            document=policy.source.document,
            term=term_evidence(validity, on_date),
        ),
        validity.citation,
    )


def _subject_level(policy: Policy, facts: Facts) -> str | None:
    if policy.amount.level_of == "selection" or facts.certificate is None:
        return facts.selection.level if facts.selection is not None else None
    return facts.certificate.level


def _amount_basis(policy: Policy, facts: Facts) -> tuple[ConditionOutcome | None, int | None]:
    """Pick the table row of a per-level or per-hukou amount, as an outcome the UI can show."""
    amount = policy.amount
    if amount.kind == "per_level":
        level = _subject_level(policy, facts)
        yuan = amount.levels.get(level) if level is not None else None
        label = SKILL_LEVEL_LABELS.get(level, N_("无等级")) if level is not None else N_("无等级")
        evidence = (
            N_("%(label)s → %(yuan)d元", label=label, yuan=yuan)
            if yuan is not None
            else N_("%(label)s不在补贴标准内", label=label)
        )
    elif amount.kind == "by_hukou":
        person = facts.person
        if person is None:
            yuan, evidence = None, N_("无个人信息")
        elif person.hukou_local:
            yuan = amount.local_yuan
            evidence = N_("本市学生 → %(yuan)d元", yuan=yuan)
        else:
            yuan = amount.non_local_yuan
            evidence = N_("外地学生 → %(yuan)d元", yuan=yuan)
    else:
        return None, None
    outcome = ConditionOutcome(
        "amount_basis",
        "补贴标准",
        "amount basis",
        yuan is not None,
        evidence,
        policy.source.citation,
    )
    return outcome, yuan


def _checked_override(policy: Policy, amount_override: int | None) -> int | None:
    if amount_override is None:
        return None
    amount = policy.amount
    if amount.kind != "local":
        raise ValueError(
            f"{policy.id}: the amount is fixed by the seed ({amount.kind}); "
            "only a policy with a local schedule takes an amount from the bureau"
        )
    if isinstance(amount_override, bool) or not isinstance(amount_override, int):
        raise ValueError(f"{policy.id}: amount must be integer yuan, got {amount_override!r}")
    if amount_override <= 0:
        raise ValueError(f"{policy.id}: amount must be positive, got {amount_override}")
    if amount.min_yuan is not None and amount_override < amount.min_yuan:
        raise ValueError(f"{policy.id}: amount {amount_override} is below {amount.min_yuan}")
    if amount.max_yuan is not None and amount_override > amount.max_yuan:
        raise ValueError(f"{policy.id}: amount {amount_override} is above {amount.max_yuan}")
    return amount_override


def _key_values(policy: Policy, facts: Facts, on_date: date) -> dict[str, object]:
    person, employer, school = facts.person, facts.employer, facts.school
    certificate, programme, selection = facts.certificate, facts.programme, facts.selection
    ids = {
        "person": person and person.person_id,
        "enterprise": employer and employer.enterprise_id,
        "school": school and school.school_id,
    }
    competition, course = facts.competition, facts.course
    subject = certificate or programme or competition or course
    return {
        **ids,
        "policy": policy.id,
        "region": policy.region,
        "beneficiary": ids["person" if policy.beneficiary == "student" else policy.beneficiary],
        "level": _subject_level(policy, facts),
        "claim_year": selection.pay_year
        if selection is not None and selection.pay_year is not None
        else on_date.year,
        "selection_year": selection and selection.year,
        "certificate_year": certificate and certificate.issued_on.year,
        # An apprenticeship, or a training course or technician class (both are 项目).
        "programme": (programme and programme.programme_id) or (course and course.course_id),
        "competition": competition and competition.competition_id,
        "occupation": subject and subject.occupation_code,
    }


def _once_only_key(policy: Policy, facts: Facts, on_date: date) -> str:
    values = _key_values(policy, facts, on_date)
    names = [n for _, n, _, _ in string.Formatter().parse(policy.once_only_key) if n is not None]
    missing = [n for n in names if values[n] is None]
    if missing:
        # The pack's conditions should have required this fact; refuse rather than collide.
        raise ValueError(f"{policy.id}: once-only key needs {{{missing[0]}}}, absent from facts")
    return policy.once_only_key.format(**{n: values[n] for n in names})


def evaluate(
    policy: Policy, facts: Facts, on_date: date, *, amount_override: int | None = None
) -> Evaluation:
    """Evaluate ``policy`` for ``facts`` on ``on_date`` (the claim date unless stated).

    Parameters
    ----------
    policy
        A policy from a loaded pack.
    facts
        The beneficiary's facts; see :class:`~skillbridge.platform.policy.facts.Facts`.
    on_date
        The reference date: ages, months and years are counted to it, certificate-year rules
        compare against its year.
    amount_override
        The amount the bureau set, in integer yuan; only for policies whose amount is ``local``.

    Returns
    -------
    Evaluation
        Outcomes in order: the trigger, the document's validity (when it names a term), R6 (no
        active credit record), the policy's conditions, then the amount basis for per-level and
        per-hukou amounts.

    Raises
    ------
    ValueError
        If ``amount_override`` is given for a policy with a seed amount, or is not positive
        integer yuan within the policy's bounds.
    """
    override = _checked_override(policy, amount_override)
    ctx = Context(facts, on_date, policy.id)
    citation = policy.source.citation
    r6 = ConditionRef("no_credit_record", MappingProxyType({"beneficiary": policy.beneficiary}))
    outcomes = [_trigger_outcome(policy, ctx)]
    in_force = validity_outcome(policy, on_date)
    if in_force is not None:
        outcomes.append(in_force)
    outcomes.append(_outcome(r6, ctx, R6_CITATION))
    outcomes.extend(_outcome(ref, ctx, citation) for ref in policy.conditions)
    basis, yuan = _amount_basis(policy, facts)
    if basis is not None:
        outcomes.append(basis)
    eligible = all(o.passed for o in outcomes)
    kind = policy.amount.kind
    entitlement = None
    if kind == "fixed":
        yuan = policy.amount.yuan
    elif kind == "local":
        yuan = override
    elif kind == "entitlement":
        entitlement = Entitlement(
            policy.amount.quantity or 0, policy.amount.unit, policy.amount.per
        )
    return Evaluation(
        policy_id=policy.id,
        region=policy.region,
        on_date=on_date,
        eligible=eligible,
        amount=yuan if eligible else None,
        amount_pending=eligible and kind == "local" and override is None,
        entitlement=entitlement if eligible else None,
        conditions=tuple(outcomes),
        once_only_key=_once_only_key(policy, facts, on_date) if eligible else None,
        budget_id=policy.budget_id,
    )


def policies_triggered_by(pack: PolicyPack, event_kind: str) -> tuple[Policy, ...]:
    """Return the pack's policies that an event of ``event_kind`` makes relevant.

    Raises
    ------
    ValueError
        If ``event_kind`` is not one of :data:`~skillbridge.platform.policy.EVENT_KINDS`.
    """
    if event_kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {event_kind!r}; expected one of {list(EVENT_KINDS)}")
    return tuple(p for p in pack.policies if p.trigger.event_kind == event_kind)
