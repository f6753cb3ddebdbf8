"""Harness for attention kernels (GATv2): seeded graphs with self loops, isolated nodes and
repeated edges, and the unrolled symbolic forward of a tiny graph.

The engine's gradient composes the forward blocks (scores, max-shifted softmax, messages,
output) with the projections over a tiny graph, and lets SymPy differentiate it.
"""

from __future__ import annotations

import numpy
import sympy

from derive.kernels.kernelcheck import (
    block_value,
    document_check,
    document_value,
    standard_checks,
    symbolic_gradient,
    symbols_like,
)
from derive.kernels.kinds import kernel_kind, kind

SLOPE = 0.2
FLOATS = (0, 2, 3, 4, 5, 6, 7)  # every input but edge_index; W_r and b_r None with share_weights


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


def sample_inputs(
    kernel,
    rng,
    dtype=numpy.float64,
    *,
    small: bool = False,
    heads: int = 1,
    concat: bool = True,
    share_weights: bool = False,
) -> list:
    """The harness's sample: `graph_inputs` of 6 nodes, 3 features and 12 edges (small: 3, 2
    and 4), C = 4 channels per head (small: 2) for one head, 2 (small: 1) for several."""
    nodes, features, edges = (3, 2, 4) if small else (6, 3, 12)
    channels = (2 if small else 4) if heads == 1 else (1 if small else 2)
    shape = {"heads": heads, "concat": concat, "share_weights": share_weights}
    return graph_inputs(rng, nodes, features, channels * heads, edges, dtype, **shape)


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
        sum(block_value(kernel, "term", {**values(j, d), "negative_slope": slope}) for d in columns)
        for j in edges
    ]
    weights = [block_value(kernel, "weight", {"s_e": s, "m_i": 0}) for s in scores]
    alphas = [block_value(kernel, "alpha", {"w_e": w, "Z_i": sum(weights)}) for w in weights]
    return [
        sum(
            block_value(kernel, "message", {"alpha_e": a, "xl_d": xl[j, d]})
            for a, j in zip(alphas, edges, strict=True)
        )
        for d in columns
    ]


def _symbolic_output(kernel, inputs, options):
    """The layer's output over symbols for every float input (None where an input is)."""
    heads, concat, shared, loops = options
    x, edge_index, *rest = inputs
    x_s = symbols_like("x", x.shape)
    W_l, b_l, W_r, b_r, att, bias = (
        None if a is None else symbols_like(f"p{k}", a.shape) for k, a in enumerate(rest)
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
            agg = block_value(
                kernel, "head_mean", {"total_d": total, "heads_averaged": 1 if concat else heads}
            )
            out[i, d] = block_value(kernel, "output", {"agg_d": agg, "bias_d": bias[d]})
    return out, [x_s, W_l, b_l, W_r, b_r, att, bias]


def engine_gradient(kernel, inputs, dout, options) -> list:
    """SymPy's gradient of sum(dout * output) for every float input; None where it is None."""
    outputs, symbols = _symbolic_output(kernel, inputs, options)
    arrays = [a for k, a in enumerate(inputs) if k != 1]
    return symbolic_gradient(outputs, symbols, arrays, dout)


@kernel_kind(
    "attention",
    template="attention.j2",
    inputs=sample_inputs,
    threaded=True,
    gathers=True,
    dense=True,
    workspace=True,
    torch="torch_gatv2.py.j2",
)
def check_attention(kernel, numpy_module, numba_module) -> list:
    modules = (numpy_module, numba_module)
    checks = [c for seed, o in enumerate(SETTINGS) for c in _round(kernel, modules, o, 11 + seed)]
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


def _document_check(kernel, forward, small):
    """The generated forward (one head, no self loops added) against the paper's own."""
    expected, rows = _document_forward(kernel, small)
    actual = forward(*small, negative_slope=SLOPE, add_self_loops=False)[rows]
    return document_check(kernel, [actual], [expected], "add_self_loops=False")


def _tag(options) -> str:
    heads, concat, shared, loops = options
    if (heads, concat, shared) == (1, True, False):
        return f"add_self_loops={loops}"
    return f"heads={heads}, concat={concat}, share_weights={shared}, add_self_loops={loops}"


def _round(kernel, modules, options, seed: int) -> list:
    """The standard checks at one setting of heads, concat, share_weights, add_self_loops;
    the Numba side goes through save/saved, the NumPy side recomputes: both paths compared."""
    heads, concat, shared, loops = options
    shape = {"heads": heads, "concat": concat, "share_weights": shared}
    keywords = {"negative_slope": SLOPE, "add_self_loops": loops, **shape}
    rng, sample = numpy.random.default_rng(seed), kind(kernel.kind).inputs
    inputs = sample(kernel, rng, **shape)
    dout = rng.standard_normal((len(inputs[0]), inputs[7].size))
    small = sample(kernel, rng, small=True, **shape)
    small_dout = rng.standard_normal((len(small[0]), small[7].size))
    backward = getattr(modules[0], f"{kernel.name}_backward")
    engine = (
        backward(small_dout, *small, **keywords),
        engine_gradient(kernel, small, small_dout, options),
    )
    return standard_checks(
        kernel,
        modules,
        inputs,
        dout,
        floats=FLOATS,
        engine=engine,
        document=None,
        saves=True,
        tag=_tag(options),
        **keywords,
    )
