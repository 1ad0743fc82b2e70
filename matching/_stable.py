"""Student-proposing deferred acceptance with slot and group capacities (method "stable")."""

from __future__ import annotations

import numpy as np


def _sort_by(key, bits):
    """Stable argsort of non-negative int64 ``key`` by ``np.sort`` of ``key << bits | index``.

    ``np.sort`` on int64 is several times faster than ``argsort``; the index in the low
    bits makes every key distinct, so the order is stable.
    """
    return np.sort((key << bits) | np.arange(key.size, dtype=np.int64)) & ((1 << bits) - 1)


def _two_key_order(primary, units, tie, tie_size):
    """Return ``np.lexsort((tie, -units, primary))``, by two fast sorts when keys fit."""
    if units.size == 0:
        return np.zeros(0, dtype=np.int64)
    bits = max(int(units.size - 1).bit_length(), 1)
    top = int(units.max())
    span = top - int(units.min()) + 1
    if span * tie_size >= 2 ** (62 - bits) or int(primary.max()) >= 2 ** (62 - bits):
        return np.lexsort((tie, -units, primary))
    first = _sort_by((top - units) * tie_size + tie, bits)
    return first[_sort_by(primary[first], bits)]


def _rank_key(rank):
    """Ranks with 0 (not ranked) moved after every real rank."""
    return np.where(rank == 0, (int(rank.max()) + 1) if rank.size else 1, rank)


def preference_order(problem, pairs):
    """Each student's list: ``pairs`` sorted by student, then by the student's preference.

    Ranked slots first by rank, then unranked ones by score (higher first), then by slot.
    """
    rank = (
        np.zeros(pairs.size, dtype=np.int64)
        if problem.student_rank is None
        else _rank_key(problem.student_rank[pairs])
    )
    primary = problem.student[pairs] * (int(rank.max(initial=0)) + 1) + rank
    return pairs[
        _two_key_order(primary, problem.units[pairs], problem.slot[pairs], max(problem.n_slots, 1))
    ]


def claim_order(problem):
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
    order = _two_key_order(prio, problem.units, problem.student, max(problem.n_students, 1))
    claim = np.empty(n_pairs, dtype=np.int64)
    claim[order] = np.arange(n_pairs)
    return claim


def _reject_over(keys, bucket, limit, size):
    """Positions in sorted ``keys`` (``bucket * size + claim``) past each bucket's limit."""
    lo = np.searchsorted(keys, bucket * size)
    hi = np.searchsorted(keys, (bucket + 1) * size)
    start = lo + limit[bucket]
    extra = np.maximum(hi - start, 0)
    if not extra.any():
        return np.zeros(0, dtype=np.int64)
    return np.repeat(start - np.cumsum(extra) + extra, extra) + np.arange(extra.sum())


def solve_stable(problem, kept, group):
    """Deferred acceptance in rounds; returns the held pair per student (``-1`` = none).

    ``kept`` are the usable pair indices of ``problem`` and ``group`` the binding group per
    slot or ``None``. Each round every free student proposes to the next slot on its list;
    each slot keeps the best ``capacity`` claims among its holders and new proposals, then
    each group keeps the best ``group_capacity`` claims among the holders of its slots (a
    greedy choice in claim order, which is substitutable, so a rejected proposal never
    needs to be recalled). Rejected students go on down their lists.

    The holders are kept in one sorted array of keys ``slot * n_pairs + claim`` (and one of
    ``group * n_pairs + claim``), so a round costs a merge and a few binary searches, not a
    sort of every holder.
    """
    n, size = problem.n_students, max(problem.n_pairs, 1)
    prefs = preference_order(problem, kept)
    claim = claim_order(problem)
    pair_of_claim = np.empty(problem.n_pairs, dtype=np.int64)
    pair_of_claim[claim] = np.arange(problem.n_pairs)
    counts = np.bincount(problem.student[prefs], minlength=n)
    end = np.cumsum(counts)
    nxt = end - counts
    free = np.flatnonzero(counts > 0)
    slot_of_pair, capacity = problem.slot, problem.capacity
    held_keys = np.zeros(0, dtype=np.int64)
    group_keys = np.zeros(0, dtype=np.int64)
    gcap = problem.group_capacity
    while free.size:
        offers = prefs[nxt[free]]
        nxt[free] += 1
        new = np.sort(slot_of_pair[offers] * size + claim[offers])
        held_keys = np.insert(held_keys, np.searchsorted(held_keys, new), new)
        out = _reject_over(held_keys, np.unique(new // size), capacity, size)
        rejected = held_keys[out]
        held_keys = np.delete(held_keys, out)
        if group is not None:
            pairs = pair_of_claim[new % size]
            g = group[slot_of_pair[pairs]]
            gnew = np.sort(g[g >= 0] * size + claim[pairs[g >= 0]])
            group_keys = np.insert(group_keys, np.searchsorted(group_keys, gnew), gnew)
            # Drop the proposals and holders the slots just rejected from the group view.
            rp = pair_of_claim[rejected % size]
            rg = group[slot_of_pair[rp]]
            gone = np.sort(rg[rg >= 0] * size + claim[rp[rg >= 0]])
            group_keys = np.delete(group_keys, np.searchsorted(group_keys, gone))
            gout = _reject_over(group_keys, np.unique(gnew // size), gcap, size)
            grej = pair_of_claim[group_keys[gout] % size]
            group_keys = np.delete(group_keys, gout)
            skeys = np.sort(slot_of_pair[grej] * size + claim[grej])
            held_keys = np.delete(held_keys, np.searchsorted(held_keys, skeys))
            rejected = np.r_[rejected, skeys]
        losers = problem.student[pair_of_claim[rejected % size]]
        free = losers[nxt[losers] < end[losers]]
    held = np.full(n, -1, dtype=np.int64)
    pairs = pair_of_claim[held_keys % size]
    held[problem.student[pairs]] = pairs
    return held
