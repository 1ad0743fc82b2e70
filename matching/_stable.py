"""Student-proposing deferred acceptance with slot and group capacities (method "stable")."""

from __future__ import annotations

import numpy as np


def preference_order(problem, pairs):
    """Each student's list: ``pairs`` sorted by student, then by the student's preference.

    Ranked slots first by rank, then unranked ones by score (higher first), then by slot.
    """
    rank = (np.zeros(pairs.size, dtype=np.int64) if problem.student_rank is None
            else problem.student_rank[pairs])
    unranked = rank == 0
    return pairs[np.lexsort((problem.slot[pairs], -problem.units[pairs], np.where(
        unranked, 0, rank), unranked, problem.student[pairs]))]


def claim_order(problem):
    """Strength of each pair's claim on its slot: position in one global order, 0 = strongest.

    By the slot side's priority (ranked first, ``1`` best), then by score (higher first),
    then by student index: a strict order, so every comparison has one answer.
    """
    n_pairs = problem.n_pairs
    prio = (np.zeros(n_pairs, dtype=np.int64) if problem.priority is None
            else problem.priority)
    unranked = prio == 0
    order = np.lexsort((problem.student, -problem.units, np.where(unranked, 0, prio),
                        unranked))
    claim = np.empty(n_pairs, dtype=np.int64)
    claim[order] = np.arange(n_pairs)
    return claim


def _keep_best(keys, limit_of_key, claim):
    """Mask of the items that rank within ``limit`` by claim among items of the same key."""
    order = np.lexsort((claim, keys))
    k = keys[order]
    start = np.r_[0, np.flatnonzero(k[1:] != k[:-1]) + 1]
    pos = np.arange(k.size) - np.repeat(start, np.diff(np.r_[start, k.size]))
    keep = np.empty(k.size, dtype=bool)
    keep[order] = pos < limit_of_key[k]
    return keep


def check_group_priorities(problem, group):
    """Raise if a student's priority differs between two slots of one binding group."""
    if problem.priority is None:
        return
    pair_group = group[problem.slot]
    idx = np.flatnonzero(pair_group >= 0)
    order = idx[np.lexsort((problem.student[idx], pair_group[idx]))]
    same = (pair_group[order][1:] == pair_group[order][:-1]) & (
        problem.student[order][1:] == problem.student[order][:-1])
    differ = same & (problem.priority[order][1:] != problem.priority[order][:-1])
    if differ.any():
        i = int(np.flatnonzero(differ)[0])
        a, b = int(order[i]), int(order[i + 1])
        raise ValueError(
            f"priority of student {int(problem.student[a])} differs between slots "
            f"{int(problem.slot[a])} and {int(problem.slot[b])} of group "
            f"{int(pair_group[a])}; method='stable' needs one ranking per group"
        )


def solve_stable(problem, kept, group):
    """Deferred acceptance in rounds; returns the held pair per student (``-1`` = none).

    ``kept`` are the usable pair indices of ``problem`` and ``group`` the binding group per
    slot or ``None``. Each round every free student proposes to the next slot on its list;
    each slot touched keeps the best ``capacity`` claims among its holders and the new
    proposals, then each group touched keeps the best ``group_capacity`` claims among the
    holders of its slots (a greedy choice in claim order, which is substitutable, so held
    offers are never recalled). Rejected students go on down their lists.
    """
    n = problem.n_students
    held = np.full(n, -1, dtype=np.int64)
    prefs = preference_order(problem, kept)
    claim = claim_order(problem)
    counts = np.bincount(problem.student[prefs], minlength=n)
    end = np.cumsum(counts)
    nxt = end - counts
    free = np.flatnonzero(counts > 0)
    slot_of_pair, capacity = problem.slot, problem.capacity
    touched_slot = np.zeros(capacity.size, dtype=bool)
    touched_group = None if group is None else np.zeros(problem.group_capacity.size, bool)
    while free.size:
        offers = prefs[nxt[free]]
        nxt[free] += 1
        holders = held[held >= 0]
        touched_slot[:] = False
        touched_slot[slot_of_pair[offers]] = True
        if group is not None:
            touched_group[:] = False
            g = group[slot_of_pair[offers]]
            touched_group[g[g >= 0]] = True
            hg = group[slot_of_pair[holders]]
            involved = touched_slot[slot_of_pair[holders]] | (
                (hg >= 0) & touched_group[np.maximum(hg, 0)])
        else:
            involved = touched_slot[slot_of_pair[holders]]
        pool = np.r_[holders[involved], offers]
        keep = _keep_best(slot_of_pair[pool], capacity, claim[pool])
        if group is not None:
            pg = group[slot_of_pair[pool]]
            ing = np.flatnonzero(keep & (pg >= 0))
            keep[ing] = _keep_best(pg[ing], problem.group_capacity, claim[pool[ing]])
        losers = problem.student[pool[~keep]]
        held[losers] = -1
        held[problem.student[pool[keep]]] = pool[keep]
        free = losers[nxt[losers] < end[losers]]
    return held
