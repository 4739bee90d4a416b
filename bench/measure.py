"""What every benchmark reports: each side's rate and latencies, and the ratio of ours to the baseline."""

from __future__ import annotations

from dataclasses import dataclass


def percentile(latencies: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of the latencies, in their unit."""
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


@dataclass(frozen=True)
class Side:
    """One side of a benchmark: the latency of each operation, and the wall time they took
    (``None`` when they ran one after another, so the wall time is their sum)."""

    name: str
    latencies: list[float]
    seconds: float | None = None

    @property
    def per_second(self) -> float:
        return len(self.latencies) / (self.seconds if self.seconds is not None else sum(self.latencies))

    def percentile(self, p: float) -> float:
        return percentile(self.latencies, p)


@dataclass(frozen=True)
class Result:
    ours: Side
    bare: Side
    ratio_label: str  # "appends / bare inserts"
    unit: str = "per second"
    digits: int = 3  # of the millisecond columns
    target: float = 0.5  # the ratio aimed at

    @property
    def ratio(self) -> float:
        return self.ours.per_second / self.bare.per_second

    def report(self, note: str = "") -> str:
        width = max(len(self.ours.name), len(self.bare.name)) + 2
        lines = [f"{'':{width}}{self.unit:>12}{'p50 ms':>10}{'p99 ms':>10}"]
        for side in (self.ours, self.bare):
            p50, p99 = side.percentile(50) * 1e3, side.percentile(99) * 1e3
            lines.append(f"{side.name:{width}}{side.per_second:12.0f}{p50:10.{self.digits}f}{p99:10.{self.digits}f}")
        lines.append(f"ratio ({self.ratio_label}): {self.ratio:.2f}   target >= {self.target:.2f}{note}")
        return "\n".join(lines)
