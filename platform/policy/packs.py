"""Policy packs: one TOML file per region, loaded into frozen dataclasses and validated."""

from __future__ import annotations

import functools
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from skillbridge.models import SlotKind

from .conditions import TRIGGERS, ConditionRef, ParamError, Params, parse_condition, parse_params
from .document_kinds import document_kinds
from .facts import SKILL_LEVELS

__all__ = [
    "BENEFICIARIES",
    "PACKS_DIR",
    "REGION_CODES",
    "Amount",
    "Budget",
    "Earmark",
    "LegalBasis",
    "PackError",
    "PackSource",
    "PlacementRules",
    "Policy",
    "PolicyPack",
    "Quota",
    "RuleFigure",
    "Source",
    "Trigger",
    "Validity",
    "ValidityExtension",
    "load_all_packs",
    "load_pack",
    "load_pack_file",
]

PACKS_DIR = Path(__file__).parent / "packs"
REGION_CODES: tuple[str, ...] = ("zhongkai", "zhanjiang", "wujiang", "dalian", "inner_mongolia")
BENEFICIARIES: tuple[str, ...] = ("person", "student", "enterprise", "school")
AMOUNT_KINDS: tuple[str, ...] = ("fixed", "per_level", "by_hukou", "local", "entitlement")
PERIODS: tuple[str, ...] = ("once", "year")
RULE_UNITS: tuple[str, ...] = ("months", "years", "percent", "basis_points", "enterprises")
#: The compliance rules (DOMAIN.md R1–R9 from the seeds, N1–N10 national) every pack gives a basis.
COMPLIANCE_RULES: tuple[str, ...] = tuple(f"R{n}" for n in range(1, 10)) + tuple(
    f"N{n}" for n in range(1, 11)
)
#: The national text the N-rules come from; a ``national`` basis cites it.
NATIONAL_DOCUMENT = "教职成〔2021〕4号"
LEGAL_BASES: tuple[str, ...] = ("national", "own", "adopted", "not_applied")
#: Figures whose rule names the slot kinds it covers (N1: 跟岗 and 岗位实习 alike).
SCOPED_FIGURES: frozenset[str] = frozenset({"post_internship_min_age"})
#: Placeholders a once-only key template may use; the engine fills them from the facts.
KEY_FIELDS: tuple[str, ...] = (
    "policy", "region", "beneficiary", "person", "enterprise", "school", "level",
    "claim_year", "selection_year", "certificate_year", "programme", "competition",
    "occupation",
)  # fmt: skip


class PackError(ValueError):
    """A policy pack is malformed: names the file, the policy (if any), the field and why."""

    def __init__(self, file: str, policy_id: str | None, field: str | None, reason: str) -> None:
        where = [file]
        if policy_id is not None:
            where.append(f"policy {policy_id!r}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{': '.join(where)}: {reason}")
        self.file = file
        self.policy_id = policy_id
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class PackSource:
    """The seed document a pack encodes."""

    seed: str
    document: str
    title_zh: str
    year: int


@dataclass(frozen=True)
class Source:
    """Where a policy comes from: seed file, document, article and the article's wording."""

    seed: str
    document: str
    article: str
    quote: str

    @property
    def citation(self) -> str:
        """The citation shown to users, e.g. ``吴政规字〔2012〕13号 二(二)2``."""
        return f"{self.document} {self.article}"

    @property
    def ref(self) -> str:
        """The short reference used in DOMAIN.md, e.g. ``002 二(二)2``."""
        return f"{self.seed[:3]} {self.article}"


@dataclass(frozen=True)
class RuleFigure:
    """One placement-rule figure as an integer in its unit, with its source."""

    value: int
    unit: str
    citation: str
    note: str = ""
    #: The figure as the seed prints it, where that differs from ``value``.
    printed: str | None = None
    #: The slot kinds the figure limits (``SlotKind`` values), for figures that name a scope.
    slot_kinds: tuple[str, ...] = ()

    def limits(self, slot_kind: str) -> bool:
        """Whether a placement on a slot of ``slot_kind`` falls under this figure."""
        return slot_kind in self.slot_kinds

    @property
    def ratio(self) -> Decimal:
        """The figure as an exact fraction (``percent`` and ``basis_points`` units only)."""
        if self.unit == "percent":
            return Decimal(self.value) / 100
        if self.unit == "basis_points":
            return Decimal(self.value) / 10000
        raise ValueError(f"a figure in {self.unit!r} is not a ratio")


@dataclass(frozen=True)
class PlacementRules:
    """Per-region placement and education-fund figures (DOMAIN.md R1, R3, R9, N1–N4, N9)."""

    post_internship_max_months: RuleFigure
    post_internship_generic_months: RuleFigure
    post_internship_min_age: RuleFigure
    max_intern_share_of_enterprise_staff: RuleFigure
    max_intern_share_of_post_staff: RuleFigure
    min_stipend_ratio: RuleFigure
    min_partner_enterprises_per_specialty: RuleFigure
    education_fund_front_line_min_share: RuleFigure | None = None
    education_fund_payroll_rate: RuleFigure | None = None
    education_fund_payroll_rate_training_heavy: RuleFigure | None = None
    education_fund_skilled_workers_min_share: RuleFigure | None = None
    education_fund_high_skill_min_share: RuleFigure | None = None


@dataclass(frozen=True)
class LegalBasis:
    """Why a compliance rule applies in a region, or that it does not.

    ``national``: the national rules; ``own``: the region's own seed; ``adopted``: another
    region's document that the local bureau adopted by the decision ``reference`` (taken by
    ``adopted_by``); ``not_applied``: no basis in force here, so the audit skips the rule.
    """

    rule: str
    basis: str
    citation: str | None = None
    adopted_by: str | None = None
    reference: str | None = None
    note: str = ""

    @property
    def applies(self) -> bool:
        """Whether the region's audit runs the rule."""
        return self.basis != "not_applied"


@dataclass(frozen=True)
class Amount:
    """How much a policy pays, or the non-monetary entitlement it grants.

    ``kind`` is ``fixed`` (``yuan``), ``per_level`` (``levels``, keyed by the level of the
    certificate or of the award selection, see ``level_of``), ``by_hukou`` (``local_yuan`` /
    ``non_local_yuan``), ``local`` (set by the bureau under ``schedule_zh``, optionally within
    ``min_yuan``..``max_yuan``) or ``entitlement`` (``quantity`` of ``unit``, not money).
    """

    kind: str
    per: str
    yuan: int | None = None
    levels: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    level_of: str = "certificate"
    local_yuan: int | None = None
    non_local_yuan: int | None = None
    schedule_zh: str | None = None
    min_yuan: int | None = None
    max_yuan: int | None = None
    quantity: int | None = None
    unit: str = "yuan"


@dataclass(frozen=True)
class Trigger:
    """The event that makes a policy relevant, with the threshold the engine checks."""

    kind: str
    params: Params

    @property
    def event_kind(self) -> str:
        """The platform event the web layer raises claims from."""
        return TRIGGERS[self.kind].event_kind or ""


@dataclass(frozen=True)
class Quota:
    """How many beneficiaries per period: a ``cap`` on selections or a ``target`` to reach."""

    count: int
    period_years: int
    kind: str
    year: int | None = None


@dataclass(frozen=True)
class Earmark:
    """A line of a fund set aside for items no claim pays (师资, 题库, 职业标准 ...).

    ``yuan`` is the amount the competent body set aside by the decision ``reference``; ``None``
    while none is recorded (the seed names the item, not its share), and then it reserves nothing.
    """

    id: str
    name_zh: str
    citation: str
    yuan: int | None = None
    reference: str | None = None


@dataclass(frozen=True)
class Budget:
    """A fund policies draw on; ``total_yuan`` is ``None`` when the seed names no total."""

    id: str
    name_zh: str
    total_yuan: int | None
    citation: str
    earmarks: tuple[Earmark, ...] = ()

    @property
    def earmarked_yuan(self) -> int:
        """What the earmarks hold back from claims."""
        return sum(e.yuan or 0 for e in self.earmarks)


@dataclass(frozen=True)
class ValidityExtension:
    """An extension of a document's validity, recorded with the decision that made it."""

    until: date
    reference: str
    decided_by: str


@dataclass(frozen=True)
class Validity:
    """When a document is in force: from ``effective_from`` for ``term_years`` (its own text),
    and to the last extension's ``until`` when the region recorded any.

    "自2014年5月9日起施行，有效期2年": the first day counts (the document is in force on it), so
    the term's last day is the day before the second anniversary, 2016-05-08 (Civil Code art.
    202: the period ends on the day corresponding to its start, here the one before it).
    """

    effective_from: date
    term_years: int
    citation: str
    quote: str
    extensions: tuple[ValidityExtension, ...] = ()

    @property
    def term_ends_on(self) -> date:
        """The last day of the document's own term."""
        start = self.effective_from
        try:
            anniversary = start.replace(year=start.year + self.term_years)
        except ValueError:  # 29 February: the period ends with the month (art. 202)
            anniversary = date(start.year + self.term_years, 3, 1)
        return anniversary - timedelta(days=1)

    @property
    def ends_on(self) -> date:
        """The last day in force: the latest recorded extension, else the term's end."""
        return max([self.term_ends_on, *(e.until for e in self.extensions)])

    @property
    def extension(self) -> ValidityExtension | None:
        """The extension that sets :attr:`ends_on`, if any."""
        return max(self.extensions, key=lambda e: e.until, default=None)

    def in_force(self, on: date) -> bool:
        """Whether the document is in force on ``on``."""
        return self.effective_from <= on <= self.ends_on


@dataclass(frozen=True)
class SelectionRules:
    """How the region's award selections (评选) run, where its seed says: the 公示 length."""

    publicity_working_days: int
    citation: str
    note: str = ""


@dataclass(frozen=True)
class Policy:
    """One subsidy, award or entitlement of a region."""

    id: str
    region: str
    name_zh: str
    name_en: str
    beneficiary: str
    source: Source
    trigger: Trigger
    amount: Amount
    conditions: tuple[ConditionRef, ...]
    once_only_key: str
    budget_id: str | None
    quota: Quota | None = None
    note: str = ""
    #: Codes of the document kinds (document_kinds.toml) a claim under this policy must carry.
    documents: tuple[str, ...] = ()
    #: The validity of the policy's document; ``None`` when the document names no term.
    validity: Validity | None = None


@dataclass(frozen=True)
class PolicyPack:
    """A region's placement rules, budgets and policies."""

    region: str
    name_zh: str
    name_en: str
    source: PackSource
    placement_rules: PlacementRules
    budgets: tuple[Budget, ...]
    policies: tuple[Policy, ...]
    validity: Validity | None = None
    #: The legal basis of every compliance rule in the region, by rule id.
    compliance: Mapping[str, LegalBasis] = field(default_factory=lambda: MappingProxyType({}))
    #: The selection procedure's figures; None when the seed names none (the bureau sets them).
    selection: SelectionRules | None = None

    def policy(self, policy_id: str) -> Policy:
        """Return the policy with ``policy_id``; raise ``KeyError`` if the pack has none."""
        for policy in self.policies:
            if policy.id == policy_id:
                return policy
        raise KeyError(f"{self.region} has no policy {policy_id!r}")

    def budget(self, budget_id: str) -> Budget:
        """Return the budget with ``budget_id``; raise ``KeyError`` if the pack has none."""
        for budget in self.budgets:
            if budget.id == budget_id:
                return budget
        raise KeyError(f"{self.region} has no budget {budget_id!r}")


class _Reader:
    """Reads typed values out of TOML tables, raising PackError with the full location."""

    def __init__(self, file: str, policy_id: str | None = None) -> None:
        self.file = file
        self.policy_id = policy_id

    def array_of_tables(
        self, table: Mapping[str, object], key: str, prefix: str
    ) -> list[tuple[str, dict[str, object]]]:
        """The tables of the optional array `key`, each with its location (`prefix` key[i].)."""
        raw = table.get(key, [])
        if not isinstance(raw, list):
            raise self.error(prefix + key, f"must be an array of tables, got {raw!r}")
        found = []
        for i, entry in enumerate(raw):
            where = f"{prefix}{key}[{i}]."
            if not isinstance(entry, dict):
                raise self.error(where[:-1], f"must be a table, got {entry!r}")
            found.append((where, entry))
        return found

    def error(self, field: str | None, reason: str) -> PackError:
        return PackError(self.file, self.policy_id, field, reason)

    def table(self, parent: Mapping[str, object], key: str, prefix: str = "") -> dict:
        value = parent.get(key)
        if not isinstance(value, dict):
            raise self.error(prefix + key, f"must be a table, got {value!r}")
        return value

    def only(self, table: Mapping[str, object], allowed: set[str], prefix: str = "") -> None:
        extra = sorted(set(table) - allowed)
        if extra:
            raise self.error(prefix + extra[0], f"unknown field; allowed: {sorted(allowed)}")

    def text(self, table: Mapping[str, object], key: str, prefix: str = "") -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            why = "is missing" if value is None else f"must be a non-empty string, got {value!r}"
            raise self.error(prefix + key, why)
        return value

    def optional_text(self, table: Mapping[str, object], key: str, prefix: str = "") -> str | None:
        return None if table.get(key) is None else self.text(table, key, prefix)

    def integer(
        self, table: Mapping[str, object], key: str, prefix: str = "", *, minimum: int = 0
    ) -> int:
        value = table.get(key)
        if isinstance(value, float):
            raise self.error(
                prefix + key,
                f"floats are not allowed for money or ratios, got {value!r}; "
                "write an integer (yuan, percent or basis points)",
            )
        if isinstance(value, bool) or not isinstance(value, int):
            why = "is missing" if value is None else f"must be an integer, got {value!r}"
            raise self.error(prefix + key, why)
        if value < minimum:
            raise self.error(prefix + key, f"must be at least {minimum}, got {value}")
        return value

    def optional_integer(
        self, table: Mapping[str, object], key: str, prefix: str = "", *, minimum: int = 0
    ) -> int | None:
        if table.get(key) is None:
            return None
        return self.integer(table, key, prefix, minimum=minimum)

    def choice(self, table: Mapping[str, object], key: str, options: tuple[str, ...],
               prefix: str = "") -> str:  # fmt: skip
        value = table.get(key)
        if value not in options:
            raise self.error(prefix + key, f"must be one of {options}, got {value!r}")
        return value


def _figure(reader: _Reader, table: Mapping[str, object], key: str) -> RuleFigure:
    prefix = f"placement_rules.{key}."
    fig = reader.table(table, key, "placement_rules.")
    reader.only(fig, {"value", "unit", "citation", "note", "printed", "slot_kinds"}, prefix)
    kinds = fig.get("slot_kinds", [])
    known = tuple(kind.value for kind in SlotKind)
    if not isinstance(kinds, list) or any(kind not in known for kind in kinds):
        raise reader.error(prefix + "slot_kinds", f"must list slot kinds of {known}, got {kinds!r}")
    if key in SCOPED_FIGURES and not kinds:
        raise reader.error(prefix + "slot_kinds", "is missing: the figure limits named slot kinds")
    return RuleFigure(
        value=reader.integer(fig, "value", prefix),
        unit=reader.choice(fig, "unit", RULE_UNITS, prefix),
        citation=reader.text(fig, "citation", prefix),
        note=reader.optional_text(fig, "note", prefix) or "",
        printed=reader.optional_text(fig, "printed", prefix),
        slot_kinds=tuple(kinds),
    )


def _placement_rules(reader: _Reader, doc: Mapping[str, object]) -> PlacementRules:
    table = reader.table(doc, "placement_rules")
    names = [f.name for f in fields(PlacementRules)]
    reader.only(table, set(names), "placement_rules.")
    figures = {}
    for f in fields(PlacementRules):
        if f.name in table or f.default is not None:
            figures[f.name] = _figure(reader, table, f.name)
    return PlacementRules(**figures)


def _earmarks(
    reader: _Reader, table: Mapping[str, object], prefix: str, budget_id: str
) -> tuple[Earmark, ...]:
    earmarks = []
    for where, entry in reader.array_of_tables(table, "earmarks", prefix):
        reader.only(entry, {"id", "name_zh", "citation", "yuan", "reference"}, where)
        earmark_id = reader.text(entry, "id", where)
        if not earmark_id.startswith(f"{budget_id}."):
            raise reader.error(where + "id", f"must start with {budget_id + '.'!r}")
        yuan = reader.optional_integer(entry, "yuan", where, minimum=1)
        reference = reader.optional_text(entry, "reference", where)
        if (yuan is None) != (reference is None):
            raise reader.error(
                where + "reference", "an amount set aside comes with the decision that set it"
            )
        earmarks.append(Earmark(
            id=earmark_id,
            name_zh=reader.text(entry, "name_zh", where),
            citation=reader.text(entry, "citation", where),
            yuan=yuan,
            reference=reference,
        ))  # fmt: skip
    if len({e.id for e in earmarks}) != len(earmarks):
        raise reader.error(prefix + "earmarks", "an earmark id appears twice")
    return tuple(earmarks)


def _budgets(reader: _Reader, doc: Mapping[str, object], region: str) -> tuple[Budget, ...]:
    budgets = []
    tables = doc.get("budgets", [])
    if not isinstance(tables, list):
        raise reader.error("budgets", f"must be an array of tables, got {tables!r}")
    for i, table in enumerate(tables):
        prefix = f"budgets[{i}]."
        if not isinstance(table, dict):
            raise reader.error(prefix[:-1], f"must be a table, got {table!r}")
        reader.only(table, {"id", "name_zh", "total_yuan", "citation", "earmarks"}, prefix)
        budget_id = reader.text(table, "id", prefix)
        if not budget_id.startswith(f"{region}."):
            raise reader.error(
                prefix + "id", f"must start with {region + '.'!r}, got {budget_id!r}"
            )
        total = reader.optional_integer(table, "total_yuan", prefix, minimum=1)
        earmarks = _earmarks(reader, table, prefix, budget_id)
        held = sum(e.yuan or 0 for e in earmarks)
        if total is not None and held > total:
            raise reader.error(
                prefix + "earmarks", f"hold {held} yuan, more than the total {total}"
            )
        budgets.append(Budget(
            id=budget_id,
            name_zh=reader.text(table, "name_zh", prefix),
            total_yuan=total,
            citation=reader.text(table, "citation", prefix),
            earmarks=earmarks,
        ))  # fmt: skip
    return tuple(budgets)


def _compliance(
    reader: _Reader, doc: Mapping[str, object], own_document: str
) -> Mapping[str, LegalBasis]:
    """Every compliance rule's basis in the region: national, own seed, adopted or not applied."""
    table = reader.table(doc, "compliance")
    reader.only(table, set(COMPLIANCE_RULES), "compliance.")
    bases = {}
    for rule in COMPLIANCE_RULES:
        prefix = f"compliance.{rule}."
        entry = reader.table(table, rule, "compliance.")
        reader.only(entry, {"basis", "citation", "adopted_by", "reference", "note"}, prefix)
        basis = reader.choice(entry, "basis", LEGAL_BASES, prefix)
        if basis == "not_applied":
            if "citation" in entry or "reference" in entry:
                raise reader.error(prefix + "basis", "a rule not applied cites nothing")
            bases[rule] = LegalBasis(rule, basis, note=reader.text(entry, "note", prefix))
            continue
        citation = reader.text(entry, "citation", prefix)
        national, own = citation.startswith(NATIONAL_DOCUMENT), citation.startswith(own_document)
        if basis == "national" and not national:
            raise reader.error(prefix + "citation", f"a national basis cites {NATIONAL_DOCUMENT}")
        if basis == "own" and not own:
            raise reader.error(prefix + "citation", f"an own basis cites {own_document}")
        if basis == "adopted":
            if national or own:
                raise reader.error(
                    prefix + "basis", "cites a national or own text: no adoption needed"
                )
            bases[rule] = LegalBasis(
                rule, basis, citation,
                adopted_by=reader.text(entry, "adopted_by", prefix),
                reference=reader.text(entry, "reference", prefix),
                note=reader.optional_text(entry, "note", prefix) or "",
            )  # fmt: skip
            continue
        if "adopted_by" in entry or "reference" in entry:
            raise reader.error(prefix + "reference", "only an adopted basis carries a decision")
        note = reader.optional_text(entry, "note", prefix) or ""
        bases[rule] = LegalBasis(rule, basis, citation, note=note)
    return MappingProxyType(bases)


def _date(reader: _Reader, table: Mapping[str, object], key: str, prefix: str) -> date:
    value = table.get(key)
    if not isinstance(value, date) or isinstance(value, datetime):
        why = "is missing" if value is None else f"must be a TOML date (2014-05-09), got {value!r}"
        raise reader.error(prefix + key, why)
    return value


def _validity(reader: _Reader, doc: Mapping[str, object]) -> Validity | None:
    """The document's term (its own article) and the extensions the region recorded."""
    if "validity" not in doc:
        return None
    table = reader.table(doc, "validity")
    prefix = "validity."
    reader.only(table, {"effective_from", "term_years", "citation", "quote", "extensions"}, prefix)
    extensions = []
    for where, entry in reader.array_of_tables(table, "extensions", prefix):
        reader.only(entry, {"until", "reference", "decided_by"}, where)
        extensions.append(ValidityExtension(
            until=_date(reader, entry, "until", where),
            reference=reader.text(entry, "reference", where),
            decided_by=reader.text(entry, "decided_by", where),
        ))  # fmt: skip
    validity = Validity(
        effective_from=_date(reader, table, "effective_from", prefix),
        term_years=reader.integer(table, "term_years", prefix, minimum=1),
        citation=reader.text(table, "citation", prefix),
        quote=reader.text(table, "quote", prefix),
        extensions=tuple(extensions),
    )
    for i, ext in enumerate(validity.extensions):
        if ext.until <= validity.term_ends_on:
            raise reader.error(
                f"{prefix}extensions[{i}].until",
                f"{ext.until.isoformat()} does not extend the term, which ends on "
                f"{validity.term_ends_on.isoformat()}",
            )
    return validity


def _selection(reader: _Reader, doc: Mapping[str, object]) -> SelectionRules | None:
    """The optional ``[selection]`` table: the 公示 length in working days, with its citation."""
    if "selection" not in doc:
        return None
    table = reader.table(doc, "selection")
    reader.only(table, {"publicity_working_days", "citation", "note"}, "selection.")
    return SelectionRules(
        publicity_working_days=reader.integer(
            table, "publicity_working_days", "selection.", minimum=1
        ),
        citation=reader.text(table, "citation", "selection."),
        note=reader.optional_text(table, "note", "selection.") or "",
    )


def _amount(reader: _Reader, policy: Mapping[str, object], trigger: Trigger) -> Amount:
    table = reader.table(policy, "amount")
    kind = reader.choice(table, "kind", AMOUNT_KINDS, "amount.")
    per = reader.choice(table, "per", PERIODS, "amount.")
    money = {"kind", "per"}
    if kind == "fixed":
        reader.only(table, money | {"yuan"}, "amount.")
        return Amount(kind, per, yuan=reader.integer(table, "yuan", "amount.", minimum=1))
    if kind == "by_hukou":
        reader.only(table, money | {"local_yuan", "non_local_yuan"}, "amount.")
        return Amount(
            kind, per,
            local_yuan=reader.integer(table, "local_yuan", "amount.", minimum=1),
            non_local_yuan=reader.integer(table, "non_local_yuan", "amount.", minimum=1),
        )  # fmt: skip
    if kind == "local":
        reader.only(table, money | {"schedule_zh", "min_yuan", "max_yuan"}, "amount.")
        low = reader.optional_integer(table, "min_yuan", "amount.", minimum=1)
        high = reader.optional_integer(table, "max_yuan", "amount.", minimum=1)
        if low is not None and high is not None and high < low:
            raise reader.error("amount.max_yuan", f"{high} is below min_yuan {low}")
        schedule = reader.text(table, "schedule_zh", "amount.")
        return Amount(kind, per, schedule_zh=schedule, min_yuan=low, max_yuan=high)
    if kind == "entitlement":
        reader.only(table, money | {"quantity", "unit"}, "amount.")
        unit = reader.choice(table, "unit", ("working_days",), "amount.")
        quantity = reader.integer(table, "quantity", "amount.", minimum=1)
        return Amount(kind, per, quantity=quantity, unit=unit)
    reader.only(table, money | {"levels", "level_of"}, "amount.")
    level_of = reader.choice(table, "level_of", ("certificate", "selection"), "amount.")
    levels_table = reader.table(table, "levels", "amount.")
    unknown = sorted(set(levels_table) - set(SKILL_LEVELS))
    if unknown:
        raise reader.error(f"amount.levels.{unknown[0]}", f"unknown skill level {unknown[0]!r}")
    levels = {
        level: reader.integer(levels_table, level, "amount.levels.", minimum=1)
        for level in levels_table
    }
    if level_of == "certificate":
        wanted = set(trigger.params.get("levels", ()))
        if set(levels) != wanted:
            raise reader.error(
                "amount.levels",
                f"levels {sorted(levels)} differ from trigger levels {sorted(wanted)}",
            )
    return Amount(kind, per, levels=MappingProxyType(levels), level_of=level_of)


def _trigger(reader: _Reader, policy: Mapping[str, object]) -> Trigger:
    table = reader.table(policy, "trigger")
    kind = table.get("kind")
    if not isinstance(kind, str) or kind not in TRIGGERS:
        raise reader.error("trigger.kind", f"unknown trigger {kind!r}; known: {sorted(TRIGGERS)}")
    check = TRIGGERS[kind]
    reader.only(table, set(check.params) | {"kind"}, "trigger.")
    try:
        params = parse_params(check, table, "trigger")
    except ParamError as exc:
        raise reader.error(exc.field, exc.reason) from None
    return Trigger(kind, params)


def _quota(reader: _Reader, policy: Mapping[str, object]) -> Quota | None:
    if "quota" not in policy:
        return None
    table = reader.table(policy, "quota")
    reader.only(table, {"count", "period_years", "kind", "year"}, "quota.")
    return Quota(
        count=reader.integer(table, "count", "quota.", minimum=1),
        period_years=reader.integer(table, "period_years", "quota.", minimum=1),
        kind=reader.choice(table, "kind", ("cap", "target"), "quota."),
        year=reader.optional_integer(table, "year", "quota.", minimum=1),
    )


def _once_only_key(reader: _Reader, policy: Mapping[str, object]) -> str:
    template = reader.text(policy, "once_only_key")
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise reader.error("once_only_key", f"bad template: {exc}") from None
    unknown = [name for name in names if name not in KEY_FIELDS]
    if unknown:
        raise reader.error("once_only_key", f"unknown placeholder {{{unknown[0]}}}; "
                           f"allowed: {KEY_FIELDS}")  # fmt: skip
    if "policy" not in names:
        raise reader.error("once_only_key", "must include {policy}")
    return template


_POLICY_FIELDS = {
    "id", "name_zh", "name_en", "beneficiary", "source", "trigger", "amount", "conditions",
    "once_only_key", "budget", "quota", "note", "documents",
}  # fmt: skip


def _policy(
    file: str,
    table: object,
    index: int,
    pack_source: PackSource,
    region: str,
    budget_ids: set,
    validity: Validity | None,
) -> Policy:
    reader = _Reader(file)
    if not isinstance(table, dict):
        raise reader.error(f"policies[{index}]", "must be a table")
    policy_id = reader.text(table, "id", f"policies[{index}].")
    reader.policy_id = policy_id
    if not policy_id.startswith(f"{region}."):
        raise reader.error("id", f"must start with {region + '.'!r}")
    reader.only(table, _POLICY_FIELDS)
    if "source" not in table:
        raise reader.error("source", "is missing: every policy cites its seed article")
    src = reader.table(table, "source")
    reader.only(src, {"article", "quote", "document"}, "source.")
    source = Source(
        seed=pack_source.seed,
        document=reader.optional_text(src, "document", "source.") or pack_source.document,
        article=reader.text(src, "article", "source."),
        quote=reader.text(src, "quote", "source."),
    )
    trigger = _trigger(reader, table)
    conditions = []
    raw_conditions = table.get("conditions", [])
    if not isinstance(raw_conditions, list):
        raise reader.error("conditions", "must be an array of tables")
    for i, raw in enumerate(raw_conditions):
        try:
            conditions.append(parse_condition(raw, f"conditions[{i}]"))
        except ParamError as exc:
            raise reader.error(exc.field, exc.reason) from None
    budget_id = reader.optional_text(table, "budget")
    if budget_id is not None and budget_id not in budget_ids:
        raise reader.error("budget", f"unknown budget {budget_id!r}; pack has {sorted(budget_ids)}")
    return Policy(
        id=policy_id,
        region=region,
        name_zh=reader.text(table, "name_zh"),
        name_en=reader.text(table, "name_en"),
        beneficiary=reader.choice(table, "beneficiary", BENEFICIARIES),
        source=source,
        trigger=trigger,
        amount=_amount(reader, table, trigger),
        conditions=tuple(conditions),
        once_only_key=_once_only_key(reader, table),
        budget_id=budget_id,
        quota=_quota(reader, table),
        note=reader.optional_text(table, "note") or "",
        documents=_documents(reader, table),
        validity=validity,
    )


def _documents(reader: _Reader, policy: Mapping[str, object]) -> tuple[str, ...]:
    """The claim materials a policy lists: required, each a kind of the document catalogue."""
    if "documents" not in policy:
        raise reader.error(
            "documents", "is missing: every policy lists the materials a claim needs"
        )
    codes = policy["documents"]
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise reader.error("documents", f"must be an array of document kinds, got {codes!r}")
    known = document_kinds()
    for code in codes:
        if code not in known:
            raise reader.error(
                "documents", f"unknown document kind {code!r}; known: {sorted(known)}"
            )
    if len(set(codes)) != len(codes):
        raise reader.error("documents", "lists a document kind twice")
    return tuple(codes)


def load_pack_file(path: Path) -> PolicyPack:
    """Load and validate one pack file; raise :class:`PackError` on any defect."""
    file = path.name
    reader = _Reader(file)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise reader.error(None, f"invalid TOML: {exc}") from None
    reader.only(doc, {"region", "name_zh", "name_en", "source", "placement_rules", "budgets",
                      "policies", "validity", "compliance", "selection"})  # fmt: skip
    region = reader.text(doc, "region")
    if f"{region}.toml" != file:
        raise reader.error("region", f"{region!r} does not match the file name")
    src = reader.table(doc, "source")
    reader.only(src, {"seed", "document", "title_zh", "year"}, "source.")
    pack_source = PackSource(
        seed=reader.text(src, "seed", "source."),
        document=reader.text(src, "document", "source."),
        title_zh=reader.text(src, "title_zh", "source."),
        year=reader.integer(src, "year", "source.", minimum=1949),
    )
    budgets = _budgets(reader, doc, region)
    budget_ids = {b.id for b in budgets}
    validity = _validity(reader, doc)
    policies = tuple(
        _policy(file, table, i, pack_source, region, budget_ids, validity)
        for i, table in enumerate(doc.get("policies", []))
    )
    seen: set[str] = set()
    for policy in policies:
        if policy.id in seen:
            raise PackError(file, policy.id, "id", "duplicate policy id")
        seen.add(policy.id)
    return PolicyPack(
        region=region,
        name_zh=reader.text(doc, "name_zh"),
        name_en=reader.text(doc, "name_en"),
        source=pack_source,
        placement_rules=_placement_rules(reader, doc),
        budgets=budgets,
        policies=policies,
        validity=validity,
        compliance=_compliance(reader, doc, pack_source.document),
        selection=_selection(reader, doc),
    )


@functools.cache
def load_pack(region_code: str) -> PolicyPack:
    """Load the bundled pack of ``region_code`` (one of :data:`REGION_CODES`)."""
    if region_code not in REGION_CODES:
        raise KeyError(f"unknown region {region_code!r}; expected one of {REGION_CODES}")
    return load_pack_file(PACKS_DIR / f"{region_code}.toml")


def load_all_packs() -> dict[str, PolicyPack]:
    """Load every bundled pack, keyed by region code in :data:`REGION_CODES` order."""
    return {code: load_pack(code) for code in REGION_CODES}
