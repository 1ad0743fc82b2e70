"""Reader of OR-Library assignment files (dense ``assignN`` and sparse ``assignpN``)."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np

from ._problem import Problem

__all__ = ["read_orlib"]


def read_orlib(path: str | PathLike[str]) -> Problem:
    """Read an OR-Library assignment file as a :class:`Problem` that maximises ``-cost``.

    The format is detected from the token count: dense files hold ``n`` and then the
    ``n * n`` costs row by row; sparse files hold ``n`` and then ``i j cost`` triples with
    1-based indices (unlisted pairs are forbidden). Capacities are 1 and scores are the
    negated integer costs on a resolution of 1, so the optimum's ``-score`` is the minimum
    cost of a full assignment.

    Raises
    ------
    ValueError
        If the file is neither format.
    """
    tokens = np.array(Path(path).read_text().split(), dtype=np.int64)
    if tokens.size == 0:
        raise ValueError(f"{path}: empty file")
    n, rest = int(tokens[0]), tokens[1:]
    if rest.size == n * n:
        student, slot = np.divmod(np.arange(n * n), n)
        cost = rest
    elif rest.size % 3 == 0:
        triples = rest.reshape(-1, 3)
        student, slot, cost = triples[:, 0] - 1, triples[:, 1] - 1, triples[:, 2]
    else:
        raise ValueError(f"{path}: {rest.size} numbers after n={n} fit neither format")
    return Problem(
        n_students=n,
        capacity=np.ones(n, dtype=np.int64),
        student=student,
        slot=slot,
        score=-cost.astype(np.float64),
        resolution=1.0,
    )
