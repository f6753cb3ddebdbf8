"""Lowering of the NN-library document (seed 002) to batched layers: linear, mse, add, and 1-D
correlation and convolution in 'valid' and 'full' modes.

Kernels batch the document's single case over rows (a leading axis); w is shared by the rows.
Every per-entry formula comes from the document's definitions (linear, mse, add, corr_valid,
conv_full) and every backward from the engine's derivative of Σ dout·y, reduced by index
calculus (see derive.engine.indexcalc). For the windows that derivative also fixes which
entries each gradient reads and where it pads with zeros: each forward and gradient is read as
a gather, a sum over the filter's taps of products of (zero-padded) entries at affine indices,
whose indices and bounds are printed like any other expression; templates only loop. The dense
products of `linear` are matrix products, recognised here and refused if the engine's gradients
are not the products the template computes.
"""

from __future__ import annotations

from dataclasses import replace

import sympy
from sympy import Indexed, IndexedBase, Sum

from derive.engine.desugar import fold_windows
from derive.engine.indexcalc import Term, index_zero, interval, normal_terms
from derive.engine.terms import context_of
from derive.kernels.lowering import (
    Argument,
    Block,
    KernelSpec,
    bind,
    body_at,
    definition,
    lowering,
    stable,
    tensor,
    unfolded,
    vjp,
)
from derive.notation.aggregates import Padded

x_c, w_c, ystar_c, dout_c, s_r, ds_r = sympy.symbols("x_c w_c ystar_c dout_c s_r ds_r")
w_rc, dout_r = sympy.symbols("w_rc dout_r")
# 0-based position and tap of a gather; the kernel's signal and filter lengths (k is the
# document's filter length too; the document's n, a vector length, no window reads).
s, t = sympy.symbols("s t", integer=True, nonnegative=True)
n, k = sympy.symbols("n k", integer=True, positive=True)
DOUT = IndexedBase("dout", real=True)  # the upstream gradient: the seed of every VJP
ROWS = ("batch", "n")
# The windows: for each kernel and mode, the document's definition and whether the filter
# is reversed (an interface extension: the document defines neither 'full' correlation nor
# 'valid' convolution, which are conv_full and corr_valid with w reversed).
WINDOWS = {
    "correlate": (("valid", "corr_valid", False), ("full", "conv_full", True)),
    "convolve": (("valid", "corr_valid", True), ("full", "conv_full", False)),
}
# A gather's output and the kernel arrays its operands read, by role.
GATHERS = (("forward", "y_term"), ("dx", "dx_term"), ("dw", "dw_term"))
OPERANDS = {"x": "x_i", "w": "w_i", "dout": "dout_i"}


def _ranges(doc) -> dict:
    return context_of(doc).ranges


def _linear_spec(doc) -> KernelSpec:
    """y = x wᵀ. linear(r) must be Σ_c w[r, c] x[c], and the engine's gradients of
    Σ_r dout[r] linear(r) the products Σ_r dout[r] w[r, c] (dout w) and dout[r] x[c]."""
    r, x, w = definition(doc, "linear").params[0], tensor(doc, "x"), tensor(doc, "w")
    body = body_at(doc, "linear", r)
    c = body.variables[0] if isinstance(body, Sum) else None
    if c is None or body.function != w[r, c] * x[c]:
        raise ValueError(f"nn_library lowering: linear = {body} is not the dense product w x")
    q, j = sympy.Dummy("q", integer=True), sympy.Dummy("j", integer=True)
    ranges = {**_ranges(doc), j: body.limits[0][1:], q: _ranges(doc)[r]}
    total = Sum(DOUT[q] * body.xreplace({r: q}), (q, *ranges[q]))
    dx = sympy.diff(total, x[j]) - Sum(DOUT[q] * w[q, j], (q, *ranges[q]))
    dw = sympy.diff(total, w[r, j]) - DOUT[r] * x[j]
    if not (index_zero(dx, ranges) and index_zero(dw, ranges)):
        raise ValueError("nn_library lowering: the gradients of linear are not dense products")
    term = bind(body.function, tensors={"w": w_rc, "x": x_c})
    grads = vjp({"y": term}, {"y": dout_r}, (x_c, w_rc))
    return KernelSpec(
        name="nn_library_linear",
        kind="dense",
        summary="Linear layer: y = w x for each row x, as the matrix product x wᵀ.",
        labels="linear; 4.forward, 4.backward.dx, 4.gradient.gradient",
        arguments=(Argument("x", ROWS), Argument("w", ("m", "n"))),
        blocks=(
            Block("term", stable([("y_term", term)])),
            Block("term_vjp", stable([("dx_term", grads[x_c]), ("dw_term", grads[w_rc])])),
        ),
        reference=(("y", unfolded(doc, body)),),
    )


def _mse_spec(doc) -> KernelSpec:
    """y = outer(Σ_c term): the squared error of each entry, summed per row, then halved."""
    body = body_at(doc, "mse")
    sums = list(body.atoms(Sum))
    if len(sums) != 1:
        raise ValueError(f"nn_library lowering: expected one sum over entries in mse = {body}")
    term = bind(sums[0].function, tensors={"x": x_c, "y*": ystar_c})
    outer = body.xreplace({sums[0]: s_r})
    if term.has(Indexed) or outer.free_symbols != {s_r}:
        raise ValueError(f"nn_library lowering: mse = {body} is not a function of Σ term(x, y*)")
    outer_grads = vjp({"y": outer}, {"y": dout_r}, (s_r,))
    grads = vjp({"term": term}, {"term": ds_r}, (x_c, ystar_c))
    return KernelSpec(
        name="nn_library_mse",
        kind="rowsum",
        summary="Mean-squared-error layer: y = 1/2 ‖x - y*‖² for each row.",
        labels="mse; 3.forward, 3.dx-general",
        arguments=(Argument("x", ROWS), Argument("y_star", ROWS, label="y*")),
        blocks=(
            Block("term", stable([("term_c", term)])),
            Block("outer", stable([("y_r", outer)])),
            Block("outer_vjp", stable([("ds_r", outer_grads[s_r])])),
            Block("term_vjp", stable([("dx_c", grads[x_c]), ("dystar_c", grads[ystar_c])])),
        ),
        reference=(("y", unfolded(doc, body)),),
    )


def _add_spec(doc) -> KernelSpec:
    index = definition(doc, "add").params[0]
    body = body_at(doc, "add", index)
    term = bind(body, tensors={"x": x_c, "w": w_c})
    if term.has(Indexed):
        raise ValueError(f"nn_library lowering: add = {body} reads more than x and w entrywise")
    grads = vjp({"y": term}, {"y": dout_c}, (x_c, w_c))
    return KernelSpec(
        name="nn_library_add",
        kind="pointwise",
        summary="Add layer: y = x + w for each row x, w shared by the rows.",
        labels="add; 5.forward, 5.backward.gradient, 5.gradient.gradient",
        arguments=(Argument("x", ROWS), Argument("w", ("n",))),
        blocks=(
            Block("term", stable([("y_c", term)])),
            Block("term_vjp", stable([("dx_c", grads[x_c]), ("dw_c", grads[w_c])])),
        ),
        reference=(("y", unfolded(doc, body)),),
    )


def _renamed(expr, signal: str, x: IndexedBase):
    """`expr` with the tensor `signal` read as `x`, in plain and in zero-padded entries."""
    expr = expr.replace(
        lambda e: isinstance(e, Padded) and str(e.args[0].label) == signal,
        lambda e: Padded(x, *e.args[1:]),
    )
    return expr.replace(
        lambda e: isinstance(e, Indexed) and str(e.base.label) == signal,
        lambda e: x[e.indices],
    )


def _window_forward(doc, name: str, reverse: bool):
    """Definition `name` at its index o, its signal read as x and, with `reverse`, its filter
    w[f] read as w[k + 1 - f]: (entry, o)."""
    o, x, w = definition(doc, name).params[0], tensor(doc, "x"), tensor(doc, "w")
    body = body_at(doc, name, o)
    signals = {str(b.label) for b in body.atoms(IndexedBase)} - {"w"}
    if len(signals) != 1:
        raise ValueError(f"nn_library lowering: {name} = {body} is not a window of one signal")
    body = _renamed(body, signals.pop(), x)
    if reverse:
        body = body.replace(
            lambda e: isinstance(e, Indexed) and e.base == w, lambda e: w[k + 1 - e.indices[0]]
        )
    return body, o


def _gather(expr, ranges: dict) -> Term:
    """`expr` in index form as one gather: Σ over one index of a product of entries, each
    window sum the engine leaves folded into a zero-padded entry (over positions, not taps)."""
    grouped = normal_terms(expr, ranges)
    if len(grouped) != 1:
        raise ValueError(f"nn_library lowering: {expr} is not one sum of products")
    ((term, total),) = grouped.values()
    taps_last = sorted(term.bound, key=lambda bound: tuple(bound[1:]) == (1, k))
    term = fold_windows(replace(term, coeff=total, bound=tuple(taps_last)))
    if len(term.bound) != 1 or term.deltas:
        raise ValueError(f"nn_library lowering: {term.rebuild()} is not a gather over one index")
    return term


def _extent(term: Term, out, out_range) -> tuple:
    """The window of x that a forward gather reads: its padded window, or every index it reads."""
    (entry,) = [f for f in term.factors if str(f.args[0].label) == "x"]
    if isinstance(entry, Padded):
        return entry.args[2:]
    return interval(entry.indices[0], {out: out_range, **{v: (a, b) for v, a, b in term.bound}})


def _operand(factor):
    """(label, index, window or None) of a plain or zero-padded entry."""
    if isinstance(factor, Padded):
        return str(factor.args[0].label), factor.args[1], factor.args[2:]
    if isinstance(factor, Indexed) and len(factor.indices) == 1:
        return str(factor.base.label), factor.indices[0], None
    raise ValueError(f"nn_library lowering: {factor} is not an entry of a vector")


def _gather_blocks(prefix: str, output: str, term: Term, out, out_range, sizes: dict):
    """The blocks of one gather: the 0-based range of positions s each tap t reads, the
    0-based index of each operand, and the summand. Rows (x, dout) are read at s + shift(t),
    the filter at an index of t alone; a padded operand bounds s to its window."""
    (inner, lo, hi), *_ = term.bound
    indices = {inner: (lo, hi), out: out_range}
    taps = [index for index, limits in indices.items() if tuple(limits) == (1, k)]
    if len(taps) != 1:
        raise ValueError(f"nn_library lowering: {term.rebuild()} has no single tap over 1..k")
    position = next(index for index in indices if index != taps[0])
    mapping = {taps[0]: t + 1, position: s + 1, **sizes}
    first, last = (sympy.expand(sympy.sympify(v).xreplace(mapping) - 1) for v in indices[position])
    lows, highs, index_lines, scalars = [first], [last], [], {}
    for factor in term.factors:
        label, entry, window = _operand(factor)
        j = sympy.expand(entry.xreplace(mapping) - 1)
        shift = sympy.expand(j - s)
        is_tap = label == "w" and not j.has(s)
        if label not in OPERANDS or not (is_tap or (label != "w" and not shift.has(s))):
            raise ValueError(f"nn_library lowering: {factor} is no filter tap or row entry")
        index_lines.append((f"j_{label}", j))
        scalars[factor] = sympy.Symbol(OPERANDS[label])
        if window is not None:
            lows.append(sympy.expand(window[0].xreplace(mapping) - 1 - shift))
            highs.append(sympy.expand(window[1].xreplace(mapping) - 1 - shift))
    summand = term.coeff * sympy.Mul(*term.factors).xreplace(scalars)
    return [
        Block(f"{prefix}_range", (("s_lo", sympy.Max(*lows)), ("s_hi", sympy.Min(*highs)))),
        Block(f"{prefix}_index", tuple(index_lines)),
        Block(prefix, stable([(output, summand)])),
    ]


def _window_blocks(doc, mode: str, name: str, reverse: bool):
    """The blocks of one mode (its output width and smallest signal, the forward and both
    gradients as gathers), and its forward entry in the kernel's terms, for the harness."""
    entry, out = _window_forward(doc, name, reverse)
    ranges = _ranges(doc)
    forward = _gather(entry, ranges)
    lo, hi = _extent(forward, out, ranges[out])
    (size,) = sympy.sympify(hi).free_symbols - {k}
    if lo != 1:
        raise ValueError(f"nn_library lowering: {name} reads x from {lo}, not 1")
    sizes = {size: sympy.solve(sympy.Eq(hi, n), size)[0]}
    p, f = sympy.Dummy("p", integer=True), sympy.Dummy("f", integer=True)
    ranges = {**ranges, p: (1, hi), f: (1, k)}
    total = Sum(DOUT[out] * entry, (out, *ranges[out]))
    x, w = tensor(doc, "x"), tensor(doc, "w")
    gathers = {
        "forward": (forward, out, ranges[out]),
        "dx": (_gather(sympy.diff(total, x[p]), ranges), p, ranges[p]),
        "dw": (_gather(sympy.diff(total, w[f]), ranges), f, ranges[f]),
    }
    width = sympy.sympify(ranges[out][1]).xreplace(sizes)
    blocks = [Block(f"{mode}_shape", (("width", width), ("n_min", n - sizes[size] + 1)))]
    for which, output in GATHERS:
        blocks += _gather_blocks(f"{mode}_{which}", output, *gathers[which], sizes)
    return blocks, entry.xreplace({out: s + 1, **sizes}), sizes


def _window_spec(doc, kernel: str) -> KernelSpec:
    blocks, references, extensions = [], [], []
    for mode, name, reverse in WINDOWS[kernel]:
        mode_blocks, entry, sizes = _window_blocks(doc, mode, name, reverse)
        blocks += mode_blocks
        references.append((f"{mode}_y", entry))
        if reverse:
            extensions.append(f"mode {mode!r} is {name} with the filter reversed, w[k + 1 - f]")
        elif kernel == "correlate":
            references += _proved_gradients(doc, sizes)
    operation = "x ⊙ w (y_i = Σ_j x_(i+j) w_j)" if kernel == "correlate" else "x ⊗ w"
    return KernelSpec(
        name=f"nn_library_{kernel}",
        kind="window",
        summary=f"1-D {kernel[:-1]}ion {operation} of each row with the filter w.",
        labels="corr_valid, conv_full; 7f.forward, 7f.backward.dx, 7f.backward.dw",
        arguments=(Argument("x", ROWS), Argument("w", ("k",))),
        blocks=tuple(blocks),
        extensions=tuple(extensions),
        reference=tuple(references),
    )


def _proved_gradients(doc, sizes: dict):
    """The gradients of 'valid' correlation the document proves (7f.backward.dx, .dw): the
    'full' convolution conv_full and the 'valid' correlation corr_valid_dw, in the kernel's
    terms (dL/dy is dout; the output index, 1-based, is s + 1)."""
    return [
        (name, _renamed(body_at(doc, name, s + 1), "dL/dy", DOUT).xreplace(sizes))
        for name in ("conv_full", "corr_valid_dw")
    ]


@lowering(
    "nn_library",
    definitions=("add", "conv_full", "corr_valid", "corr_valid_dw", "linear", "mse"),
    tensors=("w", "x", "y*"),
)
def lower_nn_library(doc) -> tuple[KernelSpec, ...]:
    windows = tuple(_window_spec(doc, kernel) for kernel in WINDOWS)
    return (_linear_spec(doc), _mse_spec(doc), _add_spec(doc), *windows)
