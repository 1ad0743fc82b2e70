"""The bureau dashboard's board: its totals and charts kept per region (snapshots.py)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from skillbridge.platform.services.reporting import snapshots
from skillbridge.platform.services.reporting.dashboard import (
    Bar,
    Chart,
    CountedCharts,
    Segment,
    count_charts,
)


def _encode(counted: CountedCharts) -> dict[str, Any]:
    return {
        "totals": counted.totals,
        "charts": [dataclasses.asdict(chart) for chart in counted.charts],
    }


def _chart(data: dict[str, Any]) -> Chart:
    bars = tuple(
        Bar(bar["label"], tuple(Segment(**segment) for segment in bar["segments"]), bar["note"])
        for bar in data["bars"]
    )
    legend = tuple((tone, label) for tone, label in data["legend"])
    return Chart(**{**data, "bars": bars, "legend": legend})


def _decode(data: dict[str, Any], at: datetime) -> CountedCharts:
    return CountedCharts(data["totals"], [_chart(chart) for chart in data["charts"]], at)


BOARD = snapshots.Board("dashboard", count_charts, _encode, _decode)
