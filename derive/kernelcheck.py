"""Numeric checks of generated kernels: the second half of the `derive check` gate.

For each kernel the checks are: backward against central differences of the forward (float64),
backward against the engine's symbolic gradient of the unrolled forward (SymPy differentiates
the lowered forward composed over a few steps), NumPy against Numba, and float32 against
float64. Harnesses are a table keyed by the kernel's kind; tolerances are named constants.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import numpy

FD_STEP = 1e-6
FD_TOLERANCE = 1e-6
ENGINE_TOLERANCE = 1e-9
NUMBA_TOLERANCE = 1e-10
FLOAT32_TOLERANCE = 1e-4

HARNESSES: dict = {}


@dataclass(frozen=True)
class Check:
    """One numeric check of one kernel: what was compared, the worst error, the bound."""

    kernel: str
    what: str
    error: float
    bound: float

    @property
    def ok(self) -> bool:
        return bool(numpy.isfinite(self.error)) and self.error <= self.bound


def harness(kind: str):
    """Register the decorated function as the numeric harness of kernels of `kind`."""

    def register(function):
        HARNESSES[kind] = function
        return function

    return register


@contextlib.contextmanager
def generated_modules(directory: str, names):
    """Import generated/<name>.py files from `directory` as derive_kernels.<name>.

    They take the installed package's names for the duration (Numba's on-disk cache records
    a function's module name, so a different name would poison it), then are removed again.
    """
    saved = {key: sys.modules.get(key) for key in ["derive_kernels", *map(_key, names)]}
    sys.modules["derive_kernels"] = types.ModuleType("derive_kernels")
    try:
        yield [_load(directory, name) for name in names]
    finally:
        for key, module in saved.items():
            if module is None:
                sys.modules.pop(key, None)
            else:
                sys.modules[key] = module


def _key(name: str) -> str:
    return f"derive_kernels.{name}"


def _load(directory: str, name: str):
    spec = importlib.util.spec_from_file_location(_key(name), Path(directory) / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_key(name)] = module
    spec.loader.exec_module(module)
    return module


def relative_error(actual, expected) -> float:
    """max |actual - expected| / (1 + max |expected|), over all arrays given."""
    worst = 0.0
    for a, e in zip(actual, expected, strict=True):
        if e is None:
            continue
        e = numpy.asarray(e, numpy.float64)
        scale = 1.0 + float(numpy.abs(e).max(initial=0.0))
        worst = max(
            worst, float(numpy.abs(numpy.asarray(a, numpy.float64) - e).max(initial=0.0)) / scale
        )
    return worst


def check_document(module_spec, directory: str) -> list[Check]:
    """Run the harness of every kernel of one document against the files in `directory`."""
    import derive.harnesses  # noqa: F401 - registers the harnesses on first use

    names = [module_spec.document, f"{module_spec.document}_numba"]
    checks = []
    with generated_modules(directory, names) as (numpy_module, numba_module):
        for kernel in module_spec.kernels:
            checks += HARNESSES[kernel.kind](kernel, numpy_module, numba_module)
    return checks


def central_differences(forward, inputs, dout, positions) -> list:
    """d(sum(dout * forward(*inputs)))/d(input) for each input position, entry by entry."""
    grads = []
    for position in positions:
        value = inputs[position]
        grad = numpy.zeros_like(value)
        for index in numpy.ndindex(value.shape):
            shifted = [x.copy() if k == position else x for k, x in enumerate(inputs)]
            shifted[position][index] += FD_STEP
            up = float((forward(*shifted) * dout).sum())
            shifted[position][index] -= 2 * FD_STEP
            down = float((forward(*shifted) * dout).sum())
            grad[index] = (up - down) / (2 * FD_STEP)
        grads.append(grad)
    return grads
