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
    block_value,
    document_check,
    document_value,
    kernel_calls,
    standard_checks,
    symbolic_gradient,
    symbols_like,
)
from derive.kernels.kinds import kernel_kind, kind
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


def sample_inputs(
    kernel, rng, dtype=numpy.float64, *, small: bool = False, layouts=DEFAULT_LAYOUTS
) -> list:
    """The harness's sample: `scan_inputs` with B and C in `layouts`, the default layouts at
    SIZES, others at LAYOUT_SIZES (small: the SYMBOLIC_SIZES of each)."""
    if layouts == DEFAULT_LAYOUTS:
        sizes = SYMBOLIC_SIZES if small else SIZES
    else:
        sizes = LAYOUT_SYMBOLIC_SIZES if small else LAYOUT_SIZES
    return scan_inputs(rng, sizes, dtype, layouts)


def _entry(array, b: int, d: int, n: int, t: int, dim: int):
    """The entry of B or C (given in any of LAYOUTS) that batch entry b, channel d and state
    n read at step t: channel d belongs to group d // (dim // G)."""
    if array.ndim == 2:
        return array[d, n]
    if array.ndim == 3:
        return array[b, n, t]
    return array[b, d // (dim // array.shape[1]), n, t]


def _exp_block(kernel, name: str, values: dict):
    """The exponential that blocks `delta_softplus` and `out_gated` read (w_t, g_t): block
    `<name>_exp` of block `<name>_exp_arg`."""
    argument = block_value(kernel, f"{name}_exp_arg", values)
    ((output, _),) = kernel.block(f"{name}_exp_arg").outputs
    return block_value(kernel, f"{name}_exp", {output: argument})


def _symbolic_output(kernel, inputs, softplus: bool):
    """The forward output and last state as SymPy expressions of one symbol per input entry."""
    symbols = [symbols_like(f"x{k}", a.shape) for k, a in enumerate(inputs)]
    u, delta, A, B, C, D, z, bias = symbols
    (batch, dim, length), N = u.shape, A.shape[1]
    delta_block = "delta_softplus" if softplus else "delta_plain"
    outputs, last = numpy.empty(u.shape, object), numpy.empty((batch, dim, N), object)
    for b, d in numpy.ndindex(batch, dim):
        h = [sympy.Integer(0)] * N
        for t in range(length):
            step = {"u_t": u[b, d, t], "D_d": D[d], "z_t": z[b, d, t]}
            step["g_t"] = _exp_block(kernel, "gate", step)
            values = {"delta_t": delta[b, d, t], "bias_d": bias[d]}
            if softplus:
                values["w_t"] = _exp_block(kernel, "delta", values)
            step["Delta"] = block_value(kernel, delta_block, values)
            for n in range(N):
                z_n = block_value(kernel, "decay_arg", {**step, "A_n": A[d, n]})
                decay = block_value(kernel, "decay", {"z_n": z_n})
                B_n = _entry(B, b, d, n, t, dim)
                h[n] = block_value(
                    kernel, "step", {**step, "B_n": B_n, "h_prev": h[n], "decay_n": decay}
                )
            step["y"] = sum(
                block_value(kernel, "emit", {"h_new": h[n], "C_n": _entry(C, b, d, n, t, dim)})
                for n in range(N)
            )
            outputs[b, d, t] = block_value(kernel, "out_gated", step)
        last[b, d] = h
    return numpy.concatenate([outputs.ravel(), last.ravel()]), symbols


def engine_gradient(kernel, inputs, seeds, softplus: bool) -> list:
    """SymPy's gradient of sum(dout * out) + sum(dlast_state * last_state) at `inputs`, the
    seeds (dout, dlast_state) flattened into one array, as `scan_calls` takes them."""
    outputs, symbols = _symbolic_output(kernel, inputs, softplus)
    return symbolic_gradient(outputs, symbols, inputs, seeds)


def scan_calls(module, name: str, *, chunk: int, **options):
    """The module's (forward, backward) for `standard_checks`: the forward returns out and
    last_state flattened into one array, the backward takes that array's seeds, dout and
    dlast_state, flattened the same way."""
    forward, backward = kernel_calls(module, name, **options)

    def run_forward(*inputs):
        out, last_state = forward(*inputs, return_last_state=True)
        return numpy.concatenate([out.ravel(), last_state.ravel()])

    def run_backward(seeds, *inputs):
        (batch, dim, length), N = inputs[0].shape, inputs[2].shape[1]
        dout = seeds[: batch * dim * length].reshape(batch, dim, length)
        dlast_state = seeds[batch * dim * length :].reshape(batch, dim, N)
        return backward(dout, *inputs, dlast_state=dlast_state, chunk=chunk)

    return run_forward, run_backward


def _seeds(rng, inputs):
    """Random dout (batch, dim, L) and dlast_state (batch, dim, N), flattened into one array."""
    (batch, dim, _), N = inputs[0].shape, inputs[2].shape[1]
    dout, dlast_state = rng.standard_normal(inputs[0].shape), rng.standard_normal((batch, dim, N))
    return numpy.concatenate([dout.ravel(), dlast_state.ravel()])


# (delta_softplus, layouts) of every round of checks: both delta_softplus with the default
# layouts, then LAYOUT_PAIRS.
ROUNDS = ((False, DEFAULT_LAYOUTS), (True, DEFAULT_LAYOUTS), *((True, p) for p in LAYOUT_PAIRS))


@kernel_kind(
    "scan", template="scan.j2", inputs=sample_inputs, threaded=True, torch="torch_scan.py.j2"
)
def check_scan(kernel, numpy_module, numba_module) -> list:
    modules = (numpy_module, numba_module)
    checks = [c for r in ROUNDS for c in _round(kernel, modules, *r)]
    return [*checks, _document_check(kernel, numpy_module)]


def _round(kernel, modules, softplus: bool, layouts) -> list:
    """The standard checks at one delta_softplus and one pair of layouts of B and C."""
    rng, sample = numpy.random.default_rng(1 + softplus), kind(kernel.kind).inputs
    inputs = sample(kernel, rng, layouts=layouts)
    seeds = _seeds(rng, inputs)
    small = sample(kernel, rng, small=True, layouts=layouts)
    small_seeds = _seeds(rng, small)
    _, small_backward = scan_calls(modules[0], kernel.name, chunk=2, delta_softplus=softplus)
    engine = (
        small_backward(small_seeds, *small),
        engine_gradient(kernel, small, small_seeds, softplus),
    )
    return standard_checks(
        kernel,
        modules,
        inputs,
        seeds,
        floats=range(len(inputs)),
        engine=engine,
        document=None,
        calls=scan_calls,
        tag=f"delta_softplus={softplus}, B {layouts[0]}, C {layouts[1]}, last state",
        chunk=CHUNK,
        delta_softplus=softplus,
    )


def _document_check(kernel, module):
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
    note = f"E = {E}, N = {N}, e = {e}, L = {L}"
    return document_check(kernel, [out[0, 0]], [numpy.array(expected)], note)
