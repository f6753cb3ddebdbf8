"""Harness for attention kernels (GATv2): seeded graphs with self loops, isolated nodes and
repeated edges, and the unrolled symbolic forward of a tiny graph.

The engine's gradient composes the forward blocks (scores, max-shifted softmax, messages,
output) with the projections over a tiny graph, and lets SymPy differentiate it.
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
)
from derive.kernels.kinds import kernel_kind

SLOPE = 0.2


def graph_inputs(
    rng,
    nodes: int,
    features: int,
    width: int,
    edges: int,
    dtype=numpy.float64,
    *,
    heads: int = 1,
    concat: bool = True,
    share_weights: bool = False,
):
    """(x, edge_index, W_l, b_l, W_r, b_r, att, bias); the last node has no incoming edge.

    width is D = heads·C; bias has D entries with concat, else C; with share_weights, W_r
    and b_r are None.
    """
    edge_index = rng.integers(0, max(nodes - 1, 1), (2, edges))
    edge_index[0, :1] = edge_index[1, :1]  # one self loop
    arrays = [
        rng.standard_normal((nodes, features)),
        edge_index,
        rng.standard_normal((width, features)),
        rng.standard_normal(width),
        rng.standard_normal((width, features)),
        rng.standard_normal(width),
        rng.standard_normal(width),
        rng.standard_normal(width if concat else width // heads),
    ]
    if share_weights:
        arrays[4] = arrays[5] = None
    return [a if k == 1 or a is None else a.astype(dtype) for k, a in enumerate(arrays)]


def _symbols(prefix: str, shape) -> numpy.ndarray:
    names = numpy.empty(shape, object)
    for index in numpy.ndindex(shape):
        names[index] = sympy.Symbol(f"{prefix}_{'_'.join(map(str, index))}")
    return names


def _block(kernel, name: str, values: dict):
    ((_, expr),) = kernel.block(name).outputs
    return expr.xreplace({s: values[s.name] for s in expr.free_symbols})


# Options of one check: heads, concat, share_weights, add_self_loops.
SETTINGS = (
    (1, True, False, False),
    (1, True, False, True),
    (2, True, False, True),
    (2, False, True, False),
    (3, False, False, True),
)


def _edges(edge_index, nodes: int, loops: bool):
    sources, targets = edge_index
    if loops:
        keep = sources != targets
        sources = numpy.concatenate([sources[keep], numpy.arange(nodes)])
        targets = numpy.concatenate([targets[keep], numpy.arange(nodes)])
    return sources, targets


def _head(kernel, xl, xr, att, edges, i, columns):
    """One head's α over the edges into i and its aggregated messages, from the blocks."""
    slope = sympy.Float(SLOPE)
    values = lambda j, d: {"xl_d": xl[j, d], "xr_d": xr[i, d], "att_d": att[d]}  # noqa: E731
    scores = [
        sum(_block(kernel, "term", {**values(j, d), "negative_slope": slope}) for d in columns)
        for j in edges
    ]
    weights = [_block(kernel, "weight", {"s_e": s, "m_i": 0}) for s in scores]
    alphas = [_block(kernel, "alpha", {"w_e": w, "Z_i": sum(weights)}) for w in weights]
    return [
        sum(
            _block(kernel, "message", {"alpha_e": a, "xl_d": xl[j, d]})
            for a, j in zip(alphas, edges, strict=True)
        )
        for d in columns
    ]


def _symbolic_output(kernel, inputs, options):
    """The layer's output over symbols for every float input (None where an input is)."""
    heads, concat, shared, loops = options
    x, edge_index, *rest = inputs
    x_s = _symbols("x", x.shape)
    W_l, b_l, W_r, b_r, att, bias = (
        None if a is None else _symbols(f"p{k}", a.shape) for k, a in enumerate(rest)
    )
    xl = x_s.dot(W_l.T) + b_l
    xr = xl if shared else x_s.dot(W_r.T) + b_r
    sources, targets = _edges(edge_index, len(x), loops)
    channels = len(att) // heads
    out = numpy.empty((len(x), len(bias)), object)
    for i in range(len(x)):
        edges = [sources[e] for e in range(len(targets)) if targets[e] == i]
        per_head = [
            _head(kernel, xl, xr, att, edges, i, range(h * channels, h * channels + channels))
            for h in range(heads)
        ]
        totals = [a for h in per_head for a in h] if concat else [sum(c) for c in zip(*per_head)]
        for d, total in enumerate(totals):
            agg = _block(
                kernel, "head_mean", {"total_d": total, "heads_averaged": 1 if concat else heads}
            )
            out[i, d] = _block(kernel, "output", {"agg_d": agg, "bias_d": bias[d]})
    return out, [x_s, W_l, b_l, W_r, b_r, att, bias]


def engine_gradient(kernel, inputs, dout, options) -> list:
    """SymPy's gradient of sum(dout * output) for every float input; None where it is None."""
    outputs, symbols = _symbolic_output(kernel, inputs, options)
    loss = sum(float(g) * o for g, o in zip(dout.ravel(), outputs.ravel(), strict=True))
    present = [s for s in symbols if s is not None]
    flat = [s for block in present for s in block.ravel()]
    arrays = [a for k, a in enumerate(inputs) if k != 1 and a is not None]
    values = [float(v) for a in arrays for v in a.ravel()]
    gradient = sympy.lambdify(flat, [sympy.diff(loss, s) for s in flat], "numpy")(*values)
    grads, offset = [], 0
    for block in symbols:
        if block is None:
            grads.append(None)
            continue
        grads.append(
            numpy.array(gradient[offset : offset + block.size], float).reshape(block.shape)
        )
        offset += block.size
    return grads


@kernel_kind("attention", template="attention.j2", threaded=True, torch="torch_gatv2.py.j2")
def check_attention(kernel, numpy_module, numba_module) -> list[Check]:
    checks = []
    for seed, options in enumerate(SETTINGS):
        checks += _checks(kernel, (numpy_module, numba_module), options, 11 + seed)
    small = graph_inputs(numpy.random.default_rng(29), 4, 2, 2, 6)
    forward = getattr(numpy_module, f"{kernel.name}_forward")
    return [*checks, _document_check(kernel, forward, small)]


def _document_forward(kernel, inputs) -> tuple[numpy.ndarray, list[int]]:
    """The paper's h'_i (the lowering's reference) at every node with incoming edges, and those
    nodes; a node's sources are its neighbours j = 1..N in edge order: one head, edges as
    given, Θ = [b, W]."""
    (_, reference), (x, edges, W_l, b_l, W_r, b_r, att, bias) = kernel.reference[0], inputs
    arrays = {
        "Θ_L": numpy.column_stack([b_l, W_l]),
        "Θ_R": numpy.column_stack([b_r, W_r]),
        "a": att,
        "b": bias,
    }
    rows = [i for i in range(len(x)) if (edges[1] == i).any()]
    out = numpy.empty((len(rows), bias.size))
    for row, i in enumerate(rows):
        sources = edges[0][edges[1] == i]
        sizes = {"N": len(sources), "D": bias.size, "H": x.shape[1], "c": SLOPE}
        found = {**arrays, "h_i": x[i], "h": x[sources]}
        for d in range(bias.size):
            out[row, d] = document_value(reference, {**sizes, "r": d + 1}, found)
    return out, rows


def _document_check(kernel, forward, small) -> Check:
    """The generated forward (one head, no self loops added) against the paper's own."""
    expected, rows = _document_forward(kernel, small)
    actual = forward(*small, negative_slope=SLOPE, add_self_loops=False)[rows]
    what = "forward vs the document's definitions (add_self_loops=False)"
    return Check(kernel.name, what, relative_error([actual], [expected]), DOCUMENT_TOLERANCE)


def _tag(options) -> str:
    heads, concat, shared, loops = options
    if (heads, concat, shared) == (1, True, False):
        return f"add_self_loops={loops}"
    return f"heads={heads}, concat={concat}, share_weights={shared}, add_self_loops={loops}"


def _checks(kernel, modules, options, seed) -> list[Check]:
    name, (numpy_module, numba_module) = kernel.name, modules
    heads, concat, shared, loops = options
    keywords = {"heads": heads, "concat": concat, "share_weights": shared}
    keywords = {"negative_slope": SLOPE, "add_self_loops": loops, **keywords}
    forward = getattr(numpy_module, f"{name}_forward")
    backward = getattr(numpy_module, f"{name}_backward")
    rng = numpy.random.default_rng(seed)
    shape = {"heads": heads, "concat": concat, "share_weights": shared}
    # C = 4 and 2 for one head, as before heads; 2 and 1 per head for several.
    channels, small_channels = (4, 2) if heads == 1 else (2, 1)
    inputs = graph_inputs(rng, 6, 3, channels * heads, 12, **shape)
    dout = rng.standard_normal((6, inputs[7].size))
    run = lambda *a: forward(*a, **keywords)  # noqa: E731
    grads = backward(dout, *inputs, **keywords)
    positions = [k for k, a in enumerate(inputs) if k != 1 and a is not None]
    fd = central_differences(run, inputs, dout, positions)
    fd = [fd.pop(0) if k in positions else None for k in range(len(inputs)) if k != 1]
    small = graph_inputs(rng, 3, 2, small_channels * heads, 4, **shape)
    small_dout = rng.standard_normal((3, small[7].size))
    small_grads = backward(small_dout, *small, **keywords)
    engine = engine_gradient(kernel, small, small_dout, options)
    # The Numba side goes through save/saved, the NumPy side recomputes: both paths compared.
    numba_forward = getattr(numba_module, f"{name}_forward")
    numba_backward = getattr(numba_module, f"{name}_backward")
    nb_out, saved = numba_forward(*inputs, **keywords, save=True)
    nb = [nb_out, *numba_backward(dout, *inputs, **keywords, saved=saved)]
    single = [a if k == 1 or a is None else a.astype(numpy.float32) for k, a in enumerate(inputs)]
    narrow = [
        numba_forward(*single, **keywords),
        *numba_backward(dout.astype(numpy.float32), *single, **keywords),
    ]
    wide = [run(*inputs), *grads]
    tag = _tag(options)
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
            relative_error(nb, wide),
            NUMBA_TOLERANCE,
        ),
        Check(name, f"float32 vs float64 ({tag})", relative_error(narrow, wide), FLOAT32_TOLERANCE),
    ]
