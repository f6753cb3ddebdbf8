"""Harness for attention kernels (GATv2): seeded graphs with self loops, isolated nodes and
repeated edges, and the unrolled symbolic forward of a tiny graph.

The engine's gradient composes the forward blocks (scores, max-shifted softmax, messages,
output) with the projections over a tiny graph, and lets SymPy differentiate it.
"""

from __future__ import annotations

import numpy
import sympy

from derive.kernelcheck import (
    ENGINE_TOLERANCE,
    FD_TOLERANCE,
    FLOAT32_TOLERANCE,
    NUMBA_TOLERANCE,
    Check,
    central_differences,
    harness,
    relative_error,
)

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


def _symbolic_output(kernel, inputs, loops: bool):
    x, edge_index, *rest = inputs
    x_s = _symbols("x", x.shape)
    W_l, b_l, W_r, b_r, att, bias = (_symbols(f"p{k}", a.shape) for k, a in enumerate(rest))
    xl, xr = x_s.dot(W_l.T) + b_l, x_s.dot(W_r.T) + b_r
    sources, targets = edge_index
    if loops:
        keep = sources != targets
        sources = numpy.concatenate([sources[keep], numpy.arange(len(x))])
        targets = numpy.concatenate([targets[keep], numpy.arange(len(x))])
    out = numpy.empty((len(x), len(att)), object)
    for i in range(len(x)):
        edges = [sources[e] for e in range(len(targets)) if targets[e] == i]
        scores = [
            sum(
                _block(
                    kernel,
                    "term",
                    {
                        "xl_d": xl[j, d],
                        "xr_d": xr[i, d],
                        "att_d": att[d],
                        "negative_slope": sympy.Float(SLOPE),
                    },
                )
                for d in range(len(att))
            )
            for j in edges
        ]
        weights = [_block(kernel, "weight", {"s_e": s, "m_i": 0}) for s in scores]
        total = sum(weights)
        alphas = [_block(kernel, "alpha", {"w_e": w, "Z_i": total}) for w in weights]
        for d in range(len(att)):
            agg = sum(
                _block(kernel, "message", {"alpha_e": a, "xl_d": xl[j, d]})
                for a, j in zip(alphas, edges, strict=True)
            )
            out[i, d] = _block(kernel, "output", {"agg_d": agg, "bias_d": bias[d]})
    return out, [x_s, W_l, b_l, W_r, b_r, att, bias]


def engine_gradient(kernel, inputs, dout, loops: bool) -> list:
    outputs, symbols = _symbolic_output(kernel, inputs, loops)
    loss = sum(float(g) * o for g, o in zip(dout.ravel(), outputs.ravel(), strict=True))
    flat = [s for block in symbols for s in block.ravel()]
    arrays = [a for k, a in enumerate(inputs) if k != 1]
    values = [float(v) for a in arrays for v in a.ravel()]
    gradient = sympy.lambdify(flat, [sympy.diff(loss, s) for s in flat], "numpy")(*values)
    grads, offset = [], 0
    for a in arrays:
        grads.append(numpy.array(gradient[offset : offset + a.size], float).reshape(a.shape))
        offset += a.size
    return grads


@harness("attention")
def check_attention(kernel, numpy_module, numba_module) -> list[Check]:
    checks = []
    for loops in (False, True):
        checks += _checks(kernel, numpy_module, numba_module, loops, f"add_self_loops={loops}")
    return checks


def _checks(kernel, numpy_module, numba_module, loops, tag) -> list[Check]:
    name = kernel.name
    forward = getattr(numpy_module, f"{name}_forward")
    backward = getattr(numpy_module, f"{name}_backward")
    rng = numpy.random.default_rng(11 + loops)
    inputs = graph_inputs(rng, 6, 3, 4, 12)
    dout = rng.standard_normal((6, 4))
    run = lambda *a: forward(*a, negative_slope=SLOPE, add_self_loops=loops)  # noqa: E731
    grads = backward(dout, *inputs, negative_slope=SLOPE, add_self_loops=loops)
    positions = [k for k in range(len(inputs)) if k != 1]
    fd = central_differences(run, inputs, dout, positions)
    small = graph_inputs(rng, 3, 2, 2, 4)
    small_dout = rng.standard_normal((3, 2))
    small_grads = backward(small_dout, *small, negative_slope=SLOPE, add_self_loops=loops)
    engine = engine_gradient(kernel, small, small_dout, loops)
    # The Numba side goes through save/saved, the NumPy side recomputes: both paths compared.
    nb_out, saved = getattr(numba_module, f"{name}_forward")(*inputs, SLOPE, loops, save=True)
    nb_grads = getattr(numba_module, f"{name}_backward")(dout, *inputs, SLOPE, loops, saved=saved)
    nb = [nb_out, *nb_grads]
    single = [a if k == 1 else a.astype(numpy.float32) for k, a in enumerate(inputs)]
    narrow = [
        getattr(numba_module, f"{name}_forward")(*single, SLOPE, loops),
        *getattr(numba_module, f"{name}_backward")(
            dout.astype(numpy.float32), *single, SLOPE, loops
        ),
    ]
    wide = [run(*inputs), *grads]
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
