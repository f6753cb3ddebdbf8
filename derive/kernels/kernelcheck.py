"""Numeric checks of generated kernels: the second half of the `derive check` gate.

For each kernel the checks are: backward against central differences of the forward (float64),
backward against the engine's symbolic gradient of the unrolled forward (SymPy differentiates
the lowered forward composed over a few steps), NumPy against Numba, and float32 against
float64; where the kernel spec has a reference, also the forward against the document's own
definitions at small sizes. Each kernel kind's record (derive.kernels.kinds) holds its
harness, the sample inputs it runs on and the tolerances of its checks; `standard_checks` runs
the checks every harness runs.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import numpy
import sympy

from derive.kernels.kinds import kind

FD_STEP = 1e-6


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
    names = [module_spec.document, f"{module_spec.document}_numba"]
    checks = []
    with generated_modules(directory, names) as (numpy_module, numba_module):
        for kernel in module_spec.kernels:
            checks += kind(kernel.kind).harness(kernel, numpy_module, numba_module)
    return checks


def central_differences(forward, inputs, dout, positions) -> list:
    """d(sum(dout * forward(*inputs)))/d(input) for each input position, entry by entry (None
    for an input that is None).

    >>> central_differences(lambda x: x**2, [numpy.array([1.0, 2.0])], numpy.ones(2), [0])
    [array([2., 4.])]
    """
    grads = []
    for position in positions:
        value = inputs[position]
        if value is None:
            grads.append(None)
            continue
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


def symbols_like(prefix: str, shape) -> numpy.ndarray:
    """An object array of one SymPy symbol per entry, named prefix_i_j."""
    names = numpy.empty(shape, object)
    for index in numpy.ndindex(shape):
        names[index] = sympy.Symbol(f"{prefix}_{'_'.join(map(str, index))}", real=True)
    return names


def at(expr, values: dict):
    """`expr` with each free symbol replaced by the value given for its name."""
    return expr.xreplace({s: values[s.name] for s in expr.free_symbols})


def symbolic_gradient(outputs, symbols, inputs, dout) -> list:
    """SymPy's gradient of sum(dout * outputs) with respect to each array of `symbols`,
    evaluated where the symbols take the values of `inputs` (None where an input is None)."""
    loss = sum(float(g) * o for g, o in zip(dout.ravel(), outputs.ravel(), strict=True))
    flat = [s for block in symbols if block is not None for s in block.ravel()]
    values = [float(v) for array in inputs if array is not None for v in array.ravel()]
    gradient = _gradient_at(loss, tuple(flat), tuple(values))
    grads, offset = [], 0
    for array in inputs:
        if array is None:
            grads.append(None)
            continue
        grads.append(
            numpy.array(gradient[offset : offset + array.size], float).reshape(array.shape)
        )
        offset += array.size
    return grads


# Kept for the process: one test session checks the same kernel's engine gradient several
# times (the harness's own test, a perturbed backward, a mutated module), and the derivatives
# of the scan's unrolled forward take most of a minute. Arguments that equal others are the
# same expression at the same values, so the gradient is the same.
@functools.lru_cache(maxsize=16)
def _gradient_at(loss, flat: tuple, values: tuple) -> list:
    """The gradient of `loss` by each of `flat`, evaluated where they take `values`. The
    derivatives share most of their terms: printed once each (cse), the attention harness's
    took 0.7 s where printing every copy took 6 s."""
    return sympy.lambdify(flat, [sympy.diff(loss, s) for s in flat], "numpy", cse=True)(*values)


def block_value(kernel, name: str, values: dict):
    """The single output of block `name` of `kernel`, each input replaced by its value by name."""
    ((_, expr),) = kernel.block(name).outputs
    return at(expr, values)


def document_value(expr, values: dict, arrays: dict) -> float:
    """The value of a reference expression (see KernelSpec.reference) at the sizes and indices
    `values` names, each tensor entry (1-based, as in documents) read from `arrays` by label."""
    labels = {a.base.label for a in expr.atoms(sympy.Indexed)}
    names = {s.name: s for s in expr.free_symbols - labels if isinstance(s, sympy.Symbol)}
    concrete = expr.subs({names[n]: v for n, v in values.items() if n in names}).doit()
    entries = {
        a: sympy.Float(float(arrays[str(a.base.label)][tuple(int(i) - 1 for i in a.indices)]))
        for a in concrete.atoms(sympy.Indexed)
    }
    return float(concrete.xreplace(entries))


def kernel_calls(module, name: str, **options):
    """The module's (forward, backward) of kernel `name`, with `options` bound to both: what
    `standard_checks` runs, forward(*inputs) and backward(dout, *inputs).

    >>> module = types.SimpleNamespace(
    ...     k_forward=lambda x, c: c * x, k_backward=lambda dout, x, c: (c * dout,)
    ... )
    >>> forward, backward = kernel_calls(module, "k", c=3)
    >>> forward(2), backward(1.0, 2)
    (6, (3.0,))
    """
    forward = getattr(module, f"{name}_forward")
    backward = getattr(module, f"{name}_backward")
    return functools.partial(forward, **options), functools.partial(backward, **options)


def document_check(kernel, actual, expected, note: str) -> Check:
    """The forward's arrays `actual` against the document's own `expected` values."""
    bound = kind(kernel.kind).tolerances.document
    what = "forward vs the document's definitions" + (f" ({note})" if note else "")
    return Check(kernel.name, what, relative_error(actual, expected), bound)


def standard_checks(
    kernel,
    modules,
    inputs,
    dout,
    *,
    floats,
    engine,
    document,
    calls=kernel_calls,
    saves: bool = False,
    tag: str | None = None,
    **options,
) -> list[Check]:
    """The checks of one kernel on `inputs`, at the tolerances of its kind's record.

    Central differences, Numba against NumPy and float32 against float64 run here; `engine`
    and `document` are the (actual, expected) pairs the harness computed (`document` None:
    the harness checks it once, with `document_check`). `floats` are the positions of the
    float inputs, the ones the backward returns gradients of, in order; an input that is None
    has a None gradient. `calls(module, name, **options)` gives the (forward, backward) to
    run (default `kernel_calls`); with `saves`, the Numba side runs forward(..., save=True)
    and hands its saved work to backward(..., saved=...), and the NumPy side recomputes.
    `tag` (default: the options) names the setting in each check.
    """
    bounds = kind(kernel.kind).tolerances
    tag = ", ".join(f"{k}={v}" for k, v in options.items()) if tag is None else tag
    wide_calls, numba_calls = (calls(m, kernel.name, **options) for m in modules)
    wide = _run_both(wide_calls, inputs, dout)
    fd = central_differences(wide_calls[0], inputs, dout, floats)
    single = [
        a.astype(numpy.float32) if k in floats and a is not None else a
        for k, a in enumerate(inputs)
    ]
    narrow = [
        value
        for run in (wide_calls, numba_calls)
        for value in _run_both(run, single, dout.astype(numpy.float32))
    ]
    numba = (_run_saved if saves else _run_both)(numba_calls, inputs, dout)
    measured = [
        ("backward vs central differences, float64", wide[1:], fd, bounds.central_differences),
        ("backward vs the engine's symbolic gradient", *engine, bounds.engine),
        ("Numba vs NumPy forward and backward", numba, wide, bounds.numba),
        ("float32 (NumPy and Numba) vs float64 (NumPy)", narrow, wide + wide, bounds.float32),
    ]
    checks = [
        Check(kernel.name, f"{what} ({tag})" if tag else what, relative_error(a, e), bound)
        for what, a, e, bound in measured
    ]
    if document is not None:
        checks.insert(2, document_check(kernel, *document, tag))
    return checks


def _run_both(calls, inputs, dout) -> list:
    forward, backward = calls
    return [forward(*inputs), *backward(dout, *inputs)]


def _run_saved(calls, inputs, dout) -> list:
    forward, backward = calls
    out, saved = forward(*inputs, save=True)
    return [out, *backward(dout, *inputs, saved=saved)]
