"""Harness for gate kernels (the soft if): seeded logits and features, the unrolled symbolic
forward of a few rows, and the notes' y(σ(z_j), k) instantiated entry by entry."""

from __future__ import annotations

import numpy

from derive.kernels.kernelcheck import (
    at,
    document_value,
    standard_checks,
    symbolic_gradient,
    symbols_like,
)
from derive.kernels.kinds import kernel_kind, kind

FLOATS = (0, 1, 2)


def gate_inputs(rng, n: int, m: int, scale: float = 3.0, dtype=numpy.float64) -> list:
    """(z, T, F): n logits spread by `scale`, and the two feature vectors of length m."""
    values = [scale * rng.standard_normal(n), rng.standard_normal(m), rng.standard_normal(m)]
    return [v.astype(dtype) for v in values]


def sample_inputs(kernel, rng, dtype=numpy.float64, *, small: bool = False) -> list:
    """The harness's sample: 6 logits and features of length 4 (small: 3 and 2)."""
    return gate_inputs(rng, *((3, 2) if small else (6, 4)), dtype=dtype)


def _symbolic_output(kernel, inputs):
    symbols = [symbols_like(f"x{k}", a.shape) for k, a in enumerate(inputs)]
    z, T, F = symbols
    (_, gate), (_, blend) = kernel.block("gate").outputs[0], kernel.block("blend").outputs[0]
    out = numpy.empty((len(z), len(T)), object)
    for j, k in numpy.ndindex(out.shape):
        g = at(gate, {"z_j": z[j]})
        out[j, k] = at(blend, {"g_j": g, "T_k": T[k], "F_k": F[k]})
    return out, symbols


def _document_forward(kernel, inputs) -> numpy.ndarray:
    (_, reference), (z, T, F) = kernel.reference[0], inputs
    out = numpy.empty((len(z), len(T)))
    for j, k in numpy.ndindex(out.shape):
        out[j, k] = document_value(reference, {"j": j + 1, "k": k + 1}, {"z": z, "T": T, "F": F})
    return out


@kernel_kind("gate", template="gate.j2", inputs=sample_inputs)
def check_gate(kernel, numpy_module, numba_module) -> list:
    rng, sample = numpy.random.default_rng(17), kind(kernel.kind).inputs
    inputs, dout = sample(kernel, rng), rng.standard_normal((6, 4))
    small, small_dout = sample(kernel, rng, small=True), rng.standard_normal((3, 2))
    forward = getattr(numpy_module, f"{kernel.name}_forward")
    backward = getattr(numpy_module, f"{kernel.name}_backward")
    outputs, symbols = _symbolic_output(kernel, small)
    engine = (backward(small_dout, *small), symbolic_gradient(outputs, symbols, small, small_dout))
    document = ([forward(*small)], [_document_forward(kernel, small)])
    modules = (numpy_module, numba_module)
    return standard_checks(
        kernel, modules, inputs, dout, floats=FLOATS, engine=engine, document=document
    )
