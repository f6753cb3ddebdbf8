"""Harness for scan kernels (the selective scan): seeded inputs, the unrolled symbolic forward.

The engine's gradient here is SymPy's derivative of the forward blocks composed over a few
time steps — the same expressions the generated forward runs — never the backward blocks.
Which entry of B and C each (batch, channel, step) reads is restated here from mamba_ssm's
rules (`_entry`), apart from the templates' indexing, which it checks.
"""

from __future__ import annotations

import numpy
import sympy

from derive.kernels.kernelcheck import (
    DOCUMENT_TOLERANCE,
    ENGINE_TOLERANCE,
    FD_TOLERANCE,
    FLOAT32_TOLERANCE,
    NUMBA_TOLERANCE,
    Check,
    central_differences,
    document_value,
    relative_error,
    symbolic_gradient,
)
from derive.kernels.kinds import kernel_kind
from derive.kernels.lowerings.selective_ssm import REFERENCE_SIZES

SIZES = {"batch": 2, "dim": 3, "N": 4, "L": 7}
SYMBOLIC_SIZES = {"batch": 1, "dim": 2, "N": 2, "L": 3}
CHUNK = 3
# B and C each: constant over time (dim, N), shared by every channel (batch, N, L), or
# shared by the dim // G channels of each of G groups (batch, G, N, L).
LAYOUTS = {
    "constant": ("dim", "N"),
    "shared": ("batch", "N", "L"),
    "grouped": ("batch", "G", "N", "L"),
}
DEFAULT_LAYOUTS = ("shared", "shared")
# Sizes where a group holds several channels but not all, and batch and steps share B, C.
LAYOUT_SIZES = {"batch": 2, "dim": 4, "N": 3, "L": 5, "G": 2}
LAYOUT_SYMBOLIC_SIZES = {"batch": 2, "dim": 4, "N": 1, "L": 2, "G": 2}
# B's and C's indexing are independent: each layout of each, and both shared over batch.
LAYOUT_PAIRS = (("constant", "grouped"), ("grouped", "constant"), ("constant", "constant"))


def scan_inputs(rng, sizes, dtype=numpy.float64, layouts=DEFAULT_LAYOUTS) -> list:
    """Seeded (u, delta, A, B, C, D, z, delta_bias) with mamba-like scales (A < 0), B and C
    in the named LAYOUTS."""
    batch, dim, n, length = sizes["batch"], sizes["dim"], sizes["N"], sizes["L"]
    B_shape, C_shape = (tuple(sizes[axis] for axis in LAYOUTS[name]) for name in layouts)
    values = [
        rng.standard_normal((batch, dim, length)),
        0.5 * rng.standard_normal((batch, dim, length)),
        -numpy.exp(0.3 * rng.standard_normal((dim, n))),
        rng.standard_normal(B_shape),
        rng.standard_normal(C_shape),
        rng.standard_normal(dim),
        rng.standard_normal((batch, dim, length)),
        0.1 * rng.standard_normal(dim),
    ]
    return [v.astype(dtype) for v in values]


def _block(kernel, name: str, values: dict):
    """The block's single output with its inputs replaced, by name, from `values`."""
    ((_, expr),) = kernel.block(name).outputs
    return expr.xreplace({s: values[s.name] for s in expr.free_symbols})


def _entry_symbols(inputs) -> list:
    symbols = []
    for k, value in enumerate(inputs):
        names = numpy.empty(value.shape, object)
        for index in numpy.ndindex(value.shape):
            names[index] = sympy.Symbol(f"x{k}_{'_'.join(map(str, index))}")
        symbols.append(names)
    return symbols


def _entry(array, b: int, d: int, n: int, t: int, dim: int):
    """The entry of B or C (given in any of LAYOUTS) that batch entry b, channel d and state
    n read at step t: channel d belongs to group d // (dim // G)."""
    if array.ndim == 2:
        return array[d, n]
    if array.ndim == 3:
        return array[b, n, t]
    return array[b, d // (dim // array.shape[1]), n, t]


def _symbolic_output(kernel, inputs, softplus: bool):
    """The forward output and last state as SymPy expressions of one symbol per input entry."""
    symbols = _entry_symbols(inputs)
    u, delta, A, B, C, D, z, bias = symbols
    (batch, dim, length), N = u.shape, A.shape[1]
    delta_block = "delta_softplus" if softplus else "delta_plain"
    outputs, last = numpy.empty(u.shape, object), numpy.empty((batch, dim, N), object)
    for b, d in numpy.ndindex(batch, dim):
        h = [sympy.Integer(0)] * N
        for t in range(length):
            step = {"u_t": u[b, d, t], "D_d": D[d], "z_t": z[b, d, t]}
            step["Delta"] = _block(
                kernel, delta_block, {"delta_t": delta[b, d, t], "bias_d": bias[d]}
            )
            for n in range(N):
                z_n = _block(kernel, "decay_arg", {**step, "A_n": A[d, n]})
                decay = _block(kernel, "decay", {"z_n": z_n})
                B_n = _entry(B, b, d, n, t, dim)
                h[n] = _block(
                    kernel, "step", {**step, "B_n": B_n, "h_prev": h[n], "decay_n": decay}
                )
            step["y"] = sum(
                _block(kernel, "emit", {"h_new": h[n], "C_n": _entry(C, b, d, n, t, dim)})
                for n in range(N)
            )
            outputs[b, d, t] = _block(kernel, "out_gated", step)
        last[b, d] = h
    return numpy.concatenate([outputs.ravel(), last.ravel()]), symbols


def engine_gradient(kernel, inputs, seeds, softplus: bool) -> list:
    """SymPy's gradient of sum(dout * out) + sum(dlast_state * last_state) at `inputs`."""
    outputs, symbols = _symbolic_output(kernel, inputs, softplus)
    return symbolic_gradient(outputs, symbols, inputs, _flat(seeds))


def _flat(arrays):
    return numpy.concatenate([a.ravel() for a in arrays])


def _seeds(rng, inputs):
    """Random dout (batch, dim, L) and dlast_state (batch, dim, N)."""
    (batch, dim, _), N = inputs[0].shape, inputs[2].shape[1]
    return rng.standard_normal(inputs[0].shape), rng.standard_normal((batch, dim, N))


def _rounds():
    """(delta_softplus, layouts, sizes, symbolic sizes) of every round of checks: both
    delta_softplus with the default layouts, then LAYOUT_PAIRS."""
    default = [(softplus, DEFAULT_LAYOUTS, SIZES, SYMBOLIC_SIZES) for softplus in (False, True)]
    return default + [(True, p, LAYOUT_SIZES, LAYOUT_SYMBOLIC_SIZES) for p in LAYOUT_PAIRS]


@kernel_kind("scan", template="scan.j2", threaded=True, torch="torch_scan.py.j2")
def check_scan(kernel, numpy_module, numba_module) -> list[Check]:
    checks = []
    for softplus, layouts, sizes, symbolic in _rounds():
        tag = f"delta_softplus={softplus}, B {layouts[0]}, C {layouts[1]}, last state"
        run = _runner(kernel, numpy_module, softplus)
        checks += _float64_checks(
            kernel,
            run,
            _runner(kernel, numba_module, softplus),
            (softplus, layouts, sizes, symbolic),
            tag,
        )
        checks += _float32_check(kernel, run, layouts, sizes, tag)
    return [*checks, _document_check(kernel, numpy_module)]


def _document_check(kernel, module) -> Check:
    """The generated forward for one channel against the note's own y(t) (the lowering's
    reference), from seeded inputs x, W_Δ, B_Δ, A, W_B, W_C of the note: the kernel reads
    their projections, u = x[:, e], delta = x W_Δ[:, e], B = W_B x, C = W_C x."""
    rng = numpy.random.default_rng(31)
    E, N, e = (REFERENCE_SIZES[name] for name in ("E", "N", "e"))
    L = len(kernel.reference)
    note = {
        "x": rng.standard_normal((L, E)),
        "W_Δ": rng.standard_normal((E, E)) * 0.5,
        "B_Δ": rng.standard_normal(E) * 0.5,
        "A": -numpy.exp(rng.standard_normal((E, N)) * 0.3),
        "W_B": rng.standard_normal((N, E)),
        "W_C": rng.standard_normal((N, E)),
    }
    x = note["x"]
    u = x[:, e - 1][None, None, :]
    delta = (x @ note["W_Δ"][:, e - 1])[None, None, :]
    A = note["A"][e - 1][None, :]
    B, C = (note[w] @ x.T for w in ("W_B", "W_C"))
    forward = getattr(module, f"{kernel.name}_forward")
    out = forward(
        u, delta, A, B[None], C[None], delta_bias=note["B_Δ"][e - 1 : e], delta_softplus=True
    )
    expected = [document_value(expr, {}, note) for _, expr in kernel.reference]
    what = f"forward vs the document's definitions (E = {E}, N = {N}, e = {e}, L = {L})"
    return Check(
        kernel.name, what, relative_error([out[0, 0]], [numpy.array(expected)]), DOCUMENT_TOLERANCE
    )


def _runner(kernel, module, softplus: bool):
    """The module's (forward, backward) for the checks: the forward returns out and
    last_state flattened into one array, the backward takes both seeds."""
    forward = getattr(module, f"{kernel.name}_forward")
    backward = getattr(module, f"{kernel.name}_backward")

    def run_forward(*inputs):
        return _flat(forward(*inputs, delta_softplus=softplus, return_last_state=True))

    def run_backward(seeds, inputs, **options):
        dout, dlast_state = seeds
        return backward(dout, *inputs, delta_softplus=softplus, dlast_state=dlast_state, **options)

    return run_forward, run_backward


def _float64_checks(kernel, run, run_numba, case, tag) -> list[Check]:
    (forward, backward), (softplus, layouts, sizes, symbolic) = run, case
    rng = numpy.random.default_rng(1 + softplus)
    inputs = scan_inputs(rng, sizes, layouts=layouts)
    seeds = _seeds(rng, inputs)
    grads = backward(seeds, inputs, chunk=CHUNK)
    fd = central_differences(forward, inputs, _flat(seeds), range(len(inputs)))
    small = scan_inputs(rng, symbolic, layouts=layouts)
    small_seeds = _seeds(rng, small)
    small_grads = backward(small_seeds, small, chunk=2)
    engine = engine_gradient(kernel, small, small_seeds, softplus)
    numba_results = [run_numba[0](*inputs), *run_numba[1](seeds, inputs, chunk=CHUNK)]
    measured = [
        ("backward vs central differences, float64", grads, fd, FD_TOLERANCE),
        ("backward vs the engine's symbolic gradient", small_grads, engine, ENGINE_TOLERANCE),
        (
            "Numba vs NumPy forward and backward",
            numba_results,
            [forward(*inputs), *grads],
            NUMBA_TOLERANCE,
        ),
    ]
    return [
        Check(kernel.name, f"{what} ({tag})", relative_error(actual, expected), bound)
        for what, actual, expected, bound in measured
    ]


def _float32_check(kernel, run, layouts, sizes, tag) -> list[Check]:
    forward, backward = run
    rng = numpy.random.default_rng(3)
    inputs = scan_inputs(rng, sizes, layouts=layouts)
    seeds = _seeds(rng, inputs)
    single = [v.astype(numpy.float32) for v in inputs]
    wide = [forward(*inputs), *backward(seeds, inputs)]
    narrow = [forward(*single), *backward([s.astype(numpy.float32) for s in seeds], single)]
    error = relative_error(narrow, wide)
    return [Check(kernel.name, f"float32 vs float64 ({tag})", error, FLOAT32_TOLERANCE)]
