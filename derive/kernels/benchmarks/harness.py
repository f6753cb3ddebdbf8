"""Running the registered benchmarks after measuring this machine's limits."""

from __future__ import annotations

import importlib.util

import derive.kernels.benchmarks.gat  # noqa: F401 - registers the GATv2 benchmark
import derive.kernels.benchmarks.scan  # noqa: F401 - registers the selective-scan benchmark
from derive.kernels.benchmarks import BENCHMARKS, Results
from derive.kernels.benchmarks.machine import limits


def available() -> tuple[str, ...]:
    """Benchmarks whose generated kernels are importable."""
    return tuple(name for name in sorted(BENCHMARKS) if _generated(name))


def _generated(name: str) -> bool:
    try:
        return importlib.util.find_spec(f"derive_kernels.{name}") is not None
    except ModuleNotFoundError:
        return False


def run(documents, quick: bool) -> Results:
    """Measure the machine, then every registered benchmark among `documents`."""
    results = Results(machine=limits(quick))
    for name in documents:
        BENCHMARKS[name](results, quick)
    return results
