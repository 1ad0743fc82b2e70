"""Subsidy policies and budgets of a region: installation from its pack, settings, money moves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, false, func, select, update
from sqlalchemy.orm import Session

from skillbridge.models import (
    Beneficiary,
    Budget,
    BudgetLedgerEntry,
    ClaimStatus,
    LedgerKind,
    Occupation,
    QuotaUsage,
    Region,
    Role,
    SubsidyClaim,
    SubsidyPolicy,
    User,
)
from skillbridge.platform.policy import Earmark, Policy, PolicyPack, Validity, term_evidence
from skillbridge.platform.services import audit
from skillbridge.platform.services.errors import Conflict, InvalidInput, NotFound
from skillbridge.platform.services.packs import region_pack
from skillbridge.platform.services.paging import Page, first_column, paginate
from skillbridge.platform.services.policies import can_manage_subsidies
from skillbridge.platform.services.upserts import insert_unless_present
from skillbridge.platform.text import N_

#: Amount kinds that pay money; an ``entitlement`` (e.g. paid training leave) is granted by the
#: employer, draws on no budget and is never claimed here.
MONETARY_KINDS = ("fixed", "per_level", "by_hukou", "local")

#: The beneficiary a claim under a pack policy is paid to, by the pack's `beneficiary`.
PACK_BENEFICIARIES = {
    "person": Beneficiary.PERSON,
    "student": Beneficiary.PERSON,
    "enterprise": Beneficiary.ENTERPRISE,
    "school": Beneficiary.SCHOOL,
}


@dataclass(frozen=True)
class InstallResult:
    """What :func:`install_region_policies` created and updated."""

    budgets_created: int
    policies_created: int
    policies_updated: int


def _install_budgets(session: Session, region: Region, pack: PolicyPack) -> tuple[dict, int]:
    existing = {
        b.code: b for b in session.scalars(select(Budget).where(Budget.region_id == region.id))
    }
    created = 0
    for fund in pack.budgets:
        budget = existing.get(fund.id)
        if budget is None:
            # A fund the seed names no total for starts at 0 until the bureau allocates it.
            allocated = fund.total_yuan or 0
            budget = Budget(
                region_id=region.id,
                code=fund.id,
                name=fund.name_zh,
                allocated_yuan=allocated,
                committed_yuan=0,
                paid_yuan=0,
                remaining_yuan=allocated,
            )
            session.add(budget)
            existing[fund.id] = budget
            created += 1
        else:
            budget.name = fund.name_zh
    session.flush()
    return existing, created


def _pack_settings(policy: Policy, budgets: dict[str, Budget]) -> dict[str, object]:
    amount, quota = policy.amount, policy.quota
    cap = quota if quota is not None and quota.kind == "cap" else None
    return {
        "name": policy.name_zh,
        "beneficiary": PACK_BENEFICIARIES[policy.beneficiary],
        "budget_id": budgets[policy.budget_id].id if policy.budget_id else None,
        "amount_kind": amount.kind,
        "amount_min_yuan": amount.min_yuan if amount.kind == "local" else None,
        "amount_max_yuan": amount.max_yuan if amount.kind == "local" else None,
        "annual_quota": cap.count if cap is not None else None,
        "quota_period_years": cap.period_years if cap is not None else 1,
    }


def install_region_policies(session: Session, region: Region) -> InstallResult:
    """Create or update the region's budgets and monetary policies from its pack (idempotent).

    Money already moved is never touched: an existing budget keeps its figures, an existing
    policy keeps the amount and designated occupations the bureau set, unless the pack's new
    bounds exclude that amount, in which case it is cleared for the bureau to set again.
    """
    pack = region_pack(region)
    budgets, budgets_created = _install_budgets(session, region, pack)
    existing = {
        p.code: p
        for p in session.scalars(select(SubsidyPolicy).where(SubsidyPolicy.region_id == region.id))
    }
    created = updated = 0
    for policy in pack.policies:
        if policy.amount.kind not in MONETARY_KINDS:
            continue
        settings = _pack_settings(policy, budgets)
        row = existing.get(policy.id)
        if row is None:
            session.add(SubsidyPolicy(region_id=region.id, code=policy.id, **settings))
            created += 1
            continue
        changed = {k: v for k, v in settings.items() if getattr(row, k) != v}
        if changed:
            for key, value in changed.items():
                setattr(row, key, value)
            if row.amount_yuan is not None and not _within(row, row.amount_yuan):
                row.amount_yuan = None
            updated += 1
    session.flush()
    if budgets_created or created or updated:
        audit.record(
            session,
            None,
            "subsidy.policies_installed",
            "region",
            region.id,
            {
                "pack": pack.region,
                "budgets_created": budgets_created,
                "policies_created": created,
                "policies_updated": updated,
            },
        )
    return InstallResult(budgets_created, created, updated)


def _within(policy: SubsidyPolicy, amount: int) -> bool:
    return (
        policy.amount_kind == "local"
        and amount > 0
        and (policy.amount_min_yuan is None or amount >= policy.amount_min_yuan)
        and (policy.amount_max_yuan is None or amount <= policy.amount_max_yuan)
    )


def get_policy_for_bureau(session: Session, actor: User, policy_id: int) -> SubsidyPolicy:
    """A policy of the actor's region (404 for any other)."""
    policy = session.get(SubsidyPolicy, policy_id)
    if policy is None or not can_manage_subsidies(actor, policy.region_id):
        raise NotFound(N_("补贴政策不存在"))
    return policy


def get_budget_for_bureau(session: Session, actor: User, budget_id: int) -> Budget:
    """A budget of the actor's region (404 for any other)."""
    budget = session.get(Budget, budget_id)
    if budget is None or not can_manage_subsidies(actor, budget.region_id):
        raise NotFound(N_("资金不存在"))
    return budget


def update_policy_settings(
    session: Session,
    actor: User,
    policy_id: int,
    amount_yuan: int | None,
    designated_codes: list[str],
) -> SubsidyPolicy:
    """The bureau sets a local-schedule amount (within the pack's bounds) and designated jobs."""
    policy = get_policy_for_bureau(session, actor, policy_id)
    problems = []
    if amount_yuan is not None and policy.amount_kind != "local":
        problems.append(N_("该政策的补贴标准由政策文件确定，不能修改"))
    elif amount_yuan is not None and not _within(policy, amount_yuan):
        problems.append(N_("补贴标准超出政策文件规定的范围"))
    codes = sorted({c.strip() for c in designated_codes if c.strip()})
    known = set(session.scalars(select(Occupation.code).where(Occupation.code.in_(codes))))
    problems.extend(
        N_("未知的职业（工种）代码：%(code)s", code=code) for code in codes if code not in known
    )
    if problems:
        raise InvalidInput(problems[0], details=problems)
    before = {"amount_yuan": policy.amount_yuan, "designated": list(policy.designated_occupations)}
    if policy.amount_kind == "local":
        policy.amount_yuan = amount_yuan
    policy.designated_occupations = codes
    session.flush()
    audit.record(
        session,
        actor,
        "subsidy_policy.updated",
        "subsidy_policy",
        policy.id,
        {"before": before, "after": {"amount_yuan": policy.amount_yuan, "designated": codes}},
    )
    return policy


def earmarks_of(session: Session, budget: Budget) -> tuple[Earmark, ...]:
    """The fund's lines held back from claims (pack data, 002 四), none for a fund the pack lacks."""
    pack = region_pack(session.get_one(Region, budget.region_id))
    return next((b.earmarks for b in pack.budgets if b.id == budget.code), ())


def earmarked_yuan(session: Session, budget_id: int) -> int:
    """What the fund's earmarks hold back: claims may commit only the remaining beyond it."""
    return sum(e.yuan or 0 for e in earmarks_of(session, session.get_one(Budget, budget_id)))


def set_budget_allocation(session: Session, actor: User, budget_id: int, allocated: int) -> Budget:
    """Change a fund's allocation; it can never drop below what is committed, paid or earmarked."""
    return allocate_budget(
        session, actor, get_budget_for_bureau(session, actor, budget_id), allocated
    )


def allocate_budget(session: Session, actor: User, budget: Budget, allocated: int) -> Budget:
    """Set `budget`'s allocation (audited); the caller has checked that `actor` may."""
    if allocated < 0:
        raise InvalidInput(N_("资金总额不能为负数"))
    held = earmarked_yuan(session, budget.id)
    before = budget.allocated_yuan
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Budget)
            .where(Budget.id == budget.id)
            .where(Budget.committed_yuan + Budget.paid_yuan + held <= allocated)
            .values(
                allocated_yuan=allocated,
                remaining_yuan=Budget.remaining_yuan + allocated - Budget.allocated_yuan,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise Conflict(N_("资金总额不能低于已承诺、已支付和专项列支的金额"))
    session.refresh(budget)
    audit.record(
        session,
        actor,
        "budget.allocated",
        "budget",
        budget.id,
        {"before": before, "after": allocated},
    )
    return budget


# --- money moves, each a conditional UPDATE the database arbitrates ---------------------------


def _move(
    session: Session,
    budget_id: int,
    claim_id: int,
    amount: int,
    moves: tuple[str, str],
    kind: LedgerKind,
    shortfall: str,
    keep: int = 0,
) -> None:
    """Move `amount` between two of the budget's columns, with its ledger row; Conflict if the
    source column holds less than `amount` plus `keep` (what must stay in it), decided by the
    conditional UPDATE, not Python, under concurrency."""
    source, target = (getattr(Budget, name) for name in moves)
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Budget)
            .where(Budget.id == budget_id, source >= amount + keep)
            .values({source: source - amount, target: target + amount})
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise Conflict(shortfall)
    session.add(
        BudgetLedgerEntry(budget_id=budget_id, claim_id=claim_id, kind=kind, amount_yuan=amount)
    )


def commit_budget(session: Session, budget_id: int, claim_id: int, amount: int) -> None:
    """Move `amount` from remaining to committed, with its ledger row; Conflict if what remains
    beyond the earmarked lines (师资, 题库, 职业标准 ..., 002 四) is short."""
    held = earmarked_yuan(session, budget_id)
    _move(
        session,
        budget_id,
        claim_id,
        amount,
        ("remaining_yuan", "committed_yuan"),
        LedgerKind.COMMIT,
        N_("资金余额（扣除专项列支后）不足，无法批准") if held else N_("资金余额不足，无法批准"),
        keep=held,
    )


def pay_budget(session: Session, budget_id: int, claim_id: int, amount: int) -> None:
    """Move `amount` from committed to paid, with its ledger row."""
    _move(
        session,
        budget_id,
        claim_id,
        amount,
        ("committed_yuan", "paid_yuan"),
        LedgerKind.PAY,
        N_("资金承诺额不足，无法支付"),
    )


def quota_period_start(policy: SubsidyPolicy, year: int, anchor_year: int) -> int:
    """First year of the quota period holding `year`; periods start at the pack's year."""
    period = policy.quota_period_years
    return anchor_year + ((year - anchor_year) // period) * period


def consume_quota(session: Session, policy: SubsidyPolicy, period_start: int) -> None:
    """Use one approval of the policy's quota for the period; Conflict when it is spent."""
    assert policy.annual_quota is not None
    session.execute(
        insert_unless_present(
            session,
            QuotaUsage,
            ["policy_id", "year"],
            policy_id=policy.id,
            year=period_start,
            quota=policy.annual_quota,
            used=0,
        )
    )
    result = cast(
        CursorResult[Any],
        session.execute(
            update(QuotaUsage)
            .where(
                QuotaUsage.policy_id == policy.id,
                QuotaUsage.year == period_start,
                QuotaUsage.used < QuotaUsage.quota,
            )
            .values(used=QuotaUsage.used + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise Conflict(N_("本期名额已用完，无法批准"))


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerCheck:
    """A fund's figures against its ledger and its claims; `discrepancies` lists every mismatch."""

    budget: Budget
    committed_entries: int
    paid_entries: int
    paid_claims: int
    discrepancies: tuple[str, ...]


def check_ledger(session: Session, budget: Budget) -> LedgerCheck:
    """Recount a fund from its ledger rows and paid claims; the counters must agree with both."""
    session.refresh(budget)

    def ledger_sum(kind: LedgerKind) -> int:
        return session.execute(
            select(func.coalesce(func.sum(BudgetLedgerEntry.amount_yuan), 0)).where(
                BudgetLedgerEntry.budget_id == budget.id, BudgetLedgerEntry.kind == kind
            )
        ).scalar_one()

    commits, pays = ledger_sum(LedgerKind.COMMIT), ledger_sum(LedgerKind.PAY)
    paid_claims = (
        session.execute(
            select(func.coalesce(func.sum(SubsidyClaim.amount_yuan), 0))
            .join(SubsidyPolicy, SubsidyPolicy.id == SubsidyClaim.policy_id)
            .where(SubsidyPolicy.budget_id == budget.id, SubsidyClaim.status == ClaimStatus.PAID)
        ).scalar_one()
        or 0
    )  # coalesced already; the column's type is the nullable amount
    problems = []
    if pays != paid_claims:
        problems.append(f"ledger pays {pays} != paid claims {paid_claims}")
    if pays != budget.paid_yuan:
        problems.append(f"ledger pays {pays} != budget paid {budget.paid_yuan}")
    if commits - pays != budget.committed_yuan:
        problems.append(
            f"ledger open commits {commits - pays} != committed {budget.committed_yuan}"
        )
    if budget.remaining_yuan < 0:
        problems.append(f"remaining {budget.remaining_yuan} < 0")
    if budget.committed_yuan + budget.paid_yuan + budget.remaining_yuan != budget.allocated_yuan:
        problems.append("committed + paid + remaining != allocated")
    return LedgerCheck(budget, commits, pays, paid_claims, tuple(problems))


def list_budgets(session: Session, actor: User, page: int = 1) -> Page[Budget]:
    """A page of the funds of the actor's region."""
    statement = select(Budget).where(Budget.region_id == actor.region_id).order_by(Budget.id)
    # Funds are the bureau's; anyone else gets the one empty page.
    statement = statement if actor.role == Role.BUREAU else statement.where(false())
    return paginate(session, statement, page, first_column)


@dataclass(frozen=True)
class PolicyTerm:
    """A region's policy document's validity as the bureau's pages show it, on a given day."""

    validity: Validity
    in_force: bool
    #: The term in words on that day, as a claim's refusal gives it (with the end date).
    evidence: str


def region_policy_term(session: Session, actor: User, on: date) -> PolicyTerm | None:
    """The validity of the document the actor's region's policies come from (000 第十条), with
    any recorded extension; None when the document names no term or the actor is no bureau."""
    if actor.role != Role.BUREAU or actor.region_id is None:
        return None
    pack = region_pack(session.get_one(Region, actor.region_id))
    if pack.validity is None:
        return None
    return PolicyTerm(pack.validity, pack.validity.in_force(on), term_evidence(pack.validity, on))


def list_policies(session: Session, actor: User) -> list[SubsidyPolicy]:
    """The installed policies of the actor's region."""
    if actor.role != Role.BUREAU:
        return []
    return list(
        session.scalars(
            select(SubsidyPolicy)
            .where(SubsidyPolicy.region_id == actor.region_id)
            .order_by(SubsidyPolicy.id)
        )
    )


@dataclass(frozen=True)
class BudgetOverview:
    """A fund's page: its figures, the ledger recount and a page of its ledger, newest first."""

    budget: Budget
    check: LedgerCheck
    entries: Page[BudgetLedgerEntry]
    #: The lines held back from claims, and what claims may still commit beyond them.
    earmarks: tuple[Earmark, ...] = ()
    claimable_yuan: int = 0


def budget_overview(session: Session, actor: User, budget_id: int, page: int = 1) -> BudgetOverview:
    """A fund of the actor's region with its ledger recount and a page of its movements."""
    budget = get_budget_for_bureau(session, actor, budget_id)
    statement = (
        select(BudgetLedgerEntry)
        .where(BudgetLedgerEntry.budget_id == budget.id)
        .order_by(BudgetLedgerEntry.id.desc())
    )
    entries = paginate(session, statement, page, first_column)
    earmarks = earmarks_of(session, budget)
    held = sum(e.yuan or 0 for e in earmarks)
    claimable = max(budget.remaining_yuan - held, 0)
    return BudgetOverview(budget, check_ledger(session, budget), entries, earmarks, claimable)
