"""Harness for scan kernels (the selective scan): seeded inputs, the unrolled symbolic forward.

The engine's gradient here is SymPy's derivative of the forward blocks composed over a few
time steps — the same expressions the generated forward runs — never the backward blocks.
"""

from __future__ import annotations

import numpy
import sympy

from derive.kernels.kernelcheck import (
    ENGINE_TOLERANCE,
    FD_TOLERANCE,
    FLOAT32_TOLERANCE,
    NUMBA_TOLERANCE,
    Check,
    central_differences,
    harness,
    relative_error,
)

SIZES = {"batch": 2, "dim": 3, "N": 4, "L": 7}
SYMBOLIC_SIZES = {"batch": 1, "dim": 2, "N": 2, "L": 3}
CHUNK = 3


def scan_inputs(rng, sizes, dtype=numpy.float64) -> list:
    """Seeded (u, delta, A, B, C, D, z, delta_bias) with mamba-like scales (A < 0)."""
    batch, dim, n, length = sizes["batch"], sizes["dim"], sizes["N"], sizes["L"]
    values = [
        rng.standard_normal((batch, dim, length)),
        0.5 * rng.standard_normal((batch, dim, length)),
        -numpy.exp(0.3 * rng.standard_normal((dim, n))),
        rng.standard_normal((batch, n, length)),
        rng.standard_normal((batch, n, length)),
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


def _symbolic_output(kernel, inputs, softplus: bool):
    """The forward output as SymPy expressions of one symbol per input entry."""
    symbols = _entry_symbols(inputs)
    u, delta, A, B, C, D, z, bias = symbols
    delta_block = "delta_softplus" if softplus else "delta_plain"
    outputs = numpy.empty(inputs[0].shape, object)
    for b, d in numpy.ndindex(*inputs[0].shape[:2]):
        h = [sympy.Integer(0)] * A.shape[1]
        for t in range(inputs[0].shape[2]):
            step = {"u_t": u[b, d, t], "D_d": D[d], "z_t": z[b, d, t]}
            step["Delta"] = _block(
                kernel, delta_block, {"delta_t": delta[b, d, t], "bias_d": bias[d]}
            )
            for n in range(len(h)):
                z_n = _block(kernel, "decay_arg", {**step, "A_n": A[d, n]})
                decay = _block(kernel, "decay", {"z_n": z_n})
                values = {**step, "B_n": B[b, n, t], "h_prev": h[n], "decay_n": decay}
                h[n] = _block(kernel, "step", values)
            step["y"] = sum(
                _block(kernel, "emit", {"h_new": h[n], "C_n": C[b, n, t]}) for n in range(len(h))
            )
            outputs[b, d, t] = _block(kernel, "out_gated", step)
    return outputs, symbols


def engine_gradient(kernel, inputs, dout, softplus: bool) -> list:
    """SymPy's gradient of sum(dout * forward) at `inputs`, for every input."""
    outputs, symbols = _symbolic_output(kernel, inputs, softplus)
    loss = sum(float(g) * o for g, o in zip(dout.ravel(), outputs.ravel(), strict=True))
    flat = [s for block in symbols for s in block.ravel()]
    values = [float(v) for value in inputs for v in value.ravel()]
    gradient = sympy.lambdify(flat, [sympy.diff(loss, s) for s in flat], "numpy")(*values)
    grads, offset = [], 0
    for value in inputs:
        grads.append(numpy.array(gradient[offset : offset + value.size]).reshape(value.shape))
        offset += value.size
    return grads


@harness("scan")
def check_scan(kernel, numpy_module, numba_module) -> list[Check]:
    checks = []
    for softplus in (False, True):
        tag = f"delta_softplus={softplus}"
        checks += _float64_checks(kernel, numpy_module, numba_module, softplus, tag)
        checks += _float32_check(kernel, numpy_module, softplus, tag)
    return checks


def _float64_checks(kernel, numpy_module, numba_module, softplus, tag) -> list[Check]:
    name = kernel.name
    forward = getattr(numpy_module, f"{name}_forward")
    backward = getattr(numpy_module, f"{name}_backward")
    rng = numpy.random.default_rng(1 + softplus)
    inputs = scan_inputs(rng, SIZES)
    dout = rng.standard_normal(inputs[0].shape)
    grads = backward(dout, *inputs, delta_softplus=softplus, chunk=CHUNK)
    run = lambda *args: forward(*args, delta_softplus=softplus)  # noqa: E731
    fd = central_differences(run, inputs, dout, range(len(inputs)))
    small = scan_inputs(rng, SYMBOLIC_SIZES)
    small_dout = rng.standard_normal(small[0].shape)
    small_grads = backward(small_dout, *small, delta_softplus=softplus, chunk=2)
    engine = engine_gradient(kernel, small, small_dout, softplus)
    nb_out = getattr(numba_module, f"{name}_forward")(*inputs, delta_softplus=softplus)
    nb_grads = getattr(numba_module, f"{name}_backward")(
        dout, *inputs, delta_softplus=softplus, chunk=CHUNK
    )
    return [
        Check(
            name,
            f"backward vs central differences, float64 ({tag})",
            relative_error(grads, fd),
            FD_TOLERANCE,
        ),
        Check(
            name,
            f"backward vs the engine's symbolic gradient ({tag})",
            relative_error(small_grads, engine),
            ENGINE_TOLERANCE,
        ),
        Check(
            name,
            f"Numba vs NumPy forward and backward ({tag})",
            relative_error([nb_out, *nb_grads], [run(*inputs), *grads]),
            NUMBA_TOLERANCE,
        ),
    ]


def _float32_check(kernel, numpy_module, softplus, tag) -> list[Check]:
    name = kernel.name
    forward = getattr(numpy_module, f"{name}_forward")
    backward = getattr(numpy_module, f"{name}_backward")
    rng = numpy.random.default_rng(3)
    inputs = scan_inputs(rng, SIZES)
    dout = rng.standard_normal(inputs[0].shape)
    single = [v.astype(numpy.float32) for v in inputs]
    wide = [
        forward(*inputs, delta_softplus=softplus),
        *backward(dout, *inputs, delta_softplus=softplus),
    ]
    narrow = [
        forward(*single, delta_softplus=softplus),
        *backward(dout.astype(numpy.float32), *single, delta_softplus=softplus),
    ]
    return [
        Check(name, f"float32 vs float64 ({tag})", relative_error(narrow, wide), FLOAT32_TOLERANCE)
    ]
