"""Harness for softmax mixtures (the switch and the soft lookups): seeded inputs sized from
the kernel's axes, the unrolled symbolic forward of a few rows, and the notes' own y_case
or lookup instantiated row by row.

The engine's gradient composes the forward blocks (weight, α) with the kind's scores and the
weighted sum of the values, and lets SymPy differentiate it.
"""

from __future__ import annotations

import numpy
import sympy

from derive.kernels.kernelcheck import (
    at,
    document_value,
    standard_checks,
    symbolic_gradient,
    symbols_like,
)
from derive.kernels.kinds import kernel_kind, kind

SIZES = {"rows": 4, "queries": 4, "K": 5, "keys": 5, "m": 3, "D": 3, "D_v": 2, "H": 4}
SMALL = {"rows": 2, "queries": 2, "K": 3, "keys": 3, "m": 2, "D": 2, "D_v": 2, "H": 2}
# The notes' sizes, by the kernel axis that holds them.
NOTES_SIZES = {"K": "K", "keys": "T̄", "D": "D", "H": "H"}


def lookup_inputs(kernel, rng, sizes: dict, dtype=numpy.float64) -> list:
    """One seeded array per argument of `kernel`, shaped by its axes."""
    sizes = {**sizes, "2D": 2 * sizes["D"]}
    arrays = [rng.standard_normal([sizes[a] for a in arg.axes]) for arg in kernel.arguments]
    return [a.astype(dtype) for a in arrays]


def sample_inputs(kernel, rng, dtype=numpy.float64, *, small: bool = False) -> list:
    """The harness's sample: `lookup_inputs` at SIZES (small: SMALL)."""
    return lookup_inputs(kernel, rng, SMALL if small else SIZES, dtype)


def _scores(kernel, symbols):
    """The scores of every row, composed as the kind's template composes them."""
    if kernel.kind == "switch":
        return symbols[0]
    q, k, _, *parameters = symbols
    if kernel.kind == "bilinear_lookup":
        return (q.dot(parameters[0]) if parameters else q).dot(k.T)
    W, v_alpha_c = parameters
    width = q.shape[1]
    Wq, Wk = q.dot(W[:, :width].T), k.dot(W[:, width:].T)
    (_, term) = kernel.block("term").outputs[0]
    scores = numpy.empty((len(q), len(k)), object)
    for i, t in numpy.ndindex(scores.shape):
        scores[i, t] = sum(
            at(term, {"Wq_r": Wq[i, r], "Wk_r": Wk[t, r], "v_alpha_c_r": v_alpha_c[r]})
            for r in range(len(v_alpha_c))
        )
    return scores


def _symbolic_output(kernel, inputs):
    symbols = [symbols_like(f"x{k}", a.shape) for k, a in enumerate(inputs)]
    values = symbols[1] if kernel.kind == "switch" else symbols[2]
    (_, weight), (_, alpha) = kernel.block("weight").outputs[0], kernel.block("alpha").outputs[0]
    rows = []
    for row in _scores(kernel, symbols):
        weights = [at(weight, {"s_e": s, "m_i": 0}) for s in row]
        total = sum(weights)
        rows.append([at(alpha, {"w_e": w, "Z_i": total}) for w in weights])
    return numpy.array(rows, object).reshape(len(rows), -1).dot(values), symbols


def _document_forward(kernel, inputs, sizes: dict) -> numpy.ndarray:
    (_, reference), rows = kernel.reference[0], inputs[0]
    labels = [a.label or a.name for a in kernel.arguments]
    values = {NOTES_SIZES[axis]: size for axis, size in sizes.items() if axis in NOTES_SIZES}
    symbols = {s.name for s in reference.free_symbols if isinstance(s, sympy.Symbol)}
    names = symbols - set(values) - set(labels)
    (column,) = names  # the one free index of the notes' y_case(k) or lookup(e)
    out = numpy.empty((len(rows), (inputs[1] if kernel.kind == "switch" else inputs[2]).shape[1]))
    for i, c in numpy.ndindex(out.shape):
        arrays = dict(zip(labels, inputs, strict=True))
        arrays[labels[0]] = rows[i]
        out[i, c] = document_value(reference, {**values, column: c + 1}, arrays)
    return out


@kernel_kind("switch", template="lookup.j2", inputs=sample_inputs)
@kernel_kind("bilinear_lookup", template="lookup.j2", inputs=sample_inputs)
@kernel_kind("additive_lookup", template="lookup.j2", inputs=sample_inputs)
def check_lookup(kernel, numpy_module, numba_module) -> list:
    rng, sample = numpy.random.default_rng(23), kind(kernel.kind).inputs
    inputs = sample(kernel, rng)
    small = sample(kernel, rng, small=True)
    forward = getattr(numpy_module, f"{kernel.name}_forward")
    backward = getattr(numpy_module, f"{kernel.name}_backward")
    dout, small_dout = (rng.standard_normal(forward(*x).shape) for x in (inputs, small))
    outputs, symbols = _symbolic_output(kernel, small)
    engine = (backward(small_dout, *small), symbolic_gradient(outputs, symbols, small, small_dout))
    document = ([forward(*small)], [_document_forward(kernel, small, SMALL)])
    floats = tuple(range(len(inputs)))
    modules = (numpy_module, numba_module)
    return standard_checks(
        kernel, modules, inputs, dout, floats=floats, engine=engine, document=document
    )
