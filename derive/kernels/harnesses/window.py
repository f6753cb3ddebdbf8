"""Harness for 1-D windows (the NN library's correlation and convolution), in both modes:
seeded rows, the unrolled symbolic forward of a few rows composed from the forward blocks
(bounds and indices evaluated, summands substituted), and the document's definitions.

Besides the forward against its definition, the 'valid' correlation's backward is checked
against the gradients the document proves (7f.backward.dx, 7f.backward.dw): the 'full'
convolution conv_full of dout with w, and the 'valid' correlation corr_valid_dw of x with
dout. The kernel's gradients come from the engine's own derivative, so this confirms that
the padding it derived is the one the document proves.
"""

from __future__ import annotations

import numpy
import sympy

from derive.kernels.kernelcheck import (
    Check,
    at,
    document_value,
    relative_error,
    standard_checks,
    symbolic_gradient,
    symbols_like,
)
from derive.kernels.kinds import kernel_kind, kind

MODES = ("valid", "full")
SIZES = {"batch": 3, "n": 7, "k": 3}
SMALL = {"batch": 2, "n": 4, "k": 2}


def window_inputs(rng, sizes: dict, dtype=numpy.float64) -> list:
    """(x, w): `batch` rows of length n and a filter of length k."""
    x = rng.standard_normal((sizes["batch"], sizes["n"]))
    return [x.astype(dtype), rng.standard_normal(sizes["k"]).astype(dtype)]


def sample_inputs(kernel, rng, dtype=numpy.float64, *, small: bool = False) -> list:
    """The harness's sample: `window_inputs` at SIZES (small: SMALL)."""
    return window_inputs(rng, SMALL if small else SIZES, dtype)


def _integer(kernel, block: str, values: dict) -> dict:
    """The integer outputs of a bound or index block at the given values."""
    found = dict(values)
    for name, expr in kernel.block(block).outputs:
        found[name] = int(
            sympy.sympify(expr).xreplace({s: found[s.name] for s in expr.free_symbols})
        )
    return found


def _symbolic_output(kernel, inputs, mode: str):
    """The forward, composed as the template composes it: per row and tap, its positions."""
    symbols = [symbols_like(f"x{k}", a.shape) for k, a in enumerate(inputs)]
    x, w = symbols
    sizes = _integer(kernel, f"{mode}_shape", {"n": x.shape[1], "k": len(w)})
    term = kernel.block(f"{mode}_forward").outputs[0][1]
    out = numpy.zeros((len(x), sizes["width"]), object)
    for row, t in numpy.ndindex(len(x), len(w)):
        bounds = _integer(kernel, f"{mode}_forward_range", {**sizes, "t": t})
        for s in range(bounds["s_lo"], bounds["s_hi"] + 1):
            j = _integer(kernel, f"{mode}_forward_index", {**sizes, "t": t, "s": s})
            out[row, s] += at(term, {"x_i": x[row, j["j_x"]], "w_i": w[j["j_w"]]})
    return out, symbols


def _document(kernel, name: str, arrays: dict, width: int) -> numpy.ndarray:
    """Reference `name` of the kernel at every 0-based output position s of one row."""
    reference = dict(kernel.reference)[name]
    sizes = {"n": len(arrays["x"]), "k": len(arrays["w"])}
    return numpy.array([document_value(reference, {**sizes, "s": s}, arrays) for s in range(width)])


def _document_forward(kernel, inputs, mode: str, width: int) -> numpy.ndarray:
    x, w = inputs
    return numpy.array([_document(kernel, f"{mode}_y", {"x": r, "w": w}, width) for r in x])


def _proved_gradients(kernel, module, inputs, dout) -> list[Check]:
    """The valid correlation's backward against conv_full and corr_valid_dw (7f.backward.*)."""
    x, w = inputs
    dx, dw = getattr(module, f"{kernel.name}_backward")(dout, x, w, mode="valid")
    rows = [{"x": r, "w": w, "dout": g} for r, g in zip(x, dout, strict=True)]
    expected_dx = numpy.array([_document(kernel, "conv_full", a, x.shape[1]) for a in rows])
    expected_dw = sum(_document(kernel, "corr_valid_dw", a, len(w)) for a in rows)
    what = "backward vs the gradients the document proves (conv_full, corr_valid_dw)"
    error = relative_error([dx, dw], [expected_dx, expected_dw])
    bound = kind(kernel.kind).tolerances.document
    return [Check(kernel.name, f"{what} (mode=valid)", error, bound)]


@kernel_kind("window", template="window.j2", inputs=sample_inputs)
def check_window(kernel, numpy_module, numba_module) -> list:
    rng, sample = numpy.random.default_rng(31), kind(kernel.kind).inputs
    inputs, small = sample(kernel, rng), sample(kernel, rng, small=True)
    forward = getattr(numpy_module, f"{kernel.name}_forward")
    backward = getattr(numpy_module, f"{kernel.name}_backward")
    checks = []
    for mode in MODES:
        dout = rng.standard_normal(forward(*inputs, mode=mode).shape)
        y = forward(*small, mode=mode)
        small_dout = rng.standard_normal(y.shape)
        outputs, symbols = _symbolic_output(kernel, small, mode)
        engine = (
            backward(small_dout, *small, mode=mode),
            symbolic_gradient(outputs, symbols, small, small_dout),
        )
        document = ([y], [_document_forward(kernel, small, mode, y.shape[1])])
        checks += standard_checks(
            kernel,
            (numpy_module, numba_module),
            inputs,
            dout,
            floats=(0, 1),
            engine=engine,
            document=document,
            mode=mode,
        )
    if "conv_full" in dict(kernel.reference):
        dout = rng.standard_normal(forward(*inputs, mode="valid").shape)
        checks += _proved_gradients(kernel, numpy_module, inputs, dout)
    return checks
