"""Benchmarks of generated kernels against the peers people use today; they measure, never
assert. Each kernel family registers cases in BENCHMARKS; `run` times them after warm-up,
in one process, on the same inputs, with this machine's limits measured in the same run."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

BENCHMARKS: dict = {}
REPEATS = 5


def benchmark(document: str):
    """Register the decorated function as the benchmark of `document`'s kernels."""

    def register(function):
        BENCHMARKS[document] = function
        return function

    return register


@dataclass(frozen=True)
class Timing:
    median: float
    low: float
    high: float
    repeats: int


def time_it(function, repeats: int = REPEATS, warmup: int = 1) -> Timing:
    """Median and min–max seconds over `repeats` calls, after `warmup` calls."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return Timing(statistics.median(samples), min(samples), max(samples), repeats)


@dataclass(frozen=True)
class Row:
    """One timed (or skipped) implementation of one case."""

    kernel: str
    case: str
    what: str
    implementation: str
    timing: Timing | None
    bound: float | None = None
    note: str = ""
    rates: dict | None = None  # the machine's rates the bound was computed from

    @property
    def fraction(self) -> float | None:
        if self.timing is None or self.bound is None:
            return None
        return self.bound / self.timing.median


@dataclass
class Results:
    """Everything one benchmark run measured."""

    machine: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)
    compile: dict = field(default_factory=dict)
    scaling: dict = field(default_factory=dict)
    memory: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def ratios(self, ours=("numba", "numpy")) -> list[tuple]:
        """(kernel, case, what, peer, ours, peer/ours) for every timed peer/ours pair."""
        found = []
        timed = [r for r in self.rows if r.timing is not None]
        for peer in (r for r in timed if r.implementation not in ours):
            for mine in timed:
                same = (mine.kernel, mine.case, mine.what) == (peer.kernel, peer.case, peer.what)
                if same and mine.implementation in ours:
                    ratio = peer.timing.median / mine.timing.median
                    found.append(
                        (
                            peer.kernel,
                            peer.case,
                            peer.what,
                            peer.implementation,
                            mine.implementation,
                            ratio,
                        )
                    )
        return found
