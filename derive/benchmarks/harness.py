"""Running the registered benchmarks after measuring this machine's limits."""

from __future__ import annotations

import derive.benchmarks.scan  # noqa: F401 - registers the selective-scan benchmark
from derive.benchmarks import BENCHMARKS, Results
from derive.benchmarks.machine import limits


def available() -> tuple[str, ...]:
    return tuple(sorted(BENCHMARKS))


def run(documents, quick: bool) -> Results:
    """Measure the machine, then every registered benchmark among `documents`."""
    results = Results(machine=limits(quick))
    for name in documents:
        BENCHMARKS[name](results, results.machine, quick)
    return results
