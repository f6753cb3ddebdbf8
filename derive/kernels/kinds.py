"""One record per kernel kind: the template its kernels are written from, whether its Numba
kernels run on threads, its torch wrapper, its numeric harness (the checks of `derive check`),
the sample inputs that harness runs on, and the tolerances of its checks. The module template,
the harness table and the kernel tests all read this table; a harness module registers its
kinds with `@kernel_kind`.

    >>> sorted(kinds())[:3]
    ['additive_lookup', 'attention', 'bilinear_lookup']
    >>> kind("scan").template, kind("scan").threaded
    ('scan.j2', True)
    >>> kind("gate").tolerances.central_differences
    1e-06
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

HARNESS_PACKAGE = "derive.kernels.harnesses"


@dataclass(frozen=True)
class Tolerances:
    """The bounds on the relative errors (kernelcheck.relative_error) of a kind's checks.

    >>> Tolerances().numba, Tolerances(float32=1e-5).float32
    (1e-10, 1e-05)
    """

    central_differences: float = 1e-6  # backward vs central differences (step 1e-6), float64
    engine: float = 1e-9  # backward vs the engine's symbolic gradient of the unrolled forward
    document: float = 1e-9  # forward vs the document's own definitions
    numba: float = 1e-10  # Numba vs NumPy, float64, forward and backward
    float32: float = 1e-4  # float32 (NumPy and Numba) vs float64 (NumPy)


@dataclass(frozen=True)
class KernelKind:
    name: str
    template: str  # templates/<template> defines the macro kernels(kernel, numba)
    harness: Callable  # (kernel spec, NumPy module, Numba module) -> list of Check
    # (kernel spec, rng, dtype=float64, *, small=False, **settings) -> the arrays of one call,
    # in argument order: the sample the harness checks (small: the sizes at which the engine's
    # symbolic gradient stays cheap; settings: kind-specific variations, e.g. the scan's layouts)
    inputs: Callable
    tolerances: Tolerances = Tolerances()
    threaded: bool = False  # Numba kernels run parts on Python threads (common.j2 threads())
    gathers: bool = False  # Numba kernels gather rows at random indices (common.j2 prefetch())
    dense: bool = False  # Numba kernels split dense products over their threads (common.j2 blas())
    # Numba kernels take their large arrays from a workspace that reuses memory (common.j2
    # workspace()); threaded kinds only
    workspace: bool = False
    torch: str | None = None  # template of a torch.autograd wrapper: torch_<document>.py


_KINDS: dict[str, KernelKind] = {}


def kernel_kind(
    name: str,
    *,
    template: str,
    inputs: Callable,
    tolerances: Tolerances = Tolerances(),
    threaded: bool = False,
    gathers: bool = False,
    dense: bool = False,
    workspace: bool = False,
    torch: str | None = None,
):
    """Register the decorated harness as the record of kernel kind `name`."""

    def register(harness: Callable) -> Callable:
        if name in _KINDS:
            raise ValueError(f"kernel kind {name!r} is registered twice")
        if dense and not threaded:
            raise ValueError(f"kernel kind {name!r}: dense products run on its threads")
        if workspace and not threaded:
            raise ValueError(f"kernel kind {name!r}: the workspace serves threaded kernels")
        _KINDS[name] = KernelKind(
            name, template, harness, inputs, tolerances, threaded, gathers, dense, workspace, torch
        )
        return harness

    return register


def kinds() -> dict[str, KernelKind]:
    """Every registered kind, after importing every harness module."""
    importlib.import_module(HARNESS_PACKAGE)
    return dict(_KINDS)


def kind(name: str) -> KernelKind:
    """The record of kind `name`; an unknown kind names the place to add it."""
    known = kinds()
    if name not in known:
        raise KeyError(
            f"unknown kernel kind {name!r}: register it with @kernel_kind in a module of "
            f"derive/kernels/harnesses/ (known: {', '.join(sorted(known))})"
        )
    return known[name]
