"""Vectorised candidate building: hard rules, exclusion counts and weighted scores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from ._problem import Problem

#: A scipy sparse matrix or array of any format; each function converts it as it needs. Left
#: untyped: scipy-stubs' csr_matrix() overloads accept no union of its own sparse types.
Sparse: TypeAlias = Any

__all__ = ["RULES", "Rules", "ScoreWeights", "SlotArrays", "StudentArrays", "build_candidates"]

#: Hard rules, in the column order of ``Problem.excluded``.
RULES = ("level", "certificate", "window", "months", "agreement", "credit", "age")
_PARTS = ("student_rank", "enterprise_rank", "level_fit", "locality", "shortage")
#: The optional part, added after ``_PARTS`` only when its weight is positive and the slots
#: carry ``host_risk``: off by default, so the default score is the five parts above.
HOST_QUALITY_PART = "host_quality"
_DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the score parts; each part is scaled to ``[0, 1]`` before weighting."""

    student_rank: float = 2.0
    enterprise_rank: float = 1.0
    level_fit: float = 1.0
    locality: float = 0.5
    shortage: float = 0.5
    #: Optional penalty ``host_quality * host_risk`` of the slot's host; 0 (the default) = off.
    host_quality: float = 0.0


@dataclass(frozen=True)
class Rules:
    """Rule settings (per region; figures are data, see DOMAIN.md R1, N1, N9)."""

    #: R1: months of post internship a student may accumulate (12, or 6 under N9).
    month_cap: int = 12
    #: N1: minimum age in 周岁 for a post internship (and a shadowing one, see ``age_limited``).
    min_age: int = 16
    #: R2: a post internship needs a school-enterprise agreement.
    require_agreement: bool = True
    #: R6: a student with a credit record is barred from placement.
    credit_bars_placement: bool = True


@dataclass(frozen=True)
class StudentArrays:
    """Student attributes, one entry per student (arrays of equal length).

    ``certificates`` is a sparse boolean matrix students × occupations (R7);
    ``agreement_key`` indexes the rows of the agreement relation (a school id, or a
    (school, specialty) id when agreements name specialties); days are ordinal day numbers
    (``date.toordinal()``); ``district`` is optional and only feeds the locality score.
    """

    specialty: np.ndarray
    level: np.ndarray
    certificates: Sparse
    age: np.ndarray
    months_used: np.ndarray
    credit_blocked: np.ndarray
    window_start: np.ndarray
    window_end: np.ndarray
    agreement_key: np.ndarray
    district: np.ndarray | None = None


@dataclass(frozen=True)
class SlotArrays:
    """Slot attributes, one entry per slot; ``post`` marks post internships (顶岗/岗位实习)."""

    occupation: np.ndarray
    post: np.ndarray
    min_level: np.ndarray
    certificate_required: np.ndarray
    start: np.ndarray
    months: np.ndarray
    enterprise: np.ndarray
    capacity: np.ndarray
    district: np.ndarray | None = None
    #: Exclusive ordinal end day; by default ``start + ceil(months * 365.25 / 12)``. The web
    #: layer passes the exact calendar end of its month rule.
    end: np.ndarray | None = None
    #: Risk of the slot's host in ``[0, 1]`` (the web layer's 1 − host-quality index / 100, 0 for
    #: a host without enough data); only read by the optional ``host_quality`` part.
    host_risk: np.ndarray | None = None
    #: Slots under the minimum age (N1); by default the post internships. The national rule
    #: covers shadowing (跟岗) slots too, which count toward no month cap, hence a column of its own.
    age_limited: np.ndarray | None = None
    #: Slots whose occupation is on the shortage list of the year the slot starts (lists are
    #: yearly); when given it replaces the per-occupation ``shortage`` of ``build_candidates``.
    shortage: np.ndarray | None = None


def _column(name: str, value: ArrayLike, size: int, dtype: DTypeLike = np.int64) -> np.ndarray:
    arr = np.asarray(value)
    if arr.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), got {arr.shape}")
    return arr.astype(dtype)


def _entries(matrix: Sparse, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Entries ``matrix[rows[k], cols[k]]`` of a sparse matrix, as a dense int64 1-d array.

    scipy answers empty index arrays with a sparse matrix, not an array: handled here.
    """
    if rows.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(matrix.tocsr()[rows, cols]).ravel().astype(np.int64)


def _lookup(matrix: Sparse, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Whether entries ``matrix[rows[k], cols[k]]`` of a sparse matrix are set."""
    return _entries(matrix, rows, cols) != 0


def build_candidates(
    students: StudentArrays,
    slots: SlotArrays,
    specialty_occupation: Sparse,
    agreement: Sparse,
    *,
    enterprise_capacity: ArrayLike | None = None,
    student_ranks: Sparse | None = None,
    enterprise_ranks: Sparse | None = None,
    shortage: ArrayLike | None = None,
    weights: ScoreWeights | None = None,
    rules: Rules | None = None,
    max_per_student: int | None = None,
    accepted_specialties: Sparse | None = None,
    screened_out: Sparse | None = None,
    resolution: float = 1e-3,
) -> Problem:
    r"""Turn student and slot attributes into a :class:`Problem`, without loops over pairs.

    A pair (student ``i``, slot ``j``) is a candidate when ``j``'s occupation is one of
    the occupations of ``i``'s specialty and every hard rule passes:

    ===========  ==========================================================================
    level        ``level[i] >= min_level[j]`` (8-level ladder as integers)
    certificate  R7: ``certificate_required[j]`` implies ``certificates[i, occupation[j]]``
    window       the placement ``[start, start + months)`` lies in ``i``'s cohort window
                 (a month counts 365.25 / 12 days)
    months       R1, post only: ``months_used[i] + months[j] <= rules.month_cap``
    agreement    R2, post only: ``agreement[agreement_key[i], enterprise[j]]``
    credit       R6: no credit record (``credit_blocked[i]`` false)
    age          N1, age-limited slots only: ``age[i] >= rules.min_age``
    ===========  ==========================================================================

    Parameters
    ----------
    students : StudentArrays
    slots : SlotArrays
    specialty_occupation : scipy.sparse matrix, shape (n_specialties, n_occupations)
        Boolean: which occupations each specialty leads to.
    agreement : scipy.sparse matrix, shape (n_agreement_keys, n_enterprises)
        Boolean: a valid cooperation agreement exists.
    enterprise_capacity : array_like of int, shape (n_enterprises,), optional
        The enterprise's intern quota (N2), as group capacities over its slots.
    student_ranks : scipy.sparse matrix, shape (n_students, n_slots), optional
        The student's rank of the slot, 1 = first choice (0 / absent = not ranked).
    enterprise_ranks : scipy.sparse matrix, shape (n_enterprises, n_students), optional
        The enterprise's rank of the student, 1 = best (0 / absent = not ranked).
    shortage : array_like of bool, shape (n_occupations,), optional
        Occupations on the shortage list; ``slots.shortage``, per slot, takes its place when
        given (a run whose slots start in different years of yearly lists).
    weights : ScoreWeights, optional
    rules : Rules, optional
    max_per_student : int, optional
        Keep only each student's best ``max_per_student`` candidates by score (ties: lower
        slot index). This bounds memory at ``n_students * max_per_student`` pairs, but the
        optimum is then the optimum of the reduced problem: a student may lose a seat that a
        dropped, lower-scoring pair would have given it, so fewer students can be placed.
    accepted_specialties : scipy.sparse matrix, shape (n_slots, n_specialties), optional
        Boolean: the specialties a slot accepts. A slot with an empty row accepts every
        specialty that leads to its occupation; otherwise the student's specialty must also
        be listed. Like the occupation match, this decides who is a candidate at all and is
        not counted in ``excluded``.
    screened_out : scipy.sparse matrix, shape (n_students, n_slots), optional
        Boolean: the enterprise screened this student out of this slot; never a candidate.
    resolution : float
        Passed to :class:`Problem`.

    Returns
    -------
    Problem
        Pairs ordered by student, then slot, with ``parts`` (weighted, in ``_PARTS``
        order, then ``host_quality`` when that part is on), ``student_rank``, ``priority`` (the enterprise's rank), groups from
        ``enterprise_capacity``, and ``excluded``: per student, how many slots of its
        occupations each rule excluded (a slot failing several rules counts for each).

    Notes
    -----
    Score of a pair, each part in ``[0, 1]`` before its weight :math:`w`:

    .. math::

        s = w_r \frac{R + 1 - r}{R} [r > 0] + w_e \frac{E + 1 - q}{E} [q > 0]
          + w_l \Bigl(1 - \frac{\min(\ell_i - \ell_j, 7)}{7}\Bigr) + w_d [d_i = d_j]
          + w_s [\text{shortage}]

    with :math:`r` the student's rank (largest rank :math:`R`), :math:`q` the enterprise's
    rank (largest :math:`E`), :math:`\ell` levels and :math:`d` districts. With
    ``weights.host_quality > 0`` and ``slots.host_risk`` given, a sixth part
    :math:`-w_q \rho_j` (``host_quality``) subtracts the weighted risk :math:`\rho_j` of the
    slot's host; otherwise it is absent and the parts are the five above.
    Eligible pairs come from one sparse product (students × occupations by
    occupations × slots), so time and memory are :math:`O(P)` in the number ``P`` of
    specialty-eligible pairs, before ``max_per_student`` cuts them down.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.sparse import csr_matrix
    >>> st = StudentArrays(specialty=[0, 0], level=[3, 1], certificates=csr_matrix((2, 1)),
    ...     age=[17, 15], months_used=[0, 0], credit_blocked=[False, False],
    ...     window_start=[0, 0], window_end=[400, 400], agreement_key=[0, 0])
    >>> sl = SlotArrays(occupation=[0], post=[True], min_level=[2],
    ...     certificate_required=[False], start=[10], months=[6], enterprise=[0],
    ...     capacity=[1])
    >>> p = build_candidates(st, sl, csr_matrix([[1]]), csr_matrix([[1]]))
    >>> p.student.tolist(), dict(zip(p.excluded_names, p.excluded[1].tolist()))["age"]
    ([0], 1)
    """
    from scipy.sparse import csr_matrix

    weights = weights or ScoreWeights()
    rules = rules or Rules()
    n = np.asarray(students.specialty).size
    m = np.asarray(slots.occupation).size
    spec = _column("specialty", students.specialty, n)
    level = _column("level", students.level, n)
    age = _column("age", students.age, n)
    used = _column("months_used", students.months_used, n)
    blocked = _column("credit_blocked", students.credit_blocked, n, bool)
    w_start = _column("window_start", students.window_start, n)
    w_end = _column("window_end", students.window_end, n)
    akey = _column("agreement_key", students.agreement_key, n)
    occ = _column("occupation", slots.occupation, m)
    post = _column("post", slots.post, m, bool)
    limited = (
        post if slots.age_limited is None else _column("age_limited", slots.age_limited, m, bool)
    )
    min_level = _column("min_level", slots.min_level, m)
    cert_req = _column("certificate_required", slots.certificate_required, m, bool)
    start = _column("start", slots.start, m)
    months = _column("months", slots.months, m)
    ent = _column("enterprise", slots.enterprise, m)
    capacity = _column("capacity", slots.capacity, m)
    spec_occ = csr_matrix(specialty_occupation, dtype=bool)
    n_occ = spec_occ.shape[1]
    if spec.size and (spec.min() < 0 or spec.max() >= spec_occ.shape[0]):
        raise ValueError("specialty ids must index the rows of specialty_occupation")
    if occ.size and (occ.min() < 0 or occ.max() >= n_occ):
        raise ValueError("occupation ids must index the columns of specialty_occupation")
    # Specialty-eligible pairs: students × specialties × occupations × slots.
    st_spec = csr_matrix(
        (np.ones(n, dtype=bool), (np.arange(n), spec)), shape=(n, spec_occ.shape[0])
    )
    occ_slot = csr_matrix((np.ones(m, dtype=bool), (occ, np.arange(m))), shape=(n_occ, m))
    eligible = (st_spec @ spec_occ @ occ_slot).tocoo()
    i, j = eligible.row.astype(np.int64), eligible.col.astype(np.int64)
    order = np.lexsort((j, i))
    i, j = i[order], j[order]
    keep = np.ones(i.size, dtype=bool)
    if accepted_specialties is not None:
        accepts = csr_matrix(accepted_specialties, dtype=bool)
        if accepts.shape != (m, spec_occ.shape[0]):
            raise ValueError(
                f"accepted_specialties must have shape ({m}, {spec_occ.shape[0]}), "
                f"got {accepts.shape}"
            )
        open_to_all = np.diff(accepts.indptr) == 0
        keep &= open_to_all[j] | _lookup(accepts, j, spec[i])
    if screened_out is not None:
        keep &= ~_lookup(csr_matrix(screened_out, dtype=bool), i, j)
    i, j = i[keep], j[keep]
    if slots.end is None:
        end = start[j] + np.ceil(months[j] * _DAYS_PER_MONTH).astype(np.int64)
    else:
        end = _column("end", slots.end, m)[j]
    fails = np.column_stack(
        [
            level[i] < min_level[j],
            cert_req[j] & ~_lookup(students.certificates, i, occ[j]),
            (start[j] < w_start[i]) | (end > w_end[i]),
            post[j] & (used[i] + months[j] > rules.month_cap),
            post[j] & rules.require_agreement & ~_lookup(agreement, akey[i], ent[j]),
            np.broadcast_to(blocked[i] & rules.credit_bars_placement, i.shape),
            limited[j] & (age[i] < rules.min_age),
        ]
    )
    excluded = np.zeros((n, len(RULES)), dtype=np.int64)
    for k in range(len(RULES)):
        excluded[:, k] = np.bincount(i[fails[:, k]], minlength=n)
    ok = ~fails.any(axis=1)
    i, j = i[ok], j[ok]
    rank = (
        np.zeros(i.size, dtype=np.int64)
        if student_ranks is None
        else _entries(csr_matrix(student_ranks), i, j)
    )
    prio = (
        np.zeros(i.size, dtype=np.int64)
        if enterprise_ranks is None
        else _entries(csr_matrix(enterprise_ranks), ent[j], i)
    )
    top_rank = max(int(rank.max(initial=0)), 1)
    top_prio = max(int(prio.max(initial=0)), 1)
    same_district = (
        np.zeros(i.size, dtype=bool)
        if students.district is None or slots.district is None
        else _column("district", students.district, n)[i]
        == _column("district", slots.district, m)[j]
    )
    if slots.shortage is not None:
        short = _column("slots.shortage", slots.shortage, m, bool)[j]
    elif shortage is not None:
        short = _column("shortage", shortage, n_occ, bool)[occ[j]]
    else:
        short = np.zeros(i.size, dtype=bool)
    parts = np.column_stack(
        [
            weights.student_rank * np.where(rank > 0, (top_rank + 1 - rank) / top_rank, 0.0),
            weights.enterprise_rank * np.where(prio > 0, (top_prio + 1 - prio) / top_prio, 0.0),
            weights.level_fit * (1.0 - np.minimum(level[i] - min_level[j], 7) / 7.0),
            weights.locality * same_district,
            weights.shortage * short,
        ]
    )
    part_names: tuple[str, ...] = _PARTS
    if weights.host_quality > 0 and slots.host_risk is not None:
        risk = _column("host_risk", slots.host_risk, m, np.float64)
        if risk.size and (risk.min() < 0 or risk.max() > 1):
            raise ValueError("host_risk must lie in [0, 1]")
        parts = np.column_stack([parts, -weights.host_quality * risk[j]])
        part_names = (*_PARTS, HOST_QUALITY_PART)
    score = parts.sum(axis=1)
    if max_per_student is not None:
        if max_per_student < 1:
            raise ValueError(f"max_per_student must be >= 1, got {max_per_student}")
        best = np.lexsort((j, -score, i))
        first = np.searchsorted(i[best], i[best], side="left")
        keep = np.sort(best[np.arange(best.size) - first < max_per_student])
        i, j, rank, prio, parts, score = (a[keep] for a in (i, j, rank, prio, parts, score))
    extra: dict[str, Any] = {}
    if enterprise_capacity is not None:
        n_ent = np.asarray(enterprise_capacity).size
        if ent.size and (ent.min() < 0 or ent.max() >= n_ent):
            raise ValueError("enterprise ids must index enterprise_capacity")
        extra = dict(group=ent, group_capacity=enterprise_capacity)
    return Problem(
        n_students=n,
        capacity=capacity,
        student=i,
        slot=j,
        score=score,
        parts=parts,
        part_names=part_names,
        student_rank=rank,
        priority=prio,
        excluded=excluded,
        excluded_names=RULES,
        resolution=resolution,
        **extra,
    )
