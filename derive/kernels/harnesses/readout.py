"""Harness for readout kernels (the GGNN readout): seeded batches of graphs with an empty
graph and graphs of one node, and the unrolled symbolic forward of a tiny batch.

The engine's gradient composes the forward blocks (node term, readout) with the affine maps
over a tiny batch and lets SymPy differentiate it; the document check instantiates h_g of
each graph from the document's own definitions.
"""

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

FLOATS = (0, 1, 3, 4, 5, 6)
# (nodes, width, graphs) of the harness's sample, and of the small one the engine unrolls.
SIZES = (7, 3, 4)
SMALL = (4, 2, 3)


def readout_inputs(rng, nodes: int, width: int, graphs: int, dtype=numpy.float64) -> list:
    """(h, x, graph, W_i, b_i, W_j, b_j) for nodes ≥ 1; from 2 graphs on, the last graph has
    no nodes, and from 3 graphs on, graph 0 has exactly one."""
    others = rng.integers(1, graphs - 1, nodes - 1) if graphs > 2 else numpy.zeros(nodes - 1)
    graph = numpy.concatenate([[0], others]).astype(numpy.int64)
    arrays = [
        rng.standard_normal((nodes, width)),
        rng.standard_normal((nodes, width)),
        graph[rng.permutation(nodes)],
        rng.standard_normal((width, 2 * width)),
        rng.standard_normal(width),
        rng.standard_normal((width, 2 * width)),
        rng.standard_normal(width),
    ]
    return [a.astype(dtype) if k in FLOATS else a for k, a in enumerate(arrays)]


def sample_inputs(kernel, rng, dtype=numpy.float64, *, small: bool = False) -> list:
    """The harness's sample: `readout_inputs` at SIZES (small: SMALL)."""
    return readout_inputs(rng, *(SMALL if small else SIZES), dtype)


def _symbolic_output(kernel, inputs, graphs: int):
    h, x, graph, *params = inputs
    symbols = [symbols_like(f"x{k}", inputs[k].shape) for k in FLOATS]
    h_s, x_s, W_i, b_i, W_j, b_j = symbols
    hx = numpy.concatenate([h_s, x_s], axis=1)
    i, j = hx.dot(W_i.T) + b_i, hx.dot(W_j.T) + b_j
    (_, term), (_, readout) = kernel.block("term").outputs[0], kernel.block("readout").outputs[0]
    out = numpy.empty((graphs, h.shape[1]), object)
    for g, d in numpy.ndindex(out.shape):
        s = sum(at(term, {"i_vd": i[v, d], "j_vd": j[v, d]}) for v in numpy.flatnonzero(graph == g))
        out[g, d] = at(readout, {"s_gd": s})
    return out, symbols


def _document_forward(kernel, inputs, graphs: int) -> numpy.ndarray:
    (_, reference), (h, x, graph, W_i, b_i, W_j, b_j) = kernel.reference[0], inputs
    out = numpy.empty((graphs, h.shape[1]))
    for g, d in numpy.ndindex(out.shape):
        nodes = graph == g
        arrays = {"h": h[nodes], "x": x[nodes], "W_i": W_i, "b_i": b_i, "W_j": W_j, "b_j": b_j}
        sizes = {"V": int(nodes.sum()), "D": h.shape[1], "d": d + 1}
        out[g, d] = document_value(reference, sizes, arrays)
    return out


@kernel_kind("readout", template="readout.j2", inputs=sample_inputs)
def check_readout(kernel, numpy_module, numba_module) -> list:
    rng, sample = numpy.random.default_rng(5), kind(kernel.kind).inputs
    (_, width, graphs), (_, small_width, small_graphs) = SIZES, SMALL
    inputs, dout = sample(kernel, rng), rng.standard_normal((graphs, width))
    small = sample(kernel, rng, small=True)
    small_dout = rng.standard_normal((small_graphs, small_width))
    forward = getattr(numpy_module, f"{kernel.name}_forward")
    backward = getattr(numpy_module, f"{kernel.name}_backward")
    outputs, symbols = _symbolic_output(kernel, small, small_graphs)
    floats = [small[k] for k in FLOATS]
    engine = (
        backward(small_dout, *small, graphs=small_graphs),
        symbolic_gradient(outputs, symbols, floats, small_dout),
    )
    y = forward(*small, graphs=small_graphs)
    document = ([y], [_document_forward(kernel, small, small_graphs)])
    return standard_checks(
        kernel,
        (numpy_module, numba_module),
        inputs,
        dout,
        floats=FLOATS,
        engine=engine,
        document=document,
        graphs=graphs,
    )
