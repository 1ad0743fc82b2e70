"""Student-proposing deferred acceptance with slot and group capacities (method "stable")."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ._problem import Problem


def _two_key_order(primary: np.ndarray, units: np.ndarray, tie: np.ndarray) -> np.ndarray:
    """Return ``np.lexsort((tie, -units, primary))``, by one fast sort when the keys fit.

    ``primary`` must be non-negative. The pairs are sorted by ``np.sort`` (several times
    faster than ``argsort`` on int64) of ``(primary, top - units)`` packed into one int64
    with the pair index in the low bits, which makes every key distinct; the index then
    breaks ties instead of ``tie``, so each run of pairs equal on both keys is put in
    ``tie`` order afterwards (a sort of the tied pairs only; a run stays in its place).
    """
    if units.size == 0:
        return np.zeros(0, dtype=np.int64)
    bits = max(int(units.size - 1).bit_length(), 1)
    top = int(units.max())
    span = top - int(units.min()) + 1
    if (int(primary.max()) + 1) * span >= 2 ** (63 - bits):
        return np.lexsort((tie, -units, primary))
    key = primary * span
    key += top - units
    key <<= bits
    key |= np.arange(units.size, dtype=np.int64)
    key.sort()
    order = key & ((1 << bits) - 1)
    key >>= bits
    tied = key[1:] == key[:-1]
    if tied.any():
        at = np.flatnonzero(np.r_[tied, False] | np.r_[False, tied])
        run = order[at]
        order[at] = run[np.lexsort((tie[run], key[at]))]
    return order


def _rank_key(rank: np.ndarray) -> np.ndarray:
    """Ranks with 0 (not ranked) moved after every real rank."""
    return np.where(rank == 0, (int(rank.max()) + 1) if rank.size else 1, rank)


def preference_order(problem: Problem, pairs: np.ndarray) -> np.ndarray:
    """Each student's list: ``pairs`` sorted by student, then by the student's preference.

    Ranked slots first by rank, then unranked ones by score (higher first), then by slot.
    ``pairs`` must be ascending; when it is every pair, nothing is gathered through it.
    """
    every = pairs.size == problem.n_pairs

    def of(values: np.ndarray) -> np.ndarray:
        return values if every else values[pairs]

    student = of(problem.student)
    rank = (
        np.zeros(pairs.size, dtype=np.int64)
        if problem.student_rank is None
        else _rank_key(of(problem.student_rank))
    )
    primary = student * (int(rank.max(initial=0)) + 1) + rank
    order = _two_key_order(primary, of(problem.units), of(problem.slot))
    return order if every else pairs[order]


def claim_order(problem: Problem) -> np.ndarray:
    """Strength of each pair's claim on its slot: position in one global order, 0 = strongest.

    By the slot side's priority (ranked first, ``1`` best), then by score (higher first),
    then by student index: a strict order, so every comparison has one answer.
    """
    n_pairs = problem.n_pairs
    prio = (
        np.zeros(n_pairs, dtype=np.int64)
        if problem.priority is None
        else _rank_key(problem.priority)
    )
    order = _two_key_order(prio, problem.units, problem.student)
    claim = np.empty(n_pairs, dtype=np.int64)
    claim[order] = np.arange(n_pairs)
    return claim


def _claim_values(
    problem: Problem, bucket_bits: int
) -> tuple[Callable[[np.ndarray], np.ndarray], int]:
    """Each pair's claim as one int (smaller = stronger, ordered as :func:`claim_order`).

    Returns ``(claim_of, bits)``: a function from pair indices to claims, all below
    ``2**bits``. The claim packs ``(priority, -units, student)`` into one integer, computed
    only for the pairs that are proposed, when that fits in 63 bits beside ``bucket_bits``
    of slot or group; otherwise it is the position in :func:`claim_order`, which sorts
    every pair once.
    """
    n, units = max(problem.n_students, 1), problem.units
    top = int(units.max(initial=0))
    span = top - int(units.min(initial=0)) + 1
    prio = problem.priority
    unranked = 1 + (0 if prio is None else int(prio.max(initial=0)))
    bits = ((unranked + 1) * span * n).bit_length()
    if bits + bucket_bits <= 63:

        def claim_of(pairs: np.ndarray) -> np.ndarray:
            p = unranked if prio is None else prio[pairs]
            p = np.where(p == 0, unranked, p)
            return (p * span + (top - units[pairs])) * n + problem.student[pairs]

        return claim_of, bits
    claim = claim_order(problem)
    return claim.__getitem__, max(problem.n_pairs, 1).bit_length()


def _seat_ranges(start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(start[k], start[k] + length[k])`` over ``k``."""
    total = int(length.sum())
    return np.repeat(start - np.cumsum(length) + length, length) + np.arange(total)


class _Seats:
    """Who holds the seats of capacity-limited buckets (slots, or groups of slots).

    One flat entry per seat: the holder's claim (``empty`` for a free seat, weaker than any
    real claim) and the holder (``-1``), bucket ``b`` owning entries
    ``start[b] .. start[b] + capacity[b] - 1``, strongest first after each admission.
    ``weakest[b]`` is the weakest claim that ``b`` holds, ``empty`` while it has a free
    seat, and ``-1`` (stronger than any claim) when it has no seat at all.
    """

    def __init__(self, capacity: np.ndarray, n_students: int, claim_bits: int) -> None:
        self.capacity = capacity
        self.start = np.cumsum(capacity) - capacity
        self.shift = claim_bits
        self.empty = (1 << claim_bits) - 1
        self.claim = np.full(int(capacity.sum()), self.empty, dtype=np.int64)
        self.holder = np.full(int(capacity.sum()), -1, dtype=np.int64)
        self.seat_of = np.full(n_students, -1, dtype=np.int64)
        self.bucket_of = np.repeat(np.arange(capacity.size), capacity)
        self.weakest = np.where(capacity > 0, self.empty, -1)

    def admit(self, bucket: np.ndarray, claim: np.ndarray, student: np.ndarray) -> np.ndarray:
        """Add proposals; each bucket keeps its strongest claims. Returns the students out.

        A proposal weaker than the weakest claim of a full bucket is out at once: the
        bucket keeps ``capacity`` claims at least as strong. Only the buckets the others
        propose to are touched: their holders and the new proposals are sorted together by
        ``bucket << shift | claim`` and the first ``capacity`` of each bucket keep (or
        take) its seats, so a round costs its own size, not the market's.
        """
        enters = claim < self.weakest[bucket]
        refused = student[~enters]
        bucket, claim, student = bucket[enters], claim[enters], student[enters]
        touched, proposals = np.unique(bucket, return_counts=True)
        caps = self.capacity[touched]
        seats = _seat_ranges(self.start[touched], caps)
        keys = np.concatenate([np.repeat(touched, caps), bucket]) << self.shift
        keys |= np.concatenate([self.claim[seats], claim])
        holders = np.concatenate([self.holder[seats], student])
        order = np.argsort(keys)
        sizes = caps + proposals
        keep = np.zeros(keys.size, dtype=bool)
        keep[_seat_ranges(np.cumsum(sizes) - sizes, caps)] = True
        self.claim[seats] = keys[order[keep]] & self.empty
        self.weakest[touched] = self.claim[self.start[touched] + caps - 1]
        kept = holders[order[keep]]
        self.holder[seats] = kept
        self.seat_of[kept[kept >= 0]] = seats[kept >= 0]
        out = holders[order[~keep]]
        out = out[out >= 0]
        self.seat_of[out] = -1
        return np.concatenate([refused, out])

    def remove(self, students: np.ndarray) -> None:
        """Free the seats of those of ``students`` who hold one here."""
        seat = self.seat_of[students]
        seat = seat[seat >= 0]
        self.claim[seat] = self.empty
        self.holder[seat] = -1
        self.weakest[self.bucket_of[seat]] = self.empty
        self.seat_of[students] = -1


def solve_stable(problem: Problem, kept: np.ndarray, group: np.ndarray | None) -> np.ndarray:
    """Deferred acceptance in rounds; returns the held pair per student (``-1`` = none).

    ``kept`` are the usable pair indices of ``problem`` (ascending) and ``group`` the
    binding group per slot or ``None``. Each round every free student proposes to the next
    slot on its list; each slot keeps the best ``capacity`` claims among its holders and
    new proposals, then each group keeps the best ``group_capacity`` claims among the
    holders of its slots (a greedy choice in claim order, which is substitutable, so a
    rejected proposal never needs to be recalled). Rejected students go on down their
    lists. A holder always holds its latest proposal, so only students are stored.
    """
    n = problem.n_students
    prefs = preference_order(problem, kept)
    every = kept.size == problem.n_pairs
    counts = np.bincount(problem.student if every else problem.student[kept], minlength=n)
    end = np.cumsum(counts)
    nxt = end - counts
    n_groups = 0 if group is None else problem.n_groups
    claim_of, bits = _claim_values(problem, max(problem.n_slots, n_groups, 1).bit_length())
    slots = _Seats(problem.capacity, n, bits)
    groups = (
        None
        if group is None or problem.group_capacity is None
        else _Seats(problem.group_capacity, n, bits)
    )
    free = np.flatnonzero(counts > 0)
    while free.size:
        offers = prefs[nxt[free]]
        nxt[free] += 1
        claims = claim_of(offers)
        slot = problem.slot[offers]
        out = slots.admit(slot, claims, free)
        if groups is not None and group is not None:
            groups.remove(out)
            taken = (slots.seat_of[free] >= 0) & (group[slot] >= 0)
            out_of_group = groups.admit(group[slot[taken]], claims[taken], free[taken])
            slots.remove(out_of_group)
            out = np.concatenate([out, out_of_group])
        free = out[nxt[out] < end[out]]
    held = np.full(n, -1, dtype=np.int64)
    holders = slots.holder[slots.holder >= 0]
    held[holders] = prefs[nxt[holders] - 1]
    return held
