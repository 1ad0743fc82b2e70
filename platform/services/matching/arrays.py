"""A run's problem and assignment as one compact blob, and the explanations computed from it.

A run stores no explanation per student: it stores what the engine needs to explain anyone
again, and a page explains the few students it shows. What is kept, and why it is enough:
- per pair: its student (as a count per student when the pairs come grouped by student), its
  slot, its score in units of the problem's resolution, the student's rank and the slot side's
  priority. Every order an explanation uses (a student's list: rank, then units, then slot; a
  slot's claims: priority, then units, then student) depends on units, never on the float score;
- per placed student: the exact score and the score parts of its pair, the only ones shown;
- per student: the chosen pair and the count of slots each hard rule excluded;
- per slot: its seats and its group (enterprise quota), if any.
Integers are stored in the smallest type that holds them and the whole is deflated at level 1
(fast: a 100k-student run packs in a fraction of a second), so the blob grows with the pairs at
a few bytes each.
"""

from __future__ import annotations

import hashlib
import io
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillbridge.matching import (
    Assignment,
    Explainer,
    Explanation,
    Outcome,
    Problem,
    make_assignment,
)
from skillbridge.models import MatchRunArrays
from skillbridge.platform.services.matching.inputs import MatchInput

FORMAT = 1
DEFLATE_LEVEL = 1  # level 6 (numpy's savez_compressed) takes seconds on a 100k run
# Runs whose explainer stays in memory, so that paging through a run's students reads and
# rebuilds its arrays once; the explainer of a run of 2 million pairs holds about 170 MB.
EXPLAINERS_KEPT = 1
DECIMALS = 4  # of the scores shown, as the explanations have always rounded them
OUTCOME_NAMES = {int(o): o.name.lower() for o in Outcome}

_explainers: OrderedDict[str, StoredRun] = OrderedDict()
_explainers_lock = threading.Lock()


@dataclass(frozen=True)
class StoredRun:
    """A run's problem and assignment rebuilt from its blob, with the maps back to ids.

    `placed_row` is each student's row in `placed_parts` (-1 if unplaced).
    """

    explainer: Explainer
    student_ids: np.ndarray
    slot_ids: np.ndarray
    placed_row: np.ndarray
    placed_parts: np.ndarray
    part_names: tuple[str, ...]

    def student_index(self, student_id: int) -> int:
        """The engine's index of a student of the run; -1 if the run did not include it."""
        at = int(np.searchsorted(self.student_ids, student_id))
        found = at < self.student_ids.size and self.student_ids[at] == student_id
        return at if found else -1


def _smallest(values: np.ndarray) -> np.ndarray:
    """The integers in the narrowest signed type that holds them all (lossless)."""
    values = np.asarray(values, dtype=np.int64)
    for kind in (np.int8, np.int16, np.int32):
        info = np.iinfo(kind)
        if values.size == 0 or (info.min <= values.min() and values.max() <= info.max):
            return values.astype(kind)
    return values


def pack_run(data: MatchInput, assignment: Assignment) -> bytes:
    """The blob of a solved run (see the module docstring for what it keeps)."""
    problem = data.problem
    pair_of = assignment.pair_of
    placed_pairs = pair_of[pair_of >= 0]
    arrays: dict[str, Any] = {  # np.savez types its keyword arrays loosely
        "format": np.array(FORMAT),
        "n_students": np.array(problem.n_students),
        "resolution": np.array(problem.resolution),
        "student_ids": data.student_ids,
        "slot_ids": data.slot_ids,
        "capacity": _smallest(problem.capacity),
        "slot": _smallest(problem.slot),
        "units": _smallest(problem.units),
        "pair_of": _smallest(pair_of),
        "placed_score": problem.score[placed_pairs],
        "method": np.array(assignment.method),
    }
    student = problem.student
    if student.size and np.all(student[1:] >= student[:-1]):
        arrays["pairs_per_student"] = _smallest(np.bincount(student, minlength=problem.n_students))
    else:
        arrays["student"] = _smallest(student)
    if problem.parts is not None:
        arrays["placed_parts"] = problem.parts[placed_pairs]
        arrays["part_names"] = np.array(problem.part_names, dtype=str)
    for name in ("student_rank", "priority", "group", "group_capacity"):
        value = getattr(problem, name)
        if value is not None:
            arrays[name] = _smallest(value)
    if problem.excluded is not None:
        arrays["excluded"] = _smallest(problem.excluded)
        arrays["excluded_names"] = np.array(problem.excluded_names, dtype=str)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return zlib.compress(buffer.getvalue(), DEFLATE_LEVEL)


def unpack_run(blob: bytes) -> StoredRun:
    """Rebuild a run's problem and assignment from its blob.

    Raises
    ------
    ValueError
        If the blob is of another format or its arrays do not make a valid assignment.
    """
    with np.load(io.BytesIO(zlib.decompress(blob)), allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    if int(arrays["format"]) != FORMAT:
        raise ValueError(f"stored run arrays of format {int(arrays['format'])}, not {FORMAT}")
    n_students = int(arrays["n_students"])
    resolution = float(arrays["resolution"])
    if "pairs_per_student" in arrays:
        student = np.repeat(np.arange(n_students), arrays["pairs_per_student"])
    else:
        student = arrays["student"]
    units = arrays["units"].astype(np.int64)
    pair_of = arrays["pair_of"].astype(np.int64)
    chosen = pair_of[pair_of >= 0]
    if chosen.size and (chosen.max() >= units.size or chosen.min() < 0):
        raise ValueError("a stored chosen pair is out of range")
    placed_score = arrays["placed_score"]
    if chosen.size != placed_score.size:
        raise ValueError("stored placed scores do not match the chosen pairs")
    # Only the units order the explanations; the placed pairs, whose scores are shown, get
    # their exact scores back (their units are what the solver computed from those).
    score = units * resolution
    score[chosen] = placed_score
    excluded_names = tuple(arrays["excluded_names"].tolist()) if "excluded" in arrays else ()
    problem = Problem(
        n_students=n_students,
        capacity=arrays["capacity"],
        student=student,
        slot=arrays["slot"],
        score=score,
        group=arrays.get("group"),
        group_capacity=arrays.get("group_capacity"),
        student_rank=arrays.get("student_rank"),
        priority=arrays.get("priority"),
        excluded=arrays.get("excluded"),
        excluded_names=excluded_names,
        resolution=resolution,
    )
    if not np.array_equal(problem.units, units):
        raise ValueError("stored units do not survive the round trip through scores")
    assignment = make_assignment(problem, pair_of, str(arrays["method"]), {})
    placed = pair_of >= 0
    return StoredRun(
        explainer=Explainer(problem, assignment),
        student_ids=arrays["student_ids"],
        slot_ids=arrays["slot_ids"],
        placed_row=np.where(placed, np.cumsum(placed) - 1, -1),
        placed_parts=arrays.get("placed_parts", np.zeros((chosen.size, 0))),
        part_names=tuple(arrays["part_names"].tolist()) if "part_names" in arrays else (),
    )


def explanation_dict(run: StoredRun, student: int, explanation: Explanation) -> dict[str, Any]:
    """The explanation of one student as the run page reads it, slot indexes turned into ids."""

    def slot_id(index: int) -> int | None:
        return int(run.slot_ids[index]) if index >= 0 else None

    parts: dict[str, float] = {}
    row = int(run.placed_row[student])
    if row >= 0:
        parts = dict(zip(run.part_names, run.placed_parts[row].tolist(), strict=True))
    return {
        "outcome": OUTCOME_NAMES[int(explanation.outcome)],
        "message": explanation.message,
        "slot_id": slot_id(explanation.slot),
        "score": round(float(explanation.score), DECIMALS),
        "parts": {k: round(float(v), DECIMALS) for k, v in parts.items()},
        "rank": int(explanation.rank),
        "candidates": int(explanation.n_candidates),
        "excluded": {k: int(v) for k, v in (explanation.excluded or {}).items()},
        "stronger": int(explanation.n_stronger),
        "seats": int(explanation.seats),
        "best_alternative": slot_id(explanation.best_alternative),
    }


def arrays_row(run_id: int, blob: bytes) -> MatchRunArrays:
    """The row that stores a run's blob; its digest names the blob in the explainer cache."""
    return MatchRunArrays(run_id=run_id, digest=hashlib.sha256(blob).hexdigest(), data=blob)


def stored_run(session: Session, run_id: int) -> StoredRun | None:
    """The run's problem and assignment, rebuilt from its blob or taken from memory.

    None for a run without arrays (one that has not succeeded, or stored before they were).
    The cache is keyed by the blob's digest, not the run id: ids repeat across databases.
    """
    digest = session.scalar(select(MatchRunArrays.digest).where(MatchRunArrays.run_id == run_id))
    if digest is None:
        return None
    with _explainers_lock:
        if digest in _explainers:
            _explainers.move_to_end(digest)
            return _explainers[digest]
    blob = session.scalar(select(MatchRunArrays.data).where(MatchRunArrays.run_id == run_id))
    assert blob is not None  # the digest was there, and the row is never updated
    run = unpack_run(blob)
    with _explainers_lock:
        _explainers[digest] = run
        while len(_explainers) > EXPLAINERS_KEPT:
            _explainers.popitem(last=False)
    return run


def explain_students(
    session: Session, run_id: int, student_ids: list[int]
) -> dict[int, dict[str, Any]]:
    """The explanation of each of the run's students named, by student id (none without arrays)."""
    run = stored_run(session, run_id) if student_ids else None
    explained: dict[int, dict[str, Any]] = {}
    if run is None:
        return explained
    for student_id in student_ids:
        index = run.student_index(student_id)
        if index >= 0:
            explanation = run.explainer.explain(index)
            explained[student_id] = explanation_dict(run, index, explanation)
    return explained
