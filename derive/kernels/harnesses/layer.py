"""Harness for layers over rows (the NN library's linear, add and mse): seeded rows, the
unrolled symbolic forward of a few rows composed from the forward blocks, and the document's
own definition instantiated row by row."""

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

SIZES = {"batch": 5, "n": 4, "m": 3}
SMALL = {"batch": 2, "n": 3, "m": 2}


def layer_inputs(kernel, rng, sizes: dict, dtype=numpy.float64) -> list:
    """One seeded array per argument of `kernel`, shaped by its axes."""
    arrays = [rng.standard_normal([sizes[a] for a in arg.axes]) for arg in kernel.arguments]
    return [a.astype(dtype) for a in arrays]


def sample_inputs(kernel, rng, dtype=numpy.float64, *, small: bool = False) -> list:
    """The harness's sample: `layer_inputs` at SIZES (small: SMALL)."""
    return layer_inputs(kernel, rng, SMALL if small else SIZES, dtype)


def _symbolic_output(kernel, inputs):
    symbols = [symbols_like(f"x{k}", a.shape) for k, a in enumerate(inputs)]
    x, second = symbols
    term = kernel.block("term").outputs[0][1]
    if kernel.kind == "dense":
        out = numpy.empty((len(x), len(second)), object)
        for row, r in numpy.ndindex(out.shape):
            entries = zip(x[row], second[r], strict=True)
            out[row, r] = sum(at(term, {"x_c": a, "w_rc": b}) for a, b in entries)
    elif kernel.kind == "pointwise":
        out = numpy.empty(x.shape, object)
        for row, c in numpy.ndindex(out.shape):
            out[row, c] = at(term, {"x_c": x[row, c], "w_c": second[c]})
    else:
        outer = kernel.block("outer").outputs[0][1]
        out = numpy.empty(len(x), object)
        for row in range(len(x)):
            entries = zip(x[row], second[row], strict=True)
            total = sum(at(term, {"x_c": a, "ystar_c": b}) for a, b in entries)
            out[row] = at(outer, {"s_r": total})
    return out, symbols


def _document_forward(kernel, inputs, shape) -> numpy.ndarray:
    """The document's definition at each row (row-wise arrays) and each output entry."""
    (_, reference), labels = kernel.reference[0], [a.label or a.name for a in kernel.arguments]
    sizes = {"n": inputs[0].shape[1], "m": inputs[1].shape[0]}
    names = {s.name for s in reference.free_symbols if isinstance(s, sympy.Symbol)}
    indices = sorted(names - set(sizes) - set(labels))
    out = numpy.empty(shape)
    for position in numpy.ndindex(shape):
        arrays = dict(zip(labels, inputs, strict=True))
        row = position[0]
        arrays = {
            label: array[row] if kernel.kind == "rowsum" or label == "x" else array
            for label, array in arrays.items()
        }
        values = {**sizes, **{name: e + 1 for name, e in zip(indices, position[1:])}}
        out[position] = document_value(reference, values, arrays)
    return out


@kernel_kind("dense", template="layer.j2", inputs=sample_inputs)
@kernel_kind("pointwise", template="layer.j2", inputs=sample_inputs)
@kernel_kind("rowsum", template="layer.j2", inputs=sample_inputs)
def check_layer(kernel, numpy_module, numba_module) -> list:
    rng, sample = numpy.random.default_rng(29), kind(kernel.kind).inputs
    inputs, small = sample(kernel, rng), sample(kernel, rng, small=True)
    forward = getattr(numpy_module, f"{kernel.name}_forward")
    backward = getattr(numpy_module, f"{kernel.name}_backward")
    dout, small_dout = (rng.standard_normal(forward(*x).shape) for x in (inputs, small))
    outputs, symbols = _symbolic_output(kernel, small)
    engine = (backward(small_dout, *small), symbolic_gradient(outputs, symbols, small, small_dout))
    y = forward(*small)
    document = ([y], [_document_forward(kernel, small, y.shape)])
    modules = (numpy_module, numba_module)
    return standard_checks(
        kernel, modules, inputs, dout, floats=(0, 1), engine=engine, document=document
    )
