"""Seeded generator of realistic city- and province-scale matching instances."""

from __future__ import annotations

import numpy as np

from ._problem import Problem

__all__ = ["generate_city"]

_PART_NAMES = ("student_rank", "enterprise_rank", "level_fit", "locality", "shortage")
#: Occupation families of the coupled mode (the measured city of issue 18 had 40).
_COUPLED_FAMILIES = 40


def _zipf_sizes(rng: np.random.Generator, count: int, exponent: float, high: int) -> np.ndarray:
    return np.minimum(rng.zipf(exponent, size=count), high)


def _family_of_occupation(rng: np.random.Generator, n_occ: int, coupled: bool) -> np.ndarray:
    """Sorted family index of each occupation; every family holds at least one occupation."""
    if not coupled:
        sizes = _zipf_sizes(rng, n_occ, 2.0, 60)
        return np.repeat(np.arange(sizes.size), sizes)[:n_occ]
    # A city's catalogue: a fixed number of families whose sizes follow Zipf's law (weight
    # 1/rank); each family gets one occupation first so that none is empty.
    n_fam = min(_COUPLED_FAMILIES, n_occ)
    weight = 1.0 / np.arange(1, n_fam + 1)
    rest = rng.choice(n_fam, size=n_occ - n_fam, p=weight / weight.sum())
    return np.sort(np.r_[np.arange(n_fam), rest])


def _top_by_popularity(
    rng: np.random.Generator, weight: np.ndarray, n_rows: int, k: int
) -> np.ndarray:
    """For each of ``n_rows`` draws, ``k`` distinct column indices by weight (Gumbel top-k),
    best first; shape ``(n_rows, k)``."""
    keys = np.log(weight)[None, :] + rng.gumbel(size=(n_rows, weight.size))
    top = np.argpartition(-keys, k - 1, axis=1)[:, :k]
    return np.take_along_axis(top, np.argsort(-np.take_along_axis(keys, top, 1), 1), 1)


def generate_city(
    n_students: int,
    *,
    seed: int | None = 0,
    seats_per_student: float = 1.2,
    max_candidates: int = 30,
    max_ranked: int = 20,
    students_per_region: int = 20_000,
    no_slot_share: float = 0.03,
    coupled: bool = False,
    cross_share: float = 0.15,
    cross_candidates: int = 5,
) -> Problem:
    """Generate a city (or province) instance as a :class:`Problem`.

    The model, all drawn from ``numpy.random.default_rng(seed)``:

    * regions of about ``students_per_region`` students; students and slots belong to one
      region and are only candidates inside it (locality);
    * occupation families whose sizes (in occupations) are Zipf-distributed (exponent 2,
      at most 60), about one occupation per 100 students, at most 1,500 (the
      size of a national occupation catalogue); 15 % of occupations are on the
      shortage list;
    * specialties inside a family, each mapping to one occupation (60 %), two (30 %) or
      three (10 %) of its family; student counts per specialty are Zipf-skewed;
    * enterprises with a log-normal popularity (sigma 1), each offering slots of one
      occupation with 1-20 seats (geometric, mean about 4), the seats per occupation and
      region in proportion to its students, about ``seats_per_student`` seats per student;
    * each student gets up to ``max_candidates`` distinct eligible slots drawn by
      popularity (Gumbel top-k), of which the first 5-``max_ranked`` are ranked by the
      student; ``no_slot_share`` of the students study a specialty no slot serves;
    * enterprises rank their candidates (a pseudo-random strict order of students per
      enterprise, the same on all its slots);
    * score parts: student rank (0..2), enterprise rank (0..1), level fit (0..1),
      locality (0..0.5), shortage priority (0 or 0.5), on a 0.001 grid.

    With ``coupled=True`` the instance is one market, as a real city is: there is no region
    split (``students_per_region`` is ignored), the occupations form 40 families of
    Zipf-distributed size, each family feeds the next one in a ring (a related family:
    a specialty of one family also qualifies for some occupations of the next), and
    ``cross_share`` of the served students are also eligible for up to
    ``cross_candidates`` slots of one occupation of the related family, drawn by
    enterprise popularity and left unranked. These students connect every family with
    its neighbours, so the whole city is one connected component and no solver can win
    by decomposing it.

    Parameters
    ----------
    n_students : int
        Number of students.
    seed : int or numpy.random.Generator
        Seed of the generator.
    seats_per_student, max_candidates, max_ranked, students_per_region, no_slot_share
        Shape parameters described above.
    coupled, cross_share, cross_candidates
        The one-market mode described above.

    Returns
    -------
    Problem
        With ``parts``, ``student_rank``, ``priority``, ``group`` (enterprise) and
        ``group_capacity`` (the enterprise's intern quota, 90 % of its seats where it has
        more than one slot) and ``resolution=1e-3``.

    Examples
    --------
    >>> p = generate_city(1000, seed=1)
    >>> p.n_students, p.n_pairs > 10_000, bool(p.capacity.sum() > p.n_students)
    (1000, True, True)
    >>> c = generate_city(1000, seed=1, coupled=True)
    >>> c.n_students, bool(c.capacity.sum() > c.n_students)
    (1000, True)
    """
    rng = np.random.default_rng(seed)
    n = int(n_students)
    n_regions = 1 if coupled else max(1, round(n / students_per_region))
    n_occ = max(4, min(n // 100, 1500))
    # Families of Zipf-distributed size partition the occupations.
    fam_of_occ = _family_of_occupation(rng, n_occ, coupled)
    occ_start = np.searchsorted(fam_of_occ, np.arange(fam_of_occ.max() + 1))
    occ_count = np.bincount(fam_of_occ)
    # Specialties: each maps to 1-3 occupations of one family (consecutive ones, wrapping).
    n_spec = max(2, int(n_occ * 1.2))
    spec_first = rng.integers(0, n_occ, n_spec)
    spec_fam = fam_of_occ[spec_first]
    width = rng.choice([1, 2, 3], size=n_spec, p=[0.6, 0.3, 0.1])
    width = np.minimum(width, occ_count[spec_fam])
    served = rng.random(n_spec) >= no_slot_share
    # Students: region uniform, specialty Zipf-skewed.
    spec_weight = 1.0 / np.arange(1, n_spec + 1) ** 0.6
    spec_weight = rng.permutation(spec_weight / spec_weight.sum())
    st_spec = rng.choice(n_spec, size=n, p=spec_weight)
    st_region = rng.integers(0, n_regions, n)
    st_level = rng.integers(1, 6, n)
    # Demand per (region, occupation): each student spreads one unit over its occupations.
    offs = np.arange(3)
    occ_of = (
        occ_start[spec_fam][:, None]
        + ((spec_first - occ_start[spec_fam])[:, None] + offs) % occ_count[spec_fam][:, None]
    )
    valid = offs[None, :] < width[:, None]
    demand = np.zeros((n_regions, n_occ))
    st_served = served[st_spec]
    for k in range(3):
        use = st_served & valid[st_spec, k]
        np.add.at(demand, (st_region[use], occ_of[st_spec[use], k]), 1.0 / width[st_spec[use]])
    seats_target = rng.poisson(demand * seats_per_student * rng.uniform(0.8, 1.2, demand.shape))
    # Slots: cut each (region, occupation) seat target into slots of 1-20 seats.
    cell = np.flatnonzero(seats_target.ravel())
    target = seats_target.ravel()[cell]
    est = np.maximum(1, (target // 3) + 2)
    draws = np.minimum(rng.geometric(0.25, size=int(est.sum())), 20)
    cell_of_draw = np.repeat(cell, est)
    cum = np.cumsum(draws)
    start = np.r_[0, np.cumsum(est)[:-1]]
    base = np.r_[0, cum][start]
    before = np.r_[0, cum[:-1]] - base[np.repeat(np.arange(cell.size), est)]
    room = np.repeat(target, est) - before
    seats = np.minimum(draws, room)
    keep = seats > 0
    cap = seats[keep].astype(np.int64)
    slot_cell = cell_of_draw[keep]
    slot_region, slot_occ = np.divmod(slot_cell, n_occ)
    n_slots = cap.size
    # Enterprises: 1-4 slots of one cell each; popularity is per enterprise.
    ent_break = np.r_[True, slot_cell[1:] != slot_cell[:-1]] | (rng.random(n_slots) < 0.4)
    ent = np.cumsum(ent_break) - 1
    n_ent = int(ent[-1]) + 1 if n_slots else 0
    popularity = rng.lognormal(0.0, 1.0, n_ent)
    ent_seats = np.bincount(ent, weights=cap, minlength=n_ent)
    ent_slots = np.bincount(ent, minlength=n_ent)
    gcap = np.where(ent_slots > 1, np.ceil(0.9 * ent_seats), ent_seats).astype(np.int64)
    shortage = rng.random(n_occ) < 0.15
    # Candidate slots per student, cell by cell (students of one region and specialty).
    slot_order = np.lexsort((slot_occ, slot_region))
    key_sorted = slot_cell[slot_order]
    st_key = st_region * n_spec + st_spec
    st_order = np.argsort(st_key, kind="stable")
    bounds = np.flatnonzero(np.r_[True, st_key[st_order][1:] != st_key[st_order][:-1], True])
    pair_st, pair_slot, pair_rank = [], [], []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        members = st_order[a:b]
        sp, reg = st_spec[members[0]], st_region[members[0]]
        if not served[sp]:
            continue
        occs = occ_of[sp, : width[sp]]
        lo = np.searchsorted(key_sorted, reg * n_occ + occs)
        hi = np.searchsorted(key_sorted, reg * n_occ + occs, side="right")
        elig = np.concatenate([slot_order[x:y] for x, y in zip(lo, hi, strict=True)])
        if elig.size == 0:
            continue
        k = min(max_candidates, elig.size)
        top = _top_by_popularity(rng, popularity[ent[elig]], members.size, k)
        n_ranked = np.minimum(rng.integers(5, max_ranked + 1, members.size), k)
        rank = np.where(np.arange(k)[None, :] < n_ranked[:, None], np.arange(1, k + 1), 0)
        pair_st.append(np.repeat(members, k))
        pair_slot.append(elig[top].ravel())
        pair_rank.append(rank.ravel())
    if coupled:
        # Students also eligible in the related family: one of its occupations each.
        n_fam = int(occ_count.size)
        cross = np.flatnonzero(st_served)
        cross = cross[rng.random(cross.size) < cross_share]
        related = (spec_fam[st_spec[cross]] + 1) % n_fam
        cross_occ = occ_start[related] + rng.integers(0, occ_count[related])
        for occ in np.unique(cross_occ):
            lo, hi = np.searchsorted(key_sorted, [occ, occ + 1])
            if hi == lo:
                continue
            members = cross[cross_occ == occ]
            elig = slot_order[lo:hi]
            k = min(cross_candidates, elig.size)
            top = _top_by_popularity(rng, popularity[ent[elig]], members.size, k)
            pair_st.append(np.repeat(members, k))
            pair_slot.append(elig[top].ravel())
            pair_rank.append(np.zeros(members.size * k, dtype=np.int64))
    student = np.concatenate(pair_st) if pair_st else np.zeros(0, dtype=np.int64)
    slot = np.concatenate(pair_slot) if pair_slot else np.zeros(0, dtype=np.int64)
    rank = np.concatenate(pair_rank) if pair_rank else np.zeros(0, dtype=np.int64)
    n_pairs = student.size
    priority = np.zeros(n_pairs, dtype=np.int64)
    if n_pairs:
        # Each enterprise ranks its candidates by its own pseudo-random order of students
        # (a hash of the pair), the same on all its slots; a student is ranked once.
        pair_ent = ent[slot]
        key = (student * 2654435761 + pair_ent * 97 + int(rng.integers(1 << 30))) % 1000003
        order = np.lexsort((student, key, pair_ent))
        new = np.r_[True, (pair_ent[order][1:] != pair_ent[order][:-1])]
        changed = new | np.r_[True, student[order][1:] != student[order][:-1]]
        dense = np.cumsum(changed)
        priority[order] = dense - np.maximum.accumulate(np.where(new, dense, 0)) + 1
    pair_ent = ent[slot]
    per_ent = np.bincount(pair_ent, minlength=n_ent)
    parts = np.column_stack(
        [
            np.where(rank > 0, 2.0 * (max_ranked + 1 - rank) / max_ranked, 0.0),
            1.0 - (priority - 1) / np.maximum(per_ent[pair_ent], 1),
            1.0 - np.abs(st_level[student] - rng.integers(1, 6, n_slots)[slot]) / 4.0,
            0.5 * rng.random(n_pairs),
            np.where(shortage[slot_occ[slot]], 0.5, 0.0),
        ]
    )
    parts = np.round(parts, 3)
    return Problem(
        n_students=n,
        capacity=cap,
        student=student,
        slot=slot,
        score=parts.sum(axis=1),
        parts=parts,
        part_names=_PART_NAMES,
        group=ent,
        group_capacity=gcap,
        student_rank=rank,
        priority=priority,
        resolution=1e-3,
    )
