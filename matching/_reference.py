"""Reference solver on networkx (method "reference"): slow, exact, for small tests."""

from __future__ import annotations

import numpy as np

from ._core import Core
from ._flow import flow_network


def solve_reference(core: Core) -> np.ndarray:
    """Maximum flow of minimum cost by networkx's network simplex, on Python integers."""
    import networkx as nx

    pair_of = np.full(core.n_students, -1, dtype=np.int64)
    if core.student.size == 0:
        return pair_of
    tails, heads, caps, costs, _, source, sink = flow_network(core)
    graph: nx.DiGraph[int] = nx.DiGraph()
    for t, h, c, w in zip(
        tails.tolist(), heads.tolist(), caps.tolist(), costs.tolist(), strict=True
    ):
        graph.add_edge(t, h, capacity=c, weight=w)
    flow = nx.max_flow_min_cost(graph, source, sink)
    n = core.n_students
    for e, (s, j) in enumerate(zip(core.student.tolist(), core.slot.tolist(), strict=True)):
        if flow[s][n + j] > 0:
            pair_of[s] = e
    return pair_of
