# GENERATED from derive/documents/ggnn_readout.py by `derive generate`. Do not edit.
"""Kernels for GGNN graph-level readout (forum thread 'Understanding math notation'): NumPy.

ggnn_readout: GGNN graph-level readout over a batch of graphs (a graph index per node).
"""

import numpy

CHUNK = 1024  # steps per chunk of the scan backward (see scan.j2)
_FLOATS = (numpy.float32, numpy.float64)


def _array(name, value, axes, sizes, dtype=None):
    """`value` as an array with the named axes; a mismatch raises ValueError naming it."""
    array = numpy.asarray(value)
    expected = "(" + ", ".join(axes) + ("," if len(axes) == 1 else "") + ")"
    if array.ndim != len(axes):
        got = f"got shape {array.shape}"
        count = "1 dimension" if len(axes) == 1 else f"{len(axes)} dimensions"
        raise ValueError(f"{name}: expected {count} {expected}, {got}")
    for axis, size in zip(axes, array.shape, strict=True):
        if sizes.setdefault(axis, size) != size:
            known = f"{axis} = {sizes[axis]}"
            raise ValueError(f"{name}: expected shape {expected} with {known}, got {array.shape}")
    if array.dtype.type not in _FLOATS or (dtype is not None and array.dtype != dtype):
        wanted = dtype or "float32 or float64"
        raise ValueError(f"{name}: expected dtype {wanted}, got {array.dtype}")
    return array


def _masked(conditions, branches, *operands):
    """Evaluate each branch of a Piecewise only on the entries its condition selects."""
    operands = numpy.broadcast_arrays(*operands)
    out = numpy.empty(operands[0].shape, numpy.result_type(*operands))
    remaining = numpy.ones(out.shape, bool)
    for condition, branch in zip((*conditions, True), branches, strict=True):
        mask = remaining & numpy.broadcast_to(condition, out.shape)
        out[mask] = branch(*(operand[mask] for operand in operands))
        remaining &= ~mask
    return out


def _ggnn_readout_inputs(h, x, graph, W_i, b_i, W_j, b_j, graphs):
    """The float arrays validated, the graph index as int64, and the number of graphs."""
    sizes = {}
    h = _array("h", h, ('nodes', 'D'), sizes)
    dtype = h.dtype
    sizes["2D"] = 2 * sizes["D"]
    x = _array("x", x, ('nodes', 'D'), sizes, dtype)
    W_i = _array("W_i", W_i, ('D', '2D'), sizes, dtype)
    b_i = _array("b_i", b_i, ('D',), sizes, dtype)
    W_j = _array("W_j", W_j, ('D', '2D'), sizes, dtype)
    b_j = _array("b_j", b_j, ('D',), sizes, dtype)
    graph = numpy.asarray(graph)
    if graph.shape != (sizes["nodes"],):
        expected = f"(nodes,) with nodes = {sizes['nodes']}"
        raise ValueError(f"graph: expected shape {expected}, got {graph.shape}")
    if graph.dtype.kind not in "iu":
        raise ValueError(f"graph: expected an integer dtype, got {graph.dtype}")
    if graphs is None:
        graphs = int(graph.max()) + 1 if graph.size else 0
        # An index past the node count would size h_g by it alone (1e12 rows): ask for graphs.
        if graphs > graph.size:
            found = f"largest graph index {graphs - 1} needs {graphs} graphs for {graph.size} nodes"
            raise ValueError(f"graph: {found}; pass graphs= to allow graphs without nodes")
    if isinstance(graphs, bool) or not isinstance(graphs, (int, numpy.integer)) or graphs < 0:
        raise ValueError(f"graphs: expected a non-negative int, got {graphs!r}")
    if graph.size and (graph.min() < 0 or graph.max() >= graphs):
        low, high = graph.min(), graph.max()
        raise ValueError(f"graph: graph indices must lie in [0, {graphs}), got {low}..{high}")
    return h, x, graph.astype(numpy.int64), W_i, b_i, W_j, b_j, int(graphs)


def _ggnn_readout_maps(h, x, W_i, b_i, W_j, b_j):
    """The affine maps i and j of every node: [h_v; x_v] W_iᵀ + b_i and [h_v; x_v] W_jᵀ + b_j."""
    hx = numpy.concatenate([h, x], axis=1)
    return hx, hx @ W_i.T + b_i, hx @ W_j.T + b_j


def ggnn_readout_forward(h, x, graph, W_i, b_i, W_j, b_j, graphs=None):
    """GGNN graph-level readout over a batch of graphs (a graph index per node).
    Equations: i, j, h_g; answer.sum-of-products, code.matmul/corrected.
    h, x: (nodes, D); graph: (nodes,), each node's graph, in [0, graphs) (graphs defaults to
    max(graph) + 1); W_i, W_j: (D, 2D), acting on [h_v; x_v]; b_i, b_j: (D,).
    Returns h_g: (graphs, D); a graph without nodes gets the readout of an empty sum.
    """
    h, x, graph, W_i, b_i, W_j, b_j, graphs = _ggnn_readout_inputs(
        h, x, graph, W_i, b_i, W_j, b_j, graphs
    )
    _, i, j = _ggnn_readout_maps(h, x, W_i, b_i, W_j, b_j)
    _, out = _ggnn_readout_sums(i, j, graph, graphs)
    return out.astype(h.dtype, copy=False)


def ggnn_readout_backward(dout, h, x, graph, W_i, b_i, W_j, b_j, graphs=None):
    """Vector-Jacobian product of ggnn_readout_forward.
    dout: (graphs, D). Returns (dh, dx, dW_i, db_i, dW_j, db_j).
    """
    h, x, graph, W_i, b_i, W_j, b_j, graphs = _ggnn_readout_inputs(
        h, x, graph, W_i, b_i, W_j, b_j, graphs
    )
    sizes = {"graphs": graphs, "D": h.shape[1]}
    dout = _array("dout", dout, ("graphs", "D"), sizes, h.dtype)
    hx, i, j = _ggnn_readout_maps(h, x, W_i, b_i, W_j, b_j)
    s, _ = _ggnn_readout_sums(i, j, graph, graphs)
    di, dj = _ggnn_readout_node_grads(dout, s, i, j, graph)
    dhx = di @ W_i + dj @ W_j
    width = h.shape[1]
    grads = (dhx[:, :width], dhx[:, width:], di.T @ hx, di.sum(axis=0), dj.T @ hx, dj.sum(axis=0))
    return tuple(g.astype(h.dtype, copy=False) for g in grads)


def _ggnn_readout_sums(i, j, graph, graphs):
    """The sum s of each graph's node terms, and its readout."""
    i_vd, j_vd = i, j
    p0 = (
        _masked((i_vd >= 0,), (lambda i_vd: 1/(1 + numpy.exp(-abs(i_vd))), lambda i_vd:
        numpy.exp(-abs(i_vd))/(1 + numpy.exp(-abs(i_vd)))), i_vd)
    )
    term_vd = p0*numpy.tanh(j_vd)
    s_gd = numpy.zeros((graphs, i.shape[1]))
    numpy.add.at(s_gd, graph, term_vd)
    h_g = numpy.tanh(s_gd)
    return s_gd, numpy.broadcast_to(h_g, s_gd.shape)


def _ggnn_readout_node_grads(dout, s, i, j, graph):
    """The gradients of the affine maps i and j of every node."""
    dout_gd, s_gd = dout, s
    ds_gd = dout_gd*(1 - numpy.tanh(s_gd)**2)
    ds_vd, i_vd, j_vd = numpy.broadcast_to(ds_gd, s.shape)[graph], i, j
    p0 = (
        _masked((i_vd >= 0,), (lambda i_vd: 1/(1 + numpy.exp(-abs(i_vd))), lambda i_vd:
        numpy.exp(-abs(i_vd))/(1 + numpy.exp(-abs(i_vd)))), i_vd)
    )
    t0 = numpy.tanh(j_vd)
    t1 = ds_vd*p0
    di_vd = t0*t1*(1 - p0)
    dj_vd = t1*(1 - t0**2)
    return numpy.broadcast_to(di_vd, i.shape), numpy.broadcast_to(dj_vd, j.shape)
