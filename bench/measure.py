"""What every benchmark reports: percentiles of latencies."""

from __future__ import annotations


def percentile(latencies: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of the latencies, in their unit."""
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]
